package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestQueryOfRun: a result says what was asked, with the times as the
// scan used them (a relative one counted back from the run's clock, in
// whole seconds, UTC); a merge says the same of the parts it merged, and
// when it merged them.
func TestQueryOfRun(t *testing.T) {
	clock := func() time.Time { return time.Date(2026, 10, 4, 2, 0, 0, 700_000_000, time.FixedZone("CEST", 2*3600)) }
	part := filepath.Join(t.TempDir(), "part.json")
	version := `"trailscan_version":"` + versionString() + `"`
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"nothing asked", []string{"scan", "-f", "json", fixture},
			`{"sources":["` + fixture + `"],` + version + `,"generated_at":"2026-10-04T00:00:00Z"}`},
		{"relative times", []string{"scan", "-f", "json", "--since", "2d", "--until", "90m", "--account", "444455556666", "--account", "111122223333", fixture},
			`{"sources":["` + fixture + `"],` + version + `,"generated_at":"2026-10-04T00:00:00Z",` +
				`"since":"2026-10-02T00:00:00Z","until":"2026-10-03T22:30:00Z","accounts":["111122223333","444455556666"]}`},
		{"a shard", []string{"scan", "--shard", "0/1", "-f", "json", "-o", part, "--region", "eu-west-1", fixture + "/", fixture}, ""},
		{"its merge", []string{"merge", "-f", "json", part},
			`{"sources":["` + fixture + `"],` + version + `,"generated_at":"2026-10-04T00:00:00Z","regions":["eu-west-1"]}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := runAt(context.Background(), clock, c.args, &stdout, &stderr); code != exitOK {
				t.Fatalf("trailscan %s: exit %d: %s", strings.Join(c.args, " "), code, stderr.String())
			}
			if c.want == "" {
				return
			}
			var res struct{ Query json.RawMessage }
			if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := json.Compact(&got, res.Query); err != nil {
				t.Fatalf("query %q: %v", res.Query, err)
			}
			if got.String() != c.want {
				t.Errorf("query\n %s\nwant\n %s", got.String(), c.want)
			}
		})
	}
}
