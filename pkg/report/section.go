package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/trailscan/trailscan/pkg/summarize"
)

// A section is one part of a report: rows under a title. The table prints
// the first rows of each, cut to fit a terminal; CSV writes one section,
// and the HTML page every section, whole. One function of the result
// builds each section, so that the formats cannot disagree on what it
// holds: a new part of the result is one more function in sectionsOf.
type section struct {
	name  string // as Section names it
	title string // with the counts that say what the rows are
	cols  []column
	rows  []row
	// rank, when not nil, lists the rows most worth reading first: a table
	// that cannot print every row prints the first of rank, in their own
	// order, and says that it kept what keeps.
	rank  []int
	keeps string
	// tableRows is how many rows the table prints without All, when not the
	// usual tableRows.
	tableRows int
}

type row struct {
	cells []string // one per column, whole and as logged
	hot   bool     // what the HTML page highlights: what wrote, or an action that fails
}

type column struct {
	name  string // CSV header
	label string // HTML header; in capitals, the table's
	in    where
	kind  kind
	// cut is the width the table may cut a cell down to when a line would
	// be too long; 0 never cuts (a count; a time is cut only when it is not
	// one).
	cut int
	// keepEnd cuts a cell's start rather than its end: the file name ends
	// a path.
	keepEnd bool
	// sparse leaves the column out of the table when none of the rows it
	// prints has a value there, and shows a dash where one has none.
	sparse bool
}

// where says which formats show a column.
type where uint8

const (
	inTable where = 1 << iota
	inCSV
	inHTML
	everywhere = inTable | inCSV | inHTML
	whole      = inCSV | inHTML // the table shows the value otherwise, or not at all
)

type kind uint8

const (
	text   kind = iota
	code        // names and IDs, set in a fixed-width font on the page
	number      // aligned right, sorted as numbers
	moment      // RFC 3339; the table shows it to the minute
)

// field is a column and how to read it from one item of a result.
type field[T any] struct {
	column
	value func(T) string
}

// build makes a section of items. hot may be nil; so may rank, which
// orders the rows by how much they are worth reading (see section.rank).
func build[T any](title string, items []T, fields []field[T], hot func(T) bool, rank func(a, b T) int) section {
	s := section{title: title}
	for _, f := range fields {
		s.cols = append(s.cols, f.column)
	}
	for _, it := range items {
		r := row{cells: make([]string, len(fields)), hot: hot != nil && hot(it)}
		for i, f := range fields {
			r.cells[i] = f.value(it)
		}
		s.rows = append(s.rows, r)
	}
	if rank != nil {
		s.rank = make([]int, len(items))
		for i := range s.rank {
			s.rank[i] = i
		}
		slices.SortStableFunc(s.rank, func(a, b int) int { return rank(items[a], items[b]) })
	}
	return s
}

type part struct {
	name string
	of   func(summarize.Result) section
}

// parts are the sections of a report, in the order the table prints them
// after the summary: a new part of the result is one more line here.
var parts = []part{
	{"main", mainSection},
	{"sessions", sessionsSection},
	{"notable", notableSection},
	{"authorizations", authorizationsSection},
	{"cases", casesSection},
	{"failed", failedSection},
}

// sectionsOf is every section of r.
func sectionsOf(r summarize.Result) []section {
	var out []section
	for _, p := range parts {
		// Grouped by session, the main table is the sessions: once is enough.
		if p.name == "sessions" && r.By == "session" && r.Groups != nil {
			continue
		}
		out = append(out, sectionNamed(r, p.name))
	}
	return out
}

// sectionNamed is r's section of that name, "main" when name is unknown
// (Section has checked it).
func sectionNamed(r summarize.Result, name string) section {
	p := parts[max(slices.IndexFunc(parts, func(p part) bool { return p.name == name }), 0)]
	s := p.of(r)
	s.name = p.name
	return s
}

// failShare is the share of an action's calls that must fail for the
// action to be marked as failing. Some calls of almost every action fail
// (throttling, a resource gone or never there): marking any failure
// marks everything, and so nothing.
const failShare = 0.25

