package summarize

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/trailscan/trailscan/pkg/filter"
	"github.com/trailscan/trailscan/pkg/parse"
)

// CaseCall is a call a reviewer of a Support case wants beside the case's
// authorization events: someone's call to the Support API naming the case
// (CreateCase, AddCommunicationToCase, ResolveCase, ...), or the account's
// own call to the authorization service answering a permit request
// (CreateSupportPermit, RejectSupportPermitRequest). Neither is a call by
// Support's role.
type CaseCall struct {
	Event
	Case string `json:"case,omitempty"`
	// DisplayID is the display ID of Case, a caseId, when the call named
	// both (see filter.CaseIDs).
	DisplayID string `json:"display_id,omitempty"`
	Request   string `json:"permit_request_arn,omitempty"`
	Caller    string `json:"caller,omitempty"`
	ErrorCode string `json:"error_code,omitempty"`
	File      string `json:"file"`
}

// NewCaseCall reduces a call read from file that filter.CaseOf or
// filter.PermitCall accepts.
func NewCaseCall(ev *parse.Event, file string) CaseCall {
	c := CaseCall{
		Event: newEvent(ev, file), Case: filter.CaseOf(ev), Request: ev.RequestPermitRequestARN,
		Caller: ev.UserIdentity.ARN, ErrorCode: ev.ErrorCode, File: file,
	}
	// A call naming both is filed under its caseId, which the display ID
	// then stands for (see cases): CaseOf alone may have picked the
	// display ID, leaving the caseId's other calls untied.
	if id, d, ok := filter.CaseIDs(ev); ok {
		c.Case, c.DisplayID = id, d
	}
	return c
}

// AddCaseCall adds a case call, once per event ID.
func (s *Summary) AddCaseCall(c CaseCall) {
	if old, ok := s.caseCalls[c.ID]; !ok || c.File < old.File {
		s.caseCalls[c.ID] = c
	}
}

// CaseCalls returns the distinct case calls in time order.
func (s *Summary) CaseCalls() []CaseCall {
	return slices.SortedFunc(maps.Values(s.caseCalls), func(a, b CaseCall) int { return inOrder(a.Time, a.ID, b.Time, b.ID) })
}

// Case is what a scan saw of one Support case in one account: its
// authorization events and case calls in time order, the actions and
// resources its permits named, and the sessions of Support's role in the
// account active between its first and last event.
//
// A case is named by its display ID, as the authorization events name
// it. Support API calls name it by caseId (or displayId): a call naming
// both, in the same account, says which caseId is which display ID, and
// then every call naming that caseId is listed under the display ID. A
// caseId nothing ties to a display ID is listed under itself.
type Case struct {
	Case      string      `json:"case"`
	Account   string      `json:"account"`
	FirstSeen string      `json:"first_seen"`
	LastSeen  string      `json:"last_seen"`
	Events    []CaseEvent `json:"events"`
	Actions   []string    `json:"actions"`
	Resources []string    `json:"resources"`
	// Sessions overlap the case in time, in the same account: that is all
	// they share. It is not proof that the case caused them.
	Sessions []string `json:"sessions"`
}

// CaseEvent is one event of a case.
type CaseEvent struct {
	ID        string `json:"event_id"`
	Time      string `json:"time"`
	Source    string `json:"source"`
	Action    string `json:"action"`
	Caller    string `json:"caller,omitempty"`
	ErrorCode string `json:"error_code,omitempty"`
}

// caseAcc accumulates a case.
type caseAcc struct {
	Case
	span               timeSpan
	actions, resources map[string]bool
}

// cases gathers the cases that s's authorization events and case calls
// name, in order of their first event, with the sessions among sessions
// that overlap them. An event that names no case, not even through the
// permit request it answers, belongs to none.
func (s *Summary) cases(sessions []Session) []Case {
	auths, calls := s.Authorizations(), s.CaseCalls()
	type request struct{ account, arn string }
	byRequest := map[request]CaseRef{}
	for _, a := range auths {
		if a.CaseID != "" && a.Request != "" {
			byRequest[request{a.Account, a.Request}] = CaseRef{a.CaseID, a.Account}
		}
	}
	display := map[CaseRef]string{} // by caseId
	for _, c := range calls {
		if c.DisplayID != "" {
			display[CaseRef{c.Case, c.Account}] = c.DisplayID
		}
	}
	refOf := func(id, account, arn string) (CaseRef, bool) {
		if d, ok := display[CaseRef{id, account}]; ok {
			id = d
		}
		if id != "" {
			return CaseRef{id, account}, true
		}
		ref, ok := byRequest[request{account, arn}]
		return ref, ok && arn != ""
	}
	accs := map[CaseRef]*caseAcc{}
	// add files ev, made at t, under the case that id, account and arn
	// name, and returns the case, or nil when they name none.
	add := func(id, account, arn string, t time.Time, ev CaseEvent) *caseAcc {
		ref, ok := refOf(id, account, arn)
		if !ok {
			return nil
		}
		acc := accs[ref]
		if acc == nil {
			acc = &caseAcc{Case: Case{Case: ref.Case, Account: ref.Account}, actions: map[string]bool{}, resources: map[string]bool{}}
			accs[ref] = acc
		}
		acc.span.add(t)
		ev.Time = Format(t)
		acc.Events = append(acc.Events, ev)
		return acc
	}
	for _, a := range auths {
		acc := add(a.CaseID, a.Account, a.Request, a.Time, CaseEvent{ID: a.ID, Source: filter.AuthorizationSource, Action: a.Action})
		if acc == nil {
			continue
		}
		if a.PermitAction != "" {
			acc.actions[a.PermitAction] = true
		}
		if a.PermitResource != "" {
			acc.resources[a.PermitResource] = true
		}
	}
	for _, c := range calls {
		add(c.Case, c.Account, c.Request, c.Time, CaseEvent{ID: c.ID, Source: c.Service, Action: c.Action, Caller: c.Caller, ErrorCode: c.ErrorCode})
	}
	out := make([]Case, 0, len(accs))
	for _, acc := range accs {
		acc.FirstSeen, acc.LastSeen = acc.span.strings()
		slices.SortStableFunc(acc.Events, func(a, b CaseEvent) int { return cmp.Or(cmp.Compare(a.Time, b.Time), cmp.Compare(a.ID, b.ID)) })
		acc.Actions, acc.Resources = sortedKeys(acc.actions), sortedKeys(acc.resources)
		acc.Sessions = overlapping(sessions, acc.Account, acc.FirstSeen, acc.LastSeen)
		out = append(out, acc.Case)
	}
	slices.SortFunc(out, func(a, b Case) int {
		return cmp.Or(cmp.Compare(a.FirstSeen, b.FirstSeen), cmp.Compare(a.Case, b.Case), cmp.Compare(a.Account, b.Account))
	})
	return out
}

// overlapping returns the names of the sessions in account active at some
// time from first to last (times as Format writes them, which compare as
// strings), each once, in order.
func overlapping(sessions []Session, account, first, last string) []string {
	seen := map[string]bool{}
	for _, se := range sessions {
		if se.Account == account && se.Start != "" && se.Start <= last && se.End >= first {
			seen[se.Session] = true
		}
	}
	return sortedKeys(seen)
}
