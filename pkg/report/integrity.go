package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/trailscan/trailscan/pkg/integrity"
)

// What a result's integrity findings (scan --verify) add to a report: the
// headline, first, which says whether the answer is proven complete, and
// each finding, last.

// integrityHeadline opens the table.
func integrityHeadline(p func(string, ...any), f *integrity.Findings) {
	if f != nil {
		p("%s\n", Clean(f.Headline()))
	}
}

// integrityFindings lists each finding, for the table.
func integrityFindings(p func(string, ...any), f *integrity.Findings) {
	if f == nil || len(f.Altered)+len(f.Missing)+len(f.Unlisted)+len(f.InvalidDigests)+len(f.ChainGaps)+len(f.Unsigned) == 0 {
		return
	}
	p("\nINTEGRITY (CloudTrail's signed digests)\tFILE\tDIGEST OR REASON\n")
	for _, l := range []struct {
		what string
		logs []integrity.LogFinding
	}{{"! altered", f.Altered}, {"! missing", f.Missing}, {"! unlisted", f.Unlisted}} {
		for _, x := range l.logs {
			p("%s\t%s\t%s\n", l.what, Clean(x.Path), dash(Clean(x.Digest)))
		}
	}
	for _, d := range f.InvalidDigests {
		p("! invalid digest\t%s\t%s\n", Clean(d.Path), Clean(d.Error))
	}
	for _, g := range f.ChainGaps {
		p("! chain gap: %s %s, %s to %s\t%s\t%s\n", Clean(g.Account), Clean(g.Region), g.From.Format(time.RFC3339), g.Until.Format(time.RFC3339),
			Clean(g.Digest), "its predecessor is absent")
	}
	for _, u := range f.Unsigned {
		p("unsigned digest\t%s\t%s\n", Clean(u.Path), Clean(u.Reason))
	}
}

// writeFindings lists each finding at the end of the table.
func writeFindings(w io.Writer, f *integrity.Findings) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	integrityFindings(func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }, f)
	return tw.Flush()
}

// IntegrityFormats are the formats Integrity writes.
var IntegrityFormats = []string{"table", "json", "csv"}

// Integrity writes findings alone, as trailscan verify reports them: for
// a person, the headline and each finding; as JSON, {"integrity": f}; as
// CSV, one row per finding (see integrityCSV).
func Integrity(w io.Writer, format string, f integrity.Findings) error {
	switch format {
	case "csv":
		return integrityCSV(w, &f)
	case "table":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
		integrityHeadline(p, &f)
		integrityFindings(p, &f)
		return tw.Flush()
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Integrity integrity.Findings `json:"integrity"`
		}{f})
	}
	return fmt.Errorf("unknown format %q for findings alone (want one of %s)", format, strings.Join(IntegrityFormats, ", "))
}

// integrityCSV writes one row per finding, of each kind in the order the
// table lists them: kind is the JSON list's name, in the singular; path
// the file (for a missing log, where CloudTrail delivered it); digest the
// digest that lists it, or for a chain gap the digest after the gap;
// reason why an invalid digest proves nothing, why a digest is unsigned,
// or what a chain gap lacks; account and region those of the path, or the
// gap's; from and until the hours of a gap. The headline is not a row: a
// clean archive is a header alone. Every value goes through cell.
func integrityCSV(w io.Writer, f *integrity.Findings) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"kind", "path", "digest", "reason", "account", "region", "from", "until"})
	row := func(kind, path, digest, reason string) {
		account, region := integrity.Place(path)
		cw.Write([]string{kind, cell(path), cell(digest), cell(reason), cell(account), cell(region), "", ""})
	}
	for _, l := range []struct {
		kind string
		logs []integrity.LogFinding
	}{{"altered", f.Altered}, {"missing", f.Missing}, {"unlisted", f.Unlisted}} {
		for _, x := range l.logs {
			row(l.kind, x.Path, x.Digest, "")
		}
	}
	for _, d := range f.InvalidDigests {
		row("invalid_digest", d.Path, "", d.Error)
	}
	for _, g := range f.ChainGaps {
		cw.Write([]string{"chain_gap", "", cell(g.Digest), "its predecessor is absent", cell(g.Account), cell(g.Region),
			g.From.UTC().Format(time.RFC3339), g.Until.UTC().Format(time.RFC3339)})
	}
	for _, u := range f.Unsigned {
		row("unsigned", u.Path, "", u.Reason)
	}
	cw.Flush()
	return cw.Error()
}

// The HTML page's integrity section: {{template "integrity" .Integrity}}.
var _ = template.Must(htmlTemplate.Parse(`{{define "integrity"}}{{with .}}
<p id="integrity"{{if not .Proven}} class="mark"{{end}}><b>{{.Headline}}</b></p>
{{if or .Altered .Missing .Unlisted .InvalidDigests .ChainGaps .Unsigned}}
<table id="integrity-findings"><thead><tr><th>Finding</th><th>File</th><th>Digest or reason</th></tr></thead><tbody>
{{range .Altered}}<tr class="notable"><td class="mark">altered</td><td class="code">{{.Path}}</td><td class="code">{{.Digest}}</td></tr>
{{end}}{{range .Missing}}<tr class="notable"><td class="mark">missing</td><td class="code">{{.Path}}</td><td class="code">{{.Digest}}</td></tr>
{{end}}{{range .Unlisted}}<tr class="notable"><td class="mark">unlisted</td><td class="code">{{.Path}}</td><td>listed by no digest</td></tr>
{{end}}{{range .InvalidDigests}}<tr class="notable"><td class="mark">invalid digest</td><td class="code">{{.Path}}</td><td>{{.Error}}</td></tr>
{{end}}{{range .ChainGaps}}<tr class="notable"><td class="mark">chain gap: {{.Account}} {{.Region}}, {{time .From}} to {{time .Until}}</td><td class="code">{{.Digest}}</td><td>its predecessor is absent</td></tr>
{{end}}{{range .Unsigned}}<tr><td>unsigned digest</td><td class="code">{{.Path}}</td><td>{{.Reason}}</td></tr>
{{end}}</tbody></table>
{{end}}{{end}}{{end}}`))
