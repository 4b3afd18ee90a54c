package summarize

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"
)

// TestQuery: a result made WithQuery says what was asked, in one flat
// JSON object, canonical whatever the order of what was given; it reads
// back as it was; a result made without says nothing.
func TestQuery(t *testing.T) {
	at := time.Date(2026, 10, 9, 14, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	since := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		q    Query
		json string
		line string
	}{
		{"everything",
			Query{Sources: []string{"logs"}, Version: "v1.2.3", GeneratedAt: at},
			`{"sources":["logs"],"trailscan_version":"v1.2.3","generated_at":"2026-10-09T12:00:00Z"}`,
			"logs; everything; trailscan v1.2.3, 2026-10-09T12:00:00Z"},
		{"scoped, given out of order",
			Query{Sources: []string{"s3://b/p", "logs", "logs"}, Version: "(devel)", GeneratedAt: at,
				Scope: trail.Scope{Since: since, Until: since.AddDate(0, 0, 7), Accounts: []string{"444455556666", "111122223333"}, Regions: []string{"eu-west-1"}}},
			`{"sources":["logs","s3://b/p"],"trailscan_version":"(devel)","generated_at":"2026-10-09T12:00:00Z",` +
				`"since":"2026-10-01T00:00:00Z","until":"2026-10-08T00:00:00Z","accounts":["111122223333","444455556666"],"regions":["eu-west-1"]}`,
			"logs, s3://b/p; since 2026-10-01T00:00:00Z until 2026-10-08T00:00:00Z accounts 111122223333,444455556666 regions eu-west-1; trailscan (devel), 2026-10-09T12:00:00Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := New().Result(WithQuery(c.q))
			if r.Query == nil {
				t.Fatal("no query in the result")
			}
			if got := r.Query.String(); got != c.line {
				t.Errorf("String() = %q\nwant %q", got, c.line)
			}
			b, err := json.Marshal(r.Query)
			var back Query
			if err == nil {
				err = json.Unmarshal(b, &back)
			}
			if err != nil || string(b) != c.json || !reflect.DeepEqual(back, *r.Query) {
				t.Errorf("JSON %s (%v), read back as %+v\nwant %s, %+v", b, err, back, c.json, *r.Query)
			}
		})
	}
	b, err := json.Marshal(New().Result())
	if err != nil {
		t.Fatal(err)
	}
	var names map[string]json.RawMessage
	if err := json.Unmarshal(b, &names); err != nil {
		t.Fatal(err)
	}
	if q, ok := names["query"]; ok {
		t.Errorf("a result made without WithQuery has a query: %s", q)
	}
}