// note says why a reader should look at an action: it wrote, or at least
// failShare of its calls failed.
func note(a summarize.Action) string {
	var why []string
	if !a.ReadOnly {
		why = append(why, "write")
	}
	if failing(a) {
		why = append(why, fmt.Sprintf("failed %d%%", a.Errors*100/a.Count))
	}
	return strings.Join(why, ", ")
}

func failing(a summarize.Action) bool {
	return a.Count > 0 && float64(a.Errors) >= failShare*float64(a.Count)
}

type serviceAction struct {
	service string
	summarize.Action
}

func mainSection(r summarize.Result) section {
	if r.By != "" && r.Groups != nil {
		return groupsSection(r)
	}
	var actions []serviceAction
	for _, s := range r.Services {
		for _, a := range s.Actions {
			actions = append(actions, serviceAction{s.Service, a})
		}
	}
	// Busiest first, as in r.Services, but across services.
	slices.SortStableFunc(actions, func(a, b serviceAction) int { return cmp.Compare(b.Count, a.Count) })
	title := fmt.Sprintf("Actions: %d in %s, busiest first", len(actions), plural(len(r.Services), "service"))
	return build(title, actions, []field[serviceAction]{
		{column{name: "service", label: "Service", in: whole, kind: code}, func(a serviceAction) string { return a.service }},
		{column{name: "action", label: "Action", in: whole, kind: code}, func(a serviceAction) string { return a.Action.Action }},
		{column{label: "Action", in: inTable, cut: 24}, func(a serviceAction) string { return call(a.service, a.Action.Action) }},
		{column{name: "count", label: "Calls", in: everywhere, kind: number}, func(a serviceAction) string { return strconv.Itoa(a.Count) }},
		{column{name: "errors", label: "Failed", in: everywhere, kind: number}, func(a serviceAction) string { return strconv.Itoa(a.Errors) }},
		{column{name: "read_only", label: "Read-only", in: inCSV}, func(a serviceAction) string { return strconv.FormatBool(a.ReadOnly) }},
		{column{name: "first_seen", label: "First seen", in: everywhere, kind: moment}, func(a serviceAction) string { return a.FirstSeen }},
		{column{name: "last_seen", label: "Last seen", in: everywhere, kind: moment}, func(a serviceAction) string { return a.LastSeen }},
		{column{label: "Note", in: inTable | inHTML, cut: 8}, func(a serviceAction) string { return note(a.Action) }},
	}, func(a serviceAction) bool { return note(a.Action) != "" }, nil)
}

func groupsSection(r summarize.Result) section {
	title := fmt.Sprintf("Calls by %s: %d", r.By, len(r.Groups))
	return build(title, r.Groups, []field[summarize.Group]{
		{column{name: r.By, label: capital(r.By), in: everywhere, kind: code, cut: 24}, func(g summarize.Group) string { return g.Key }},
		{column{name: "calls", label: "Calls", in: everywhere, kind: number}, func(g summarize.Group) string { return strconv.Itoa(g.Calls) }},
		{column{name: "failures", label: "Failed", in: everywhere, kind: number}, func(g summarize.Group) string { return strconv.Itoa(g.Failures) }},
		{column{name: "writes", label: "Writes", in: everywhere, kind: number}, func(g summarize.Group) string { return strconv.Itoa(g.Writes) }},
		{column{name: "first_seen", label: "First seen", in: everywhere, kind: moment}, func(g summarize.Group) string { return g.FirstSeen }},
		{column{name: "last_seen", label: "Last seen", in: everywhere, kind: moment}, func(g summarize.Group) string { return g.LastSeen }},
	}, func(g summarize.Group) bool { return g.Writes > 0 }, nil)
}

