package report

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

// TestHTMLEscapes: strings from logs are text in the page, never markup:
// a userAgent holding a script element, and a sourceIPAddress that tries
// to close an attribute and add an event handler. The page runs and
// styles only what its Content-Security-Policy names by hash, and loads
// nothing.
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
	text := strings.ReplaceAll(page, "<wbr>", "")
	for _, escaped := range []string{`&lt;script&gt;document.title=&#34;pwned&#34;`, `&#34; onmouseover=&#34;document.title=`} {
		if !strings.Contains(text, escaped) {
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
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
	want := fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'", hash(pageStyle), hash(pageScript))
	if csp == nil || html.UnescapeString(csp[1]) != want {
		t.Errorf("Content-Security-Policy %q, want %q", csp, want)
	}
	// The policy allows no style attribute and no handler: the page must
	// need none.
	if m := regexp.MustCompile(`<[a-z][^>]*\s(style|on[a-z]+)=`).FindString(page); m != "" {
		t.Errorf("page has an inline style or handler, which its policy blocks: %s", m)
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
	page := strings.ReplaceAll(out.String(), "<wbr>", "")
	if strings.ContainsAny(page, "\u202e\x1b") || !strings.Contains(page, `curl\u202e1.exe\x1b[31m`) {
		t.Errorf("unprintable characters reached the page raw, or the escaped text is missing")
	}
	if r.Notable[0].UserAgent != "curl\u202e1.exe\x1b[31m" {
		t.Error("HTML changed the caller's result")
	}
}

// TestHTMLBySessionOnce: grouped by session, the page lists the sessions
// once.
func TestHTMLBySessionOnce(t *testing.T) {
	bySession, err := summarize.GroupedBy("session")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := HTML(&b, fixture(t).Result(bySession)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	main := page[strings.Index(page, `<table id="main"`):]
	main = main[:strings.Index(main, "</table>")]
	if n := strings.Count(main, "</tr>") - 1; strings.Contains(page, `<table id="sessions"`) || n != 2 {
		t.Errorf("the page has a sessions table: %v, and %d sessions in the main one; want none, and 2", strings.Contains(page, `<table id="sessions"`), n)
	}
}

// TestWrap: the page may break a cell only between the pieces of a long
// name, never inside a word that fits, and escapes every piece.
func TestWrap(t *testing.T) {
	tests := []struct{ in, want string }{
		{"AccessDenied", "AccessDenied"},
		{"us-east-1", `<span class="nb">us-east-1</span>`},
		{"2026-10-01T00:00:00Z", `<span class="nb">2026-10-01T00:00:00Z</span>`},
		{"AWSSupport-ed25519abcdef0123", "AWSSupport-<wbr>ed25519abcdef012<wbr>3"}, // a hex ID has no words
		{"AWSSupport-ccb13fec1c41a3e1", "AWSSupport-<wbr>ccb13fec1c41a3e1"},
		{"lambda:GetFunctionConfiguration20150331v2", "lambda:<wbr>Get<wbr>Function<wbr>Configuration<wbr>20150331v2"},
		{"ec2:DescribeInstances iam:GetRole", "ec2:<wbr>Describe<wbr>Instances iam:GetRole"},
		{"AWSLogs/111122223333/CloudTrail/us-east-1/x.json.gz", "AWSLogs/<wbr>111122223333/<wbr>CloudTrail/<wbr>us-<wbr>east-<wbr>1/<wbr>x.<wbr>json.<wbr>gz"},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)<wbr>&lt;/<wbr>script&gt;"},
		{strings.Repeat("a", 40), strings.Repeat("a", 16) + "<wbr>" + strings.Repeat("a", 16) + "<wbr>" + strings.Repeat("a", 8)},
		{`"quoted" & <b>`, `&#34;quoted&#34; &amp; &lt;b&gt;`},
	}
	for _, tt := range tests {
		if got := string(wrap(tt.in)); got != tt.want {
			t.Errorf("wrap(%q) =\n %s\nwant\n %s", tt.in, got, tt.want)
		}
	}
}

// TestChart: every day of the window is on the axis, days without calls
// too; the ticks are round numbers; accounts beyond the palette share one
// colour as "other" instead of repeating one.
func TestChart(t *testing.T) {
	var days []summarize.Day
	for i := range 10 {
		days = append(days, summarize.Day{Day: "2026-10-01", Account: fmt.Sprintf("1111222233%02d", i), Calls: 10 - i})
	}
	days = append(days, summarize.Day{Day: "2026-10-04", Account: "111122223300", Calls: 7})
	r := summarize.Result{Days: days}
	c := chartOf(r)

	var labels []string
	for _, d := range c.Days {
		labels = append(labels, d.Text)
	}
	if got := strings.Join(labels, " "); got != "10-01 10-02 10-03 10-04" {
		t.Errorf("days on the axis: %s, want 10-01 to 10-04, empty days included", got)
	}
	if len(c.Legend) != len(palette) || c.Legend[len(palette)-1].Label != "3 other accounts" || c.Legend[len(palette)-1].Fill != otherFill {
		t.Errorf("legend %v: want %d items, the last \"3 other accounts\"", c.Legend, len(palette))
	}
	fills := map[string]bool{}
	for _, l := range c.Legend {
		if fills[l.Fill] {
			t.Errorf("colour %s stands for two series", l.Fill)
		}
		fills[l.Fill] = true
	}
	peak := 0
	for _, d := range days[:10] {
		peak += d.Calls
	}
	var ticks []string
	for _, tk := range c.Ticks {
		ticks = append(ticks, tk.Text)
	}
	if got, want := strings.Join(ticks, " "), "0 20 40 60"; got != want { // peak 55
		t.Errorf("ticks %s for a peak of %d, want %s", got, peak, want)
	}

	scoped := r
	scoped.Scan = &summarize.Origin{Scope: trail.Scope{
		Since: time.Date(2026, 9, 29, 12, 0, 0, 0, time.UTC), Until: time.Date(2026, 10, 6, 0, 0, 0, 0, time.UTC)}}
	if got := windowDays(scoped); len(got) != 7 || got[0] != "2026-09-29" || got[6] != "2026-10-05" {
		t.Errorf("window of --since 2026-09-29T12:00Z --until 2026-10-06: %v, want 2026-09-29 to 2026-10-05", got)
	}
}

func TestNiceStep(t *testing.T) {
	tests := []struct{ peak, want int }{{0, 1}, {1, 1}, {4, 1}, {7, 2}, {10, 5}, {55, 20}, {150, 50}, {1000, 500}, {2317, 1000}}
	for _, tt := range tests {
		if got := niceStep(tt.peak, 4); got != tt.want {
			t.Errorf("niceStep(%d, 4) = %d, want %d", tt.peak, got, tt.want)
		}
	}
}
