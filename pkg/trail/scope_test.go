package trail_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestScopeWritten checks the one written form: canonical, and the same
// JSON that state files and shard parts of earlier releases hold.
func TestScopeWritten(t *testing.T) {
	plus2 := time.FixedZone("+02", 2*3600)
	for _, c := range []struct {
		name     string
		sc       trail.Scope
		json, in string
	}{
		{"everything", trail.Scope{}, `{}`, "everything"},
		{"window in another zone", trail.Scope{Since: time.Date(2026, 10, 1, 2, 0, 0, 0, plus2), Until: at("2026-10-02T00:00:00Z")},
			`{"since":"2026-10-01T00:00:00Z","until":"2026-10-02T00:00:00Z"}`, "since 2026-10-01T00:00:00Z until 2026-10-02T00:00:00Z"},
		{"unsorted repeats", trail.Scope{Accounts: []string{"444455556666", "111122223333", "444455556666"}, Regions: []string{"us-east-1"}},
			`{"accounts":["111122223333","444455556666"],"regions":["us-east-1"]}`, "accounts 111122223333,444455556666 regions us-east-1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(c.sc)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != c.json {
				t.Errorf("json = %s, want %s", b, c.json)
			}
			if got := c.sc.String(); got != c.in {
				t.Errorf("String = %q, want %q", got, c.in)
			}
			var back trail.Scope
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !back.Equal(c.sc) {
				t.Errorf("read back %v, wrote %v", back, c.sc)
			}
		})
	}
}

func TestScopeEqual(t *testing.T) {
	a := trail.Scope{Since: at("2026-10-01T00:00:00Z"), Accounts: []string{"1", "2"}}
	for _, c := range []struct {
		name string
		b    trail.Scope
		want bool
	}{
		{"same", a, true},
		{"reordered and repeated", trail.Scope{Since: at("2026-10-01T00:00:00Z"), Accounts: []string{"2", "1", "2"}}, true},
		{"other since", trail.Scope{Since: at("2026-10-02T00:00:00Z"), Accounts: []string{"1", "2"}}, false},
		{"fewer accounts", trail.Scope{Since: at("2026-10-01T00:00:00Z"), Accounts: []string{"1"}}, false},
		{"region added", trail.Scope{Since: at("2026-10-01T00:00:00Z"), Accounts: []string{"1", "2"}, Regions: []string{"x"}}, false},
	} {
		if got := a.Equal(c.b); got != c.want {
			t.Errorf("%s: Equal = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestScopeUnmarshalRefusesBadTime(t *testing.T) {
	var sc trail.Scope
	if err := json.Unmarshal([]byte(`{"since":"yesterday"}`), &sc); err == nil {
		t.Error("a scope with an unreadable time was read")
	}
}

func TestExcludes(t *testing.T) {
	day := trail.Scope{Since: at("2026-10-02T00:00:00Z"), Until: at("2026-10-03T00:00:00Z"), Accounts: []string{"111122223333"}}
	const base = "logs/AWSLogs/o-abc/111122223333/CloudTrail/us-east-1/"
	for _, c := range []struct {
		dir  string
		want bool
	}{
		{"logs/", false},
		{"logs/AWSLogs/o-abc/", false},
		{"logs/AWSLogs/o-abc/444455556666/", true},
		{"logs/AWSLogs/111122223333/CloudTrail-Digest/", true},
		{"logs/AWSLogs/111122223333/CloudTrail-Insight/us-east-1/", true},
		{base + "2026/", false},
		{base + "2025/", true},
		{base + "2026/10/01/", true},
		{base + "2026/10/02/", false},
		{base + "2026/10/03/", false}, // late deliveries of the 2nd
		{base + "2026/10/04/", true},
		{base + "2026/10/notaday/", false},
	} {
		if got := day.Excludes(c.dir); got != c.want {
			t.Errorf("Excludes(%q) = %v, want %v", c.dir, got, c.want)
		}
	}
}

func TestParseLayout(t *testing.T) {
	for _, c := range []struct {
		key  string
		want trail.Layout
		ok   bool
	}{
		{"AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/02/x.json.gz", trail.Layout{Account: "111122223333", Region: "eu-west-1", Year: 2026, Month: 10, Day: 2}, true},
		{"p/AWSLogs/o-1/111122223333/CloudTrail/", trail.Layout{Org: "o-1", Account: "111122223333"}, true},
		{"AWSLogs/1111/CloudTrail/", trail.Layout{}, false},
		{"AWSLogs/111122223333/Other/", trail.Layout{}, false},
		{"no/layout/here", trail.Layout{}, false},
	} {
		got, ok := trail.ParseLayout(c.key)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseLayout(%q) = %+v, %v; want %+v, %v", c.key, got, ok, c.want, c.ok)
		}
	}
}

func TestIsRegion(t *testing.T) {
	for r, want := range map[string]bool{
		"us-east-1": true, "us-gov-west-1": true, "cn-north-1": true, "eu-isoe-west-1": true,
		"ap-southeast-5": true, "il-central-1": true,
		"us-east1": false, "us-east-": false, "US-EAST-1": false, "us--east-1": false,
		"east-1": false, "": false, "us-east-1a": false, "us-east-1 ": false,
	} {
		if got := trail.IsRegion(r); got != want {
			t.Errorf("IsRegion(%q) = %v, want %v", r, got, want)
		}
	}
}
