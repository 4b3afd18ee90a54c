package shard

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/trail"
)

var planAt = time.Date(2026, 10, 9, 12, 0, 0, 0, time.UTC)

// samplePlan is a plan as NewPlan makes one, of an S3 source and a local
// one, with the days of one of the source's accounts, as for a scan with
// no end.
func samplePlan() *Plan {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	return &Plan{
		Version: PlanVersion, MadeAt: planAt, MadeBy: "v1.0.0",
		Sources: []string{"logs", "s3://bucket/org"},
		Scope:   trail.Scope{Since: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 10, 8, 0, 0, 0, 0, time.UTC)},
		Shards:  4,
		Discovery: map[string]*source.Discovery{"s3://bucket/org": {
			Accounts: []source.AccountFolder{
				{Folder: "org/AWSLogs/o-abcdefghij/111122223333/CloudTrail/", Regions: []string{"eu-west-1", "us-east-1"}, Sweep: true},
				{Folder: "org/AWSLogs/o-abcdefghij/444455556666/CloudTrail/", Regions: []string{"eu-west-1", "us-east-1"},
					Days: map[string][]source.DayRun{"us-east-1": {{From: day(7, 1), To: day(7, 31)}, {From: day(9, 1), To: day(10, 2)}}}},
			},
			WalkedAt: planAt,
		}},
	}
}

