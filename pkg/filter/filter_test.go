package filter_test

import (
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"

	"github.com/trailscan/trailscan/pkg/filter"
	"github.com/trailscan/trailscan/pkg/parse"
)

const (
	issuer  = "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"
	session = "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/AWSSupport-1a2b"
)

func assumed(arn, issuerARN string) parse.Identity {
	return parse.Identity{Type: "AssumedRole", ARN: arn, Issuer: parse.Issuer{Type: "Role", ARN: issuerARN}}
}

// eventCase is an event and what a filter should say of it.
type eventCase[T comparable] struct {
	name string
	ev   parse.Event
	want T
}

// checkEach runs the filter f, called name, on each case's event.
func checkEach[T comparable](t *testing.T, name string, f func(*parse.Event) T, cases []eventCase[T]) {
	t.Helper()
	for _, c := range cases {
		if got := f(&c.ev); got != c.want {
			t.Errorf("%s: %s = %#v, want %#v", c.name, name, got, c.want)
		}
	}
}

func TestSupport(t *testing.T) {
	checkEach(t, "Support", filter.Support, []eventCase[bool]{
		{"support role", parse.Event{UserIdentity: assumed(session, issuer)}, true},
		{"no session issuer", parse.Event{UserIdentity: assumed(session, "")}, true},
		{"aws-cn", parse.Event{UserIdentity: assumed("", "arn:aws-cn:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport")}, true},
		{"aws-us-gov", parse.Event{UserIdentity: assumed("arn:aws-us-gov:sts::111122223333:assumed-role/AWSServiceRoleForSupport/AWSSupport-x", "")}, true},
		{"aws-iso-b", parse.Event{UserIdentity: assumed("", "arn:aws-iso-b:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport")}, true},
		{"Support API call", parse.Event{EventSource: "support.amazonaws.com", EventName: "DescribeCases",
			UserIdentity: assumed("arn:aws:sts::111122223333:assumed-role/Admin/alice", "arn:aws:iam::111122223333:role/Admin")}, false},
		{"trusted advisor", parse.Event{UserIdentity: assumed("arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForTrustedAdvisor/TrustedAdvisor",
			"arn:aws:iam::111122223333:role/aws-service-role/trustedadvisor.amazonaws.com/AWSServiceRoleForTrustedAdvisor")}, false},
		{"longer name", parse.Event{UserIdentity: assumed("", "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupportX")}, false},
		{"prefixed name", parse.Event{UserIdentity: assumed("", "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/MyAWSServiceRoleForSupport")}, false},
		{"other path", parse.Event{UserIdentity: assumed(session, "arn:aws:iam::111122223333:role/custom/AWSServiceRoleForSupport")}, false},
		{"no path", parse.Event{UserIdentity: assumed(session, "arn:aws:iam::111122223333:role/AWSServiceRoleForSupport")}, false},
		{"session of longer name", parse.Event{UserIdentity: assumed("arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupportTools/x", "")}, false},
		{"empty session name", parse.Event{UserIdentity: assumed("arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/", "")}, false},
		{"bad account", parse.Event{UserIdentity: assumed("", "arn:aws:iam::1111222233:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport")}, false},
		{"bad partition", parse.Event{UserIdentity: assumed("", "arn:azure:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport")}, false},
		{"sts service", parse.Event{UserIdentity: assumed("", "arn:aws:sts::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport")}, false},
		{"IAM user of that name", parse.Event{UserIdentity: parse.Identity{Type: "IAMUser", ARN: "arn:aws:iam::111122223333:user/AWSServiceRoleForSupport"}}, false},
		{"service assuming the role", parse.Event{EventSource: "sts.amazonaws.com", EventName: "AssumeRole",
			UserIdentity: parse.Identity{Type: "AWSService", InvokedBy: "support.amazonaws.com"}}, false},
		{"person reading the role", parse.Event{EventSource: "iam.amazonaws.com", EventName: "GetRole",
			UserIdentity: assumed("arn:aws:sts::111122223333:assumed-role/Admin/bob", "arn:aws:iam::111122223333:role/Admin")}, false},
		{"invokedBy is not proof", parse.Event{UserAgent: "support.amazonaws.com",
			UserIdentity: parse.Identity{Type: "AssumedRole", InvokedBy: "support.amazonaws.com", ARN: "arn:aws:sts::111122223333:assumed-role/Other/x"}}, false},
		{"wrong identity type", parse.Event{UserIdentity: parse.Identity{Type: "Role", ARN: session, Issuer: parse.Issuer{ARN: issuer}}}, false},
		{"authorization event", parse.Event{EventSource: "supportauthz.amazonaws.com", EventType: "AwsServiceEvent",
			UserIdentity: parse.Identity{AccountID: "111122223333", InvokedBy: "supportauthz.amazonaws.com"}}, false},
	})
}

