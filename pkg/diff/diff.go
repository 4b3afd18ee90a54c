package diff

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/trailscan/trailscan/pkg/summarize"
)

// Report is a result and the name of the file it was read from.
type Report struct {
	Name   string
	Result summarize.Result
}

// ErrNotReport is a file that is not a JSON report: another format, or
// JSON of something else (a state file, evidence).
var ErrNotReport = errors.New("not a JSON report of trailscan scan or merge")

// ErrPart is a shard's part: its counts are only its share of a scan.
var ErrPart = errors.New("a shard's part holds only its share of the scan")

// Read reads the report called name from r.
func Read(name string, r io.Reader) (Report, error) {
	rep := Report{Name: name}
	if err := json.NewDecoder(r).Decode(&rep.Result); err != nil {
		if notJSON(err) {
			err = fmt.Errorf("%w: %w", ErrNotReport, err)
		}
		return rep, fmt.Errorf("read %s: %w", name, err)
	}
	// Every report lists its services, if none as []: null or nothing is
	// some other JSON.
	if rep.Result.Services == nil {
		return rep, fmt.Errorf("read %s: %w: it lists no services", name, ErrNotReport)
	}
	if s := rep.Result.Scan; s != nil && s.Shard != "" {
		return rep, fmt.Errorf("read %s: shard %s: %w", name, s.Shard, ErrPart)
	}
	return rep, nil
}

// notJSON reports whether a decoding error is of what was read, rather
// than of reading it (a directory, a failing disk).
func notJSON(err error) bool {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	return errors.As(err, &syntax) || errors.As(err, &typ) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// Diff is what changed from one report, Old, to another, New. Its JSON
// form is a contract, like summarize.Result's: names only ever get added.
type Diff struct {
	Old Side `json:"old"`
	New Side `json:"new"`
	// Services and actions that only one of the reports holds, busiest
	// first.
	NewServices  []Service `json:"new_services"`
	GoneServices []Service `json:"gone_services"`
	NewActions   []Action  `json:"new_actions"`
	GoneActions  []Action  `json:"gone_actions"`
	// Changed is the actions both hold with other counts or errors, most
	// changed first.
	Changed []Change `json:"changed"`
	// NewAccounts are the accounts with Support calls in New and none in
	// Old; NewSessions the sessions of New that Old does not hold, in
	// order of their first call.
	NewAccounts []string            `json:"new_accounts"`
	NewSessions []summarize.Session `json:"new_sessions"`
}

// Side is what one of the reports compared says of itself.
type Side struct {
	File          string                `json:"file"`
	Query         *summarize.Query      `json:"query,omitempty"` // absent in reports of older trailscans
	FirstSeen     string                `json:"first_seen,omitempty"`
	LastSeen      string                `json:"last_seen,omitempty"`
	EventsMatched int                   `json:"events_matched"`
	Writes        int                   `json:"writes"`
	Failures      int                   `json:"failures"`
	FilesScanned  int                   `json:"files_scanned"`
	FilesFailed   []summarize.FileError `json:"files_failed"`
	MissingShards []string              `json:"missing_shards,omitempty"`
}

// Partial says why the report is partial, "" when it is not: what it
// could not read may hold what looks new or gone.
func (s Side) Partial() string {
	var why []string
	if n := len(s.FilesFailed); n > 0 {
		why = append(why, fmt.Sprintf("%d of %d files could not be read", n, n+s.FilesScanned))
	}
	if len(s.MissingShards) > 0 {
		why = append(why, fmt.Sprintf("shards %s are missing", strings.Join(s.MissingShards, ", ")))
	}
	return strings.Join(why, " and ")
}

// Service is the calls to a service that only one report holds.
type Service struct {
	Service string `json:"service"`
	Count   int    `json:"count"`
	Errors  int    `json:"errors"`
}

// Action is the calls of an action that only one report holds.
type Action struct {
	Service string `json:"service"`
	Action  string `json:"action"`
	Count   int    `json:"count"`
	Errors  int    `json:"errors"`
}

// Change is an action both reports hold, with other counts or errors.
type Change struct {
	Service   string `json:"service"`
	Action    string `json:"action"`
	OldCount  int    `json:"old_count"`
	NewCount  int    `json:"new_count"`
	OldErrors int    `json:"old_errors"`
	NewErrors int    `json:"new_errors"`
}

// size is how much an action changed: calls and errors gained or lost.
func (c Change) size() int {
	return abs(c.NewCount-c.OldCount) + abs(c.NewErrors-c.OldErrors)
}

func abs(n int) int { return max(n, -n) }

// Compare says what changed from the report older to newer.
func Compare(older, newer Report) Diff {
	was, is := older.Result, newer.Result
	d := Diff{
		Old: side(older), New: side(newer),
		NewServices: goneServices(is, was), GoneServices: goneServices(was, is),
		NewActions: gone(is, was), GoneActions: gone(was, is),
		Changed: []Change{}, NewAccounts: []string{}, NewSessions: []summarize.Session{},
	}
	before := actions(was)
	for _, s := range is.Services {
		for _, a := range s.Actions {
			b, ok := before[key{s.Service, a.Action}]
			if ok && (b.Count != a.Count || b.Errors != a.Errors) {
				d.Changed = append(d.Changed, Change{Service: s.Service, Action: a.Action,
					OldCount: b.Count, NewCount: a.Count, OldErrors: b.Errors, NewErrors: a.Errors})
			}
		}
	}
	slices.SortFunc(d.Changed, func(a, b Change) int {
		return cmp.Or(cmp.Compare(b.size(), a.size()), cmp.Compare(a.Service, b.Service), cmp.Compare(a.Action, b.Action))
	})
	for _, a := range is.Accounts {
		if !slices.Contains(was.Accounts, a) {
			d.NewAccounts = append(d.NewAccounts, a)
		}
	}
	type session struct{ account, session string }
	seen := map[session]bool{}
	for _, s := range was.Sessions {
		seen[session{s.Account, s.Session}] = true
	}
	for _, s := range is.Sessions {
		if !seen[session{s.Account, s.Session}] {
			d.NewSessions = append(d.NewSessions, s)
		}
	}
	return d
}

func side(r Report) Side {
	res := r.Result
	return Side{
		File: r.Name, Query: res.Query, FirstSeen: res.FirstSeen, LastSeen: res.LastSeen,
		EventsMatched: res.EventsMatched, Writes: res.Writes, Failures: res.Failures,
		FilesScanned: res.FilesScanned, FilesFailed: res.FilesFailed, MissingShards: res.Scan.Missing(),
	}
}

type key struct{ service, action string }

func actions(r summarize.Result) map[key]summarize.Action {
	m := map[key]summarize.Action{}
	for _, s := range r.Services {
		for _, a := range s.Actions {
			m[key{s.Service, a.Action}] = a
		}
	}
	return m
}

// gone lists the actions of from that to does not hold, busiest first.
func gone(from, to summarize.Result) []Action {
	held := actions(to)
	out := []Action{}
	for _, s := range from.Services {
		for _, a := range s.Actions {
			if _, ok := held[key{s.Service, a.Action}]; !ok {
				out = append(out, Action{Service: s.Service, Action: a.Action, Count: a.Count, Errors: a.Errors})
			}
		}
	}
	slices.SortFunc(out, func(a, b Action) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Service, b.Service), cmp.Compare(a.Action, b.Action))
	})
	return out
}

