package summarize

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/trailscan/trailscan/pkg/parse"
)

func TestReview(t *testing.T) {
	r := sampleSummary().Result()
	wantSess := []Session{{
		Account: "111122223333", Session: "AWSSupport-1", Start: "2026-10-01T03:04:05Z", End: "2026-10-01T04:04:05Z",
		Calls: 2, Failures: 1, AnyWrite: true,
		Services:  []string{"ec2.amazonaws.com", "iam.amazonaws.com"},
		Actions:   []string{"ec2:DescribeInstances", "iam:DeleteRole"},
		SourceIPs: []string{"203.0.113.9", "support.amazonaws.com"}, UserAgents: []string{"support.amazonaws.com"},
		Resources: []string{"arn:aws:ec2:eu-west-1:111122223333:instance/i-1", "arn:aws:iam::111122223333:role/app"},
	}}
	if !reflect.DeepEqual(r.Sessions, wantSess) {
		t.Errorf("Sessions = %+v\nwant %+v", r.Sessions, wantSess)
	}
	if len(r.Notable) != 1 || r.Notable[0].ID != "a" || r.Notable[0].Reason != "write,error" || r.Notable[0].ErrorMessage != "User: <arn> is not authorized" {
		t.Errorf("Notable = %+v, want only event a, a failed write, with its error message", r.Notable)
	}
	if n := r.Notable[0]; n.RequestParameters != `{"roleName":"app"}` || len(n.Resources) != 1 || n.Resources[0].Type != "AWS::IAM::Role" || n.ResourcesMore != 2 {
		t.Errorf("Notable[0] = %+v, want the call's request parameters and resources", n)
	}
	if r.Writes != 1 || r.Failures != 1 {
		t.Errorf("Writes, Failures = %d, %d; want 1, 1", r.Writes, r.Failures)
	}
	if len(r.SupportAuthorizations) != 1 || r.SupportAuthorizations[0].CaseID != "1234" {
		t.Errorf("SupportAuthorizations = %+v", r.SupportAuthorizations)
	}
	if r.EventsMatched != 2 {
		t.Errorf("EventsMatched = %d: authorizations must not count as the role's calls", r.EventsMatched)
	}
	if want := []Day{{"2026-10-01", "111122223333", 2}}; !reflect.DeepEqual(r.Days, want) {
		t.Errorf("Days = %+v, want %+v", r.Days, want)
	}
}

