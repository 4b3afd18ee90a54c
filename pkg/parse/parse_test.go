package parse_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/trailscan/trailscan/internal/reference"
	"github.com/trailscan/trailscan/pkg/parse"
)

// decoder is the shape shared by the streaming parser and the reference.
type decoder func(io.Reader, func(*parse.Event) error) (int64, error)

func collect(dec decoder, r io.Reader) ([]parse.Event, int64, error) {
	var evs []parse.Event
	n, err := dec(r, func(ev *parse.Event) error {
		evs = append(evs, *ev)
		return nil
	})
	return evs, n, err
}

const supportIdentity = `{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/AWSSupport-abc","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport","userName":"AWSServiceRoleForSupport","accountId":"111122223333"},"attributes":{"mfaAuthenticated":"false"}},"invokedBy":"support.amazonaws.com"}`

func TestRecords(t *testing.T) {
	issuerARN := "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"
	tests := []struct {
		name    string
		in      string
		want    []parse.Event // Offset and Length are not compared here
		wantErr error         // nil: no error; errAny: some error
	}{
		{name: "empty records", in: `{"Records":[]}`},
		{name: "whitespace around", in: " \n\t{ \"Records\" : [ ] } \r\n"},
		{name: "one record", in: `{"Records":[{"eventTime":"2026-10-01T03:04:05Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"eu-west-1","recipientAccountId":"111122223333","eventID":"e1","readOnly":true,"userIdentity":` + supportIdentity + `}]}`,
			want: []parse.Event{{EventTime: "2026-10-01T03:04:05Z", EventSource: "ec2.amazonaws.com", EventName: "DescribeInstances",
				AWSRegion: "eu-west-1", RecipientAccountID: "111122223333", EventID: "e1", ReadOnly: parse.True,
				UserIdentity: parse.Identity{Type: "AssumedRole", ARN: "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/AWSSupport-abc",
					AccountID: "111122223333", InvokedBy: "support.amazonaws.com",
					Issuer: parse.Issuer{Type: "Role", ARN: issuerARN, UserName: "AWSServiceRoleForSupport", AccountID: "111122223333"}}}}},
		{name: "escapes decode", in: `{"Records":[{"eventName":"Describe\u0049nstances","errorMessage":"a \"quoted\" \\ path\/x é \ud83d\ude00"}]}`,
			want: []parse.Event{{EventName: "DescribeInstances", ErrorMessage: "a \"quoted\" \\ path/x é 😀"}}},
		{name: "escaped key", in: `{"Rec\u006frds":[{"event\u004eame":"X"}]}`, want: []parse.Event{{EventName: "X"}}},
		{name: "readOnly absent, false, null", in: `{"Records":[{},{"readOnly":false},{"readOnly":null}]}`,
			want: []parse.Event{{}, {ReadOnly: parse.False}, {}}},
		{name: "null fields", in: `{"Records":[{"eventName":null,"userIdentity":null,"errorCode":null}]}`, want: []parse.Event{{}}},
		{name: "duplicate key: last wins", in: `{"Records":[{"eventName":"A","eventName":"B","userIdentity":{"arn":"x","type":"T"},"userIdentity":{"type":"U"}}]}`,
			want: []parse.Event{{EventName: "B", UserIdentity: parse.Identity{Type: "U"}}}},
		{name: "role name as data is skipped", in: `{"Records":[{"requestParameters":{"roleName":"AWSServiceRoleForSupport","userIdentity":{"arn":"nope"}},"eventName":"GetRole"}]}`,
			want: []parse.Event{{EventName: "GetRole"}}},
		{name: "other top-level keys", in: `{"x":[1,2,{"a":null}],"Records":[{"eventName":"A"}],"y":-1.5e+10}`, want: []parse.Event{{EventName: "A"}}},
		{name: "all value kinds skipped", in: `{"Records":[{"a":[true,false,null,0,-0.1,1E5,"s",{},[],{"b":[{}]}],"eventName":"A"}]}`, want: []parse.Event{{EventName: "A"}}},
		{name: "authorization details", in: `{"Records":[{"eventSource":"supportauthz.amazonaws.com","serviceEventDetails":{"supportCaseDisplayId":"17000000001","supportPermitRequestArn":"arn:aws:supportauthz:us-east-1:1:supportpermitrequest/x","other":{}}}]}`,
			want: []parse.Event{{EventSource: "supportauthz.amazonaws.com", CaseID: "17000000001", PermitRequestARN: "arn:aws:supportauthz:us-east-1:1:supportpermitrequest/x"}}},

		{name: "empty file", in: ``, wantErr: parse.ErrNotCloudTrail},
		{name: "only spaces", in: "   \n", wantErr: errAny},
		{name: "digest", in: `{"awsAccountId":"1","digestStartTime":"x"}`, wantErr: parse.ErrNotCloudTrail},
		{name: "array document", in: `[{"Records":[]}]`, wantErr: parse.ErrNotCloudTrail},
		{name: "records not array", in: `{"Records":{}}`, wantErr: parse.ErrNotCloudTrail},
		{name: "records null", in: `{"Records":null}`, wantErr: parse.ErrNotCloudTrail},
		{name: "record not object", in: `{"Records":[1]}`, wantErr: parse.ErrNotCloudTrail},
		{name: "duplicate records", in: `{"Records":[],"Records":[]}`, wantErr: errAny},
		{name: "truncated", in: `{"Records":[{"eventName":"A"},{"eventNa`, wantErr: errAny},
		{name: "trailing data", in: `{"Records":[]}x`, wantErr: errAny},
		{name: "two documents", in: `{"Records":[]}{"Records":[]}`, wantErr: errAny},
		{name: "missing comma", in: `{"Records":[{"a":1 "b":2}]}`, wantErr: errAny},
		{name: "trailing comma", in: `{"Records":[{"a":1},]}`, wantErr: errAny},
		{name: "bad number", in: `{"Records":[{"a":01}]}`, wantErr: errAny},
		{name: "bad literal", in: `{"Records":[{"a":tru}]}`, wantErr: errAny},
		{name: "bad escape", in: `{"Records":[{"a":"\x"}]}`, wantErr: errAny},
		{name: "control character", in: "{\"Records\":[{\"a\":\"\x01\"}]}", wantErr: errAny},
		{name: "wrong type", in: `{"Records":[{"eventName":5}]}`, wantErr: errAny},
		{name: "wrong identity type", in: `{"Records":[{"userIdentity":"x"}]}`, wantErr: errAny},
		{name: "wrong readOnly type", in: `{"Records":[{"readOnly":"true"}]}`, wantErr: errAny},
		{name: "too deep", in: `{"Records":[{"a":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}]}`, wantErr: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, dec := range decoders {
				got, _, err := collect(dec, strings.NewReader(tt.in))
				checkErr(t, name, err, tt.wantErr)
				if tt.wantErr != nil {
					continue
				}
				for i := range got {
					got[i].Offset, got[i].Length = 0, 0
				}
				if !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
					t.Errorf("%s:\n got %+v\nwant %+v", name, got, tt.want)
				}
			}
		})
	}
}

