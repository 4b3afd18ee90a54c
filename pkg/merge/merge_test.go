package merge

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/report"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

var (
	archiveOnce sync.Once
	archiveDir  string
	archiveMan  gen.Manifest
	archiveErr  error
)

// archive is a generated archive with an account trail and an
// organization trail logging the same events under other prefixes,
// damaged files, and events around midnight delivered the next day.
func archive(t *testing.T) (string, gen.Manifest) {
	t.Helper()
	archiveOnce.Do(func() {
		archiveDir, archiveErr = mkdirTemp()
		if archiveErr != nil {
			return
		}
		archiveMan, archiveErr = gen.Write(archiveDir, gen.Config{
			Seed: 11, Days: 3,
			Accounts:    []string{"111122223333", "444455556666", "777788889999"},
			Regions:     []string{"us-east-1", "eu-west-1"},
			Weights:     map[string]int{"444455556666": 3},
			OrgID:       "o-a1b2c3d4e5",
			Prefix:      "acct-trail",
			OrgPrefix:   "org-trail",
			FilesPerDay: 2, RecordsPerFile: 30, Damaged: true,
		})
	})
	if archiveErr != nil {
		t.Fatal(archiveErr)
	}
	return archiveDir, archiveMan
}

// scanOnce runs a scan of dir, limited to spec's share, and returns its
// summary and the keys of the objects it read.
func scanOnce(t *testing.T, dir string, scope trail.Scope, spec *shard.Spec) (*summarize.Summary, []source.Source, []string) {
	t.Helper()
	src, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	cfg := scan.Config{Jobs: 2, Scope: scope, Done: func(o source.Object, _ error) { keys = append(keys, o.Key) }}
	if spec != nil {
		cfg.Select = spec.Select
	}
	srcs := []source.Source{src}
	sum, err := scan.Run(context.Background(), srcs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sum, srcs, keys
}

// roundTrip writes a shard's partial result as scan --shard -f json does,
// and reads it back as merge does.
func roundTrip(t *testing.T, name string, sum *summarize.Summary, o summarize.Origin) Part {
	t.Helper()
	return readBack(t, name, sum.Result(summarize.WithOrigin(o), summarize.WithCalls()))
}

// readBack writes res as -f json does, and reads it back as a part named
// name.
func readBack(t *testing.T, name string, res summarize.Result) Part {
	t.Helper()
	var buf bytes.Buffer
	if err := report.JSON(&buf, res); err != nil {
		t.Fatal(err)
	}
	p, err := Read(name, &buf)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIdentity checks that for several N the merge of the shards is the
// full scan, and that every object is read by exactly one shard.
func TestIdentity(t *testing.T) {
	dir, man := archive(t)
	if len(man.DamagedFiles) == 0 || man.Records <= man.Events {
		t.Fatalf("archive lacks damaged files (%d) or duplicated events (%d records, %d events)", len(man.DamagedFiles), man.Records, man.Events)
	}
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	scopes := map[string]trail.Scope{
		"all": {},
		// A window ending and starting at midnight: its first events
		// were delivered in the day before's folder, its last in the next.
		"day 2":                  {Since: start.AddDate(0, 0, 1), Until: start.AddDate(0, 0, 2)},
		"one account and region": {Accounts: []string{"444455556666"}, Regions: []string{"eu-west-1"}},
	}
	for name, scope := range scopes {
		full, _, fullKeys := scanOnce(t, dir, scope, nil)
		want := full.Result()
		if want.EventsMatched == 0 || name == "all" && len(want.FilesFailed) == 0 {
			t.Fatalf("%s: full scan found %d calls, %d failed files: the test proves nothing", name, want.EventsMatched, len(want.FilesFailed))
		}
		for _, n := range []int{1, 2, 3, 7} {
			t.Run(fmt.Sprintf("%s/N=%d", name, n), func(t *testing.T) {
				reads := map[string]int{}
				var parts []Part
				for i := range n {
					spec := shard.Spec{Index: i, Count: n}
					sum, srcs, keys := scanOnce(t, dir, scope, &spec)
					for _, k := range keys {
						reads[k]++
					}
					parts = append(parts, roundTrip(t, fmt.Sprintf("part-%d.json", i), sum, Origin(srcs, scope, spec, "", "test")))
				}
				if len(reads) != len(fullKeys) {
					t.Errorf("shards read %d objects, the full scan %d", len(reads), len(fullKeys))
				}
				for _, k := range fullKeys {
					if reads[k] != 1 {
						t.Errorf("%s read by %d shards, want 1", k, reads[k])
					}
				}
				m, err := Merge(parts, Options{})
				if err != nil {
					t.Fatal(err)
				}
				got := m.Result()
				if got.Scan == nil || got.Scan.Shards != n || len(got.Scan.Parts) != n {
					t.Errorf("merged origin = %+v, want %d parts", got.Scan, n)
				}
				got.Scan = nil
				if !reflect.DeepEqual(got, want) {
					t.Errorf("merge differs from the full scan:\n got %+v\nwant %+v", got, want)
				}
				if !reflect.DeepEqual(m.Summary.Snapshot(), full.Snapshot()) {
					t.Errorf("merged summary differs from the full scan's")
				}
			})
		}
	}
}

// TestMergeCountsOnce checks that an event in two parts (an account
// trail's copy delivered before midnight, the organization trail's after)
// counts once, with the first file in sort order, as in one scan.
func TestMergeCountsOnce(t *testing.T) {
	t0 := time.Date(2026, 10, 1, 23, 58, 0, 0, time.UTC)
	call := summarize.Call{Event: summarize.Event{ID: "e1", Time: t0, Service: "ec2.amazonaws.com", Action: "DescribeInstances", Account: "111122223333", Region: "us-east-1"},
		Session: "AWSSupport-1", ReadOnly: true}
	mk := func(i int, file string, c ...summarize.Call) Part {
		s := summarize.New()
		for j := range c {
			c[j].File = file
		}
		s.AddFile(10, c, nil)
		return roundTrip(t, fmt.Sprintf("p%d", i), s, Origin(nil, trail.Scope{}, shard.Spec{Index: i, Count: 2}, "", "test"))
	}
	other := call
	other.ID, other.Action, other.ReadOnly = "e2", "TerminateInstances", false
	m, err := Merge([]Part{mk(1, "org/b.json.gz", call), mk(0, "acct/a.json.gz", call, other)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := m.Result()
	if r.EventsMatched != 2 || r.EventsScanned != 20 || r.FilesScanned != 2 {
		t.Errorf("merged %d calls, %d events, %d files; want 2, 20, 2", r.EventsMatched, r.EventsScanned, r.FilesScanned)
	}
	if calls := m.Summary.Calls(); calls[0].File != "acct/a.json.gz" {
		t.Errorf("the call is kept from %s, want the first file in sort order", calls[0].File)
	}
}

// fromPlan sets the plan a part's shard listed from.
func fromPlan(id string) func(*summarize.Origin) {
	return func(o *summarize.Origin) { o.Plan = id }
}

func TestMergeRefuses(t *testing.T) {
	part := func(name, spec string, edit func(*summarize.Origin)) Part {
		s := summarize.New()
		s.AddFile(1, []summarize.Call{{Event: summarize.Event{ID: "e-" + name, Time: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Service: "s", Action: "a"}}}, nil)
		sp, err := shard.Parse(spec, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		o := Origin(nil, trail.Scope{Since: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}, sp, "", "v1.0.0")
		o.Sources = []string{"s3://bucket/logs"}
		if edit != nil {
			edit(&o)
		}
		return roundTrip(t, name, s, o)
	}
	tests := []struct {
		name    string
		parts   []Part
		opts    Options
		wantErr string
	}{
		{"same part twice", []Part{part("a.json", "0/2", nil), part("b.json", "1/2", nil), part("a.json", "0/2", nil)}, Options{},
			"a.json and a.json are both shard 0/2: the same part given twice"},
		{"same shard in two files", []Part{part("a.json", "0/2", nil), part("c.json", "0/2", nil), part("b.json", "1/2", nil)}, Options{},
			"a.json and c.json are both shard 0/2"},
		{"different N", []Part{part("a.json", "0/2", nil), part("b.json", "1/3", nil)}, Options{},
			"a.json is shard 0/2 but b.json is shard 1/3: parts of different splits"},
		{"different sources", []Part{part("a.json", "0/2", nil), part("b.json", "1/2", func(o *summarize.Origin) { o.Sources = []string{"s3://other/logs"} })}, Options{},
			"a.json scanned s3://bucket/logs but b.json scanned s3://other/logs: parts of different sources"},
		{"different window", []Part{part("a.json", "0/2", nil), part("b.json", "1/2", func(o *summarize.Origin) { o.Scope.Since = time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC) })}, Options{},
			"a.json scanned since 2026-10-01T00:00:00Z but b.json scanned since 2026-10-02T00:00:00Z: parts of different scopes"},
		{"different accounts", []Part{part("a.json", "0/2", nil), part("b.json", "1/2", func(o *summarize.Origin) { o.Scope.Accounts = []string{"111122223333"} })}, Options{},
			"b.json scanned since 2026-10-01T00:00:00Z accounts 111122223333: parts of different scopes"},
		{"different versions", []Part{part("a.json", "0/2", nil), part("b.json", "1/2", func(o *summarize.Origin) { o.Version = "v1.1.0" })}, Options{},
			"a.json was written by trailscan v1.0.0 but b.json by trailscan v1.1.0"},
		{"different plans", []Part{part("a.json", "0/2", fromPlan("sha256:aa")), part("b.json", "1/2", fromPlan("sha256:bb"))}, Options{},
			"a.json was listed from plan sha256:aa but b.json from plan sha256:bb: shards of one scan list from one plan, or all without"},
		{"a plan and none", []Part{part("a.json", "0/2", nil), part("b.json", "1/2", fromPlan("sha256:bb"))}, Options{},
			"a.json was listed from no plan but b.json from plan sha256:bb"},
		{"incomplete", []Part{part("a.json", "0/3", nil), part("c.json", "2/3", nil)}, Options{},
			"2 of 3 shards given (a.json (0/3), c.json (2/3)); missing 1/3"},
		{"incomplete allowed", []Part{part("a.json", "0/3", nil), part("c.json", "2/3", nil)}, Options{Incomplete: true}, ""},
		{"none", nil, Options{}, "no parts to merge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Merge(tt.parts, tt.opts)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if missing := m.Origin.Missing(); strings.Join(missing, ",") != "1/3" || strings.Join(m.Origin.Parts, ",") != "0/3,2/3" || m.Result().EventsMatched != 2 {
					t.Errorf("incomplete merge: missing %v, parts %v, %d calls", missing, m.Origin.Parts, m.Result().EventsMatched)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Merge: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestReadRefuses(t *testing.T) {
	tests := []struct{ name, in, wantErr string }{
		{"not JSON", "Files: 3 scanned", "read x.json: not a JSON result"},
		{"a full scan's result", `{"events_scanned": 3, "events_matched": 0}`, "read x.json: not a partial result"},
		{"bad shard", `{"scan": {"shard": "4/4"}}`, `read x.json: shard "4/4": not i/N`},
		{"newer format", `{"scan": {"shard": "0/4", "format": 99, "version": "v9"}}`, "written by trailscan v9 in format 99, newer than"},
		{"calls cut", `{"events_matched": 2, "calls": [{"event_id": "a"}], "scan": {"shard": "0/4", "format": 1}}`, "lists 1 calls but counts 2"},
	}
	for _, tt := range tests {
		_, err := Read("x.json", strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: Read: %v, want an error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

// TestReadsFormat1 merges testdata/v1-part-*-of-2.json, written by the
// last release before one serialised summary, from this directory:
//
//	trailscan scan --shard i/2 --since 2026-10-02 --until 2026-10-04 --region eu-west-1,us-east-1 \
//	    --account 459474012442,139967081385 -f json -o testdata/v1-part-i-of-2.json ../../testdata/sample/archive
//
// The merge must be what a full scan gives, and print what that release's
// merge printed (testdata/v1-merged.json).
func TestReadsFormat1(t *testing.T) {
	var parts []Part
	for i := range 2 {
		p, err := ReadFile(fmt.Sprintf("testdata/v1-part-%d-of-2.json", i))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p)
	}
	m, err := Merge(parts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	scope := trail.Scope{
		Since:    time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC),
		Until:    time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC),
		Accounts: []string{"459474012442", "139967081385"},
		Regions:  []string{"eu-west-1", "us-east-1"},
	}
	full, _, _ := scanOnce(t, "../../testdata/sample/archive", scope, nil)
	want := full.Snapshot()
	if len(want.Calls) == 0 || len(want.Authorizations) == 0 || len(want.Failed) == 0 {
		t.Fatalf("the scope holds %d calls, %d authorizations, %d failed files: the test proves nothing", len(want.Calls), len(want.Authorizations), len(want.Failed))
	}
	for i := range want.Calls {
		want.Calls[i].Source = ""       // format 1 did not record each call's source
		want.Calls[i].ErrorMessage = "" // nor its error message
		// nor what it touched
		want.Calls[i].Resources, want.Calls[i].ResourcesMore = nil, 0
		want.Calls[i].RequestParameters, want.Calls[i].RequestParametersCut, want.Calls[i].RequestParametersBytes = "", false, 0
	}
	// Format 1 did not count the files that held nothing in scope: its
	// parts have none, which never makes a merge look empty.
	want.FilesOutOfScope = 0
	// Nor did it keep the Support API calls naming a case (CreateCase
	// names one in its response).
	want.CaseCalls = nil
	if !reflect.DeepEqual(m.Summary.Snapshot(), want) {
		t.Errorf("merged summary differs from the full scan's:\n got %+v\nwant %+v", m.Summary.Snapshot(), want)
	}
	var got bytes.Buffer
	if err := report.JSON(&got, m.Result()); err != nil {
		t.Fatal(err)
	}
	printed, err := os.ReadFile("testdata/v1-merged.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), printed) {
		t.Errorf("the merge prints otherwise than format 1's did:\n--- got\n%s\n--- want\n%s", got.Bytes(), printed)
	}
}

// group merges parts as trailscan merge --part does, and reads the result
// back as a part.
func group(t *testing.T, name string, parts ...Part) Part {
	t.Helper()
	m, err := Merge(parts, Options{Incomplete: true})
	if err != nil {
		t.Fatal(err)
	}
	return readBack(t, name, m.Result(summarize.WithCalls()))
}

// TestMergeTree merges 16 shards as a tree: 4 groups of 4 (shards taken
// across the split, not in runs), then the groups; and a group with the
// shards it lacks. Every format of the result is byte for byte one merge
// of the 16.
func TestMergeTree(t *testing.T) {
	dir, _ := archive(t)
	const n = 16
	var shards []Part
	for i := range n {
		spec := shard.Spec{Index: i, Count: n}
		sum, srcs, _ := scanOnce(t, dir, trail.Scope{}, &spec)
		shards = append(shards, roundTrip(t, fmt.Sprintf("part-%d.json", i), sum, Origin(srcs, trail.Scope{}, spec, "", "test")))
	}
	var groups []Part
	for g := range 4 {
		var members []Part
		for i := g; i < n; i += 4 {
			members = append(members, shards[i])
		}
		groups = append(groups, group(t, fmt.Sprintf("group-%d.json", g), members...))
	}
	if got := strings.Join(groups[1].Origin.Parts, ","); got != "1/16,5/16,9/16,13/16" {
		t.Errorf("group 1 holds %s, want shards 1, 5, 9 and 13", got)
	}
	nested := group(t, "groups-0-1.json", groups[0], groups[1])
	trees := map[string][]Part{
		"4 groups of 4":             groups,
		"a group and the rest":      append([]Part{groups[0]}, slices.DeleteFunc(slices.Clone(shards), func(p Part) bool { return p.shards[0]%4 == 0 })...),
		"a group of groups, and 2":  {nested, groups[2], groups[3]},
		"the groups in other order": {groups[3], groups[1], groups[0], groups[2]},
	}
	want := printed(t, shards)
	if !strings.Contains(want["table"], "by AWS Support") || !strings.Contains(want["json"], `"shards": 16`) {
		t.Fatalf("one merge of 16 printed:\n%s", want["table"])
	}
	for name, parts := range trees {
		t.Run(name, func(t *testing.T) {
			got := printed(t, parts)
			for _, f := range report.Formats {
				if got[f] != want[f] {
					t.Errorf("%s differs from one merge of 16:\n%s", f, firstDiff(got[f], want[f]))
				}
			}
		})
	}
}

// printed is the merge of parts in every format.
func printed(t *testing.T, parts []Part) map[string]string {
	t.Helper()
	m, err := Merge(parts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range report.Formats {
		var buf bytes.Buffer
		if err := report.Write(&buf, f, m.Result()); err != nil {
			t.Fatal(err)
		}
		out[f] = buf.String()
	}
	return out
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(al), len(bl))
}

// TestMergeTreeRefuses: merges given as parts are refused as shards are,
// when a shard is in two of them, or in one of them and given again; the
// shards missing are those none of them holds.
func TestMergeTreeRefuses(t *testing.T) {
	mkPlanned := func(i, n int, plan string) Part {
		s := summarize.New()
		s.AddFile(1, []summarize.Call{{Event: summarize.Event{ID: fmt.Sprintf("e%d", i), Time: time.Date(2026, 10, 1, 0, 0, i, 0, time.UTC), Service: "s", Action: "a"}}}, nil)
		return roundTrip(t, fmt.Sprintf("part-%d.json", i), s, Origin(nil, trail.Scope{}, shard.Spec{Index: i, Count: n}, plan, "v1"))
	}
	mk := func(i, n int) Part { return mkPlanned(i, n, "") }
	p := make([]Part, 8)
	for i := range p {
		p[i] = mk(i, 8)
	}
	low, high, mid := group(t, "low.json", p[0], p[1], p[2], p[3]), group(t, "high.json", p[4], p[5], p[6], p[7]), group(t, "mid.json", p[3], p[4])
	// A merge of shards listed from a plan keeps its name.
	highPlanned := group(t, "high-planned.json", mkPlanned(4, 8, "sha256:aa"), mkPlanned(5, 8, "sha256:aa"), mkPlanned(6, 8, "sha256:aa"), mkPlanned(7, 8, "sha256:aa"))
	tests := []struct {
		name    string
		parts   []Part
		wantErr string
	}{
		{"a shard in two groups", []Part{low, mid, high}, "low.json and mid.json both hold shard 3/8: a shard merged twice would count its files twice"},
		{"a group given twice", []Part{low, high, low}, "low.json and low.json both hold shard 0/8"},
		{"a shard in a group and given again", []Part{low, p[2], high}, "low.json and part-2.json both hold shard 2/8"},
		{"another split", []Part{low, mk(1, 4)}, "low.json is a merge of 4 of 8 shards but part-1.json is shard 1/4: parts of different splits"},
		{"a group of a plan", []Part{low, highPlanned}, "low.json was listed from no plan but high-planned.json from plan sha256:aa"},
		{"missing from the union", []Part{low, p[6]}, "5 of 8 shards given (low.json (0/8, 1/8, 2/8, 3/8), part-6.json (6/8)); missing 4/8, 5/8, 7/8"},
		{"whole", []Part{high, low}, ""},
		{"whole, mixed", []Part{p[7], p[0], p[1], mid, p[2], p[5], p[6]}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Merge(tt.parts, Options{})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if r := m.Result(); r.EventsMatched != 8 || len(m.Origin.Parts) != 8 || len(m.Origin.Missing()) != 0 {
					t.Errorf("merged %d calls of parts %v", r.EventsMatched, m.Origin.Parts)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Merge: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
	// With shards missing allowed, the merge lacks what no part holds.
	m, err := Merge([]Part{mid, p[0], p[7]}, Options{Incomplete: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Origin.Missing(), ","); got != "1/8,2/8,5/8,6/8" {
		t.Errorf("missing %s, want 1/8,2/8,5/8,6/8", got)
	}
}

func TestReadRefusesMerges(t *testing.T) {
	tests := []struct{ name, in, wantErr string }{
		{"a merge without its calls", `{"events_matched": 2, "scan": {"shards": 4, "parts": ["0/4", "1/4"]}}`, "a merged result that does not list its calls"},
		{"a merge of no shard", `{"scan": {"shards": 4}}`, "a merge of 4 shards that lists none of them"},
		{"a shard of another split", `{"scan": {"shards": 4, "parts": ["0/4", "1/5"]}}`, `shard "1/5" of a merge of 4 shards: not i/4`},
		{"a shard listed twice", `{"scan": {"shards": 4, "parts": ["0/4", "0/4"]}}`, "shard 0/4 listed twice"},
	}
	for _, tt := range tests {
		_, err := Read("x.json", strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: Read: %v, want an error containing %q", tt.name, err, tt.wantErr)
		}
	}
	// An empty merge lists no calls, and needs none.
	if _, err := Read("x.json", strings.NewReader(`{"events_matched": 0, "scan": {"shards": 2, "parts": ["1/2"]}}`)); err != nil {
		t.Errorf("an empty merged result: %v", err)
	}
}
