package source_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/trail"
)

// TestS3Discovery: a listing from a discovery made for its scope lists
// what a listing that finds the folders itself lists, whole or a shard's
// share, from a root outside the layout, at AWSLogs/ or at an account's
// CloudTrail/ folder; with pages of 2 keys, an account's CloudTrail/ folder
// does not fit a page, nor do the folders above it. A discovery for 3
// copies has them sweep the accounts that fit a page, for all time; one
// for 1,000 has them name their days in the months it found, as they do
// in the other accounts, and in every account for a window with no end
// or no start.
func TestS3Discovery(t *testing.T) {
	dir := t.TempDir()
	sourcetest.WriteTree(t, dir)
	// Logs loose in a CloudTrail/ folder, beside its regions and before
	// them: a sweep finds them with the regions' keys, a listing by level
	// with the regions' folders.
	sourcetest.WriteFiles(t, dir, map[string][]byte{
		"AWSLogs/111122223333/CloudTrail/loose.json":                        sourcetest.Content("loose"),
		"org-trail/AWSLogs/o-exampleorg1/444455556666/CloudTrail/a.json.gz": sourcetest.Content("a"),
		// Beside the date folders of a region and of a year: no day
		// folder a copy names holds them.
		"AWSLogs/444455556666/CloudTrail/eu-west-1/loose.json":      sourcetest.Content("region"),
		"AWSLogs/444455556666/CloudTrail/us-east-1/2026/loose.json": sourcetest.Content("year"),
	})
	_, bucket := sourcetest.BucketOf(t, "trails/", dir)
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2026, 10, d, 0, 0, 0, 0, time.UTC) }
	scopes := []struct {
		name string
		q    trail.Scope
	}{
		{"all time", trail.Scope{}},
		{"a day", trail.Scope{Since: day(2), Until: day(3)}},
		{"no end", trail.Scope{Since: day(2)}},
		{"no start", trail.Scope{Until: day(2)}},
		{"an account and a region", trail.Scope{Accounts: []string{"444455556666"}, Regions: []string{"us-east-1"}}},
		{"a region, for all time", trail.Scope{Regions: []string{"eu-west-1"}}},
	}
	for _, root := range []string{"trails", "trails/AWSLogs", "trails/AWSLogs/111122223333/CloudTrail"} {
		for _, page := range []int32{0, 2} {
			for _, c := range scopes {
				t.Run(fmt.Sprintf("%s/page=%d/%s", root, page, c.name), func(t *testing.T) {
					open := func() *source.Location {
						src, err := source.NewS3(ctx, bucket+"/"+root, sourcetest.S3Options(t))
						if err != nil {
							t.Fatal(err)
						}
						if page > 0 {
							source.SetPageSize(src, page)
						}
						return src
					}
					// The one account named is not below the root.
					empty := strings.HasSuffix(root, "/111122223333/CloudTrail") && len(c.q.Accounts) > 0
					for _, shards := range []int{3, 1000} {
						d, err := open().Discover(ctx, c.q, shards)
						if err != nil {
							t.Fatal(err)
						}
						if d == nil || (len(d.Accounts) == 0) != empty {
							t.Fatalf("discovery for %d shards: %+v", shards, d)
						}
						naming := c.q.Since.IsZero() || c.q.Until.IsZero()
						for _, a := range d.Accounts {
							if (a.Days != nil) != naming || a.Sweep && (shards == 1000 || !c.q.Since.IsZero()) {
								t.Errorf("discovery for %d shards: %s has days %v, sweep %v", shards, a.Folder, a.Days, a.Sweep)
							}
						}
						planned := open()
						if err := planned.UseDiscovery(d); err != nil {
							t.Fatal(err)
						}
						listedFrom(t, open, planned, c.q, empty, shards)
					}
				})
			}
		}
	}
}

// listedFrom checks that planned, listing from a discovery made for
// shards copies, lists what a listing that finds the folders itself
// lists, whole and as each of 3 shards.
func listedFrom(t *testing.T, open func() *source.Location, planned *source.Location, q trail.Scope, empty bool, shards int) {
	t.Helper()
	for _, n := range []int{1, 3} {
		var union []string
		for i := range n {
			var share source.Share
			if n > 1 {
				share = shard.Spec{Index: i, Count: n}.Owns
			}
			want := listed(t, open(), q, share)
			got := listed(t, planned, q, share)
			if !slices.Equal(got, want) {
				t.Errorf("shard %d/%d listed %d objects from the discovery for %d shards, %d without:\n%s", i, n, len(got), shards, len(want), keyDiff(got, want))
			}
			union = append(union, got...)
		}
		if (len(union) == 0) != empty {
			t.Errorf("%d shards listed %d objects", n, len(union))
		}
	}
}