// goneServices lists the services of from that to does not hold, in
// from's order: busiest first.
func goneServices(from, to summarize.Result) []Service {
	out := []Service{}
	for _, s := range from.Services {
		if !slices.ContainsFunc(to.Services, func(t summarize.Service) bool { return t.Service == s.Service }) {
			out = append(out, Service{Service: s.Service, Count: s.Count, Errors: s.Errors})
		}
	}
	return out
}

// AlertKinds are the kinds of finding Alerts looks for: an action New
// holds and Old does not.
var AlertKinds = []string{"new-action"}

// Alerts says which of kinds d holds, one sentence each, so that a
// scheduled job can alert on them. Unknown kinds are ignored: callers
// check them against AlertKinds.
func (d Diff) Alerts(kinds []string) []string {
	var found []string
	for _, k := range kinds {
		if k == "new-action" && len(d.NewActions) > 0 {
			names := make([]string, 0, len(d.NewActions))
			for _, a := range d.NewActions {
				names = append(names, summarize.ShortService(a.Service)+":"+a.Action)
			}
			found = append(found, fmt.Sprintf("%d actions of AWS Support not in %s: %s", len(names), d.Old.File, some(names)))
		}
	}
	return found
}

// some lists the first few of names, and how many more there are.
func some(names []string) string {
	const shown = 5
	if len(names) <= shown {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:shown], ", "), len(names)-shown)
}