func sessionsSection(r summarize.Result) section {
	title := fmt.Sprintf("Sessions: %d, %d of them wrote", len(r.Sessions), wrote(r.Sessions))
	s := build(title, r.Sessions, []field[summarize.Session]{
		{column{name: "account", label: "Account", in: whole}, func(s summarize.Session) string { return s.Account }},
		{column{name: "session", label: "Session", in: whole, kind: code}, func(s summarize.Session) string { return s.Session }},
		{column{label: "Session", in: inTable, cut: 30}, func(s summarize.Session) string { return s.Account + "/" + s.Session }},
		{column{name: "calls", label: "Calls", in: everywhere, kind: number}, func(s summarize.Session) string { return strconv.Itoa(s.Calls) }},
		{column{name: "failures", label: "Failed", in: everywhere, kind: number}, func(s summarize.Session) string { return strconv.Itoa(s.Failures) }},
		{column{name: "any_write", in: inCSV}, func(s summarize.Session) string { return strconv.FormatBool(s.AnyWrite) }},
		{column{label: "Wrote", in: inTable | inHTML}, func(s summarize.Session) string { return yesNo(s.AnyWrite) }},
		{column{name: "start", label: "Start", in: everywhere, kind: moment}, func(s summarize.Session) string { return s.Start }},
		{column{name: "end", label: "End", in: everywhere, kind: moment}, func(s summarize.Session) string { return s.End }},
		{column{name: "services", label: "Services", in: inCSV, kind: code}, func(s summarize.Session) string { return strings.Join(s.Services, " ") }},
		{column{name: "actions", label: "Actions", in: whole, kind: code}, func(s summarize.Session) string { return strings.Join(s.Actions, " ") }},
		{column{name: "source_ips", label: "Source IPs", in: inCSV, kind: code}, func(s summarize.Session) string { return strings.Join(s.SourceIPs, " ") }},
		// User agents hold spaces, and some semicolons.
		{column{name: "user_agents", label: "User agents", in: inCSV, kind: code}, func(s summarize.Session) string { return strings.Join(s.UserAgents, " | ") }},
		{column{label: "Source IPs, user agents", in: inHTML, kind: code}, func(s summarize.Session) string {
			return strings.TrimSpace(strings.Join(s.SourceIPs, " ") + " " + strings.Join(s.UserAgents, " | "))
		}},
		{column{name: "resources", label: "Resources", in: whole, kind: code}, func(s summarize.Session) string { return more(strings.Join(s.Resources, " "), s.ResourcesMore) }},
	}, func(s summarize.Session) bool { return s.AnyWrite }, func(a, b summarize.Session) int {
		return compareBool(a.AnyWrite, b.AnyWrite)
	})
	s.keeps = "those that wrote first"
	return s
}

func notableSection(r summarize.Result) section {
	title := fmt.Sprintf("Notable calls: %d not read-only or failed (%d writes, %d failed)", len(r.Notable), r.Writes, r.Failures)
	s := build(title, r.Notable, []field[summarize.Notable]{
		{column{name: "time", label: "Time", in: everywhere, kind: moment}, func(n summarize.Notable) string { return n.Time }},
		{column{name: "account", label: "Account", in: inTable | inCSV, cut: 12}, func(n summarize.Notable) string { return n.Account }},
		{column{name: "region", label: "Region", in: inCSV}, func(n summarize.Notable) string { return n.Region }},
		// The page has room for fewer columns than the record has fields: it
		// shows two in one cell where one says where the other happened.
		{column{label: "Account, region", in: inHTML}, func(n summarize.Notable) string { return n.Account + " " + n.Region }},
		{column{name: "service", label: "Service", in: inCSV}, func(n summarize.Notable) string { return n.Service }},
		{column{name: "action", label: "Action", in: inCSV}, func(n summarize.Notable) string { return n.Action }},
		{column{label: "Call", in: inTable | inHTML, kind: code, cut: 20}, func(n summarize.Notable) string { return call(n.Service, n.Action) }},
		{column{name: "read_only", label: "Read-only", in: inCSV}, func(n summarize.Notable) string { return strconv.FormatBool(n.ReadOnly) }},
		{column{name: "reason", label: "Why", in: inCSV}, func(n summarize.Notable) string { return n.Reason }},
		{column{label: "Why", in: inHTML}, func(n summarize.Notable) string { return strings.ReplaceAll(n.Reason, ",", ", ") }},
		{column{name: "error_code", label: "Error", in: inCSV}, func(n summarize.Notable) string { return n.ErrorCode }},
		{column{label: "Error", in: inHTML}, func(n summarize.Notable) string { return strings.TrimSpace(n.ErrorCode + " " + n.ErrorMessage) }},
		{column{label: "Error", in: inTable, cut: 12}, func(n summarize.Notable) string { return dash(n.ErrorCode) }},
		{column{name: "session", label: "Session", in: everywhere, kind: code, cut: 16}, func(n summarize.Notable) string { return n.Session }},
		{column{name: "error_message", label: "Error message", in: inCSV}, func(n summarize.Notable) string { return n.ErrorMessage }},
		{column{label: "Resources", in: inTable, kind: code, cut: 14, sparse: true}, func(n summarize.Notable) string { return more(arns(n.Resources), n.ResourcesMore) }},
		{column{name: "event_id", label: "Event ID", in: inCSV, kind: code}, func(n summarize.Notable) string { return n.ID }},
		{column{name: "source_ip", label: "Source IP", in: inCSV}, func(n summarize.Notable) string { return n.SourceIP }},
		{column{name: "user_agent", label: "User agent", in: inCSV}, func(n summarize.Notable) string { return n.UserAgent }},
		{column{label: "Source IP, user agent", in: inHTML, kind: code}, func(n summarize.Notable) string { return n.SourceIP + " " + n.UserAgent }},
		{column{name: "file", label: "File", in: inCSV, kind: code}, func(n summarize.Notable) string { return n.File }},
		// The event and where it lies: what evidence is copied by.
		{column{label: "Event ID, file", in: inHTML, kind: code}, func(n summarize.Notable) string { return n.ID + " " + n.File }},
		// After the columns of reports written before them, which scripts
		// may read by position.
		{column{name: "resources", label: "Resources", in: inCSV}, func(n summarize.Notable) string { return more(typedARNs(n.Resources), n.ResourcesMore) }},
		{column{name: "request_parameters", label: "Request parameters", in: inCSV}, func(n summarize.Notable) string { return n.RequestParameters }},
		{column{name: "request_parameters_cut", in: inCSV}, func(n summarize.Notable) string { return cutSize(n.RequestParametersCut, n.RequestParametersBytes) }},
		{column{label: "Resources, request parameters", in: inHTML, kind: code}, touched},
	}, func(n summarize.Notable) bool { return !n.ReadOnly }, func(a, b summarize.Notable) int {
		return cmp.Compare(notableRank(a), notableRank(b))
	})
	s.keeps = "the writes first"
	return s
}

