package summarize

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/parse"
)

// caseSummary holds one case in account A told by every kind of event, a
// second case in account B, a session of A inside the first case's time,
// one after it, and one of B at the same time (not A's case's).
func caseSummary() *Summary {
	at := func(m int) time.Time { return time.Date(2026, 10, 1, 10, m, 0, 0, time.UTC) }
	const req = "arn:aws:supportauthz::111122223333:support-permit-request/r1"
	s := New()
	s.AddFile(0, []Call{
		{Event: Event{ID: "c1", Time: at(12), Service: "ec2.amazonaws.com", Action: "DescribeInstances", Account: "111122223333"}, Session: "AWSSupport-in", ReadOnly: true},
		{Event: Event{ID: "c2", Time: at(50), Service: "ec2.amazonaws.com", Action: "DescribeVolumes", Account: "111122223333"}, Session: "AWSSupport-after", ReadOnly: true},
		{Event: Event{ID: "c3", Time: at(12), Service: "ec2.amazonaws.com", Action: "DescribeVolumes", Account: "444455556666"}, Session: "AWSSupport-other", ReadOnly: true},
	}, []Authorization{
		{ID: "a1", Time: at(1), Action: "SupportPermitRequestCreated", Account: "111122223333", CaseID: "1234", Request: req},
		{ID: "a3", Time: at(10), Action: "RetrieveSupportPermit", Account: "111122223333", CaseID: "1234",
			PermitAction: "ec2:DescribeInstances", PermitResource: "arn:aws:ec2:us-east-1:111122223333:instance/i-1"},
		{ID: "a4", Time: at(11), Action: "StartSupportAction", Account: "111122223333", CaseID: "1234", PermitAction: "ec2:DescribeInstances"},
		{ID: "a5", Time: at(20), Action: "CancelSupportPermitRequest", Account: "111122223333", Request: req},
		{ID: "b1", Time: at(5), Action: "SupportPermitRequestCreated", Account: "444455556666", CaseID: "9999"},
		{ID: "x", Time: at(5), Action: "CancelSupportPermitRequest", Account: "111122223333", Request: "arn:unknown"},
	})
	s.AddCaseCall(CaseCall{Event: Event{ID: "p1", Time: at(2), Service: "supportauthz.amazonaws.com", Action: "CreateSupportPermit", Account: "111122223333"}, Request: req, Caller: "arn:aws:sts::111122223333:assumed-role/Admin/alice"})
	s.AddCaseCall(CaseCall{Event: Event{ID: "k1", Time: at(3), Service: "support.amazonaws.com", Action: "AddCommunicationToCase", Account: "111122223333"}, Case: "1234"})
	return s
}

func TestCases(t *testing.T) {
	r := caseSummary().Result()
	want := []Case{{
		Case: "1234", Account: "111122223333", FirstSeen: "2026-10-01T10:01:00Z", LastSeen: "2026-10-01T10:20:00Z",
		Events: []CaseEvent{
			{ID: "a1", Time: "2026-10-01T10:01:00Z", Source: "supportauthz.amazonaws.com", Action: "SupportPermitRequestCreated"},
			{ID: "p1", Time: "2026-10-01T10:02:00Z", Source: "supportauthz.amazonaws.com", Action: "CreateSupportPermit", Caller: "arn:aws:sts::111122223333:assumed-role/Admin/alice"},
			{ID: "k1", Time: "2026-10-01T10:03:00Z", Source: "support.amazonaws.com", Action: "AddCommunicationToCase"},
			{ID: "a3", Time: "2026-10-01T10:10:00Z", Source: "supportauthz.amazonaws.com", Action: "RetrieveSupportPermit"},
			{ID: "a4", Time: "2026-10-01T10:11:00Z", Source: "supportauthz.amazonaws.com", Action: "StartSupportAction"},
			{ID: "a5", Time: "2026-10-01T10:20:00Z", Source: "supportauthz.amazonaws.com", Action: "CancelSupportPermitRequest"},
		},
		Actions:   []string{"ec2:DescribeInstances"},
		Resources: []string{"arn:aws:ec2:us-east-1:111122223333:instance/i-1"},
		Sessions:  []string{"AWSSupport-in"},
	}, {
		Case: "9999", Account: "444455556666", FirstSeen: "2026-10-01T10:05:00Z", LastSeen: "2026-10-01T10:05:00Z",
		Events:  []CaseEvent{{ID: "b1", Time: "2026-10-01T10:05:00Z", Source: "supportauthz.amazonaws.com", Action: "SupportPermitRequestCreated"}},
		Actions: []string{}, Resources: []string{}, Sessions: []string{},
	}}
	if !reflect.DeepEqual(r.Cases, want) {
		got, _ := json.MarshalIndent(r.Cases, "", " ")
		t.Errorf("Cases =\n%s", got)
	}
}

