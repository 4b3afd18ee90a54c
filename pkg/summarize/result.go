package summarize

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trailscan/trailscan/pkg/integrity"
)

// Result is a summary as reported. Its JSON form is a contract that other
// tools read: names only ever get added.
type Result struct {
	// Query says what was asked, when given (see WithQuery).
	Query         *Query      `json:"query,omitempty"`
	EventsScanned int64       `json:"events_scanned"`
	EventsMatched int         `json:"events_matched"`
	FilesScanned  int         `json:"files_scanned"`
	FilesFailed   []FileError `json:"files_failed"`
	// RecordsFailed are the Support records that could not be counted, in
	// files whose other records were; absent when there are none.
	RecordsFailed []RecordError `json:"records_failed,omitempty"`
	FirstSeen     string        `json:"first_seen,omitempty"`
	LastSeen      string        `json:"last_seen,omitempty"`
	Accounts      []string      `json:"accounts"`
	Regions       []string      `json:"regions"`
	Services      []Service     `json:"services"`
	// FilesOutOfScope counts the files read whole that held no event in
	// --since/--until/--account/--region, or none at all; absent when 0.
	FilesOutOfScope int `json:"files_out_of_scope,omitempty"`
	// NewSinceLastRun is what this run added to the cumulative result
	// above, when asked for (see SinceLastRun).
	NewSinceLastRun *NewSince `json:"new_since_last_run,omitempty"`

	// For reviewers.
	Sessions              []Session       `json:"sessions"`
	Notable               []Notable       `json:"notable"`
	SupportAuthorizations []Authorization `json:"support_authorizations"`
	// Cases are the Support cases the authorization events and case calls
	// name (see Case).
	Cases    []Case `json:"cases"`
	Days     []Day  `json:"days"`
	Writes   int    `json:"writes"` // calls that did not only read
	Failures int    `json:"failures"`
	// By and Groups are the main table grouped otherwise than by service
	// and action, when asked for (see GroupedBy).
	By     string  `json:"group_by,omitempty"`
	Groups []Group `json:"groups,omitempty"`

	// Scan says where the result came from, when asked for (see
	// WithOrigin): a shard's part, or a merge of parts.
	Scan *Origin `json:"scan,omitempty"`
	// Calls lists every call, when asked for (see WithCalls), as a
	// shard's part does for merge.
	Calls []Call `json:"calls,omitempty"`
	// CaseCalls lists the calls that cases are built from besides the
	// authorization events, with Calls, for the same reason.
	CaseCalls []CaseCall `json:"case_calls,omitempty"`

	// Integrity and Verification are those of scan --verify, when asked
	// for (see WithIntegrity and WithVerification).
	Integrity    *integrity.Findings `json:"integrity,omitempty"`
	Verification *Verification       `json:"verification,omitempty"`
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

// An Option adds to what Summary.Result reports.
type Option func(*options)

type options struct {
	before       *Summary // what an earlier run left, for SinceLastRun
	by           string
	origin       *Origin
	query        *Query
	calls        bool
	integrity    *integrity.Findings
	verification *Verification
}

// GroupedBy adds the calls grouped by one of Groupings: session
// (account/session), account, region or UTC day, in order of the key.
// "service" is the main table itself, and adds nothing.
func GroupedBy(by string) (Option, error) {
	if !slices.Contains(Groupings, by) {
		return nil, fmt.Errorf("unknown grouping %q (want one of %s)", by, strings.Join(Groupings, ", "))
	}
	if by == "service" {
		by = ""
	}
	return func(o *options) { o.by = by }, nil
}

// WithOrigin says where the result came from: a shard's part, or a merge
// of parts.
func WithOrigin(o Origin) Option {
	return func(opts *options) { opts.origin = &o }
}

// WithCalls lists every call. A shard's part does, for merge: with the
// counts, failed files and authorization events every result has, it then
// holds its summary's Snapshot (see Snapshot).
func WithCalls() Option {
	return func(o *options) { o.calls = true }
}

// Result reports everything added so far, and what opts add.
func (s *Summary) Result(opts ...Option) Result {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	order := s.order()
	sn := s.snapshot(order, o.calls)
	t := newTally()
	for _, i := range order {
		t.add(*s.calls.at(i))
	}
	r := Result{
		EventsScanned:         sn.EventsScanned,
		EventsMatched:         sn.EventsMatched,
		FilesScanned:          sn.FilesScanned,
		FilesOutOfScope:       sn.FilesOutOfScope,
		FilesFailed:           sn.Failed,
		RecordsFailed:         sn.RecordsFailed,
		Accounts:              sortedKeys(t.accounts),
		Regions:               sortedKeys(t.regions),
		Services:              t.serviceList(),
		Sessions:              t.sessionList(),
		Notable:               t.notable,
		SupportAuthorizations: sn.Authorizations,
		Days:                  t.dayList(),
		Writes:                t.writes,
		Failures:              t.failures,
		Scan:                  o.origin,
		Query:                 o.query,
		Calls:                 sn.Calls,
		Integrity:             o.integrity,
		Verification:          o.verification,
	}
	r.FirstSeen, r.LastSeen = t.span.strings()
	r.Cases = s.cases(r.Sessions)
	if o.calls {
		r.CaseCalls = sn.CaseCalls
	}
	if o.by != "" {
		r.By, r.Groups = o.by, s.groups(o.by)
	}
	if o.before != nil {
		r.NewSinceLastRun = s.since(o.before, order)
	}
	return r
}

// tally is what a Result derives from the calls, taken in time order.
type tally struct {
	span              timeSpan
	accounts, regions map[string]bool
	services          map[string]map[string]*actionAcc
	sessions          map[sessionKey]*sessionAcc
	days              map[Day]int
	notable           []Notable
	writes, failures  int
}

type sessionKey struct{ account, session string }

func newTally() *tally {
	return &tally{
		accounts: map[string]bool{}, regions: map[string]bool{},
		services: map[string]map[string]*actionAcc{}, sessions: map[sessionKey]*sessionAcc{},
		days: map[Day]int{}, notable: []Notable{},
	}
}

func (t *tally) add(c Call) {
	t.span.add(c.Time)
	t.accounts[c.Account], t.regions[c.Region] = true, true
	if t.services[c.Service] == nil {
		t.services[c.Service] = map[string]*actionAcc{}
	}
	a := t.services[c.Service][c.Action]
	if a == nil {
		a = &actionAcc{Action: Action{Action: c.Action, ReadOnly: true}}
		t.services[c.Service][c.Action] = a
	}
	a.add(c)
	k := sessionKey{c.Account, c.Session}
	sess := t.sessions[k]
	if sess == nil {
		sess = &sessionAcc{Session: Session{Account: c.Account, Session: c.Session}, services: map[string]bool{}, actions: map[string]bool{},
			ips: map[string]bool{}, agents: map[string]bool{}, resources: map[string]bool{}}
		t.sessions[k] = sess
	}
	sess.add(c)
	if !c.Time.IsZero() {
		t.days[Day{Day: c.Time.Format(time.DateOnly), Account: c.Account}]++
	}
	if !c.ReadOnly {
		t.writes++
	}
	if c.ErrorCode != "" {
		t.failures++
	}
	if n, ok := notable(c); ok {
		t.notable = append(t.notable, n)
	}
}

// serviceList is the services, busiest first, each with its actions,
// busiest first.
func (t *tally) serviceList() []Service {
	out := []Service{}
	for name, actions := range t.services {
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
		out = append(out, svc)
	}
	slices.SortFunc(out, func(x, y Service) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Service, y.Service))
	})
	return out
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