var errAny = errors.New("any error")

var decoders = map[string]decoder{"parse": parse.Records, "reference": reference.Records}

func checkErr(t *testing.T, name string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: unexpected error %v", name, err)
	case want == errAny && err == nil:
		t.Errorf("%s: no error, want one", name)
	case want != nil && want != errAny && !errors.Is(err, want):
		t.Errorf("%s: error %v, want %v", name, err, want)
	}
}

// TestOffsets checks that a record's span holds exactly its bytes, so
// evidence copied by offset is the record, whole and unchanged.
func TestOffsets(t *testing.T) {
	in := "{\"Records\":[ {\"a\":1} ,\n{\"eventName\":\"B\",\"x\":{\"y\":[\"}\"]}}]}"
	evs, _, err := collect(parse.Records, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`{"a":1}`, `{"eventName":"B","x":{"y":["}"]}}`}
	for i, ev := range evs {
		if got := in[ev.Offset : ev.Offset+ev.Length]; got != want[i] {
			t.Errorf("record %d span = %q, want %q", i, got, want[i])
		}
	}
}

// TestLargeRecord reads a record far larger than the buffer, with the fields
// trailscan keeps on both sides of it.
func TestLargeRecord(t *testing.T) {
	big := strings.Repeat(`{"k":"`+strings.Repeat("x\\\"", 1000)+`"},`, 5000)
	in := `{"Records":[{"eventName":"A","responseElements":[` + big + `null],"userIdentity":` + supportIdentity + `}]}`
	differential(t, []byte(in))
	evs, _, err := collect(parse.Records, strings.NewReader(in))
	if err != nil || len(evs) != 1 || evs[0].EventName != "A" || evs[0].UserIdentity.Issuer.UserName != "AWSServiceRoleForSupport" {
		t.Fatalf("got %+v, %v", evs, err)
	}
}