func TestSession(t *testing.T) {
	ev := parse.Event{UserIdentity: assumed(session, issuer)}
	if got := filter.Session(&ev); got != "AWSSupport-1a2b" {
		t.Errorf("Session = %q", got)
	}
}

func TestAuthorization(t *testing.T) {
	checkEach(t, "Authorization", filter.Authorization, []eventCase[bool]{
		{"service event", parse.Event{EventSource: "supportauthz.amazonaws.com", EventType: "AwsServiceEvent"}, true},
		{"API call", parse.Event{EventSource: "supportauthz.amazonaws.com", EventType: "AwsApiCall"}, false},
		{"Support API service event", parse.Event{EventSource: "support.amazonaws.com", EventType: "AwsServiceEvent"}, false},
	})
}

func TestReadOnly(t *testing.T) {
	tests := []struct {
		name string
		ro   parse.Bool
		want bool
	}{
		{"DescribeInstances", parse.True, true},
		{"DescribeInstances", parse.False, false},
		{"TerminateInstances", parse.True, true},
		{"DescribeInstances", parse.Unset, true},
		{"Get", parse.Unset, true},
		{"GetRole", parse.Unset, true},
		{"Getaway", parse.Unset, false},
		{"ListFunctions", parse.Unset, true},
		{"PutObject", parse.Unset, false},
	}
	for _, tt := range tests {
		ev := parse.Event{EventName: tt.name, ReadOnly: tt.ro}
		if got := filter.ReadOnly(&ev); got != tt.want {
			t.Errorf("ReadOnly(%s, %v) = %v", tt.name, tt.ro, got)
		}
	}
}

func TestScope(t *testing.T) {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	ev := func(tm, acct, region string) *parse.Event {
		return &parse.Event{EventTime: tm, RecipientAccountID: acct, AWSRegion: region}
	}
	s := trail.Scope{Since: day("2026-10-02"), Until: day("2026-10-03"), Accounts: []string{"111122223333"}, Regions: []string{"eu-west-1"}}
	tests := []struct {
		ev   *parse.Event
		want bool
	}{
		{ev("2026-10-02T00:00:00Z", "111122223333", "eu-west-1"), true},
		{ev("2026-10-02T23:59:59Z", "111122223333", "eu-west-1"), true},
		{ev("2026-10-01T23:59:59Z", "111122223333", "eu-west-1"), false},
		{ev("2026-10-03T00:00:00Z", "111122223333", "eu-west-1"), false},
		{ev("2026-10-02T12:00:00Z", "444455556666", "eu-west-1"), false},
		{ev("2026-10-02T12:00:00Z", "111122223333", "us-east-1"), false},
		{ev("garbage", "111122223333", "eu-west-1"), false},
		// Exports rewrite eventTime; the event is still in its window.
		{ev("2026-10-02 03:01:00.000000000", "111122223333", "eu-west-1"), true},
		{ev("2026-10-02T05:01:00+02:00", "111122223333", "eu-west-1"), true},
		{ev("2026-10-03T01:01:00+02:00", "111122223333", "eu-west-1"), true},
		{ev("2026-10-02T01:01:00+02:00", "111122223333", "eu-west-1"), false},
	}
	for _, tt := range tests {
		if got := filter.InScope(s, tt.ev); got != tt.want {
			t.Errorf("InScope(%+v) = %v, want %v", *tt.ev, got, tt.want)
		}
	}
	if !filter.InScope(trail.Scope{}, ev("garbage", "", "")) {
		t.Error("the zero Scope must keep everything")
	}
}

