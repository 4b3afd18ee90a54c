package parse_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/trailscan/trailscan/internal/reference"
	"github.com/trailscan/trailscan/pkg/filter"
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
			want: []parse.Event{{EventName: "GetRole", RequestParameters: parse.Raw{JSON: `{"roleName":"AWSServiceRoleForSupport","userIdentity":{"arn":"nope"}}`, Size: 69}}}},
		{name: "request parameters compact, as written", in: "{\"Records\":[{\"requestParameters\" : { \"a\" : [ 1 , \"x \\\" y\" ],\n\"caseId\":\"case-1\"} },{\"requestParameters\":null},{\"requestParameters\":\"s\"}]}",
			want: []parse.Event{{RequestCaseID: "case-1", RequestParameters: parse.Raw{JSON: `{"a":[1,"x \" y"],"caseId":"case-1"}`, Size: 44}}, {},
				{RequestParameters: parse.Raw{JSON: `"s"`, Size: 3}, Odd: odd("requestParameters.supportPermitRequestArn", "requestParameters.caseId", "requestParameters.displayId")}}},
		{name: "request parameters cut", in: `{"Records":[{"requestParameters":{"k":"` + strings.Repeat("é", 600) + `"}}]}`,
			want: []parse.Event{{RequestParameters: parse.Raw{JSON: `{"k":"` + strings.Repeat("é", (parse.MaxRaw-6)/2), Size: 6 + 1200 + 2, Cut: true}}}},
		{name: "resources", in: `{"Records":[{"resources":[{"ARN":"arn:1","accountId":"1","type":"AWS::S3::Bucket"},null,{"type":"T","ARN":"a","ARN":"b"}]}]}`,
			want: []parse.Event{{Resources: []parse.Resource{{ARN: "arn:1", Type: "AWS::S3::Bucket"}, {}, {ARN: "b", Type: "T"}}, ResourceCount: 3}}},
		{name: "resources bounded", in: `{"Records":[{"resources":[` + strings.Repeat(`{"ARN":"a"},`, 30) + `5]}]}`,
			want: []parse.Event{{Resources: slices.Repeat([]parse.Resource{{ARN: "a"}}, parse.MaxResources), ResourceCount: 31}}},
		{name: "resources odd", in: `{"Records":[{"resources":[{"ARN":5},"x"]},{"resources":{"ARN":"a"}},{"resources":[{"type":[]}],"resources":[{"ARN":"c"}]}]}`,
			want: []parse.Event{{Resources: []parse.Resource{{}, {}}, ResourceCount: 2, Odd: odd("resources[].ARN", "resources[].type")},
				{Odd: odd("resources[].ARN", "resources[].type")}, {Resources: []parse.Resource{{ARN: "c"}}, ResourceCount: 1}}},
		{name: "other top-level keys", in: `{"x":[1,2,{"a":null}],"Records":[{"eventName":"A"}],"y":-1.5e+10}`, want: []parse.Event{{EventName: "A"}}},
		{name: "all value kinds skipped", in: `{"Records":[{"a":[true,false,null,0,-0.1,1E5,"s",{},[],{"b":[{}]}],"eventName":"A"}]}`, want: []parse.Event{{EventName: "A"}}},
		{name: "authorization details", in: `{"Records":[{"eventSource":"supportauthz.amazonaws.com","serviceEventDetails":{"supportCaseDisplayId":"17000000001","supportPermitRequestArn":"arn:aws:supportauthz:us-east-1:1:supportpermitrequest/x","other":{}}}]}`,
			want: []parse.Event{{EventSource: "supportauthz.amazonaws.com", CaseID: "17000000001", PermitRequestARN: "arn:aws:supportauthz:us-east-1:1:supportpermitrequest/x"}}},
		{name: "byte order mark skipped", in: "\xef\xbb\xbf{\"Records\":[{\"eventName\":\"A\"}]}", want: []parse.Event{{EventName: "A"}}},
		{name: "readOnly strings in any case", in: `{"Records":[{"readOnly":"True"},{"readOnly":"false"},{"readOnly":"TRUE"},{"readOnly":"f\u0061lse"}]}`,
			want: []parse.Event{{ReadOnly: parse.True}, {ReadOnly: parse.False}, {ReadOnly: parse.True}, {ReadOnly: parse.False}}},
		{name: "readOnly odd", in: `{"Records":[{"readOnly":"yes"},{"readOnly":1},{"readOnly":{"a":[]}}]}`,
			want: []parse.Event{{Odd: odd("readOnly")}, {Odd: odd("readOnly")}, {Odd: odd("readOnly")}}},
		{name: "string fields odd", in: `{"Records":[{"userAgent":5,"eventName":"A"},{"errorCode":{"code":"X"},"eventID":12345},{"eventTime":1700000000,"eventName":["x"]}]}`,
			want: []parse.Event{{EventName: "A", Odd: odd("userAgent")}, {Odd: odd("errorCode", "eventID")}, {Odd: odd("eventTime", "eventName")}}},
		{name: "object odd marks its fields", in: `{"Records":[{"userIdentity":"x","eventName":"A"},{"serviceEventDetails":[1],"userIdentity":{"arn":7,"type":"T"}}]}`,
			want: []parse.Event{{EventName: "A", Odd: odd("userIdentity.type", "userIdentity.arn", "userIdentity.accountId", "userIdentity.principalId", "userIdentity.invokedBy",
				"userIdentity.sessionContext.sessionIssuer.type", "userIdentity.sessionContext.sessionIssuer.arn", "userIdentity.sessionContext.sessionIssuer.userName", "userIdentity.sessionContext.sessionIssuer.accountId")},
				{UserIdentity: parse.Identity{Type: "T"}, Odd: odd("userIdentity.arn", "serviceEventDetails.supportCaseDisplayId", "serviceEventDetails.supportPermitRequestArn", "serviceEventDetails.action", "serviceEventDetails.resource")}}},
		{name: "odd replaced by a later duplicate", in: `{"Records":[{"eventName":5,"eventName":"B","readOnly":"x","readOnly":true,"userIdentity":1,"userIdentity":{"type":"U"}}]}`,
			want: []parse.Event{{EventName: "B", ReadOnly: parse.True, UserIdentity: parse.Identity{Type: "U"}}}},

		{name: "empty file", in: ``, wantErr: parse.ErrNotCloudTrail},
		{name: "byte order mark only", in: "\xef\xbb\xbf", wantErr: errAny},
		{name: "byte order mark twice", in: "\xef\xbb\xbf\xef\xbb\xbf{\"Records\":[]}", wantErr: errAny},
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
		{name: "wrong type is odd, bad JSON in it still fails", in: `{"Records":[{"eventName":[1,}]}`, wantErr: errAny},
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