// TestReaderShapes feeds the same documents one byte at a time and with
// errors alongside data, so every buffer boundary falls inside every token.
func TestReaderShapes(t *testing.T) {
	for _, in := range seeds(t) {
		want, wn, werr := collect(reference.Records, bytes.NewReader(in))
		for name, r := range map[string]io.Reader{
			"onebyte": iotest.OneByteReader(bytes.NewReader(in)),
			"dataerr": iotest.DataErrReader(bytes.NewReader(in)),
			"half":    iotest.HalfReader(bytes.NewReader(in)),
		} {
			got, gn, gerr := collect(parse.Records, r)
			if (gerr != nil) != (werr != nil) || gn != wn || !reflect.DeepEqual(got, want) {
				t.Errorf("%s on %.60q: got %d %v, want %d %v", name, in, gn, gerr, wn, werr)
			}
		}
	}
}

func TestReadError(t *testing.T) {
	r := io.MultiReader(strings.NewReader(`{"Records":[{"a":"b`), iotest.ErrReader(io.ErrUnexpectedEOF))
	_, err := parse.Records(r, func(*parse.Event) error { return nil })
	var re *parse.ReadError
	if !errors.As(err, &re) || !errors.Is(err, io.ErrUnexpectedEOF) || re.Offset != 19 {
		t.Fatalf("err = %v, want a ReadError at 19 wrapping unexpected EOF", err)
	}
}

func TestCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n, err := parse.Records(strings.NewReader(`{"Records":[{},{},{}]}`), func(*parse.Event) error { return stop })
	if err != stop || n != 1 {
		t.Fatalf("got %d, %v; want 1, stop", n, err)
	}
}

// differential runs both decoders on in: both fail, or both succeed with
// the same events.
func differential(t testing.TB, in []byte) {
	t.Helper()
	want, wn, werr := collect(reference.Records, bytes.NewReader(in))
	got, gn, gerr := collect(parse.Records, bytes.NewReader(in))
	if (gerr != nil) != (werr != nil) {
		t.Fatalf("on %.200q:\nparse error: %v\nreference error: %v", in, gerr, werr)
	}
	if werr != nil {
		return
	}
	if gn != wn || !reflect.DeepEqual(got, want) {
		t.Fatalf("on %.200q:\nparse:     %d %+v\nreference: %d %+v", in, gn, got, wn, want)
	}
}

func seeds(t testing.TB) [][]byte {
	ins := [][]byte{
		[]byte(`{"Records":[]}`),
		[]byte(`{"Records":[{"eventName":"A","userIdentity":` + supportIdentity + `,"readOnly":false}]}`),
		[]byte(`{"Records":[{"eventName":"\u0041\n","x":[1.5e3,-0,true,null,{"y":"\\\""}]}],"z":{}}`),
		[]byte("{\"Records\":[{\"eventName\":\"caf\xc3\xa9 \xff\xfe\"}]}"),
		[]byte(`{"Records":[{"eventName":"a","eventName":"b","serviceEventDetails":{"supportCaseDisplayId":"1"}}]}`),
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, b)
	}
	return ins
}

func TestDifferential(t *testing.T) {
	for _, in := range seeds(t) {
		differential(t, in)
	}
}

// FuzzRecords checks the streaming parser against a full encoding/json
// parse: an error is fine when both fail, a panic or a different answer
// is not.
func FuzzRecords(f *testing.F) {
	for _, in := range seeds(f) {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		differential(t, in)
	})
}
