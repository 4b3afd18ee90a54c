package summarize

import (
	"cmp"
	"slices"
)

// NewSince is what a run added to a cumulative result (see SinceLastRun):
// the events that no earlier run had counted, by event ID, so that an
// event delivered again in a new file (an organization trail's copy, a
// late re-delivery) is not new. Its JSON names are a contract, like
// Result's.
type NewSince struct {
	EventsMatched int       `json:"events_matched"` // new calls by the role
	Writes        int       `json:"writes"`         // of them, those that did not only read
	Failures      int       `json:"failures"`       // of them, those that failed
	Notable       []Notable `json:"notable"`        // of them, the notable ones
	// Sessions are the sessions the new calls belong to, each counting
	// only its new calls: a session that went on since the last run is
	// here, with what it did since.
	Sessions []Session `json:"sessions"`
	// SupportAuthorizations are the new authorization events.
	SupportAuthorizations []Authorization `json:"support_authorizations"`
	// Cases are the Support cases no earlier run had seen (see Case): a
	// case with new events that an earlier run listed is not new.
	Cases []CaseRef `json:"cases"`
}

// CaseRef names a Support case in one account by its display ID, as its
// authorization events carry it.
type CaseRef struct {
	Case    string `json:"case"`
	Account string `json:"account"`
}

// SinceLastRun adds what the summary holds that before, the cumulative
// summary an earlier run left, does not (see NewSince). A nil before is
// a first run: everything is new.
func SinceLastRun(before *Summary) Option {
	if before == nil {
		before = New()
	}
	return func(o *options) { o.before = before }
}

// since is what s holds beyond before, its calls taken in order.
func (s *Summary) since(before *Summary, order []int32) *NewSince {
	t := newTally()
	n := 0
	for _, i := range order {
		if c := s.calls.at(i); !before.has(c.ID) {
			t.add(*c)
			n++
		}
	}
	ns := &NewSince{
		EventsMatched: n, Writes: t.writes, Failures: t.failures, Notable: t.notable,
		Sessions: t.sessionList(), SupportAuthorizations: []Authorization{}, Cases: []CaseRef{},
	}
	for _, a := range s.Authorizations() {
		if _, old := before.auths[a.ID]; !old {
			ns.SupportAuthorizations = append(ns.SupportAuthorizations, a)
		}
	}
	old := map[CaseRef]bool{}
	for _, c := range before.cases(nil) {
		old[CaseRef{c.Case, c.Account}] = true
	}
	for _, c := range s.cases(nil) {
		if ref := (CaseRef{c.Case, c.Account}); !old[ref] {
			ns.Cases = append(ns.Cases, ref)
		}
	}
	slices.SortFunc(ns.Cases, func(a, b CaseRef) int {
		return cmp.Or(cmp.Compare(a.Case, b.Case), cmp.Compare(a.Account, b.Account))
	})
	return ns
}

func (s *Summary) has(id string) bool {
	_, ok := s.byID[id]
	return ok
}