// arns is the ARNs of rs, or their types for those without one.
func arns(rs []summarize.Resource) string {
	var out []string
	for _, r := range rs {
		out = append(out, cmp.Or(r.ARN, r.Type))
	}
	return strings.Join(out, " ")
}

// typedARNs is each resource of rs as "ARN (type)".
func typedARNs(rs []summarize.Resource) string {
	var out []string
	for _, r := range rs {
		switch {
		case r.Type == "":
			out = append(out, r.ARN)
		case r.ARN == "":
			out = append(out, "("+r.Type+")")
		default:
			out = append(out, r.ARN+" ("+r.Type+")")
		}
	}
	return strings.Join(out, " ")
}

// more is a list, and how many it left out.
func more(list string, n int) string {
	if n == 0 {
		return list
	}
	return strings.TrimSpace(fmt.Sprintf("%s (+%d more)", list, n))
}

// cutSize says whether a value was cut, and how long it was.
func cutSize(cut bool, size int64) string {
	if !cut {
		return ""
	}
	return fmt.Sprintf("cut from %d bytes", size)
}

// touched is what a call named and asked for, its request parameters
// saying when they are only the first bytes.
func touched(n summarize.Notable) string {
	rp := n.RequestParameters
	if n.RequestParametersCut {
		rp += " … (" + cutSize(true, n.RequestParametersBytes) + ")"
	}
	return strings.TrimSpace(more(typedARNs(n.Resources), n.ResourcesMore) + " " + rp)
}

// notableRank puts the calls that changed something first, then the
// writes that failed, then the reads that failed.
func notableRank(n summarize.Notable) int {
	switch {
	case !n.ReadOnly && n.ErrorCode == "":
		return 0
	case !n.ReadOnly:
		return 1
	}
	return 2
}

