package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"

	"github.com/trailscan/trailscan/pkg/summarize"
)

// Formats are the names Write accepts.
var Formats = []string{"table", "json", "csv", "html"}

// Write writes r in the named format.
func Write(w io.Writer, format string, r summarize.Result) error {
	switch format {
	case "table":
		return Table(w, r)
	case "json":
		return JSON(w, r)
	case "csv":
		return CSV(w, r)
	case "html":
		return HTML(w, r)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// JSON writes r as indented JSON.
func JSON(w io.Writer, r summarize.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// CSV writes one row per service and action, or with r.Groups one row
// per group. Every logged string goes through cell.
func CSV(w io.Writer, r summarize.Result) error {
	cw := csv.NewWriter(w)
	if r.By != "" && r.Groups != nil {
		cw.Write([]string{r.By, "calls", "failures", "writes", "first_seen", "last_seen"})
		for _, g := range r.Groups {
			cw.Write([]string{cell(g.Key), strconv.Itoa(g.Calls), strconv.Itoa(g.Failures), strconv.Itoa(g.Writes), g.FirstSeen, g.LastSeen})
		}
		cw.Flush()
		return cw.Error()
	}
	cw.Write([]string{"service", "action", "count", "errors", "read_only", "first_seen", "last_seen"})
	for _, s := range r.Services {
		for _, a := range s.Actions {
			cw.Write([]string{cell(s.Service), cell(a.Action), strconv.Itoa(a.Count), strconv.Itoa(a.Errors),
				strconv.FormatBool(a.ReadOnly), a.FirstSeen, a.LastSeen})
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell keeps a spreadsheet from reading a logged string as a formula.
// Control characters are escaped as in the table: CSV often ends up on a
// terminal too.
func cell(s string) string {
	s = Clean(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Table writes r for a person: totals; services and their actions (or
// r.Groups); sessions; the notable calls one by one; Support
// authorization events; the files that could not be read.
func Table(w io.Writer, r summarize.Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	integrityHeadline(p, r.Integrity)
	if missing := r.Scan.Missing(); len(missing) > 0 {
		p("INCOMPLETE:\tshards %s are missing: the result is partial\n", strings.Join(missing, ", "))
	}
	p("Files:\t%d scanned, %d failed\n", r.FilesScanned, len(r.FilesFailed))
	p("Events:\t%d scanned, %d by AWS Support\n", r.EventsScanned, r.EventsMatched)
	if r.FirstSeen != "" {
		p("Time range:\t%s to %s\n", r.FirstSeen, r.LastSeen)
	}
	p("Accounts:\t%s\n", list(r.Accounts))
	p("Regions:\t%s\n", list(r.Regions))
	if r.EventsMatched > 0 {
		p("Notable:\t%d writes, %d failed calls\n", r.Writes, r.Failures)
	}
	if n := len(r.SupportAuthorizations); n > 0 {
		p("Authorizations:\t%d Support authorization events\n", n)
	}
	switch {
	case r.By != "" && r.Groups != nil:
		if len(r.Groups) > 0 {
			p("\n%s\tCALLS\tFAILED\tWRITES\tFIRST SEEN\tLAST SEEN\n", strings.ToUpper(r.By))
			for _, g := range r.Groups {
				p("%s\t%d\t%d\t%d\t%s\t%s\n", Clean(g.Key), g.Calls, g.Failures, g.Writes, g.FirstSeen, g.LastSeen)
			}
		}
	case len(r.Services) > 0:
		p("\nSERVICE / ACTION\tCALLS\tERRORS\tREAD-ONLY\tFIRST SEEN\tLAST SEEN\tNOTABLE\n")
		for _, s := range r.Services {
			p("%s\t%d\t%d\t\t\t\t\n", Clean(s.Service), s.Count, s.Errors)
			for _, a := range s.Actions {
				p("  %s\t%d\t%d\t%s\t%s\t%s\t%s\n", Clean(a.Action), a.Count, a.Errors, yesNo(a.ReadOnly), a.FirstSeen, a.LastSeen, mark(a))
			}
		}
	}
	if len(r.Sessions) > 0 {
		p("\nSESSIONS\tCALLS\tFAILED\tWRITE\tSTART\tEND\tSERVICES\n")
		for _, s := range r.Sessions {
			p("%s/%s\t%d\t%d\t%s\t%s\t%s\t%s\n", Clean(s.Account), Clean(s.Session), s.Calls, s.Failures, yesNo(s.AnyWrite),
				s.Start, s.End, list(shortServices(s.Services)))
		}
	}
	if len(r.Notable) > 0 {
		p("\nNOTABLE CALLS (not read-only, or failed)\tTIME\tACCOUNT\tREGION\tERROR\tSESSION\tEVENT ID\n")
		for _, n := range r.Notable {
			p("! %s:%s\t%s\t%s\t%s\t%s\t%s\t%s\n", Clean(summarize.ShortService(n.Service)), Clean(n.Action), n.Time,
				Clean(n.Account), Clean(n.Region), dash(Clean(n.ErrorCode)), Clean(n.Session), Clean(n.ID))
		}
	}
	if len(r.SupportAuthorizations) > 0 {
		p("\nSUPPORT AUTHORIZATIONS (not calls by the role)\tTIME\tACCOUNT\tREGION\tCASE\n")
		for _, a := range r.SupportAuthorizations {
			p("%s\t%s\t%s\t%s\t%s\n", Clean(a.Action), summarize.Format(a.Time), Clean(a.Account), Clean(a.Region), dash(Clean(a.CaseID)))
		}
	}
	if len(r.FilesFailed) > 0 {
		p("\nFAILED FILES (their events are not counted)\n")
		for _, f := range r.FilesFailed {
			p("  %s: %s\n", Clean(f.Path), Clean(f.Error))
		}
	}
	integrityFindings(p, r.Integrity)
	return tw.Flush()
}

// mark says why an action's calls are notable, as the NOTABLE list does.
func mark(a summarize.Action) string {
	switch {
	case !a.ReadOnly && a.Errors > 0:
		return "! write,error"
	case !a.ReadOnly:
		return "! write"
	case a.Errors > 0:
		return "! error"
	}
	return ""
}

func shortServices(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = summarize.ShortService(s)
	}
	return out
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "-"
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = Clean(x)
	}
	return strings.Join(out, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Clean makes a logged string safe to print on a terminal: control and
// other unprintable characters (escape sequences, bidirectional overrides)
// and invalid UTF-8 are written as Go escapes, never raw.
func Clean(s string) string {
	safe := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}
