package source_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/trail"
)

// The organization layout of the tests below: an organization trail of
// 40 accounts in 3 regions over 32 days, a log file a day in each region
// and the two around midnight in the first (6,400 objects, small ones).
const (
	orgAccounts = 40
	orgRegions  = 3
	orgDays     = 32
	orgID       = "o-scale12345"
)

var orgStart = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

// orgTrail writes the organization layout and uploads it to a new bucket,
// at the bucket's root; dir holds it as uploaded.
func orgTrail(t *testing.T) (dir, bucket string) {
	t.Helper()
	accounts := make([]string, orgAccounts)
	for i := range accounts {
		accounts[i] = fmt.Sprintf("%012d", 200000000000+i*1000003)
	}
	root := t.TempDir()
	_, err := gen.Write(root, gen.Config{
		Seed: 13, Start: orgStart, Days: orgDays, Accounts: accounts,
		Regions: []string{"us-east-1", "eu-west-1", "ap-southeast-2"}[:orgRegions],
		OrgID:   orgID, Prefix: "account", OrgPrefix: "org",
		FilesPerDay: 1, RecordsPerFile: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(root, "org") // the organization trail alone
	_, bucket = sourcetest.BucketOf(t, "", dir)
	return dir, bucket
}

// orgScopes are the windows counted: a day, 30 days, everything.
var orgScopes = []struct {
	name string
	q    trail.Scope
}{
	{"1 day", trail.Scope{Since: orgStart.AddDate(0, 0, 14), Until: orgStart.AddDate(0, 0, 15)}},
	{"30 days", trail.Scope{Since: orgStart.AddDate(0, 0, 1), Until: orgStart.AddDate(0, 0, 31)}},
	{"whole archive", trail.Scope{}},
}

// TestS3Org counts the requests of listings of an organization trail,
// whole and in shards.
func TestS3Org(t *testing.T) {
	dir, bucket := orgTrail(t)
	t.Run("Listing", func(t *testing.T) { orgListing(t, dir, bucket) })
	t.Run("Shards", func(t *testing.T) { orgShards(t, dir, bucket) })
}

// orgListing counts the requests of listings of the organization trail. Whatever the window, the listing takes a request for the root,
// AWSLogs/ and the organization's folder, one for each account's
// CloudTrail/ folder, to find its regions, and one for each region, from
// its window's first day folder to its last: 163, where listing the
// accounts, years, months and days one level at a time took 681 for the
// day, 4,271 for the 30 days and 203 for everything. And it gets what a
// local listing of the same objects gets, each object once: a GET each.
func orgListing(t *testing.T, dir, bucket string) {
	local, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec := sourcetest.NewRecorder(bucket)
	ctx := context.Background()
	src, err := source.NewS3(ctx, bucket, sourcetest.S3Options(t), rec.Option)
	if err != nil {
		t.Fatal(err)
	}
	rec.Requests()
	const lists = 3 + orgAccounts + orgAccounts*orgRegions
	for _, c := range orgScopes {
		t.Run(c.name, func(t *testing.T) {
			got := listed(t, src, c.q, nil)
			want := listed(t, local, c.q, nil)
			if !slices.Equal(got, want) {
				t.Errorf("listed %d objects, a local listing %d:\n%s", len(got), len(want), keyDiff(got, want))
			}
			reqs := rec.Requests()
			if n := sourcetest.Count(reqs, "LIST"); n != lists {
				t.Errorf("%d LIST requests, want %d", n, lists)
			}
			if n := len(reqs) - sourcetest.Count(reqs, "LIST"); n != 0 {
				t.Errorf("%d other requests", n)
			}
			t.Logf("%s: %d LIST requests, %d objects to GET", c.name, lists, len(got))
		})
	}
}

// orgShards lists the organization trail as N shards would, each only
// its share of the day folders: together they list every object once. For
// a day's window, a region's 2 day folders are listed at most once between
// the shards (once, when one shard owns both), and each shard adds only
// the requests that find the accounts and regions: 3 + 40. A wider window
// of a region this quiet fits one request, which each shard that owns a
// day there makes, taking its own days from it; never more.
func orgShards(t *testing.T, dir, bucket string) {
	local, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const find = 3 + orgAccounts // the folders above the regions
	for _, c := range orgScopes {
		want := listed(t, local, c.q, nil)
		for _, n := range []int{1, 4, 16} {
			t.Run(fmt.Sprintf("%s/N=%d", c.name, n), func(t *testing.T) {
				var all []string
				lists := 0
				for i := range n {
					spec := shard.Spec{Index: i, Count: n}
					rec := sourcetest.NewRecorder(bucket)
					src, err := source.NewS3(ctx, bucket, sourcetest.S3Options(t), rec.Option)
					if err != nil {
						t.Fatal(err)
					}
					rec.Requests()
					var share source.Share
					if n > 1 {
						share = spec.Owns
					}
					for _, k := range listed(t, src, c.q, share) {
						if spec.Contains(k) {
							all = append(all, k)
						}
					}
					lists += sourcetest.Count(rec.Requests(), "LIST")
				}
				slices.Sort(all)
				if !slices.Equal(all, want) {
					t.Errorf("the shards listed %d objects, a local listing %d:\n%s", len(all), len(want), keyDiff(all, want))
				}
				regions := orgAccounts * orgRegions
				switch {
				case n == 1 && lists != find+regions:
					t.Errorf("%d LIST requests, want %d", lists, find+regions)
				case c.name == "1 day" && lists > n*find+2*regions:
					t.Errorf("%d LIST requests, want at most %d: the 2 day folders of each region once, and %d for each shard", lists, n*find+2*regions, find)
				case lists > n*(find+regions):
					t.Errorf("%d LIST requests, more than %d shards listing the whole window each", lists, n)
				}
				t.Logf("%s, %d shards: %d LIST requests", c.name, n, lists)
			})
		}
	}
}

// listed lists src's keys in q (and share, when set), sorted, each once.
func listed(t *testing.T, src source.ShareLister, q trail.Scope, share source.Share) []string {
	t.Helper()
	var keys []string
	err := src.ListShare(context.Background(), q, share, func(o source.Object) error {
		if o.Err != nil {
			t.Errorf("%s: %v", o.Key, o.Err)
		}
		keys = append(keys, o.Key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	if len(slices.Compact(slices.Clone(keys))) != len(keys) {
		t.Errorf("some objects listed twice")
	}
	return keys
}

// keyDiff says what got has that want has not, and the reverse, a few of
// each.
func keyDiff(got, want []string) string {
	var b strings.Builder
	n := 0
	for _, k := range got {
		if _, ok := slices.BinarySearch(want, k); !ok && n < 5 {
			b.WriteString("  unexpected " + k + "\n")
			n++
		}
	}
	n = 0
	for _, k := range want {
		if _, ok := slices.BinarySearch(got, k); !ok && n < 5 {
			b.WriteString("  missing    " + k + "\n")
			n++
		}
	}
	return b.String()
}