func encoded(t *testing.T, p *Plan) string {
	t.Helper()
	var b bytes.Buffer
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPlanRoundTrip: a plan reads back as written, under the ID its
// bytes have, which any change to them changes.
func TestPlanRoundTrip(t *testing.T) {
	p := samplePlan()
	text := encoded(t, p)
	got, err := ReadPlan("plan.json", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if again := encoded(t, got); again != text {
		t.Errorf("read back, the plan writes\n%s\nnot\n%s", again, text)
	}
	if got.ID() != p.ID() || !strings.HasPrefix(got.ID(), "sha256:") || len(got.ID()) != len("sha256:")+64 {
		t.Errorf("ID %q read back, %q written", got.ID(), p.ID())
	}
	edited, err := ReadPlan("plan.json", strings.NewReader(strings.Replace(text, `"shards": 4`, `"shards": 4 `, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if edited.ID() == p.ID() {
		t.Errorf("a plan with other bytes has the same ID %s", p.ID())
	}
}

func TestReadPlanRefuses(t *testing.T) {
	good := encoded(t, samplePlan())
	tests := []struct {
		name, in, wantErr string
		notPlan           bool
	}{
		{"empty", "", "read plan p.json: not a trailscan plan (write one with: trailscan plan): EOF", true},
		{"cut short", good[:len(good)/2], "read plan p.json: not a trailscan plan", true},
		{"not JSON", "Files: 3 scanned\n", "read plan p.json: not a trailscan plan", true},
		{"two values", good + good, "read plan p.json: not a trailscan plan (write one with: trailscan plan): more after its end", true},
		{"a part", `{"scan": {"shard": "0/4", "format": 1}, "events_scanned": 3}`, "read plan p.json: not a trailscan plan (write one with: trailscan plan): no version", true},
		{"newer", strings.Replace(good, `"version": 2`, `"version": 3`, 1),
			"read plan p.json: written by trailscan v1.0.0 in plan format 3, newer than this trailscan reads (2)", false},
		// Format 1 held no days: its shards of a scan with no end would
		// each list every region.
		{"older", strings.Replace(good, `"version": 2`, `"version": 1`, 1),
			"read plan p.json: written by trailscan v1.0.0 in plan format 1, older than this trailscan reads (2)", false},
		{"no shards", strings.Replace(good, `"shards": 4`, `"shards": 0`, 1), "read plan p.json: not a trailscan plan (write one with: trailscan plan): version 2, 0 shards", true},
		{"a run of days backwards", strings.Replace(good, `"2026/09/01-2026/10/02"`, `"2026/10/02-2026/09/01"`, 1),
			"read plan p.json: not a trailscan plan (write one with: trailscan plan): day run \"2026/10/02-2026/09/01\": want YYYY/MM/DD or YYYY/MM/DD-YYYY/MM/DD, first to last", true},
		{"no time", strings.Replace(good, `"made_at": "2026-10-09T12:00:00Z"`, `"made_at": "0001-01-01T00:00:00Z"`, 1), "made at 0001-01-01", true},
		{"a scope of another form", strings.Replace(good, `"since": "2026-10-01T00:00:00Z"`, `"since": "yesterday"`, 1), "read plan p.json: not a trailscan plan", true},
		{"a discovery of no source", strings.Replace(good, `"s3://bucket/org": {`, `"s3://bucket/other": {`, 1),
			"read plan p.json: not a trailscan plan (write one with: trailscan plan): a discovery of s3://bucket/other, which is not one of its sources", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ReadPlan("p.json", strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ReadPlan = %v, %v; want an error containing %q", p, err, tt.wantErr)
			}
			if errors.Is(err, ErrNotPlan) != tt.notPlan {
				t.Errorf("errors.Is(%v, ErrNotPlan) = %v, want %v", err, !tt.notPlan, tt.notPlan)
			}
		})
	}
}

func TestPlanCheck(t *testing.T) {
	p := samplePlan()
	scope := p.Scope
	tests := []struct {
		name    string
		sources []string
		scope   trail.Scope
		spec    Spec
		want    string // the mismatch's text; "" for none
	}{
		{"the same", []string{"s3://bucket/org", "logs"}, scope, Spec{2, 4}, ""},
		{"the same, sources repeated", []string{"logs", "s3://bucket/org", "logs"}, scope, Spec{0, 4}, ""},
		{"the same scope, otherwise written", []string{"logs", "s3://bucket/org"},
			trail.Scope{Since: scope.Since.In(time.FixedZone("CEST", 7200)), Until: scope.Until}, Spec{3, 4}, ""},
		{"a source more", []string{"logs", "s3://bucket/org", "s3://bucket/acct"}, scope, Spec{0, 4},
			"the plan was made for another SOURCE: logs, s3://bucket/org in the plan; logs, s3://bucket/acct, s3://bucket/org here"},
		{"a source less", []string{"s3://bucket/org"}, scope, Spec{0, 4},
			"the plan was made for another SOURCE: logs, s3://bucket/org in the plan; s3://bucket/org here"},
		{"another window", []string{"logs", "s3://bucket/org"}, trail.Scope{Since: scope.Since}, Spec{0, 4},
			"the plan was made for another scope (--since, --until, --account, --region): since 2026-10-01T00:00:00Z until 2026-10-08T00:00:00Z in the plan; since 2026-10-01T00:00:00Z here"},
		{"an account", []string{"logs", "s3://bucket/org"}, trail.Scope{Since: scope.Since, Until: scope.Until, Accounts: []string{"111122223333"}}, Spec{0, 4},
			"the plan was made for another scope (--since, --until, --account, --region): since 2026-10-01T00:00:00Z until 2026-10-08T00:00:00Z in the plan; since 2026-10-01T00:00:00Z until 2026-10-08T00:00:00Z accounts 111122223333 here"},
		{"another N", []string{"logs", "s3://bucket/org"}, scope, Spec{0, 8},
			"the plan was made for another number of shards: 4 in the plan; 8 (--shard 0/8) here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Check(tt.sources, tt.scope, tt.spec)
			var m *MismatchError
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Check: %v, want none", err)
			case tt.want != "" && (!errors.As(err, &m) || m.Error() != tt.want):
				t.Errorf("Check: %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestPlanEarly(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 10, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name  string
		scope trail.Scope
		made  time.Time
		early bool
	}{
		{"after the late deliveries", trail.Scope{Until: day(8)}, day(8).Add(trail.LateDelivery), false},
		{"a day after", trail.Scope{Since: day(1), Until: day(8)}, day(9), false},
		{"during the late deliveries", trail.Scope{Until: day(8)}, day(8).Add(trail.LateDelivery - time.Second), true},
		{"inside the window", trail.Scope{Since: day(1), Until: day(8)}, day(4), true},
		{"no end", trail.Scope{Since: day(1)}, day(30), true},
		{"all time", trail.Scope{}, day(30), true},
	}
	for _, tt := range tests {
		p := &Plan{Scope: tt.scope, MadeAt: tt.made}
		if got := p.Early(); got != tt.early {
			t.Errorf("%s: Early() = %v, want %v", tt.name, got, tt.early)
		}
	}
}

// fakeSource is a source whose discovery is given, and which records the
// one it is told to use.
type fakeSource struct {
	name  string
	found *source.Discovery
	used  *source.Discovery
	err   error
	// shards is the number of shards it was discovered for.
	shards int
}

func (f *fakeSource) String() string { return f.name }
func (f *fakeSource) List(context.Context, trail.Scope, func(source.Object) error) error {
	return nil
}
func (f *fakeSource) Open(context.Context, source.Object) (io.ReadCloser, error) { return nil, nil }
func (f *fakeSource) Discover(_ context.Context, _ trail.Scope, shards int) (*source.Discovery, error) {
	f.shards = shards
	return f.found, f.err
}
func (f *fakeSource) UseDiscovery(d *source.Discovery) error { f.used = d; return nil }

// TestNewPlan: a plan holds each source's discovery, for the sources
// that have one, and gives each back to its source; a source that
// cannot be discovered fails the plan.
func TestNewPlan(t *testing.T) {
	d := samplePlan().Discovery["s3://bucket/org"]
	org, local := &fakeSource{name: "s3://bucket/org", found: d}, &fakeSource{name: "logs"}
	p, err := NewPlan(context.Background(), []source.Source{org, local}, trail.Scope{Accounts: []string{"b", "a", "b"}}, 4, planAt, "v1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Sources, " ") != "logs s3://bucket/org" || len(p.Discovery) != 1 || p.Discovery[org.name] != d ||
		strings.Join(p.Scope.Accounts, " ") != "a b" || p.Shards != 4 || p.Version != PlanVersion {
		t.Errorf("plan %+v", p)
	}
	read, err := ReadPlan("p.json", strings.NewReader(encoded(t, p)))
	if err != nil {
		t.Fatal(err)
	}
	if err := read.Use([]source.Source{org, local}); err != nil {
		t.Fatal(err)
	}
	if org.shards != 4 {
		t.Errorf("the source was discovered for %d shards, want the plan's 4", org.shards)
	}
	if org.used == nil || org.used.Regions() != 4 || local.used != nil {
		t.Errorf("Use gave %+v and %+v", org.used, local.used)
	}
	broken := &fakeSource{name: "s3://bucket/org", err: errors.New("discover s3://bucket/org: list s3://bucket/org/AWSLogs/: AccessDenied")}
	if _, err := NewPlan(context.Background(), []source.Source{broken}, trail.Scope{}, 4, planAt, "v1.0.0"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("NewPlan of a source that cannot be listed: %v", err)
	}
	if _, err := NewPlan(context.Background(), nil, trail.Scope{}, 0, planAt, "v1.0.0"); err == nil {
		t.Errorf("NewPlan of 0 shards made a plan")
	}
}