// TestDiscoverNothing: a location whose listing finds nothing before its
// day folders has no discovery, and takes none.
func TestDiscoverNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sourcetest.WriteTree(t, dir)
	_, bucket := uploadTree(t, "")
	found := &source.Discovery{Accounts: []source.AccountFolder{{Folder: "AWSLogs/111122223333/CloudTrail/", Regions: []string{"us-east-1"}}}}
	for _, c := range []struct {
		name    string
		open    func() (*source.Location, error)
		wantErr string
	}{
		{"a local directory", func() (*source.Location, error) { return source.NewDir(dir) }, "a discovery is of an S3 location; a local one is walked whole"},
		{"a region", func() (*source.Location, error) {
			return source.NewS3(ctx, bucket+"/AWSLogs/111122223333/CloudTrail/us-east-1", sourcetest.S3Options(t))
		}, "a discovery is of a prefix above the region folders"},
		{"a day", func() (*source.Location, error) {
			return source.NewS3(ctx, bucket+"/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/", sourcetest.S3Options(t))
		}, "a discovery is of a prefix above the region folders"},
		{"one object", func() (*source.Location, error) {
			return source.NewS3(ctx, bucket+"/exports/old/trail.json.gz", sourcetest.S3Options(t))
		}, "a discovery is of a prefix above the region folders"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src, err := c.open()
			if err != nil {
				t.Fatal(err)
			}
			if d, err := src.Discover(ctx, trail.Scope{}, 2); d != nil || err != nil {
				t.Errorf("Discover = %+v, %v; want nothing", d, err)
			}
			if err := src.UseDiscovery(found); err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("UseDiscovery: %v, want an error containing %q", err, c.wantErr)
			}
			if err := src.UseDiscovery(nil); err != nil {
				t.Errorf("UseDiscovery(nil): %v", err)
			}
		})
	}
}

// TestUseDiscoveryRefuses: a discovery read from a file is checked to
// name folders below the location, in the layout.
func TestUseDiscoveryRefuses(t *testing.T) {
	_, bucket := uploadTree(t, "trails/")
	src, err := source.NewS3(context.Background(), bucket+"/trails", sourcetest.S3Options(t))
	if err != nil {
		t.Fatal(err)
	}
	folder := func(f string, regions ...string) source.AccountFolder {
		return source.AccountFolder{Folder: f, Regions: regions}
	}
	withDays := func(a source.AccountFolder, region string, from, to time.Time) source.AccountFolder {
		a.Days = map[string][]source.DayRun{region: {{From: from, To: to}}}
		return a
	}
	acct := "trails/AWSLogs/111122223333/CloudTrail/"
	oct1, oct2 := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
	name := "s3://" + bucket + "/trails"
	tests := []struct {
		name    string
		d       source.Discovery
		wantErr string
	}{
		{"fits", source.Discovery{Accounts: []source.AccountFolder{folder("trails/AWSLogs/o-exampleorg1/111122223333/CloudTrail/", "us-east-1")},
			Others: []source.Listed{{Key: "trails/exports/old/trail.json.gz"}}}, ""},
		{"another prefix", source.Discovery{Accounts: []source.AccountFolder{folder("other/AWSLogs/111122223333/CloudTrail/", "us-east-1")}},
			name + `: discovery: "other/AWSLogs/111122223333/CloudTrail/" is not an account's CloudTrail/ folder below it`},
		{"a region folder", source.Discovery{Accounts: []source.AccountFolder{folder("trails/AWSLogs/111122223333/CloudTrail/us-east-1/", "2026")}},
			`is not an account's CloudTrail/ folder below it`},
		{"an account folder", source.Discovery{Accounts: []source.AccountFolder{folder("trails/AWSLogs/111122223333/", "CloudTrail")}},
			`is not an account's CloudTrail/ folder below it`},
		{"digests", source.Discovery{Accounts: []source.AccountFolder{folder("trails/AWSLogs/111122223333/CloudTrail-Digest/", "us-east-1")}},
			`is not an account's CloudTrail/ folder below it`},
		{"a path for a region", source.Discovery{Accounts: []source.AccountFolder{folder("trails/AWSLogs/111122223333/CloudTrail/", "us-east-1/2026")}},
			`discovery: "us-east-1/2026" in trails/AWSLogs/111122223333/CloudTrail/ is not a region folder's name`},
		{"no region name", source.Discovery{Accounts: []source.AccountFolder{folder("trails/AWSLogs/111122223333/CloudTrail/", "")}},
			`discovery: "" in trails/AWSLogs/111122223333/CloudTrail/ is not a region folder's name`},
		{"days", source.Discovery{Accounts: []source.AccountFolder{withDays(folder(acct, "us-east-1"), "us-east-1", oct1, oct2)}, WalkedAt: oct2}, ""},
		{"days of another region", source.Discovery{Accounts: []source.AccountFolder{withDays(folder(acct, "us-east-1"), "eu-west-1", oct1, oct2)}, WalkedAt: oct2},
			name + `: discovery: days of "eu-west-1", which is not a region of ` + acct},
		{"days, not when found", source.Discovery{Accounts: []source.AccountFolder{withDays(folder(acct, "us-east-1"), "us-east-1", oct1, oct2)}},
			name + `: discovery: days of ` + acct + `, but not when they were found`},
		{"days backwards", source.Discovery{Accounts: []source.AccountFolder{withDays(folder(acct, "us-east-1"), "us-east-1", oct2, oct1)}, WalkedAt: oct2},
			name + `: discovery: days of us-east-1 in ` + acct + ` run backwards`},
		{"an object elsewhere", source.Discovery{Others: []source.Listed{{Key: "elsewhere/trail.json.gz"}}},
			name + `: discovery: object "elsewhere/trail.json.gz" is not below it`},
		{"the root as an object", source.Discovery{Others: []source.Listed{{Key: "trails/"}}}, `object "trails/" is not below it`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := src.UseDiscovery(&tt.d)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("UseDiscovery: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("UseDiscovery: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