// TestNewCallTouched checks what a call keeps of what it touched: its
// resources always, its request parameters only when it is notable, made
// valid UTF-8 and marked when cut.
func TestNewCallTouched(t *testing.T) {
	rp := parse.Raw{JSON: "{\"bucketName\":\"b\",\"key\":\"\xff\"}", Size: 31}
	tests := []struct {
		name string
		ev   parse.Event
		want Call
	}{
		{"a read keeps no parameters", parse.Event{ReadOnly: parse.True, RequestParameters: rp,
			Resources: []parse.Resource{{ARN: "arn:aws:s3:::b", Type: "AWS::S3::Bucket"}, {}}, ResourceCount: 25},
			Call{ReadOnly: true, Detail: Detail{Resources: []Resource{{ARN: "arn:aws:s3:::b", Type: "AWS::S3::Bucket"}}, ResourcesMore: 23}}},
		{"a write keeps them, valid", parse.Event{ReadOnly: parse.False, RequestParameters: rp},
			Call{Detail: Detail{RequestParameters: "{\"bucketName\":\"b\",\"key\":\"\uFFFD\"}"}}},
		{"a failed read keeps them, cut", parse.Event{ReadOnly: parse.True, ErrorCode: "AccessDenied", RequestParameters: parse.Raw{JSON: `{"a":"`, Size: 5000, Cut: true}},
			Call{ReadOnly: true, ErrorCode: "AccessDenied", Detail: Detail{RequestParameters: `{"a":"`, RequestParametersCut: true, RequestParametersBytes: 5000}}},
	}
	for _, tt := range tests {
		tt.ev.EventID = "e"
		got := NewCall(&tt.ev, "f")
		got.Intern(Interner{})
		if !reflect.DeepEqual(got.Resources, tt.want.Resources) || got.ResourcesMore != tt.want.ResourcesMore || got.RequestParameters != tt.want.RequestParameters ||
			got.RequestParametersCut != tt.want.RequestParametersCut || got.RequestParametersBytes != tt.want.RequestParametersBytes {
			t.Errorf("%s: got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

// TestSessionResourcesBounded checks that a session lists each ARN once,
// up to its bound, and counts the rest.
func TestSessionResourcesBounded(t *testing.T) {
	s := New()
	var calls []Call
	for i := range MaxSessionResources + 7 {
		arn := fmt.Sprintf("arn:aws:s3:::b/%03d", i)
		calls = append(calls, Call{Event: Event{ID: fmt.Sprint(i), Account: "1"}, Session: "AWSSupport-x", ReadOnly: true,
			Detail: Detail{Resources: []Resource{{ARN: arn}, {ARN: "arn:aws:s3:::b/000"}}}})
	}
	s.AddFile(1, calls, nil)
	se := s.Result().Sessions[0]
	if len(se.Resources) != MaxSessionResources || se.ResourcesMore != 7 || se.Resources[0] != "arn:aws:s3:::b/000" || se.Resources[1] != "arn:aws:s3:::b/001" {
		t.Errorf("session resources: %d listed, %d more, starting %v", len(se.Resources), se.ResourcesMore, se.Resources[:2])
	}
}

func TestGroupedBy(t *testing.T) {
	s := sampleSummary()
	tests := []struct {
		by   string
		want string // the result's By
		keys []string
	}{
		{"service", "", nil}, // the main table itself
		{"session", "session", []string{"111122223333/AWSSupport-1"}},
		{"account", "account", []string{"111122223333"}},
		{"region", "region", []string{"eu-west-1", "us-east-1"}},
		{"day", "day", []string{"2026-10-01"}},
	}
	for _, tt := range tests {
		opt, err := GroupedBy(tt.by)
		if err != nil {
			t.Fatal(err)
		}
		r := s.Result(opt)
		var keys []string
		for _, g := range r.Groups {
			keys = append(keys, g.Key)
		}
		if r.By != tt.want || !reflect.DeepEqual(keys, tt.keys) {
			t.Errorf("GroupedBy(%q): By %q, keys %v; want %q, %v", tt.by, r.By, keys, tt.want, tt.keys)
		}
	}
	if _, err := GroupedBy("colour"); err == nil {
		t.Error("GroupedBy(colour): no error")
	}
}

func TestAlerts(t *testing.T) {
	quiet := New()
	quiet.AddFile(3, nil, nil)
	reads := New()
	reads.AddFile(1, []Call{{Event: Event{ID: "r"}, ReadOnly: true}}, nil)
	authOnly := New()
	authOnly.AddFile(1, nil, []Authorization{{ID: "z"}})
	tests := []struct {
		name  string
		s     *Summary
		kinds []string
		want  int
	}{
		{"nothing found", quiet, AlertKinds, 0},
		{"reads are not writes or errors", reads, []string{"write", "error"}, 0},
		{"reads are Support", reads, []string{"any-support"}, 1},
		{"an authorization is Support", authOnly, []string{"any-support"}, 1},
		{"failed write", sampleSummary(), []string{"write", "error"}, 2},
		{"not asked", sampleSummary(), nil, 0},
	}
	for _, tt := range tests {
		if got := tt.s.Result().Alerts(tt.kinds); len(got) != tt.want {
			t.Errorf("%s: Alerts(%v) = %q, want %d", tt.name, tt.kinds, got, tt.want)
		}
	}
}
