package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const goldenDir = "../../testdata/golden"

// fixture scans the hand-made archive of testdata/golden/fixture (made
// by internal/fixture): two accounts, three days, a duplicate delivery,
// a failed write, a Support authorization event, and logged strings that
// try to inject script.
func fixture(t testing.TB) *summarize.Summary {
	t.Helper()
	src, err := source.NewDir(filepath.Join(goldenDir, "fixture"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := scan.Run(context.Background(), []source.Source{src}, scan.Config{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./pkg/report -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGolden(t *testing.T) {
	sum := fixture(t)
	bySession, err := summarize.GroupedBy("session")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file, format string
		r            summarize.Result
	}{
		{"fixture.table", "table", sum.Result(goldenQuery)},
		{"fixture.json", "json", sum.Result(goldenQuery)},
		{"fixture.csv", "csv", sum.Result(goldenQuery)},
		{"fixture-by-session.table", "table", sum.Result(bySession, goldenQuery)},
		{"fixture-by-session.csv", "csv", sum.Result(bySession, goldenQuery)},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := Write(&b, tt.format, tt.r); err != nil {
			t.Fatal(err)
		}
		golden(t, tt.file, b.Bytes())
	}
}

// TestCSVFormulas: a logged string that a spreadsheet would read as a
// formula is written as text, in every column that holds one.
func TestCSVFormulas(t *testing.T) {
	evil := []string{"=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"}
	r := summarize.Result{Services: []summarize.Service{}}
	for _, e := range evil {
		r.Services = append(r.Services, summarize.Service{Service: e, Actions: []summarize.Action{{Action: e}}})
	}
	grouped := summarize.Result{By: "session"}
	for _, e := range evil {
		grouped.Groups = append(grouped.Groups, summarize.Group{Key: e})
	}
	for _, r := range []summarize.Result{r, grouped} {
		var b bytes.Buffer
		if err := CSV(&b, r); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows[1:] {
			for _, c := range row[:1] {
				if c == "" || strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("cell %q could start a formula", c)
				}
			}
		}
	}
}

// TestHTMLEscapes: strings from logs are text in the page, never markup:
// a userAgent holding a script element, and a sourceIPAddress that tries
// to close an attribute and add an event handler.
func TestHTMLEscapes(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, fixture(t).Result()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{`<script>document.title`, `" onmouseover="`, `onmouseover="document`} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q unescaped", bad)
		}
	}
	for _, escaped := range []string{`&lt;script&gt;document.title=&#34;pwned&#34;`, `&#34; onmouseover=&#34;document.title=`} {
		if !strings.Contains(page, escaped) {
			t.Errorf("page lacks the escaped text %q: the hostile strings are not shown", escaped)
		}
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("page has %d script elements, want 1 (its own)", n)
	}
	for _, fetch := range []string{" src=", " href=", "url(", "@import"} {
		if strings.Contains(page, fetch) {
			t.Errorf("page loads something (%q): it must be self-contained", fetch)
		}
	}
}

// TestHTMLShowsUnprintable: a bidirectional override or an escape sequence
// in a logged string is shown as an escape on the page, not obeyed, and
// the caller's result is left as it was.
func TestHTMLShowsUnprintable(t *testing.T) {
	r := summarize.Result{Notable: []summarize.Notable{{ID: "e1", UserAgent: "curl\u202e1.exe\x1b[31m", Reason: "write"}}}
	var out bytes.Buffer
	if err := HTML(&out, r); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	if strings.ContainsAny(page, "\u202e\x1b") || !strings.Contains(page, `curl\u202e1.exe\x1b[31m`) {
		t.Errorf("unprintable characters reached the page raw, or the escaped text is missing")
	}
	if r.Notable[0].UserAgent != "curl\u202e1.exe\x1b[31m" {
		t.Error("HTML changed the caller's result")
	}
}