// TestCasesSurviveSnapshot checks that a state file's or a part's summary
// rebuilds the same cases, case calls included.
func TestCasesSurviveSnapshot(t *testing.T) {
	s := caseSummary()
	b, err := json.Marshal(s.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := readSnapshot(t, b).Result().Cases, s.Result().Cases; !reflect.DeepEqual(got, want) {
		t.Errorf("cases after a snapshot:\n got %+v\nwant %+v", got, want)
	}
	part, err := json.Marshal(s.Result(WithCalls()))
	if err != nil {
		t.Fatal(err)
	}
	var psn Snapshot
	if err := json.Unmarshal(part, &psn); err != nil {
		t.Fatal(err)
	}
	if len(psn.CaseCalls) != 2 {
		t.Errorf("a part lists %d case calls, want 2", len(psn.CaseCalls))
	}
}

func TestNewCases(t *testing.T) {
	before := New()
	before.AddFile(0, nil, []Authorization{{ID: "b0", Time: time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), Action: "SupportPermitRequestCreated", Account: "444455556666", CaseID: "9999"}})
	s := caseSummary()
	s.Merge(before)
	ns := s.Result(SinceLastRun(before)).NewSinceLastRun
	// 9999 has a new event (b1), but an earlier run saw the case.
	if want := []CaseRef{{"1234", "111122223333"}}; !reflect.DeepEqual(ns.Cases, want) {
		t.Errorf("new cases = %+v, want %+v", ns.Cases, want)
	}
	if again := s.Result(SinceLastRun(s)).NewSinceLastRun; len(again.Cases) != 0 {
		t.Errorf("an unchanged run reports new cases %+v", again.Cases)
	}
}

// TestCaseIDLinked checks that a call naming a case's caseId and its
// display ID ties the case's Support API calls to its display ID, in its
// own account only.
func TestCaseIDLinked(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2026, 10, 1, 10, m, 0, 0, time.UTC) }
	const id = "case-111122223333-muen-2026-abcdef0123456789"
	tests := []struct {
		name  string
		calls []CaseCall
		want  map[string][]string // event IDs by account/case
	}{
		{"linked", []CaseCall{
			{Event: Event{ID: "create", Time: at(1), Account: "111122223333"}, Case: id},
			{Event: Event{ID: "describe", Time: at(4), Account: "111122223333"}, Case: id, DisplayID: "1234"},
			{Event: Event{ID: "resolve", Time: at(9), Account: "111122223333"}, Case: id},
		}, map[string][]string{"1/1234": {"create", "a1", "describe", "resolve"}}},
		{"nothing ties them", []CaseCall{
			{Event: Event{ID: "create", Time: at(1), Account: "111122223333"}, Case: id},
		}, map[string][]string{"1/1234": {"a1"}, "1/" + id: {"create"}}},
		{"tied in another account", []CaseCall{
			{Event: Event{ID: "create", Time: at(1), Account: "111122223333"}, Case: id},
			{Event: Event{ID: "describe", Time: at(4), Account: "444455556666"}, Case: id, DisplayID: "1234"},
		}, map[string][]string{"1/1234": {"a1"}, "1/" + id: {"create"}, "4/1234": {"describe"}}},
	}
	for _, tt := range tests {
		s := New()
		s.AddFile(0, nil, []Authorization{{ID: "a1", Time: at(2), Action: "SupportPermitRequestCreated", Account: "111122223333", CaseID: "1234"}})
		for _, c := range tt.calls {
			c.Service = "support.amazonaws.com"
			s.AddCaseCall(c)
		}
		got := map[string][]string{}
		for _, c := range s.Result().Cases {
			for _, e := range c.Events {
				k := c.Account[:1] + "/" + c.Case
				got[k] = append(got[k], e.ID)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: cases %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCaseIDFromEvents checks NewCaseCall on a call asked by display ID
// and answered with the caseId: it is filed under the caseId, so that the
// caseId's other calls join the display ID's case with it.
func TestCaseIDFromEvents(t *testing.T) {
	const id = "case-111122223333-muen-2026-abcdef0123456789"
	call := func(eventID, name string, ev parse.Event) CaseCall {
		ev.EventID, ev.EventName, ev.EventSource = eventID, name, "support.amazonaws.com"
		ev.EventTime, ev.RecipientAccountID = "2026-10-01T10:00:00Z", "111122223333"
		return NewCaseCall(&ev, "f")
	}
	s := New()
	s.AddCaseCall(call("describe", "DescribeCases", parse.Event{RequestDisplayID: "1234", ResponseCaseID: id}))
	s.AddCaseCall(call("add", "AddCommunicationToCase", parse.Event{RequestCaseID: id}))
	var got []string
	for _, c := range s.Result().Cases {
		got = append(got, c.Case)
		if c.Case == "1234" && len(c.Events) != 2 {
			t.Errorf("case 1234 holds %d events, want both calls", len(c.Events))
		}
	}
	if !reflect.DeepEqual(got, []string{"1234"}) {
		t.Errorf("cases %v, want the one case 1234", got)
	}
}
