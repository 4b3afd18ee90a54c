package scan_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/internal/reference"
	"github.com/trailscan/trailscan/pkg/parse"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// archive writes a generated archive with every awkward case once per test
// binary: two trails logging the same events, three partitions, damaged
// files, events delivered in the next day's folder.
var archive = sync.OnceValues(func() (generated, error) {
	dir, err := tempDir()
	if err != nil {
		return generated{}, err
	}
	m, err := gen.Write(dir, gen.Config{
		Seed:           7,
		Days:           3,
		Accounts:       []string{"111122223333", "444455556666", "777788889999"},
		Partitions:     map[string]string{"777788889999": "aws-us-gov"},
		Regions:        []string{"us-east-1", "eu-west-1"},
		OrgID:          "o-a1b2c3d4e5",
		Prefix:         "acct",
		OrgPrefix:      "org",
		FilesPerDay:    2,
		RecordsPerFile: 40,
		SupportRate:    0.05,
		Damaged:        true,
	})
	return generated{dir, m}, err
})

type generated struct {
	dir string
	m   gen.Manifest
}

func setup(t *testing.T) (string, gen.Manifest) {
	t.Helper()
	a, err := archive()
	if err != nil {
		t.Fatal(err)
	}
	return a.dir, a.m
}

func run(t *testing.T, dir string, cfg scan.Config) summarize.Result {
	t.Helper()
	src, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := scan.Run(context.Background(), []source.Source{src}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sum.Result()
}

// TestArchive checks a whole scan against what the generator wrote.
func TestArchive(t *testing.T) {
	dir, m := setup(t)
	r := run(t, dir, scan.Config{Jobs: 2})
	if r.FilesScanned != m.ValidFiles || r.EventsScanned != m.Records {
		t.Errorf("files %d, events %d; want %d, %d", r.FilesScanned, r.EventsScanned, m.ValidFiles, m.Records)
	}
	var failed []string
	for _, f := range r.FilesFailed {
		rel, _ := filepath.Rel(dir, f.Path)
		failed = append(failed, filepath.ToSlash(rel))
		if f.Error == "" {
			t.Errorf("%s failed without a reason", f.Path)
		}
	}
	if !slices.Equal(failed, m.DamagedFiles) {
		t.Errorf("failed files %v, want %v", failed, m.DamagedFiles)
	}
	checkCalls(t, r, m.Support)
}

// checkCalls compares a result with the Support events it should count.
func checkCalls(t *testing.T, r summarize.Result, want []gen.Event) {
	t.Helper()
	if r.EventsMatched != len(want) {
		t.Errorf("events_matched = %d, want %d", r.EventsMatched, len(want))
	}
	type key struct{ svc, action string }
	type tally struct{ count, errors int }
	got, exp := map[key]tally{}, map[key]tally{}
	for _, s := range r.Services {
		for _, a := range s.Actions {
			got[key{s.Service, a.Action}] = tally{a.Count, a.Errors}
		}
	}
	accounts, regions := map[string]bool{}, map[string]bool{}
	for _, e := range want {
		k := key{e.Source, e.Name}
		tl := exp[k]
		tl.count++
		if e.ErrorCode != "" {
			tl.errors++
		}
		exp[k] = tl
		accounts[e.Account], regions[e.Region] = true, true
	}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("actions:\n got %v\nwant %v", got, exp)
	}
	if !slices.Equal(r.Accounts, keys(accounts)) || !slices.Equal(r.Regions, keys(regions)) {
		t.Errorf("accounts %v regions %v; want %v %v", r.Accounts, r.Regions, keys(accounts), keys(regions))
	}
	if len(want) > 0 {
		first, last := summarize.Format(want[0].Time), summarize.Format(want[len(want)-1].Time)
		if r.FirstSeen != first || r.LastSeen != last {
			t.Errorf("seen %s..%s, want %s..%s", r.FirstSeen, r.LastSeen, first, last)
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestWindows scans each day, and the edges of days, on its own: events
// delivered in the next day's folder must still count on their own day.
func TestWindows(t *testing.T) {
	dir, m := setup(t)
	day := m.FirstEvent.Truncate(24 * time.Hour)
	windows := []struct{ since, until time.Time }{
		{day, day.AddDate(0, 0, 1)},
		{day.AddDate(0, 0, 1), day.AddDate(0, 0, 2)},
		{day.AddDate(0, 0, 2), day.AddDate(0, 0, 3)},
		{day.Add(23 * time.Hour), day.Add(25 * time.Hour)},
		{day.Add(30 * time.Hour), time.Time{}},
		{time.Time{}, day.Add(47*time.Hour + 55*time.Minute)},
	}
	for _, w := range windows {
		t.Run(fmt.Sprintf("%s..%s", w.since.Format(time.RFC3339), w.until.Format(time.RFC3339)), func(t *testing.T) {
			scope := trail.Scope{Since: w.since, Until: w.until}
			var want []gen.Event
			for _, e := range m.Support {
				if (w.since.IsZero() || !e.Time.Before(w.since)) && (w.until.IsZero() || e.Time.Before(w.until)) {
					want = append(want, e)
				}
			}
			checkCalls(t, run(t, dir, scan.Config{Scope: scope}), want)
		})
	}
}

// TestAccountRegion restricts a scan to one account and one region.
func TestAccountRegion(t *testing.T) {
	dir, m := setup(t)
	scope := trail.Scope{Accounts: []string{"444455556666"}, Regions: []string{"eu-west-1"}}
	var want []gen.Event
	for _, e := range m.Support {
		if e.Account == "444455556666" && e.Region == "eu-west-1" {
			want = append(want, e)
		}
	}
	if len(want) == 0 {
		t.Fatal("the archive has no Support event in the scope: the test would prove nothing")
	}
	checkCalls(t, run(t, dir, scan.Config{Scope: scope}), want)
}

// TestReferenceDecoder scans the archive with the encoding/json decoder and
// with the streaming one, at 1 and 2 workers and by each of its paths: the
// results must be equal.
func TestReferenceDecoder(t *testing.T) {
	dir, _ := setup(t)
	want := withoutReasons(run(t, dir, scan.WithRecords(scan.Config{Jobs: 1}, reference.Records)))
	for _, c := range []struct {
		name string
		cfg  scan.Config
	}{
		{"jobs 1", scan.Config{Jobs: 1}},
		{"jobs 2", scan.Config{Jobs: 2}},
		{"slow path", scan.Config{Jobs: 2, Parse: parse.Options{Path: parse.Slow}}},
		{"no index", scan.Config{Jobs: 2, Parse: parse.Options{NoIndex: true}}},
	} {
		got := withoutReasons(run(t, dir, c.cfg))
		if !reflect.DeepEqual(got, want) {
			g, _ := json.MarshalIndent(got, "", " ")
			w, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("%s: streaming result differs from the reference: %s", c.name, firstDiff(string(g), string(w)))
		}
	}
}

// withoutReasons blanks the reasons of failed files, which the two decoders
// word differently.
func withoutReasons(r summarize.Result) summarize.Result {
	for i := range r.FilesFailed {
		r.FilesFailed[i].Error = ""
	}
	return r
}

// firstDiff shows where two long texts part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-200)
	return fmt.Sprintf("\n got ...%s\nwant ...%s", a[from:min(len(a), i+200)], b[from:min(len(b), i+200)])
}

// TestSelectAndDone checks the hooks incremental runs and shards use: every
// listed object is offered to Select, and every selected one reported once
// to Done.
func TestSelectAndDone(t *testing.T) {
	dir, m := setup(t)
	var offered, done int
	var failed int
	run(t, dir, scan.Config{
		Select: func(source.Object) bool { offered++; return offered%2 == 0 },
		Done: func(o source.Object, err error) {
			done++
			if err != nil {
				failed++
			}
		},
	})
	if offered != m.ValidFiles+len(m.DamagedFiles) || done != offered/2 {
		t.Errorf("offered %d, done %d; want %d, %d", offered, done, m.ValidFiles+len(m.DamagedFiles), offered/2)
	}
}

func TestCancel(t *testing.T) {
	dir, _ := setup(t)
	src, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := scan.Run(ctx, []source.Source{src}, scan.Config{}); err == nil {
		t.Fatal("a cancelled scan returned no error")
	}
}

// TestCountAhead counts what a scan will read, and its size, on any
// source (one that is not a local directory too), keeping what a Select
// keeps; a source that cannot be listed leaves the count unknown.
func TestCountAhead(t *testing.T) {
	dir, m := setup(t)
	src, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var all, org, allBytes, orgBytes int64
	inOrg := func(o source.Object) bool { return strings.HasPrefix(o.Key, "org/") }
	src.List(context.Background(), trail.Scope{}, func(o source.Object) error {
		all, allBytes = all+1, allBytes+o.Size
		if inOrg(o) {
			org, orgBytes = org+1, orgBytes+o.Size
		}
		return nil
	})
	if all != int64(m.ValidFiles+len(m.DamagedFiles)) || org == 0 || org == all || allBytes == 0 {
		t.Fatalf("listed %d objects (%d bytes), %d of them in org/: the test proves nothing", all, allBytes, org)
	}
	for _, c := range []struct {
		name        string
		srcs        []source.Source
		keep        func(source.Object) bool
		want, bytes int64
	}{
		{"local", []source.Source{src}, nil, all, allBytes},
		{"a Select", []source.Source{src}, inOrg, org, orgBytes},
		{"a source that is not local", []source.Source{src, stalling{}}, nil, all + 1, allBytes + 5},
		{"a source that cannot be listed", []source.Source{src, unlistable{}}, nil, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := scan.Config{Progress: new(scan.Progress), Select: c.keep}
			scan.CountAhead(context.Background(), c.srcs, cfg)
			if n, b := cfg.Progress.Total.Load(), cfg.Progress.TotalBytes.Load(); n != c.want || b != c.bytes {
				t.Errorf("counted %d objects of %d bytes, want %d of %d", n, b, c.want, c.bytes)
			}
		})
	}
}

// TestProgressCounts: a scan's progress counts each Support call once,
// however many trails' files hold it; the listing's size; and the bytes
// parsed, once decompressed.
func TestProgressCounts(t *testing.T) {
	dir, m := setup(t)
	if m.Records <= m.Events {
		t.Fatal("no event is logged twice: the test proves nothing")
	}
	// Damaged files inflate only in part, or not at all.
	damaged := map[string]bool{}
	for _, f := range m.DamagedFiles {
		damaged[f] = true
	}
	var p scan.Progress
	r := run(t, dir, scan.Config{Jobs: 2, Progress: &p, Select: func(o source.Object) bool { return !damaged[o.Key] }})
	if got := p.Matched.Load(); got != int64(len(m.SupportEventIDs)) || got != int64(r.EventsMatched) {
		t.Errorf("progress counted %d Support calls; want %d, as the result does (%d)", got, len(m.SupportEventIDs), r.EventsMatched)
	}
	if got := p.Inflated.Load(); got != m.Bytes {
		t.Errorf("progress counted %d bytes decompressed, want %d", got, m.Bytes)
	}
	if p.Listed.Load() != int64(m.ValidFiles) || p.ListedBytes.Load() != p.Bytes.Load() || !p.ListingDone.Load() {
		t.Errorf("listed %d objects of %d bytes (done %v), read %d bytes; want %d objects, all their bytes",
			p.Listed.Load(), p.ListedBytes.Load(), p.ListingDone.Load(), p.Bytes.Load(), m.ValidFiles)
	}
}

// TestCallSource scans one account of the account trail and the
// organization trail (which logs it again, with another account) as two
// sources: each call names the source its file was listed from, where
// evidence opens it again, whichever copy of it was kept.
func TestCallSource(t *testing.T) {
	dir, m := setup(t)
	var srcs []source.Source
	for _, trail := range []string{"acct/AWSLogs/111122223333", "org"} {
		src, err := source.NewDir(filepath.Join(dir, filepath.FromSlash(trail)))
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	sum, err := scan.Run(context.Background(), srcs, scan.Config{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	calls := sum.Calls()
	want := 0
	for _, e := range m.Support {
		if e.Account != "777788889999" { // in another partition: not in the organization trail
			want++
		}
	}
	if len(calls) != want {
		t.Fatalf("%d calls, want %d", len(calls), want)
	}
	from := map[string]int{}
	for _, c := range calls {
		if want := filepath.Join(c.Source, filepath.FromSlash(c.Key)); c.File != want {
			t.Errorf("call %s: read from %s, but source %q and key %q are %s", c.ID, c.File, c.Source, c.Key, want)
		}
		from[c.Source]++
	}
	if len(from) != len(srcs) {
		t.Errorf("calls by source %v: want calls from each of %v", from, srcs)
	}
}

// TestCancelLastObject cancels while the last object is being read, after
// the listing has ended: the scan must report the cancel, not a result
// with the object listed as damaged.
func TestCancelLastObject(t *testing.T) {
	opened := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-opened; cancel() }()
	sum, err := scan.Run(ctx, []source.Source{stalling{opened}}, scan.Config{Jobs: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, %v; want context.Canceled", sum, err)
	}
}

// stalling is a source of one object whose read waits for the scan to be
// cancelled, like a stalled network read.
type stalling struct{ opened chan struct{} }

func (stalling) String() string { return "stalling" }

func (stalling) List(ctx context.Context, q trail.Scope, fn func(source.Object) error) error {
	return fn(source.Object{Key: "k.json", Path: "k.json", Size: 5})
}

// unlistable is a source whose listing fails.
type unlistable struct{ stalling }

func (unlistable) List(context.Context, trail.Scope, func(source.Object) error) error {
	return errors.New("access denied")
}

func (s stalling) Open(ctx context.Context, o source.Object) (io.ReadCloser, error) {
	close(s.opened)
	return io.NopCloser(ctxReader{ctx}), nil
}

type ctxReader struct{ ctx context.Context }

func (r ctxReader) Read([]byte) (int, error) {
	<-r.ctx.Done()
	return 0, r.ctx.Err()
}

// TestLatencyHidden scans a source whose answers take a while to start, as
// S3's do: more objects are in flight than there are decoders, so that
// they do not wait; never more than -j; and the answer is the same.
func TestLatencyHidden(t *testing.T) {
	const files = 200
	for _, c := range []struct {
		jobs   int
		fewest int // most in flight at once, at least
		most   int
	}{
		{jobs: 0, fewest: 2 * runtime.NumCPU(), most: scan.MaxInFlight},
		{jobs: 4, fewest: 1, most: 4},
		{jobs: 1, fewest: 1, most: 1},
	} {
		t.Run(fmt.Sprintf("jobs=%d", c.jobs), func(t *testing.T) {
			src := &slow{files: files, wait: 5 * time.Millisecond}
			sum, err := scan.Run(context.Background(), []source.Source{src}, scan.Config{Jobs: c.jobs})
			if err != nil {
				t.Fatal(err)
			}
			if res := sum.Result(); res.FilesScanned != files || len(res.FilesFailed) != 0 {
				t.Errorf("%d files scanned, %d failed; want %d and none", res.FilesScanned, len(res.FilesFailed), files)
			}
			if most := src.most.Load(); most < int64(c.fewest) || most > int64(c.most) {
				t.Errorf("%d objects in flight at most, want %d to %d", most, c.fewest, c.most)
			}
		})
	}
}

// slow is a source of empty logs whose Open waits before it answers, and
// that counts the objects open at once.
type slow struct {
	files int
	wait  time.Duration
	open  atomic.Int64
	most  atomic.Int64
}

func (*slow) String() string { return "slow" }

func (s *slow) List(ctx context.Context, q trail.Scope, fn func(source.Object) error) error {
	for i := range s.files {
		key := fmt.Sprintf("f%03d.json", i)
		if err := fn(source.Object{Key: key, Path: key}); err != nil {
			return err
		}
	}
	return nil
}

func (s *slow) Open(ctx context.Context, o source.Object) (io.ReadCloser, error) {
	n := s.open.Add(1)
	for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
	}
	time.Sleep(s.wait)
	return &closer{Reader: strings.NewReader(`{"Records":[]}`), open: &s.open}, nil
}

type closer struct {
	io.Reader
	open *atomic.Int64
}

func (c *closer) Close() error { c.open.Add(-1); return nil }
