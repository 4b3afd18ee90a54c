package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/trailscan/trailscan/pkg/diff"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// DiffFormats are the names WriteDiff accepts: a comparison has no CSV,
// its sections having no columns in common.
var DiffFormats = []string{"table", "json", "html"}

// WriteDiff writes d in the named format.
func WriteDiff(w io.Writer, format string, d diff.Diff) error {
	switch format {
	case "table":
		return DiffTable(w, d)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	case "html":
		return DiffHTML(w, d)
	}
	return fmt.Errorf("unknown format %q for a comparison (want one of %s)", format, strings.Join(DiffFormats, ", "))
}

// diffRows is how many rows of each section the table shows; JSON and
// HTML show them all.
const diffRows = 20

// DiffTable writes d for a person: the two reports, what is new, what is
// gone, what changed most, and the new sessions.
func DiffTable(w io.Writer, d diff.Diff) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	for _, s := range []struct {
		label string
		side  diff.Side
	}{{"Old", d.Old}, {"New", d.New}} {
		p("%s:\t%s: %s\n", s.label, Clean(s.side.File), sideSummary(s.side))
		if q := s.side.Query; q != nil {
			p("\tquery: %s\n", Clean(q.String()))
		}
		if why := s.side.Partial(); why != "" {
			p("\tPARTIAL: %s\n", why)
		}
	}
	p("Actions:\t%d new (%d in new services), %d gone, %d changed\n", len(d.NewActions), newServiceActions(d), len(d.GoneActions), len(d.Changed))
	if n := len(d.NewSessions); n > 0 {
		p("Sessions:\t%d new, in accounts %s\n", n, list(sessionAccounts(d.NewSessions)))
	} else {
		p("Sessions:\tnone new\n")
	}
	p("New accounts:\t%s\n", list(d.NewAccounts))
	more := func(n int) {
		if n > diffRows {
			p("  ... %d more (see -f json, -f html)\n", n-diffRows)
		}
	}
	section := func(title string, services []diff.Service) {
		if len(services) == 0 {
			return
		}
		p("\n%s\tCALLS\tERRORS\n", title)
		for _, s := range services[:min(len(services), diffRows)] {
			p("  %s\t%d\t%d\n", Clean(s.Service), s.Count, s.Errors)
		}
		more(len(services))
	}
	actions := func(title string, actions []diff.Action) {
		if len(actions) == 0 {
			return
		}
		p("\n%s\tCALLS\tERRORS\n", title)
		for _, a := range actions[:min(len(actions), diffRows)] {
			p("  %s:%s\t%d\t%d\n", Clean(summarize.ShortService(a.Service)), Clean(a.Action), a.Count, a.Errors)
		}
		more(len(actions))
	}
	section("NEW SERVICES", d.NewServices)
	actions("NEW ACTIONS", d.NewActions)
	section("GONE SERVICES", d.GoneServices)
	actions("GONE ACTIONS", d.GoneActions)
	if len(d.Changed) > 0 {
		p("\nCHANGED MOST\tCALLS\tERRORS\n")
		for _, c := range d.Changed[:min(len(d.Changed), diffRows)] {
			p("  %s:%s\t%s\t%s\n", Clean(summarize.ShortService(c.Service)), Clean(c.Action), change(c.OldCount, c.NewCount), change(c.OldErrors, c.NewErrors))
		}
		more(len(d.Changed))
	}
	if len(d.NewSessions) > 0 {
		p("\nNEW SESSIONS\tSTART\tCALLS\tFAILED\tWRITE\n")
		for _, s := range d.NewSessions[:min(len(d.NewSessions), diffRows)] {
			p("  %s/%s\t%s\t%d\t%d\t%s\n", Clean(s.Account), Clean(s.Session), s.Start, s.Calls, s.Failures, yesNo(s.AnyWrite))
		}
		more(len(d.NewSessions))
	}
	return tw.Flush()
}

// sideSummary says what one report compared holds, on one line.
func sideSummary(s diff.Side) string {
	span := "no Support calls"
	if s.FirstSeen != "" {
		span = s.FirstSeen + " to " + s.LastSeen
	}
	return fmt.Sprintf("%s, %d Support calls, %d writes, %d failed calls", span, s.EventsMatched, s.Writes, s.Failures)
}

// newServiceActions counts the new actions of services that are new.
func newServiceActions(d diff.Diff) int {
	n := 0
	for _, a := range d.NewActions {
		if slices.ContainsFunc(d.NewServices, func(s diff.Service) bool { return s.Service == a.Service }) {
			n++
		}
	}
	return n
}

// sessionAccounts lists the accounts of sessions, sorted, once each.
func sessionAccounts(sessions []summarize.Session) []string {
	var out []string
	for _, s := range sessions {
		out = append(out, s.Account)
	}
	return slices.Compact(slices.Sorted(slices.Values(out)))
}

// change writes a count before and after, and by how much it moved.
func change(before, after int) string {
	if before == after {
		return fmt.Sprint(after)
	}
	return fmt.Sprintf("%d → %d (%+d)", before, after, after-before)
}

// diffSource is the comparison's page, as report.html.tmpl is the
// report's.
//
//go:embed diff.html.tmpl
var diffSource string

var diffTemplate = template.Must(template.New("diff").Funcs(template.FuncMap{
	"short":    summarize.ShortService,
	"change":   change,
	"accounts": sessionAccounts,
	"summary":  sideSummary,
	"yesno":    yesNo,
}).Parse(diffSource))

// DiffHTML writes d as one self-contained page, escaped as the report's
// is (see HTML), with no script at all.
func DiffHTML(w io.Writer, d diff.Diff) error {
	c, err := cleaned(d)
	if err == nil {
		err = diffTemplate.Execute(w, c)
	}
	if err != nil {
		return fmt.Errorf("write html comparison: %w", err)
	}
	return nil
}

// list is xs cleaned and comma-separated, or "-" for none.
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
