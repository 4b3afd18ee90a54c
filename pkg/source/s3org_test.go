package source_test

import (
	"cmp"
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
	t.Run("Plan", func(t *testing.T) { orgPlan(t, dir, bucket) })
}

// orgListing counts the requests of listings of the organization trail.
// Whatever the window, the listing takes a request for the root,
// AWSLogs/ and the organization's folder. For a window of more than a
// week, and for all time, each account's CloudTrail/ folder, which holds
// the account's 160 objects, all its regions, is listed in one request:
// 43. For a day's window each account's CloudTrail/ is listed to find its
// regions, and each region from its window's first day folder to its
// last: 163. Listing the accounts, years, months and days one level at a
// time took 681 for the day, 4,271 for the 30 days and 203 for
// everything. And the listing gets what a local listing of the same
// objects gets, each object once: a GET each.
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
	for _, c := range orgScopes {
		t.Run(c.name, func(t *testing.T) {
			lists := 3 + orgAccounts
			if !c.q.Since.IsZero() {
				lists += orgAccounts * orgRegions
			}
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

// orgN are the numbers of shards counted.
var orgN = []int{1, 4, 16}

// orgShardLists are the LIST requests of orgShards, at N = 1, 4, 16, by
// page size and window.
var orgShardLists = []orgShardList{
	{0, "1 day", [3]int{163, 385, 921}},
	{0, "30 days", [3]int{163, 652, 2339}},
	{0, "whole archive", [3]int{43, 4 * 43, 16 * 43}},
	{20, "1 day", [3]int{164, 389, 937}},
	{20, "30 days", [3]int{404, 1586, 3738}},
	{20, "whole archive", [3]int{444, 1783, 7523}},
}

type orgShardList struct {
	page  int32
	scope string
	lists [3]int
}

// orgScope is the window of orgScopes so named.
func orgScope(t *testing.T, name string) trail.Scope {
	t.Helper()
	for _, s := range orgScopes {
		if s.name == name {
			return s.q
		}
	}
	t.Fatalf("no window %q", name)
	return trail.Scope{}
}

// orgShards lists the organization trail as N shards would, each only
// its share of the day folders: together they list every object once.
// Without a plan (see orgPlan) each shard must find the accounts and
// their regions itself, and in accounts this quiet, for all time,
// finding them is listing them: every shard makes the 43 requests of one
// listing and takes its own days from the answers, N x 43 in all, where
// each shard made 163 before. For a day's window each shard finds the regions (43)
// and names its own of the regions' 2 day folders, which the shards list
// once between them (at most 240): N x 43 + 120 to 240.
//
// With pages of 20 keys, an account's CloudTrail/ folder does not fit one
// answer, nor does a region's window, as in a busy organization (a region
// of 3 objects a day then spans 7 days a page; one of 288 a day spans 3.5
// days of 1,000 keys): the answer's first region is taken from it, the
// others are found (a request more an account and shard) and listed. For
// a day's window the shards name their own day folders, listed once
// between them: N x 84 + 120. For wider windows each shard reads a region
// on a page at a time or names its own days, whichever the first page
// says costs less; a region listed by N shards costs at least the fewer
// of N times its pages and its days.
func orgShards(t *testing.T, dir, bucket string) {
	local, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range orgShardLists {
		q := orgScope(t, c.scope)
		want := listed(t, local, q, nil)
		for j, n := range orgN {
			t.Run(fmt.Sprintf("page=%d/%s/N=%d", c.page, c.scope, n), func(t *testing.T) {
				all, lists := listShards(t, n, q, func() (source.ShareLister, *sourcetest.Recorder) {
					rec := sourcetest.NewRecorder(bucket)
					src, err := source.NewS3(ctx, bucket, sourcetest.S3Options(t), rec.Option)
					if err != nil {
						t.Fatal(err)
					}
					if c.page > 0 {
						source.SetPageSize(src, c.page)
					}
					return src, rec
				})
				slices.Sort(all)
				if !slices.Equal(all, want) {
					t.Errorf("the shards listed %d objects, a local listing %d:\n%s", len(all), len(want), keyDiff(all, want))
				}
				if lists != c.lists[j] {
					t.Errorf("%d LIST requests, want %d", lists, c.lists[j])
				}
				t.Logf("page %d, %s, %d shards: %d LIST requests", c.page, c.scope, n, lists)
			})
		}
	}
}

// listed lists src's keys in q (and share, when set), sorted, each once.
// listShards lists q as each of n shards would, each from the source
// open returns, with the recorder of its requests, and returns the keys
// each shard keeps of what it lists, together, and the LIST requests the
// shards made.
func listShards(t *testing.T, n int, q trail.Scope, open func() (source.ShareLister, *sourcetest.Recorder)) (keys []string, lists int) {
	t.Helper()
	for i := range n {
		spec := shard.Spec{Index: i, Count: n}
		src, rec := open()
		rec.Requests()
		var share source.Share
		if n > 1 {
			share = spec.Owns
		}
		for _, k := range listed(t, src, q, share) {
			if spec.Contains(k) {
				keys = append(keys, k)
			}
		}
		lists += sourcetest.Count(rec.Requests(), "LIST")
	}
	return keys, lists
}

func listed(t *testing.T, src source.ShareLister, q trail.Scope, share source.Share) []string {
	t.Helper()
	list := func(each func(source.Object) error) error { return src.ListShare(context.Background(), q, share, each) }
	return sourcetest.Keys(t, "ListShare", list, func(o source.Object) {
		if o.Err != nil {
			t.Errorf("%s: %v", o.Key, o.Err)
		}
	})
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

// pages is how many listing pages of size page (0: S3's 1,000) hold n
// keys.
func pages(n int, page int32) int {
	size := cmp.Or(int(page), 1000)
	return max(1, (n+size-1)/size)
}

// orgPlan lists the organization trail as N shards would from one
// discovery, made once for them all (a plan): it costs what orgShards's
// first shard spends finding the accounts and regions, 3 + A requests
// (a request more for each page of accounts past the first),
// where the shards of orgShards spend N times that. In a busy archive,
// for all time, a discovery spends A more: the sweep of an account
// (one request for its CloudTrail/ folder, see orgShards) does not hold
// it, and the rest of its regions are found by level.
//
// From the discovery each shard lists what it would have listed once it
// found them, so for a window with an end the total is orgShards's less
// N - 1 discoveries: at most the discovery and every day folder of the
// window listed once, a bound that does not grow with N. A day's window
// reaches 2 day folders a region, so its total grows by at most R (one
// more request a region) from 1 shard to any number of them; wider
// windows grow with N until each shard names its own days, as the shares
// are spread by hash (see orgShards).
//
// For all time, a plan for more than one shard also finds each region's
// days (see source.AccountFolder.Days), and each shard names its own
// among them, as for a window: the total never exceeds the discovery and
// each day folder listed once, with those from the plan's day to today's
// (in which a month folder may have appeared since), whatever N. In a
// busy archive that costs the discovery 3 requests a region more (the
// region, its year, its newest month). Accounts that fit a page hold
// their days in the discovery's sweep, at no cost, and the shards sweep
// them still, one request each, while that costs no more than naming
// their days; past that many shards (orgManyN), they name them too.
func orgPlan(t *testing.T, dir, bucket string) {
	local, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	open := func(t *testing.T, rec *sourcetest.Recorder, page int32) *source.Location {
		t.Helper()
		src, err := source.NewS3(ctx, bucket, sourcetest.S3Options(t), rec.Option)
		if err != nil {
			t.Fatal(err)
		}
		if page > 0 {
			source.SetPageSize(src, page)
		}
		rec.Requests()
		return src
	}
	perAccount := len(listed(t, local, trail.Scope{}, nil)) / orgAccounts
	for _, c := range orgShardLists {
		q := orgScope(t, c.scope)
		want := listed(t, local, q, nil)
		days := map[string]bool{} // the window's day folders
		for _, k := range want {
			days[k[:strings.LastIndexByte(k, '/')]] = true
		}
		// The root, AWSLogs/ and the organization's folder, which names
		// the accounts a page at a time; then each account's CloudTrail/.
		discovery := 2 + pages(orgAccounts, c.page) + orgAccounts
		onePage := pages(perAccount, c.page) == 1
		allTime := q.Since.IsZero() && q.Until.IsZero()
		if allTime && !onePage {
			discovery += orgAccounts
		}
		ns := orgN
		if allTime {
			ns = append(slices.Clip(ns), orgManyN)
		}
		for j, n := range ns {
			t.Run(fmt.Sprintf("page=%d/%s/N=%d", c.page, c.scope, n), func(t *testing.T) {
				planned := discovery
				if allTime && n > 1 && !onePage {
					planned += 3 * orgAccounts * orgRegions
				}
				// One client for the discovery and every shard, one after
				// another: a client each would leave the server a pool of
				// idle connections each, too many for 128.
				rec := sourcetest.NewRecorder(bucket)
				d, err := open(t, rec, c.page).Discover(ctx, q, n)
				if err != nil {
					t.Fatal(err)
				}
				if got := sourcetest.Count(rec.Requests(), "LIST"); got != planned {
					t.Errorf("the discovery made %d LIST requests, want %d", got, planned)
				}
				if d.Regions() != orgAccounts*orgRegions || len(d.Others) != 0 {
					t.Errorf("the discovery found %d regions and %d other objects, want %d and none", d.Regions(), len(d.Others), orgAccounts*orgRegions)
				}
				all, lists := listShards(t, n, q, func() (source.ShareLister, *sourcetest.Recorder) {
					src := open(t, rec, c.page)
					if err := src.UseDiscovery(d); err != nil {
						t.Fatal(err)
					}
					return src, rec
				})
				lists += planned
				slices.Sort(all)
				if !slices.Equal(all, want) {
					t.Errorf("the shards listed %d objects, a local listing %d:\n%s", len(all), len(want), keyDiff(all, want))
				}
				// The days from the plan's to today's, in each region: none
				// of the archive's.
				later := 0
				if !d.WalkedAt.IsZero() {
					later = dayCount(d.WalkedAt, time.Now())
				}
				bound := planned + len(days) + orgAccounts*orgRegions*later
				switch sweepLimit := orgRegions * (len(days)/(orgAccounts*orgRegions) + later); {
				case !allTime:
					if wantLists := c.lists[j] - (n-1)*discovery; lists != wantLists {
						t.Errorf("%d LIST requests, want %d", lists, wantLists)
					}
					if bound = discovery + len(days); !q.Until.IsZero() && lists > bound {
						t.Errorf("%d LIST requests, more than the discovery (%d) and each of the window's %d day folders once", lists, discovery, len(days))
					}
				case n == 1 && onePage:
					if lists != discovery+orgAccounts {
						t.Errorf("%d LIST requests, want %d: the discovery, and a sweep of each account", lists, discovery+orgAccounts)
					}
				case n == 1:
					if lists != c.lists[0] {
						t.Errorf("%d LIST requests, want %d, as without a plan", lists, c.lists[0])
					}
				case onePage && n <= sweepLimit:
					if lists != discovery+n*orgAccounts {
						t.Errorf("%d LIST requests, want %d: the discovery, and each shard's sweep of each account", lists, discovery+n*orgAccounts)
					}
				case lists > bound:
					t.Errorf("%d LIST requests, more than the discovery (%d), each of the %d day folders once, and %d days after them in each region", lists, planned, len(days), later)
				}
				t.Logf("page %d, %s, %d shards: %d LIST requests (discovery %d), %d without a plan, at most %d", c.page, c.scope, n, lists, planned, c.listsAt(j), bound)
			})
		}
	}
}

// orgManyN is a number of shards for all time past which a shard no
// longer sweeps an account that fits a page: more than the day folders
// of its regions.
const orgManyN = 128

// listsAt is orgShards's count at orgN[j], or -1 past them.
func (c orgShardList) listsAt(j int) int {
	if j < len(c.lists) {
		return c.lists[j]
	}
	return -1
}

// dayCount counts the days from a's to b's, both counted.
func dayCount(a, b time.Time) int {
	return int(b.UTC().Truncate(24*time.Hour).Sub(a.UTC().Truncate(24*time.Hour)).Hours()/24) + 1
}
