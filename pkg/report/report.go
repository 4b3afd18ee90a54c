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
var Formats = []string{"table", "json", "csv"}

// Write writes r in the named format.
func Write(w io.Writer, format string, r summarize.Result) error {
	switch format {
	case "table":
		return Table(w, r)
	case "json":
		return JSON(w, r)
	case "csv":
		return CSV(w, r)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// JSON writes r as indented JSON.
func JSON(w io.Writer, r summarize.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// CSV writes one row per service and action.
func CSV(w io.Writer, r summarize.Result) error {
	cw := csv.NewWriter(w)
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
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Table writes r for a person: totals, then services and their actions,
// then the files that could not be read.
func Table(w io.Writer, r summarize.Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	p("Files:\t%d scanned, %d failed\n", r.FilesScanned, len(r.FilesFailed))
	p("Events:\t%d scanned, %d by AWS Support\n", r.EventsScanned, r.EventsMatched)
	if r.FirstSeen != "" {
		p("Time range:\t%s to %s\n", r.FirstSeen, r.LastSeen)
	}
	p("Accounts:\t%s\n", list(r.Accounts))
	p("Regions:\t%s\n", list(r.Regions))
	if len(r.Services) > 0 {
		p("\nSERVICE / ACTION\tCALLS\tERRORS\tREAD-ONLY\tFIRST SEEN\tLAST SEEN\n")
		for _, s := range r.Services {
			p("%s\t%d\t%d\t\t\t\n", Clean(s.Service), s.Count, s.Errors)
			for _, a := range s.Actions {
				p("  %s\t%d\t%d\t%s\t%s\t%s\n", Clean(a.Action), a.Count, a.Errors, yesNo(a.ReadOnly), a.FirstSeen, a.LastSeen)
			}
		}
	}
	if len(r.FilesFailed) > 0 {
		p("\nFAILED FILES (their events are not counted)\n")
		for _, f := range r.FilesFailed {
			p("  %s: %s\n", Clean(f.Path), Clean(f.Error))
		}
	}
	return tw.Flush()
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