func TestUnreadable(t *testing.T) {
	var userAgent, readOnly, resourceARN, responseCase parse.FieldSet
	for i, f := range parse.Fields() {
		switch f.Path {
		case "userAgent":
			userAgent = 1 << i
		case "readOnly":
			readOnly = 1 << i
		case "resources[].ARN":
			resourceARN = 1 << i
		case "responseElements.caseId":
			responseCase = 1 << i
		}
	}
	tests := []struct {
		name string
		ev   parse.Event
		want string // what the error says; "" for none
	}{
		{"readable", parse.Event{EventID: "e", EventTime: "2026-10-05T03:01:00Z"}, ""},
		{"export time", parse.Event{EventID: "e", EventTime: "2026-10-05 03:01:00.000000000"}, ""},
		{"odd fields named", parse.Event{EventID: "e", EventTime: "2026-10-05T03:01:00Z", Odd: userAgent | readOnly}, "readOnly, userAgent: a value of the wrong JSON type"},
		{"odd resources and response are only asides", parse.Event{EventID: "e", EventTime: "2026-10-05T03:01:00Z", Odd: resourceARN | responseCase}, ""},
		{"an aside beside an odd field", parse.Event{EventID: "e", EventTime: "2026-10-05T03:01:00Z", Odd: resourceARN | userAgent}, "userAgent: a value"},
		{"no eventID", parse.Event{EventTime: "2026-10-05T03:01:00Z"}, "no eventID"},
		{"no eventTime", parse.Event{EventID: "e"}, "eventTime"},
		{"unreadable eventTime", parse.Event{EventID: "e", EventTime: "05/10/2026"}, "05/10/2026"},
	}
	for _, tt := range tests {
		err := filter.Unreadable(&tt.ev)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Unreadable = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestCaseOf(t *testing.T) {
	checkEach(t, "CaseOf", filter.CaseOf, []eventCase[string]{
		{"resolve case", parse.Event{EventSource: "support.amazonaws.com", EventName: "ResolveCase", RequestCaseID: "case-111122223333-muen-2026-1"}, "case-111122223333-muen-2026-1"},
		{"display id only", parse.Event{EventSource: "support.amazonaws.com", EventName: "DescribeCases", RequestDisplayID: "1234567890"}, "1234567890"},
		{"case id before display id", parse.Event{EventSource: "support.amazonaws.com", RequestCaseID: "c", RequestDisplayID: "d"}, "c"},
		{"created, named in the response", parse.Event{EventSource: "support.amazonaws.com", EventName: "CreateCase", ResponseCaseID: "case-1"}, "case-1"},
		{"no case named", parse.Event{EventSource: "support.amazonaws.com", EventName: "DescribeServices"}, ""},
		{"other service", parse.Event{EventSource: "ec2.amazonaws.com", RequestCaseID: "c"}, ""},
		{"service event", parse.Event{EventSource: "support.amazonaws.com", EventType: "AwsServiceEvent", RequestCaseID: "c"}, ""},
	})
}

func TestPermitCall(t *testing.T) {
	checkEach(t, "PermitCall", filter.PermitCall, []eventCase[bool]{
		{"reject", parse.Event{EventSource: "supportauthz.amazonaws.com", EventType: "AwsApiCall", EventName: "RejectSupportPermitRequest"}, true},
		{"service event", parse.Event{EventSource: "supportauthz.amazonaws.com", EventType: "AwsServiceEvent", EventName: "SupportPermitRequestCreated"}, false},
		{"support api", parse.Event{EventSource: "support.amazonaws.com", EventType: "AwsApiCall", EventName: "CreateCase"}, false},
	})
}

func TestCaseIDs(t *testing.T) {
	tests := []struct {
		name        string
		ev          parse.Event
		id, display string
		ok          bool
	}{
		{"asked by display ID, answered with the caseId", parse.Event{EventSource: "support.amazonaws.com", RequestDisplayID: "d", ResponseCaseID: "c"}, "c", "d", true},
		{"both in the request", parse.Event{EventSource: "support.amazonaws.com", RequestCaseID: "c", RequestDisplayID: "d"}, "c", "d", true},
		{"caseId only", parse.Event{EventSource: "support.amazonaws.com", RequestCaseID: "c"}, "c", "", false},
		{"not the Support API", parse.Event{EventSource: "ec2.amazonaws.com", RequestCaseID: "c", RequestDisplayID: "d"}, "", "", false},
	}
	for _, tt := range tests {
		id, display, ok := filter.CaseIDs(&tt.ev)
		if id != tt.id || display != tt.display || ok != tt.ok {
			t.Errorf("%s: CaseIDs = %q, %q, %v; want %q, %q, %v", tt.name, id, display, ok, tt.id, tt.display, tt.ok)
		}
	}
}

func TestCandidate(t *testing.T) {
	// with returns ev with every detail set, naming Support and a case.
	with := func(ev parse.Event) parse.Event {
		ev.RequestCaseID, ev.RequestDisplayID, ev.ResponseCaseID, ev.ResponseDisplayID = "case-1", "1234567890", "case-2", "1234567891"
		ev.RequestPermitRequestARN = "arn:aws:supportauthz:us-east-1:111122223333:supportpermitrequest/x"
		ev.RequestParameters = parse.Raw{JSON: `{"roleName":"AWSServiceRoleForSupport"}`, Size: 39}
		ev.Resources, ev.ResourceCount = []parse.Resource{{ARN: issuer, Type: "AWS::IAM::Role"}}, 1
		return ev
	}
	tests := []struct {
		name string
		ev   parse.Event // without details
		want bool
	}{
		{"support role", parse.Event{EventSource: "iam.amazonaws.com", UserIdentity: assumed(session, issuer)}, true},
		{"authorization event", parse.Event{EventSource: "supportauthz.amazonaws.com", EventType: "AwsServiceEvent"}, true},
		{"permit call", parse.Event{EventSource: "supportauthz.amazonaws.com", EventType: "AwsApiCall", EventName: "RejectSupportPermitRequest"}, true},
		{"case call", parse.Event{EventSource: "support.amazonaws.com", EventType: "AwsApiCall", EventName: "ResolveCase"}, true},
		{"Support API service event", parse.Event{EventSource: "support.amazonaws.com", EventType: "AwsServiceEvent"}, false},
		{"the role as a resource", parse.Event{EventSource: "iam.amazonaws.com", EventName: "GetRole",
			UserIdentity: assumed("arn:aws:sts::111122223333:assumed-role/Admin/bob", "arn:aws:iam::111122223333:role/Admin")}, false},
		{"service assuming the role", parse.Event{EventSource: "sts.amazonaws.com", EventName: "AssumeRole",
			UserIdentity: parse.Identity{Type: "AWSService", InvokedBy: "support.amazonaws.com"}}, false},
		{"trusted advisor", parse.Event{UserIdentity: assumed("arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForTrustedAdvisor/TrustedAdvisor",
			"arn:aws:iam::111122223333:role/aws-service-role/trustedadvisor.amazonaws.com/AWSServiceRoleForTrustedAdvisor")}, false},
	}
	for _, tt := range tests {
		full := with(tt.ev)
		for _, ev := range []*parse.Event{&tt.ev, &full} {
			if got := filter.Candidate(ev); got != tt.want {
				t.Errorf("%s (details %q): Candidate = %v, want %v", tt.name, ev.RequestParameters.JSON, got, tt.want)
			}
		}
		// What a scan keeps must be a candidate, whatever its details.
		if kept := filter.Support(&full) || filter.Authorization(&full) || filter.CaseOf(&full) != "" || filter.PermitCall(&full); kept && !tt.want {
			t.Errorf("%s: a scan keeps it, and Candidate turns it away", tt.name)
		}
	}
}
