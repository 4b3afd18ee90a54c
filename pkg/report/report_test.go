package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden, and docs/report.png")

const goldenDir = "../../testdata/golden"

// fixture scans the hand-made archive of testdata/golden/fixture (made
// by internal/fixture): two accounts, three days, a duplicate delivery,
// a failed write, a Support authorization event, and logged strings that
// try to inject script.
func fixture(t testing.TB) *summarize.Summary {
	t.Helper()
	sum, err := scanDir(filepath.Join(goldenDir, "fixture"))
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func scanDir(dir string) (*summarize.Summary, error) {
	src, err := source.NewDir(dir)
	if err != nil {
		return nil, err
	}
	return scan.Run(context.Background(), []source.Source{src}, scan.Config{Jobs: 2})
}

// twoWeeksArchive is two weeks of eight accounts in two regions, with
// damaged files: the archive on which the table once printed 1,206 lines.
var twoWeeksArchive = gen.Config{
	Seed:     16,
	Start:    time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
	Days:     14,
	Accounts: []string{"122190996311", "220353678043", "431309979965", "672114516313", "761975611326", "780960321280", "862990336322", "976671475022"},
	Regions:  []string{"us-east-1", "eu-west-1"},
	Damaged:  true,
}

// twoWeeks is the result of scanning twoWeeksArchive, made once for all
// the tests, with paths relative to the archive.
func twoWeeks(t testing.TB) summarize.Result {
	t.Helper()
	r, err := twoWeeksOnce()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var twoWeeksOnce = sync.OnceValues(func() (summarize.Result, error) {
	dir, err := os.MkdirTemp("", "trailscan-report-")
	if err != nil {
		return summarize.Result{}, err
	}
	defer os.RemoveAll(dir)
	if _, err := gen.Write(dir, twoWeeksArchive); err != nil {
		return summarize.Result{}, err
	}
	sum, err := scanDir(dir)
	if err != nil {
		return summarize.Result{}, err
	}
	r := sum.Result()
	rel := func(p string) string { return strings.TrimPrefix(p, dir+string(filepath.Separator)) }
	for i := range r.FilesFailed {
		r.FilesFailed[i].Path = rel(r.FilesFailed[i].Path)
	}
	for i := range r.Notable {
		r.Notable[i].File = rel(r.Notable[i].File)
	}
	for i := range r.SupportAuthorizations {
		r.SupportAuthorizations[i].File = rel(r.SupportAuthorizations[i].File)
	}
	return r, nil
})

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

func only(t *testing.T, name string) Option {
	t.Helper()
	o, err := Section(name)
	if err != nil {
		t.Fatal(err)
	}
	return o
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
		opts         []Option
	}{
		{"fixture.table", "table", sum.Result(goldenQuery), nil},
		{"fixture.json", "json", sum.Result(goldenQuery), nil},
		{"fixture.csv", "csv", sum.Result(goldenQuery), nil},
		{"fixture-sessions.csv", "csv", sum.Result(goldenQuery), []Option{only(t, "sessions")}},
		{"fixture-notable.csv", "csv", sum.Result(goldenQuery), []Option{only(t, "notable")}},
		{"fixture-authorizations.csv", "csv", sum.Result(goldenQuery), []Option{only(t, "authorizations")}},
		{"fixture-by-session.table", "table", sum.Result(bySession, goldenQuery), nil},
		{"fixture-by-session.csv", "csv", sum.Result(bySession, goldenQuery), nil},
		{"twoweeks.table", "table", twoWeeks(t), nil},
		{"twoweeks-failed.csv", "csv", twoWeeks(t), []Option{only(t, "failed")}},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := Write(&b, tt.format, tt.r, tt.opts...); err != nil {
			t.Fatal(err)
		}
		golden(t, tt.file, b.Bytes())
	}
}

// TestTableScales: on two weeks of eight accounts the table fits a
// terminal 100 columns wide, the summary comes first, and each section
// shows about a screen and says how many rows it left out; with All it
// prints every row, still no wider.
func TestTableScales(t *testing.T) {
	r := twoWeeks(t)
	var b bytes.Buffer
	if err := Table(&b, r); err != nil {
		t.Fatal(err)
	}
	short := b.String()
	b.Reset()
	if err := Table(&b, r, All()); err != nil {
		t.Fatal(err)
	}
	all := b.String()

	rows := len(r.Sessions) + len(r.Notable) + len(r.SupportAuthorizations) + len(r.Cases) + len(r.FilesFailed)
	for _, s := range r.Services {
		rows += len(s.Actions)
	}
	// Each of the six sections adds a title, a header and a blank line.
	summaryLines := len(factsOf(r))
	for _, tt := range []struct {
		name          string
		out           string
		minLines      int
		maxLines      int
		tails         int
		firstLineWant string
	}{
		{"default", short, 6 * 3, 100, 5, "Result:"},
		{"--all", all, summaryLines + rows + 6*3, summaryLines + rows + 6*3, 0, "Result:"},
	} {
		lines := strings.Split(strings.TrimSuffix(tt.out, "\n"), "\n")
		if n := len(lines); n < tt.minLines || n > tt.maxLines {
			t.Errorf("%s: %d lines, want %d to %d", tt.name, n, tt.minLines, tt.maxLines)
		}
		for i, l := range lines {
			if w := textWidth(l); w > tableWidth {
				t.Errorf("%s: line %d is %d columns wide: %q", tt.name, i+1, w, l)
			}
		}
		if !strings.HasPrefix(lines[0], tt.firstLineWant) {
			t.Errorf("%s: first line %q, want the summary's %q", tt.name, lines[0], tt.firstLineWant)
		}
		if n := strings.Count(tt.out, " more "+moreHint+"\n"); n != tt.tails {
			t.Errorf("%s: %d sections say how many rows they left out, want %d", tt.name, n, tt.tails)
		}
	}
}

// TestTableRanks: a section cut short keeps the rows most worth reading
// (here the writes, though the failed reads came first), prints them in
// their own order, and says what it kept.
func TestTableRanks(t *testing.T) {
	r := summarize.Result{}
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for i := range 40 {
		n := summarize.Notable{Time: summarize.Format(base.Add(time.Duration(i) * time.Minute)), Account: "111122223333",
			Service: "ec2.amazonaws.com", Action: "DescribeInstances", ReadOnly: true, ErrorCode: "AccessDenied", Session: "s"}
		if i%10 == 9 { // four writes, the last rows
			n.Action, n.ReadOnly, n.ErrorCode = "CreateTags", false, ""
		}
		r.Notable = append(r.Notable, n)
	}
	var b bytes.Buffer
	if err := Table(&b, r, only(t, "notable")); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	rows := lines[2 : 2+tableRows]
	if n := strings.Count(strings.Join(rows, "\n"), "ec2:CreateTags"); n != 4 {
		t.Errorf("%d of the 4 writes shown, want all:\n%s", n, b.String())
	}
	for i := 1; i < len(rows); i++ {
		if rows[i] < rows[i-1] {
			t.Errorf("rows %d and %d out of time order:\n%s\n%s", i-1, i, rows[i-1], rows[i])
		}
	}
	if !strings.HasPrefix(lines[0], "Notable calls: 40") || !strings.HasSuffix(lines[0], "shown: the writes first") {
		t.Errorf("title %q does not say which rows it kept", lines[0])
	}
	if want := "... 25 more " + moreHint; lines[2+tableRows] != want {
		t.Errorf("tail %q, want %q", lines[2+tableRows], want)
	}
}

// TestTableCutsOnlyTheTable: a long logged value is cut with "…" in the
// table, where the line must fit, and kept whole in JSON, CSV and HTML.
func TestTableCutsOnlyTheTable(t *testing.T) {
	long := "AWSSupport-" + strings.Repeat("0123456789abcdef", 8)
	r := summarize.Result{EventsMatched: 1, Sessions: []summarize.Session{{Account: "111122223333", Session: long, Calls: 1}},
		Notable: []summarize.Notable{{ID: "e1", Account: "111122223333", Service: "ec2.amazonaws.com", Action: "CreateTags", Session: long, Reason: "write"}}}
	for _, format := range Formats {
		var b bytes.Buffer
		opts := []Option{}
		if format == "csv" {
			opts = append(opts, only(t, "notable"))
		}
		if err := Write(&b, format, r, opts...); err != nil {
			t.Fatal(err)
		}
		whole := strings.Contains(b.String(), long)
		if format == "html" { // broken into pieces the browser may wrap
			whole = strings.Contains(strings.ReplaceAll(b.String(), "<wbr>", ""), long)
		}
		if want := format != "table"; whole != want {
			t.Errorf("-f %s holds the whole value: %v, want %v", format, whole, want)
		}
		if format == "table" && !strings.Contains(b.String(), "…") {
			t.Errorf("-f table cut the value without saying so:\n%s", b.String())
		}
	}
}

// TestFit: cut cells end (or start) with "…" and fit their width, and
// never split a character or the escape Clean writes for one.
func TestFit(t *testing.T) {
	tests := []struct {
		in      string
		width   int
		keepEnd bool
		want    string
	}{
		{"AWSSupport-ed25", 20, false, "AWSSupport-ed25"},
		{"AWSSupport-ed25519", 12, false, "AWSSupport-…"},
		{"logs/2026/10/01/a.json.gz", 12, true, "…1/a.json.gz"},
		{"exactly ten", 11, false, "exactly ten"},
		{"a\x1b[31mred", 20, false, `a\x1b[31mred`},
		{"a\x1b[31mred", 5, false, `a…`},                                           // `a\x1b` would take 5, leaving no room for "…"
		{"ab\x1b[31mred", 7, false, `ab\x1b…`},                                     // the escape whole, or not at all
		{"x\u202eevil", 8, false, `x\u202e…`},                                      // a bidirectional override, escaped whole
		{"x\u202eevil", 7, false, `x…`},                                            // never `x\u202…`
		{"caf\u00e9 cr\u00e8me br\u00fbl\u00e9e", 9, false, "caf\u00e9 cr\u00e8…"}, // runes, not bytes
		{"\xff\xfeabc", 6, false, `\xff…`},                                         // invalid UTF-8, escaped byte by byte
		{"\u65e5\u672c\u8a9e\u306e\u30ed\u30b0", 7, false, "\u65e5\u672c\u8a9e…"},  // wide characters take two columns
		{"\"quoted\" \x07", 8, false, `\"quote…`},                                  // Clean escapes quotes once it quotes at all
		{"abc", 1, false, "…"},
	}
	for _, tt := range tests {
		got := fit(tt.in, tt.width, tt.keepEnd)
		if got != tt.want {
			t.Errorf("fit(%q, %d, %v) = %q, want %q", tt.in, tt.width, tt.keepEnd, got, tt.want)
		}
		if w := textWidth(got); w > tt.width {
			t.Errorf("fit(%q, %d, %v) = %q is %d columns wide", tt.in, tt.width, tt.keepEnd, got, w)
		}
		if cut := strings.TrimSuffix(strings.TrimPrefix(got, "…"), "…"); !strings.Contains(Clean(tt.in), cut) {
			t.Errorf("fit(%q, %d, %v) = %q: not a piece of %q", tt.in, tt.width, tt.keepEnd, got, Clean(tt.in))
		}
	}
}

// TestTableEscapes: nothing from a log reaches the terminal raw, cut or
// not, and the lines still fit.
func TestTableEscapes(t *testing.T) {
	evil := "AWSSupport-\x1b]0;owned\x07\x1b[2J\u202egnp.exe" + strings.Repeat("\x1b[31m", 20)
	r := summarize.Result{
		EventsMatched: 1, Accounts: []string{evil}, Regions: []string{evil},
		Services:              []summarize.Service{{Service: evil, Count: 1, Actions: []summarize.Action{{Action: evil, Count: 1}}}},
		Sessions:              []summarize.Session{{Account: evil, Session: evil, Calls: 1}},
		Notable:               []summarize.Notable{{Account: evil, Region: evil, Service: evil, Action: evil, ErrorCode: evil, Session: evil, Reason: "error"}},
		SupportAuthorizations: []summarize.Authorization{{Action: evil, Account: evil, Region: evil, CaseID: evil}},
		FilesFailed:           []summarize.FileError{{Path: evil, Error: evil}},
	}
	for _, opts := range [][]Option{nil, {All()}} {
		var b bytes.Buffer
		if err := Table(&b, r, opts...); err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(b.String(), "\n") {
			if strings.ContainsAny(l, "\x1b\x07\u202e") {
				t.Errorf("line %d holds a raw control character: %q", i+1, l)
			}
			if w := textWidth(l); w > tableWidth {
				t.Errorf("line %d is %d columns wide: %q", i+1, w, l)
			}
		}
		if !strings.Contains(b.String(), `AWSSupport-\x1b]0;owned\a`) {
			t.Errorf("the escaped text is missing:\n%s", b.String())
		}
	}
}

// TestNote: an action is marked when it wrote, or when at least a
// quarter of its calls failed; a few failures among many calls are not
// news.
func TestNote(t *testing.T) {
	tests := []struct {
		count, errors int
		readOnly      bool
		want          string
	}{
		{10, 0, true, ""},
		{10, 2, true, ""},
		{4, 1, true, "failed 25%"},
		{3, 3, true, "failed 100%"},
		{10, 0, false, "write"},
		{8, 6, false, "write, failed 75%"},
		{0, 0, true, ""},
	}
	for _, tt := range tests {
		a := summarize.Action{Action: "X", Count: tt.count, Errors: tt.errors, ReadOnly: tt.readOnly}
		if got := note(a); got != tt.want {
			t.Errorf("note(%d calls, %d failed, read-only %v) = %q, want %q", tt.count, tt.errors, tt.readOnly, got, tt.want)
		}
	}
}

// TestBySessionOnce: grouped by session, the table lists the sessions
// once, not as groups and again as sessions.
func TestBySessionOnce(t *testing.T) {
	bySession, err := summarize.GroupedBy("session")
	if err != nil {
		t.Fatal(err)
	}
	r := fixture(t).Result(bySession)
	var b bytes.Buffer
	if err := Table(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Sessions {
		key := s.Account + "/" + s.Session
		if n := strings.Count(b.String(), key); n != 1 {
			t.Errorf("%s is listed %d times, want once:\n%s", key, n, b.String())
		}
	}
}

// TestCSVSections: each section is its own CSV, one row per item of the
// result, under a header of the result's JSON names.
func TestCSVSections(t *testing.T) {
	r := twoWeeks(t)
	actions := 0
	for _, s := range r.Services {
		actions += len(s.Actions)
	}
	tests := []struct {
		section string
		head    string
		rows    int
	}{
		{"main", "service,action,count,errors,read_only,first_seen,last_seen", actions},
		{"sessions", "account,session,calls,failures,any_write,start,end,services,actions,source_ips,user_agents,resources", len(r.Sessions)},
		{"notable", "time,account,region,service,action,read_only,reason,error_code,session,error_message,event_id,source_ip,user_agent,file,resources,request_parameters,request_parameters_cut", len(r.Notable)},
		{"authorizations", "time,action,account,region,case_id,permit_request_arn,event_id,file", len(r.SupportAuthorizations)},
		{"cases", "case,account,first_seen,last_seen,events,event_ids,actions,resources,sessions", len(r.Cases)},
		{"failed", "path,error", len(r.FilesFailed)},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := CSV(&b, r, only(t, tt.section)); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", tt.section, err)
		}
		if got := strings.Join(rows[0], ","); got != tt.head {
			t.Errorf("%s: header %s, want %s", tt.section, got, tt.head)
		}
		if len(rows)-1 != tt.rows || tt.rows == 0 {
			t.Errorf("%s: %d rows, want %d (and some)", tt.section, len(rows)-1, tt.rows)
		}
	}
	if _, err := Section("cases-to-come"); err == nil {
		t.Error("Section accepted an unknown name")
	}
}

// TestCSVFormulas: a logged string that a spreadsheet would read as a
// formula is written as text, in every column of every section.
func TestCSVFormulas(t *testing.T) {
	for _, e := range []string{"=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"} {
		r := summarize.Result{
			Services: []summarize.Service{{Service: e, Actions: []summarize.Action{{Action: e, FirstSeen: e, LastSeen: e}}}},
			Sessions: []summarize.Session{{Account: e, Session: e, Start: e, End: e, Services: []string{e}, Actions: []string{e}, SourceIPs: []string{e}, UserAgents: []string{e, e}}},
			Notable:  []summarize.Notable{{ID: e, Time: e, Account: e, Region: e, Service: e, Action: e, ErrorCode: e, ErrorMessage: e, Session: e, SourceIP: e, UserAgent: e, File: e, Reason: e}},
			Cases: []summarize.Case{{Case: e, Account: e, FirstSeen: e, LastSeen: e, Events: []summarize.CaseEvent{{ID: e, Time: e, Action: e, ErrorCode: e}},
				Actions: []string{e}, Resources: []string{e}, Sessions: []string{e}}},
			SupportAuthorizations: []summarize.Authorization{{ID: e, Action: e, Account: e, Region: e, CaseID: e, Request: e, File: e}},
			FilesFailed:           []summarize.FileError{{Path: e, Error: e}},
		}
		grouped := summarize.Result{By: "session", Groups: []summarize.Group{{Key: e, FirstSeen: e, LastSeen: e}}}
		for _, name := range Sections {
			for _, r := range []summarize.Result{r, grouped} {
				var b bytes.Buffer
				if err := CSV(&b, r, only(t, name)); err != nil {
					t.Fatal(err)
				}
				rows, err := csv.NewReader(&b).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				for _, row := range rows[1:] {
					for i, c := range row {
						if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
							t.Errorf("%s: column %s: cell %q could start a formula", name, rows[0][i], c)
						}
					}
				}
			}
		}
	}
}
