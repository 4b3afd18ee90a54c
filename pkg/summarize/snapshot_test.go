package summarize

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleSummary() *Summary {
	t0 := time.Date(2026, 10, 1, 3, 4, 5, 0, time.UTC)
	s := New()
	s.AddFile(10, []Call{
		{Event: Event{ID: "b", Time: t0.Add(time.Hour), Service: "ec2.amazonaws.com", Action: "DescribeInstances", Account: "111122223333", Region: "eu-west-1"}, Session: "AWSSupport-1", ReadOnly: true, SourceIP: "support.amazonaws.com", UserAgent: "support.amazonaws.com", File: "x/1.json.gz", Offset: 12, Length: 300,
			Detail: Detail{Resources: []Resource{{ARN: "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", Type: "AWS::EC2::Instance"}}}},
		{Event: Event{ID: "a", Time: t0, Service: "iam.amazonaws.com", Action: "DeleteRole", Account: "111122223333", Region: "us-east-1"}, Session: "AWSSupport-1", ErrorCode: "AccessDenied", ErrorMessage: "User: <arn> is not authorized", SourceIP: "203.0.113.9", File: "x/1.json.gz", Offset: 400, Length: 200,
			Detail: Detail{Resources: []Resource{{ARN: "arn:aws:iam::111122223333:role/app", Type: "AWS::IAM::Role"}}, ResourcesMore: 2,
				RequestParameters: `{"roleName":"app"}`}},
	}, []Authorization{{ID: "z", Time: t0, Action: "SupportPermitRequestCreated", Account: "111122223333", CaseID: "1234", File: "x/1.json.gz"}})
	s.Fail("x/2.json.gz", errors.New("unexpected EOF"))
	return s
}

func TestSnapshotRoundTrip(t *testing.T) {
	s := sampleSummary()
	b, err := json.Marshal(s.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	got := readSnapshot(t, b)
	if !reflect.DeepEqual(got.Snapshot(), s.Snapshot()) {
		t.Errorf("round trip changed the summary:\n got %+v\nwant %+v", got.Snapshot(), s.Snapshot())
	}
	if !reflect.DeepEqual(got.Result(), s.Result()) {
		t.Errorf("round trip changed the result")
	}
	b2, _ := json.Marshal(got.Snapshot())
	if string(b) != string(b2) {
		t.Errorf("snapshot is not canonical:\n%s\n%s", b, b2)
	}
}

func TestSnapshotRefusesCut(t *testing.T) {
	var sn Snapshot
	if err := json.Unmarshal([]byte(`{"events_matched":2,"calls":[{"event_id":"a"}]}`), &sn); err != nil {
		t.Fatal(err)
	}
	_, err := sn.Summary()
	if err == nil || !strings.Contains(err.Error(), "lists 1 calls but counts 2") {
		t.Errorf("err = %v, want a refusal of a summary cut short", err)
	}
}

// TestPartHoldsSnapshot checks that a result made WithCalls, as a shard
// writes its part, holds its summary's Snapshot inline, and that one made
// without does not list the calls.
func TestPartHoldsSnapshot(t *testing.T) {
	s := sampleSummary()
	for _, sum := range []*Summary{s, New()} {
		b, err := json.Marshal(sum.Result(WithCalls(), WithOrigin(Origin{Shard: "0/1"})))
		if err != nil {
			t.Fatal(err)
		}
		if got := readSnapshot(t, b); !reflect.DeepEqual(got.Snapshot(), sum.Snapshot()) {
			t.Errorf("the part holds another summary:\n got %+v\nwant %+v", got.Snapshot(), sum.Snapshot())
		}
	}
	if r := s.Result(); r.Calls != nil || r.Scan != nil {
		t.Errorf("a result without options lists %d calls, origin %v", len(r.Calls), r.Scan)
	}
}

func readSnapshot(t *testing.T, b []byte) *Summary {
	t.Helper()
	var sn Snapshot
	if err := json.Unmarshal(b, &sn); err != nil {
		t.Fatal(err)
	}
	s, err := sn.Summary()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestForget(t *testing.T) {
	s := sampleSummary()
	s.Forget("x/2.json.gz")
	if len(s.Failed) != 0 {
		t.Errorf("Failed = %v after Forget", s.Failed)
	}
}

// TestRecordsFailed checks that failed records travel with a summary: in
// its snapshot, in canonical order, through a round trip, a part and a
// merge, and that Forget drops a file's.
func TestRecordsFailed(t *testing.T) {
	a, b := New(), New()
	a.AddFile(3, nil, nil, RecordError{Path: "x/2.json.gz", Record: 3, Error: "userAgent: a value of the wrong JSON type"}, RecordError{Path: "x/2.json.gz", Record: 1, Error: "no eventID"})
	b.AddFile(2, nil, nil, RecordError{Path: "x/1.json.gz", Record: 2, Error: "readOnly: a value of the wrong JSON type"})
	a.Merge(b)
	want := []RecordError{
		{Path: "x/1.json.gz", Record: 2, Error: "readOnly: a value of the wrong JSON type"},
		{Path: "x/2.json.gz", Record: 1, Error: "no eventID"},
		{Path: "x/2.json.gz", Record: 3, Error: "userAgent: a value of the wrong JSON type"},
	}
	if got := a.Snapshot().RecordsFailed; !reflect.DeepEqual(got, want) {
		t.Errorf("snapshot's records failed %+v, want %+v", got, want)
	}
	if got := a.Result().RecordsFailed; !reflect.DeepEqual(got, want) {
		t.Errorf("result's records failed %+v, want %+v", got, want)
	}
	part, err := json.Marshal(a.Result(WithCalls()))
	if err != nil {
		t.Fatal(err)
	}
	if got := readSnapshot(t, part).Snapshot().RecordsFailed; !reflect.DeepEqual(got, want) {
		t.Errorf("a part read back holds records failed %+v, want %+v", got, want)
	}
	a.Forget("x/2.json.gz")
	if got := a.Snapshot().RecordsFailed; !reflect.DeepEqual(got, want[:1]) {
		t.Errorf("after Forget, records failed %+v, want %+v", got, want[:1])
	}
	if b, _ := json.Marshal(New().Result()); strings.Contains(string(b), "records_failed") {
		t.Errorf("a result with no failed records names them: %s", b)
	}
}