func authorizationsSection(r summarize.Result) section {
	title := fmt.Sprintf("Support authorization events (not calls by the role): %d", len(r.SupportAuthorizations))
	return build(title, r.SupportAuthorizations, []field[summarize.Authorization]{
		{column{name: "time", label: "Time", in: everywhere, kind: moment}, func(a summarize.Authorization) string { return timeOf(a) }},
		{column{name: "action", label: "Event", in: everywhere, cut: 20}, func(a summarize.Authorization) string { return a.Action }},
		{column{name: "account", label: "Account", in: everywhere, cut: 12}, func(a summarize.Authorization) string { return a.Account }},
		{column{name: "region", label: "Region", in: everywhere, cut: 9}, func(a summarize.Authorization) string { return a.Region }},
		{column{name: "case_id", label: "Case", in: everywhere, cut: 12}, func(a summarize.Authorization) string { return a.CaseID }},
		{column{name: "permit_request_arn", label: "Permit request", in: whole, kind: code}, func(a summarize.Authorization) string { return a.Request }},
		{column{name: "event_id", label: "Event ID", in: whole, kind: code}, func(a summarize.Authorization) string { return a.ID }},
		{column{name: "file", label: "File", in: inCSV, kind: code}, func(a summarize.Authorization) string { return a.File }},
	}, nil, nil)
}

// casesSection is a row per case. Its sessions are only those of the
// account active during the case: the title says so, lest they be read as
// the case's own.
func casesSection(r summarize.Result) section {
	title := fmt.Sprintf("Support cases: %d (sessions meanwhile: in the account, overlapping in time, not proof)", len(r.Cases))
	s := build(title, r.Cases, []field[summarize.Case]{
		{column{name: "case", label: "Case", in: everywhere, kind: code, cut: 12}, func(c summarize.Case) string { return c.Case }},
		{column{name: "account", label: "Account", in: everywhere, cut: 12}, func(c summarize.Case) string { return c.Account }},
		{column{name: "first_seen", label: "First seen", in: everywhere, kind: moment}, func(c summarize.Case) string { return c.FirstSeen }},
		{column{name: "last_seen", label: "Last seen", in: everywhere, kind: moment}, func(c summarize.Case) string { return c.LastSeen }},
		{column{name: "event_count", label: "Events", in: inTable, kind: number}, func(c summarize.Case) string { return strconv.Itoa(len(c.Events)) }},
		{column{name: "events", label: "Events", in: whole}, func(c summarize.Case) string { return caseEvents(c.Events, caseEventName) }},
		{column{name: "event_ids", label: "Event IDs", in: whole, kind: code}, func(c summarize.Case) string { return caseEvents(c.Events, caseEventID) }},
		{column{name: "actions", label: "Actions", in: everywhere, kind: code, cut: 20, sparse: true}, func(c summarize.Case) string { return strings.Join(c.Actions, " ") }},
		{column{name: "resources", label: "Resources", in: whole, kind: code}, func(c summarize.Case) string { return strings.Join(c.Resources, " ") }},
		{column{name: "sessions", label: "Sessions meanwhile", in: everywhere, kind: code, cut: 20}, func(c summarize.Case) string { return strings.Join(c.Sessions, " ") }},
	}, nil, nil)
	// A case's events are also rows of the authorization events above it:
	// a few cases are enough for a table that must fit a screen.
	s.tableRows = 4
	return s
}

func caseEventName(e summarize.CaseEvent) string {
	name := e.Action
	if e.ErrorCode != "" {
		name += " (" + e.ErrorCode + ")"
	}
	return name
}

func caseEventID(e summarize.CaseEvent) string { return e.ID }

// caseEvents lists a case's events in order, one word each.
func caseEvents(evs []summarize.CaseEvent, word func(summarize.CaseEvent) string) string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = word(e)
	}
	return strings.Join(out, " ")
}

func timeOf(a summarize.Authorization) string {
	if a.Time.IsZero() {
		return ""
	}
	return summarize.Format(a.Time)
}

func failedSection(r summarize.Result) section {
	title := fmt.Sprintf("Files that could not be read (their events are not counted): %d", len(r.FilesFailed))
	return build(title, r.FilesFailed, []field[summarize.FileError]{
		{column{name: "path", label: "File", in: everywhere, kind: code, cut: 40, keepEnd: true}, func(f summarize.FileError) string { return f.Path }},
		{column{name: "error", label: "Error", in: everywhere, cut: 30}, func(f summarize.FileError) string { return f.Error }},
	}, nil, nil)
}

// call is service:Action, as IAM writes an action.
func call(service, action string) string { return summarize.ShortService(service) + ":" + action }

func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