// odd is the set of the fields at paths.
func odd(paths ...string) parse.FieldSet {
	var fs parse.FieldSet
	for i, f := range parse.Fields() {
		if slices.Contains(paths, f.Path) {
			fs |= 1 << i
		}
	}
	return fs
}

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

// TestHugeRequestParameters streams a record whose requestParameters
// and resources are far larger than what an Event keeps: what is kept is
// bounded, the rest only read.
func TestHugeRequestParameters(t *testing.T) {
	const size, items = 100 << 20, 20000
	item := `{"ARN":"arn:aws:s3:::b/k","type":"AWS::S3::Object"}, `
	parts := []io.Reader{
		strings.NewReader(`{"Records":[{"eventName":"DeleteObjects","requestParameters": {"keys": [`),
		io.LimitReader(repeat(`"k e y", `), size/9*9),
		strings.NewReader(`"last"]},"resources":[`),
		io.LimitReader(repeat(item), int64(items*len(item))),
		strings.NewReader(`null],"eventID":"e1"}]}`),
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	evs, _, err := collect(parse.Records, io.MultiReader(parts...))
	runtime.ReadMemStats(&after)
	if err != nil || len(evs) != 1 {
		t.Fatalf("got %d events, %v", len(evs), err)
	}
	ev := evs[0]
	rp := ev.RequestParameters
	if !rp.Cut || len(rp.JSON) != parse.MaxRaw || !strings.HasPrefix(rp.JSON, `{"keys":["k e y","k e y",`) || rp.Size != int64(len(`{"keys": [`)+size/9*9+len(`"last"]}`)) {
		t.Errorf("requestParameters = %.60q… (%d bytes, cut %v, size %d), want its first %d bytes, compact, cut, of over %d", rp.JSON, len(rp.JSON), rp.Cut, rp.Size, parse.MaxRaw, size)
	}
	if len(ev.Resources) != parse.MaxResources || ev.ResourceCount != items+1 || ev.Resources[0].ARN != "arn:aws:s3:::b/k" {
		t.Errorf("resources: %d kept of %d, first %+v", len(ev.Resources), ev.ResourceCount, ev.Resources[0])
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("reading allocated %d MB, want a bounded amount", grew>>20)
	}
}

// repeat is s again and again.
func repeat(s string) io.Reader {
	at := 0
	return readerFunc(func(p []byte) (int, error) {
		n := 0
		for n < len(p) {
			c := copy(p[n:], s[at:])
			n, at = n+c, (at+c)%len(s)
		}
		return n, nil
	})
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

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

// paths are the parser's ways of reading records: every test of its
// answers runs each.
var paths = []struct {
	name, label string
	opts        parse.Options
}{
	{"fast path", "fast", parse.Options{}},
	{"fast path, AVX2 index, as on CPUs without AVX-512", "fast-avx2", parse.Options{NoAVX512: true}},
	{"no index, as on CPUs without a vector indexer", "no-index", parse.Options{NoIndex: true}},
	{"slow path", "slow", parse.Options{Path: parse.Slow}},
}

// records is parse.Records reading as opts say.
func records(opts parse.Options) decoder {
	return func(r io.Reader, fn func(*parse.Event) error) (int64, error) {
		return parse.NewReader(r, opts).Records(fn)
	}
}

// transient is parse.Reader.RecordsTransient reading as opts say, passing
// on a clone of each event.
func transient(opts parse.Options) decoder {
	return func(r io.Reader, fn func(*parse.Event) error) (int64, error) {
		return parse.NewReader(r, opts).RecordsTransient(func(ev *parse.Event) error {
			c := ev.Clone()
			return fn(&c)
		})
	}
}

// differential runs the reference and each path of the parser on in: all
// fail, or all succeed with the same events. Each path reads in again,
// transient, with Options.Details wanting the details of some records
// only, and must fail as it did, or answer the same without the details
// of the others.
func differential(t testing.TB, in []byte) {
	t.Helper()
	want, wn, werr := collect(reference.Records, bytes.NewReader(in))
	for _, p := range paths {
		got, gn, gerr := collect(records(p.opts), bytes.NewReader(in))
		if (gerr != nil) != (werr != nil) {
			t.Fatalf("on %.200q (%s):\nparse error: %v\nreference error: %v", in, p.name, gerr, werr)
		}
		if werr == nil && (gn != wn || !reflect.DeepEqual(got, want)) {
			t.Fatalf("on %.200q (%s):\nparse:     %d %+v\nreference: %d %+v", in, p.name, gn, got, wn, want)
		}
		opts := p.opts
		opts.Details = someDetails
		dgot, dn, derr := collect(transient(opts), bytes.NewReader(in))
		if fmt.Sprint(derr) != fmt.Sprint(gerr) {
			t.Fatalf("on %.200q (%s, some details):\nerror: %v\nwithout Details: %v", in, p.name, derr, gerr)
		}
		if dwant := withDetails(want, someDetails); werr == nil && (dn != wn || !reflect.DeepEqual(dgot, dwant)) {
			t.Fatalf("on %.200q (%s, some details):\nparse:     %d %+v\nreference: %d %+v", in, p.name, dn, dgot, wn, dwant)
		}
	}
}

// someDetails wants the details of some records, by fields that may come
// before or after the details, or repeat: the length of the caller's ARN
// and the action's name.
func someDetails(ev *parse.Event) bool {
	return (len(ev.UserIdentity.ARN)+len(ev.EventName))%2 == 0
}

// withDetails returns evs as a Reader whose Options.Details is want reads
// them: the details of the events want turns away are absent.
func withDetails(evs []parse.Event, want func(*parse.Event) bool) []parse.Event {
	var out []parse.Event
	for _, ev := range evs {
		if !want(&ev) {
			for i, f := range parse.Fields() {
				if !slices.ContainsFunc(detailMembers, func(m string) bool { return strings.HasPrefix(f.Path, m+".") || f.Path == m }) {
					continue
				}
				ev.Odd &^= 1 << i
				switch {
				case f.String != nil:
					*f.String(&ev) = ""
				case f.Raw != nil:
					*f.Raw(&ev) = parse.Raw{}
				}
			}
			ev.Resources, ev.ResourceCount = nil, 0
		}
		out = append(out, ev)
	}
	return out
}

// detailMembers are the members of a record Options.Details is about.
var detailMembers = []string{"requestParameters", "responseElements", "resources[]"}

func seeds(t testing.TB) [][]byte {
	ins := [][]byte{
		[]byte(`{"Records":[]}`),
		[]byte("\xef\xbb\xbf{\"Records\":[{\"readOnly\":\"True\",\"userAgent\":5,\"errorCode\":{\"a\":1},\"eventID\":9,\"userIdentity\":\"x\"}]}"),
		[]byte(`{"Records":[{"eventName":"A","userIdentity":` + supportIdentity + `,"readOnly":false}]}`),
		[]byte(`{"Records":[{"eventName":"\u0041\n","x":[1.5e3,-0,true,null,{"y":"\\\""}]}],"z":{}}`),
		[]byte("{\"Records\":[{\"eventName\":\"caf\xc3\xa9 \xff\xfe\"}]}"),
		[]byte(`{"Records":[{"eventName":"a","eventName":"b","serviceEventDetails":{"supportCaseDisplayId":"1"}}]}`),
		[]byte(`{"Records":[{"eventName":"A","userIdentity":` + escapedSupport + `}]}`),
		[]byte(" {\"Records\" : [ {\"userIdentity\" :\n" + supportIdentity + " , \"eventTime\":\"2026-10-01T00:00:00Z\"\t} , {} ]\r}"),
		[]byte(`{"Records":[{"requestParameters":{"userIdentity":` + supportIdentity + `,"roleName":"AWSServiceRoleForSupport"},"userIdentity":{"type":"IAMUser"}}]}`),
		[]byte("{\"Records\":[{\"requestParameters\": {\"caseId\" :\"c\", \"x\":[ \"a\\\"\\\\ b\" ,{}]},\"resources\":[{\"ARN\":\"arn:aws:s3:::b\",\"type\":\"AWS::S3::Bucket\"}, null ,{\"ARN\":1}]}]}"),
		[]byte(`{"Records":[{"requestParameters":{"p":"` + strings.Repeat("\u00e9\u00e9\u00e9\u00e9x", 60) + `"},"resources":[` + strings.Repeat(`{"ARN":"arn:x","type":"T"},`, 25) + `{}]}]}`),
	}
	ins = append(ins, shapeSeeds()...)
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

// escapedSupport is supportIdentity written the hard way: escapes in keys
// and values, \/ in ARNs, the fields in another order, and whitespace of
// every kind between tokens.
const escapedSupport = "{ \"sessionContext\" :\t{\"attributes\":{},\r\n\"session\\u0049ssuer\": {\"userName\":\"AWSServiceRole\\u0046orSupport\", \"arn\" : \"arn:aws:iam::111122223333:role\\/aws-service-role\\/support.amazonaws.com\\/AWSServiceRoleForSupport\",\"type\":\"\\u0052ole\"}},\n" +
	"\"arn\":\"arn:aws:sts::111122223333:assumed-role\\/AWSServiceRoleForSupport\\/AWSSupport-abc\" ,\"typ\\u0065\" : \"Assumed\\u0052ole\" }"

// TestRecordsHard checks inputs written the way a real parser must accept
// and a careless one gets wrong, against the reference, and that the ones
// made by Support are still seen as Support.
func TestRecordsHard(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		support []bool // per record, by filter.Support
	}{
		{name: "escaped identity", in: `{"Records":[{"eventName":"A","userIdentity":` + escapedSupport + `}]}`, support: []bool{true}},
		{name: "identity first, fields reversed", in: `{"Records":[{"userIdentity":{"sessionContext":{"sessionIssuer":{"accountId":"111122223333","userName":"AWSServiceRoleForSupport","arn":"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport","type":"Role"}},"arn":"x","type":"AssumedRole"},"eventTime":"2026-10-01T00:00:00Z"}]}`, support: []bool{true}},
		{name: "whitespace everywhere", in: " \t\r\n{ \"Records\" :\n[\n\t{ \"eventName\" : \"A\" , \"readOnly\" :\ttrue , \"userIdentity\" : " + escapedSupport + " } ,\r\n{ } ] \n}\n", support: []bool{true, false}},
		{name: "role name as data", in: `{"Records":[{"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"},"requestParameters":{"userIdentity":` + supportIdentity + `,"roleName":"AWSServiceRoleForSupport","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"}}},"responseElements":{"role":{"arn":"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"}},"resources":[{"ARN":"AWSServiceRoleForSupport","userIdentity":{"type":"AssumedRole"}}]}]}`, support: []bool{false}},
		{name: "support hidden in a nested record", in: `{"Records":[{"eventName":"x","additionalEventData":{"Records":[{"userIdentity":` + supportIdentity + `}]}}]}`, support: []bool{false}},
		{name: "identity replaced by a later duplicate", in: `{"Records":[{"userIdentity":` + supportIdentity + `,"userIdentity":{"type":"IAMUser"}},{"userIdentity":{"type":"IAMUser"},"userIdentity":` + escapedSupport + `}]}`, support: []bool{false, true}},
		{name: "issuer replaced by a null sessionContext", in: `{"Records":[{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/Other/s","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"}},"sessionContext":null}}]}`, support: []bool{false}},
		{name: "unicode and invalid UTF-8 kept exactly", in: "{\"Records\":[{\"eventName\":\"\\u00e9\\ud800x\xff\",\"userAgent\":\"caf\xc3\xa9\",\"errorMessage\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}]}", support: []bool{false}},
		{name: "long keys and values", in: `{"Records":[{"` + strings.Repeat("k", 5000) + `":"` + strings.Repeat("v\\n", 5000) + `","eventName":"` + strings.Repeat("N", 40000) + `","userIdentity":` + supportIdentity + `}]}`, support: []bool{true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			differential(t, []byte(tt.in))
			evs, _, err := collect(parse.Records, strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []bool
			for i := range evs {
				got = append(got, filter.Support(&evs[i]))
			}
			if !reflect.DeepEqual(got, tt.support) {
				t.Errorf("Support per record = %v, want %v", got, tt.support)
			}
		})
	}
}

// TestBufferBoundaries moves a Support record, written plainly and with
// escapes and followed by nested values to skip, across the scanner's
// buffer boundary one byte at a time, with a reader that fills the whole
// buffer as a file or gzip stream may: every token of the record, and every
// byte of each, is once the last byte of the buffer.
func TestBufferBoundaries(t *testing.T) {
	const bufSize = 256 << 10 // the scanner's buffer
	for _, id := range []string{supportIdentity, escapedSupport} {
		rec := `{"eventName":"DescribeInstances","eventID":"e-1","userIdentity":` + id + `,"readOnly":false,"requestParameters":{"a":[1,2.5e-3,true,null,"x"],"b":{"c":"d\n","e":{},"f":[{"g":[]}]},"h":"i"}}`
		for shift := 0; shift < len(rec)+8; shift++ {
			pad := bufSize - len(`{"Records":[{"p":"`) - len(`"},`) - len(rec) + shift
			in := `{"Records":[{"p":"` + strings.Repeat("x", pad) + `"},` + rec + `]}`
			evs, _, err := collect(parse.Records, strings.NewReader(in))
			if err != nil || len(evs) != 2 || !filter.Support(&evs[1]) || evs[1].EventID != "e-1" {
				t.Fatalf("shift %d: got %d events, %v; want the Support record second", shift, len(evs), err)
			}
			if shift%15 == 0 {
				differential(t, []byte(in))
			}
		}
	}
}

// TestReaderReuse reads many documents with one Reader, transient and not,
// and checks each against the reference: nothing leaks from one document
// or record to the next.
func TestReaderReuse(t *testing.T) {
	var r bytes.Reader
	d := parse.NewReader(&r, parse.Options{})
	for round, transient := range []bool{false, true, true} {
		for _, in := range seeds(t) {
			want, wn, werr := collect(reference.Records, bytes.NewReader(in))
			r.Reset(in)
			d.Reset(&r)
			read := d.Records
			if transient {
				read = d.RecordsTransient
			}
			var got []parse.Event
			gn, gerr := read(func(ev *parse.Event) error {
				got = append(got, ev.Clone())
				return nil
			})
			if (gerr != nil) != (werr != nil) || werr == nil && (gn != wn || !reflect.DeepEqual(got, want)) {
				t.Errorf("round %d on %.60q: got %d %v, want %d %v", round, in, gn, gerr, wn, werr)
			}
		}
	}
}

// TestFastPathTakesCloudTrail checks that the fast path reads what it is
// for, generated CloudTrail records, with either index, and answers there
// as the slow path and encoding/json do.
func TestFastPathTakesCloudTrail(t *testing.T) {
	if !parse.Vector {
		t.Skip("no vector indexer on this CPU: the slow path reads everything")
	}
	docs := generatedDocs(t, 2<<20)
	for _, opts := range []parse.Options{{}, {NoAVX512: true}} {
		var br bytes.Reader
		d := parse.NewReader(&br, opts)
		records := countRecords(t, d, &br, docs, false)
		fast := d.FastRecords()
		t.Logf("%+v: %d of %d records read by the fast path", opts, fast, records)
		if records == 0 || float64(fast) < 0.95*float64(records) {
			t.Errorf("%+v: %d of %d records read by the fast path, want at least 95%%", opts, fast, records)
		}
	}
	for _, doc := range docs {
		differential(t, doc)
	}
}

// TestSplitTokenErrors moves bad escapes and numbers across the scanner's
// buffer boundary one byte at a time: wherever the cut falls, the error is
// at the byte that is wrong.
func TestSplitTokenErrors(t *testing.T) {
	const bufSize = 256 << 10 // the scanner's buffer
	tests := []struct {
		name, value string
		bad         int // the offset in value of the byte that is wrong
	}{
		{"bad hex", `"ab\u12x4"`, 7},
		{"bad escape", `"ab\q"`, 4},
		{"fraction without digits", `1.e5`, 2},
		{"sign without digits", `-x`, 1},
		{"exponent without digits", `12e+}`, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for shift := range len(tt.value) + 2 {
				head := `{"Records":[{"p":"`
				pad := bufSize - len(head) - len(`","v":`) - len(tt.value) + shift
				in := head + strings.Repeat("x", pad) + `","v":` + tt.value + `}]}`
				want := int64(strings.Index(in, `"v":`) + 4 + tt.bad)
				_, err := parse.Records(strings.NewReader(in), func(*parse.Event) error { return nil })
				var se *parse.SyntaxError
				if !errors.As(err, &se) || se.Offset != want {
					t.Fatalf("shift %d: error %v, want a syntax error at %d", shift, err, want)
				}
			}
		})
	}
}

// TestDetails reads records whose details a scan wants or not
// (filter.Candidate says), by every path, and checks them against the
// reference: the details of a Support record are read wherever its
// identity is and however large they are, and those of the others are
// still checked to be valid JSON.
func TestDetails(t *testing.T) {
	const other = `{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"}`
	details := `"requestParameters":{"caseId":"case-1","roleName":"AWSServiceRoleForSupport"},"responseElements":{"displayId":"1234567890"},"resources":[{"ARN":"arn:aws:iam::111122223333:role/x","type":"AWS::IAM::Role"}]`
	huge := func(n int) string {
		return `"resources":[` + strings.Repeat(`{"ARN":"arn:aws:s3:::bucket/key","type":"AWS::S3::Object","accountId":"111122223333"},`, n-1) + `{"ARN":"last"}]`
	}
	tests := []struct {
		name    string
		in      string // the records, without {"Records":[ ]}
		kept    []bool // per record: whether its details are read
		fast    int    // records the fast path reads, where it runs
		wantErr bool
	}{
		{name: "identity first", in: `{"eventID":"1","userIdentity":` + supportIdentity + `,` + details + `},{"eventID":"2","userIdentity":` + other + `,` + details + `}`, kept: []bool{true, false}, fast: 2},
		{name: "identity after the details", in: `{"eventID":"1",` + details + `,"userIdentity":` + supportIdentity + `},{"eventID":"2",` + details + `,"userIdentity":` + other + `}`, kept: []bool{true, false}, fast: 2},
		{name: "duplicate identity, the last Support's", in: `{"userIdentity":` + other + `,` + details + `,"userIdentity":` + supportIdentity + `}`, kept: []bool{true}, fast: 1},
		{name: "duplicate identity, the first Support's", in: `{"userIdentity":` + supportIdentity + `,` + details + `,"userIdentity":` + other + `}`, kept: []bool{false}, fast: 1},
		{name: "duplicate details, the last kept", in: `{"userIdentity":` + supportIdentity + `,` + details + `,"requestParameters":{"displayId":"2"},"resources":null}`, kept: []bool{true}, fast: 1},
		{name: "a Support API call", in: `{"eventSource":"support.amazonaws.com",` + details + `,"userIdentity":` + other + `}`, kept: []bool{true}, fast: 1},
		{name: "Support with huge resources", in: `{"userIdentity":` + supportIdentity + `,` + huge(1000) + `},{"userIdentity":` + other + `,` + huge(1000) + `}`, kept: []bool{true, false}, fast: 2},
		{name: "Support with resources past the buffer", in: `{` + huge(5000) + `,"userIdentity":` + supportIdentity + `},{` + huge(5000) + `}`, kept: []bool{true, false}},
		{name: "details of the wrong type", in: `{"userIdentity":` + supportIdentity + `,"requestParameters":"x","resources":[5]},{"userIdentity":` + other + `,"requestParameters":"x","resources":[5]}`, kept: []bool{true, false}, fast: 1},
		{name: "details escaped", in: `{"userIdentity":` + supportIdentity + `,"requestParameters":{"case\u0049d":"c\u0031"}},{"requestParameters":{"caseId":"c\u0031"}}`, kept: []bool{true, false}, fast: 1},
		{name: "details escaped, escapes after them", in: `{"userIdentity":` + supportIdentity + `,"requestParameters":{"caseId":"c\u0031"},"eventVersion":"1.08","additionalEventData":{"x":"\u0032"},"eventCategory":"Management"}`, kept: []bool{true}},
		{name: "details not UTF-8", in: "{\"userIdentity\":" + supportIdentity + ",\"requestParameters\":{\"caseId\":\"a\xffb\"}},{\"requestParameters\":{\"caseId\":\"a\xffb\"}}", kept: []bool{true, false}, fast: 1},
		{name: "malformed details turned away", in: `{"userIdentity":` + other + `,"requestParameters":{"a":[1,}}`, wantErr: true},
		{name: "malformed resources turned away", in: `{"resources":[{"ARN":"x"}}],"userIdentity":` + other + `}`, wantErr: true},
		{name: "details too deep turned away", in: `{"resources":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(`{"Records":[` + tt.in + `]}`)
			want, _, werr := collect(reference.Records, bytes.NewReader(in))
			if (werr != nil) != tt.wantErr {
				t.Fatalf("reference error %v, want an error: %v", werr, tt.wantErr)
			}
			var kept []bool
			for i := range want {
				kept = append(kept, filter.Candidate(&want[i]))
			}
			if !tt.wantErr && !reflect.DeepEqual(kept, tt.kept) {
				t.Fatalf("Candidate per record = %v, want %v", kept, tt.kept)
			}
			want = withDetails(want, filter.Candidate)
			for _, p := range paths {
				_, _, plain := collect(records(p.opts), bytes.NewReader(in))
				opts := p.opts
				opts.Details = filter.Candidate
				for _, lent := range []bool{false, true} {
					var d *parse.Reader
					got, _, err := collect(func(r io.Reader, fn func(*parse.Event) error) (int64, error) {
						d = parse.NewReader(r, opts)
						if lent {
							return d.RecordsTransient(func(ev *parse.Event) error {
								c := ev.Clone()
								return fn(&c)
							})
						}
						return d.Records(fn)
					}, bytes.NewReader(in))
					if fmt.Sprint(err) != fmt.Sprint(plain) || (err != nil) != tt.wantErr {
						t.Fatalf("%s, transient %v: error %v; without Details %v", p.name, lent, err, plain)
					}
					if err == nil && !reflect.DeepEqual(got, want) {
						t.Fatalf("%s, transient %v:\nparse:     %+v\nreference: %+v", p.name, lent, got, want)
					}
					if fast := d.FastRecords(); err == nil && parse.Vector && p.opts.Path == parse.Auto && !p.opts.NoIndex && fast != int64(tt.fast) {
						t.Errorf("%s, transient %v: %d records read by the fast path, want %d", p.name, lent, fast, tt.fast)
					}
				}
			}
		})
	}
}
