package summarize

import (
	"cmp"
	"slices"
	"time"
)

// Result is a summary as reported. Its JSON form is a contract that other
// tools read: names only ever get added.
type Result struct {
	EventsScanned int64       `json:"events_scanned"`
	EventsMatched int         `json:"events_matched"`
	FilesScanned  int         `json:"files_scanned"`
	FilesFailed   []FileError `json:"files_failed"`
	FirstSeen     string      `json:"first_seen,omitempty"`
	LastSeen      string      `json:"last_seen,omitempty"`
	Accounts      []string    `json:"accounts"`
	Regions       []string    `json:"regions"`
	Services      []Service   `json:"services"`

	// Added for reviewers (issue 6).
	Sessions              []Session       `json:"sessions"`
	Notable               []Notable       `json:"notable"`
	SupportAuthorizations []Authorization `json:"support_authorizations"`
	Days                  []Day           `json:"days"`
	Writes                int             `json:"writes"` // calls that did not only read
	Failures              int             `json:"failures"`
	// By and Groups are the main table grouped otherwise than by service
	// and action, when asked for (see Summary.Group).
	By     string  `json:"group_by,omitempty"`
	Groups []Group `json:"groups,omitempty"`

	// Added for shards (issue 7): a partial result (scan --shard) says
	// where it came from and lists every call, so that merge can rebuild
	// the Summary (see Result.Summary).
	Scan  *Origin `json:"scan,omitempty"`
	Calls []Call  `json:"calls,omitempty"`
}

// Service is the calls made to one service (eventSource).
type Service struct {
	Service string   `json:"service"`
	Count   int      `json:"count"`
	Errors  int      `json:"errors"`
	Actions []Action `json:"actions"`
}

// Action is the calls of one action (eventName) of a service.
type Action struct {
	Action    string `json:"action"`
	Count     int    `json:"count"`
	Errors    int    `json:"errors"`
	ReadOnly  bool   `json:"read_only"` // every call only read
	FirstSeen string `json:"first_seen,omitempty"`
	LastSeen  string `json:"last_seen,omitempty"`
}

// Result computes the report of everything added so far.
func (s *Summary) Result() Result {
	r := Result{
		EventsScanned: s.EventsScanned,
		EventsMatched: len(s.calls),
		FilesScanned:  s.FilesScanned,
		FilesFailed:   slices.Clone(s.Failed),
		Accounts:      []string{},
		Regions:       []string{},
		Services:      []Service{},
	}
	if r.FilesFailed == nil {
		r.FilesFailed = []FileError{}
	}
	sortFailed(r.FilesFailed)
	var span timeSpan
	accounts, regions := map[string]bool{}, map[string]bool{}
	services := map[string]map[string]*actionAcc{}
	for _, c := range s.calls {
		span.add(c.Time)
		accounts[c.Account], regions[c.Region] = true, true
		if services[c.Service] == nil {
			services[c.Service] = map[string]*actionAcc{}
		}
		a := services[c.Service][c.Action]
		if a == nil {
			a = &actionAcc{Action: Action{Action: c.Action, ReadOnly: true}}
			services[c.Service][c.Action] = a
		}
		a.add(c)
	}
	r.FirstSeen, r.LastSeen = span.strings()
	s.review(&r)
	r.Accounts, r.Regions = sortedKeys(accounts), sortedKeys(regions)
	for name, actions := range services {
		svc := Service{Service: name}
		for _, a := range actions {
			a.FirstSeen, a.LastSeen = a.span.strings()
			svc.Actions = append(svc.Actions, a.Action)
			svc.Count += a.Count
			svc.Errors += a.Errors
		}
		slices.SortFunc(svc.Actions, func(x, y Action) int {
			return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Action, y.Action))
		})
		r.Services = append(r.Services, svc)
	}
	slices.SortFunc(r.Services, func(x, y Service) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Service, y.Service))
	})
	return r
}

type actionAcc struct {
	Action
	span timeSpan
}

func (a *actionAcc) add(c Call) {
	a.Count++
	if c.ErrorCode != "" {
		a.Errors++
	}
	a.ReadOnly = a.ReadOnly && c.ReadOnly
	a.span.add(c.Time)
}

// timeSpan is the first and last of some times; the zero time (an
// unreadable eventTime) is left out.
type timeSpan struct{ first, last time.Time }

func (s *timeSpan) add(t time.Time) {
	if t.IsZero() {
		return
	}
	if s.first.IsZero() || t.Before(s.first) {
		s.first = t
	}
	if t.After(s.last) {
		s.last = t
	}
}

func (s timeSpan) strings() (first, last string) {
	if s.first.IsZero() {
		return "", ""
	}
	return Format(s.first), Format(s.last)
}

// Format writes a time as CloudTrail does: RFC 3339, UTC, seconds.
func Format(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
