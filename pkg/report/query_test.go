package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

// goldenQuery is what the golden results say was asked.
var goldenQuery = summarize.WithQuery(summarize.Query{
	Sources:     []string{"testdata/golden/fixture"},
	Version:     "(devel)",
	GeneratedAt: time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC),
})

// TestQueryShown: the table and the page say what was asked on one line,
// in their header, escaped as any logged string is; JSON has it whole.
func TestQueryShown(t *testing.T) {
	q := summarize.Query{
		Sources: []string{"logs\x1b[2J", "<b>s3://b</b>"}, Version: "v1.2.3",
		Scope:       trail.Scope{Since: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Accounts: []string{"111122223333"}},
		GeneratedAt: time.Date(2026, 10, 9, 12, 0, 0, 0, time.UTC),
	}
	r := fixture(t).Result(summarize.WithQuery(q))
	for _, c := range []struct {
		format string
		want   string
	}{
		// The table cuts a long line to its width; the page keeps it whole.
		{"table", "\nQuery:           <b>s3://b</b>, logs\\x1b[2J; since 2026-10-01T00:00:00Z accounts 111122223333; trai…\n"},
		{"html", `<dt>Query</dt><dd>&lt;b&gt;s3:`},
		{"json", `"query": {
    "sources": [
      "\u003cb\u003es3://b\u003c/b\u003e",
      "logs\u001b[2J"
    ],
    "trailscan_version": "v1.2.3",
    "generated_at": "2026-10-09T12:00:00Z",
    "since": "2026-10-01T00:00:00Z",
    "accounts": [
      "111122223333"
    ]
  },`},
	} {
		var b bytes.Buffer
		if err := Write(&b, c.format, r); err != nil {
			t.Fatal(err)
		}
		if c.format == "table" && !strings.HasPrefix(b.String(), "Result:") {
			t.Errorf("table: whether the result is whole is not its first line:\n%.300s", b.String())
		}
		if c.format == "html" && strings.Contains(b.String(), "<b>s3:") {
			t.Errorf("html: the query is not escaped")
		}
		if !strings.Contains(b.String(), c.want) {
			t.Errorf("%s: no\n%s\nin\n%.1500s", c.format, c.want, b.String())
		}
		if c.format != "json" && strings.ContainsRune(b.String(), 0x1b) {
			t.Errorf("%s: a raw escape character", c.format)
		}
	}
}
