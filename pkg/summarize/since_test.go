package summarize

import (
	"reflect"
	"testing"
	"time"
)

// TestSinceLastRun checks what a run added to a cumulative summary: the
// calls and authorization events no earlier run counted, by event ID,
// whichever file holds them now.
func TestSinceLastRun(t *testing.T) {
	t0 := time.Date(2026, 10, 2, 8, 0, 0, 0, time.UTC)
	later := func(s *Summary) *Summary {
		s.AddFile(5, []Call{
			// An event counted before, in another trail's file.
			{Event: Event{ID: "a", Time: time.Date(2026, 10, 1, 3, 4, 5, 0, time.UTC), Service: "iam.amazonaws.com", Action: "DeleteRole", Account: "111122223333"}, Session: "AWSSupport-1", ErrorCode: "AccessDenied", File: "org/1.json.gz"},
			{Event: Event{ID: "c", Time: t0, Service: "ec2.amazonaws.com", Action: "RebootInstances", Account: "111122223333", Region: "eu-west-1"}, Session: "AWSSupport-1", File: "x/3.json.gz"},
			{Event: Event{ID: "d", Time: t0.Add(time.Minute), Service: "ec2.amazonaws.com", Action: "DescribeVolumes", Account: "444455556666", Region: "eu-west-1"}, Session: "AWSSupport-2", ReadOnly: true, File: "x/4.json.gz"},
		}, []Authorization{
			{ID: "z", Time: t0, Action: "SupportPermitRequestCreated", Account: "111122223333", CaseID: "1234", File: "org/1.json.gz"},
			{ID: "y", Time: t0, Action: "StartSupportAction", Account: "444455556666", CaseID: "5678", File: "x/4.json.gz"},
		})
		return s
	}
	tests := []struct {
		name                            string
		before, now                     *Summary
		matched, writes, failures       int
		notable, sessions, auths, cases []string
	}{
		{"first run: everything is new", nil, sampleSummary(), 2, 1, 1,
			[]string{"a"}, []string{"AWSSupport-1"}, []string{"z"}, []string{"1234"}},
		{"nothing new", sampleSummary(), sampleSummary(), 0, 0, 0, nil, nil, nil, nil},
		{"new calls, and an old one again", sampleSummary(), later(sampleSummary()), 2, 1, 0,
			[]string{"c"}, []string{"AWSSupport-1", "AWSSupport-2"}, []string{"y"}, []string{"5678"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.now.Result(SinceLastRun(tt.before))
			n := r.NewSinceLastRun
			if n == nil {
				t.Fatal("no new_since_last_run")
			}
			if n.EventsMatched != tt.matched || n.Writes != tt.writes || n.Failures != tt.failures {
				t.Errorf("matched, writes, failures = %d, %d, %d; want %d, %d, %d", n.EventsMatched, n.Writes, n.Failures, tt.matched, tt.writes, tt.failures)
			}
			var notable, sessions, auths, cases []string
			for _, x := range n.Notable {
				notable = append(notable, x.ID)
			}
			for _, x := range n.Sessions {
				sessions = append(sessions, x.Session)
			}
			for _, x := range n.SupportAuthorizations {
				auths = append(auths, x.ID)
			}
			for _, x := range n.Cases {
				cases = append(cases, x.Case)
			}
			got := [][]string{notable, sessions, auths, cases}
			if want := [][]string{tt.notable, tt.sessions, tt.auths, tt.cases}; !reflect.DeepEqual(got, want) {
				t.Errorf("notable, sessions, authorizations, cases = %q, want %q", got, want)
			}
			if n.Notable == nil || n.Sessions == nil || n.SupportAuthorizations == nil || n.Cases == nil {
				t.Errorf("an empty list is null in JSON: %+v", n)
			}
		})
	}
	// A session that went on counts only what it did since.
	r := later(sampleSummary()).Result(SinceLastRun(sampleSummary()))
	if s := r.NewSinceLastRun.Sessions[0]; s.Calls != 1 || s.Start != Format(t0) {
		t.Errorf("session AWSSupport-1 since the last run: %+v, want its one new call", s)
	}
	if r.EventsMatched != 4 {
		t.Errorf("the cumulative result counts %d calls, want 4", r.EventsMatched)
	}
	if sampleSummary().Result().NewSinceLastRun != nil {
		t.Error("a result not asked what is new says it")
	}
}

// TestAlertsSinceLastRun: a result that says what is new is judged on
// that alone, and says so.
func TestAlertsSinceLastRun(t *testing.T) {
	tests := []struct {
		name   string
		before *Summary
		kinds  []string
		want   []string
	}{
		{"first run", nil, []string{"write", "error", "any-support"}, []string{
			"1 calls by AWS Support that were not read-only since the last run",
			"1 failed calls by AWS Support since the last run",
			"2 calls by AWS Support, 1 Support authorization events since the last run",
		}},
		{"nothing new", sampleSummary(), AlertKinds, nil},
	}
	for _, tt := range tests {
		if got := sampleSummary().Result(SinceLastRun(tt.before)).Alerts(tt.kinds); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Alerts = %q, want %q", tt.name, got, tt.want)
		}
	}
}
