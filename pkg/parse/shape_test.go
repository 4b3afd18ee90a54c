package parse_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/trailscan/trailscan/pkg/filter"
	"github.com/trailscan/trailscan/pkg/parse"
)

const (
	supportRecord = `{"eventVersion":"1.08","userIdentity":` + supportIdentity + `,"eventTime":"2026-10-01T03:04:05Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"eu-west-1","eventID":"e1","readOnly":true,"recipientAccountId":"111122223333"}`
	otherRecord   = `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"},"eventTime":"2026-10-01T03:04:06Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"e2","requestParameters":{"roleName":"AWSServiceRoleForSupport"}}`
)

func eventBridge(rec string) string {
	return `{"version":"0","id":"x","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","account":"111122223333","time":"2026-10-01T03:04:05Z","region":"eu-west-1","resources":[],"detail":` + rec + `}`
}

// lookupEvent is an Event of lookup-events output holding rec.
func lookupEvent(rec string) string {
	q, _ := json.Marshal(rec)
	return `{"EventId":"x","EventName":"DescribeInstances","ReadOnly":"true","EventTime":"2026-10-01T03:04:05+00:00","EventSource":"ec2.amazonaws.com","Resources":[],"CloudTrailEvent":` + string(q) + `}`
}

// lookupPage is a page of lookup-events output as the CLI prints it.
func lookupPage(recs ...string) string {
	var evs []string
	for _, r := range recs {
		evs = append(evs, "        "+lookupEvent(r))
	}
	return "{\n    \"Events\": [\n" + strings.Join(evs, ",\n") + "\n    ],\n    \"NextToken\": \"abc\"\n}\n"
}

// cwlPayload is a CloudWatch Logs subscription payload of messageType
// kind holding recs, as Firehose writes it.
func cwlPayload(kind string, recs ...string) string {
	var evs []string
	for i, r := range recs {
		evs = append(evs, fmt.Sprintf(`{"id":"3789%d","timestamp":1790854445000,"message":%s}`, i, quoted(r)))
	}
	return `{"messageType":"` + kind + `","owner":"111122223333","logGroup":"aws-cloudtrail-logs","logStream":"111122223333_CloudTrail_eu-west-1","subscriptionFilters":["to-firehose"],"logEvents":[` + strings.Join(evs, ",") + `]}`
}

// controlPayload is the payload CloudWatch Logs sends to check that the
// destination is reachable: its one message is no record.
const controlPayload = `{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1790854445000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}`

// cwlExport is a CloudWatch Logs export holding recs, one a line.
func cwlExport(recs ...string) string {
	var b strings.Builder
	for _, r := range recs {
		b.WriteString("2026-10-01T03:04:05.000Z " + r + "\n")
	}
	return b.String()
}

// TestShapes reads each shape with a Support call and another caller, and
// look-alikes of each, against the reference, by both paths.
func TestShapes(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		shape   parse.Shape
		support []bool // per record; nil with wantErr
		wantErr error
	}{
		{name: "delivered", in: `{"Records":[` + supportRecord + `,` + otherRecord + `]}`, shape: parse.Delivered, support: []bool{true, false}},
		{name: "delivered with BOM", in: "\xef\xbb\xbf" + `{"Records":[` + supportRecord + `]}`, shape: parse.Delivered, support: []bool{true}},
		{name: "lines", in: supportRecord + "\n" + otherRecord + "\n", shape: parse.Lines, support: []bool{true, false}},
		{name: "lines with CRLF, blank lines, BOM", in: "\xef\xbb\xbf" + supportRecord + "\r\n\r\n" + otherRecord, shape: parse.Lines, support: []bool{true, false}},
		{name: "lines pretty-printed", in: strings.ReplaceAll(supportRecord, ",", ",\n  ") + "\n" + otherRecord, shape: parse.Lines, support: []bool{true, false}},
		{name: "lines, same event twice", in: supportRecord + "\n" + supportRecord + "\n", shape: parse.Lines, support: []bool{true, true}},
		{name: "array", in: "[" + supportRecord + ",\n" + otherRecord + "]", shape: parse.Array, support: []bool{true, false}},
		{name: "empty array", in: " [ ] ", shape: parse.Array},
		{name: "eventbridge", in: eventBridge(supportRecord) + "\n" + eventBridge(otherRecord) + "\n", shape: parse.EventBridge, support: []bool{true, false}},
		{name: "eventbridge, detail first", in: `{"detail":` + supportRecord + `,"detail-type":"AWS API Call via CloudTrail","resources":[{"arn":"` + strings.Repeat("a", 300<<10) + `"}]}`, shape: parse.EventBridge, support: []bool{true}},
		{name: "eventbridge, detail repeated: last wins", in: `{"detail-type":"x","detail":` + supportRecord + `,"detail":` + otherRecord + `}`, shape: parse.EventBridge, support: []bool{false}},
		{name: "lookup-events page", in: lookupPage(supportRecord, otherRecord), shape: parse.LookupEvents, support: []bool{true, false}},
		{name: "lookup-events, empty page", in: `{"Events":[]}`, shape: parse.LookupEvents},
		{name: "lookup-events, two pages", in: lookupPage(supportRecord) + lookupPage(otherRecord), shape: parse.LookupEvents, support: []bool{true, false}},
		{name: "lookup-events lines", in: lookupEvent(supportRecord) + "\n" + lookupEvent(otherRecord) + "\n", shape: parse.LookupEvents, support: []bool{true, false}},
		{name: "lookup-events, CloudTrailEvent first", in: `{"CloudTrailEvent":` + quoted(supportRecord) + `,"EventId":"x"}`, shape: parse.LookupEvents, support: []bool{true}},
		{name: "lookup-events, record written in escapes", in: `{"CloudTrailEvent":"` + escapedEvery(supportRecord) + `"}`, shape: parse.LookupEvents, support: []bool{true}},
		{name: "lookup-events, long record", in: lookupEvent(strings.Replace(supportRecord, `"eventVersion":"1.08"`, `"eventVersion":"1.08","requestParameters":{"x":"`+strings.Repeat("\\u00e9\\\"", 200<<10)+`"}`, 1)), shape: parse.LookupEvents, support: []bool{true}},
		{name: "cwl-subscription", in: cwlPayload("DATA_MESSAGE", supportRecord, otherRecord), shape: parse.CWLSubscription, support: []bool{true, false}},
		{name: "cwl-subscription, payloads back to back", in: cwlPayload("DATA_MESSAGE", supportRecord) + controlPayload + cwlPayload("DATA_MESSAGE", otherRecord) + "\n" + cwlPayload("DATA_MESSAGE"), shape: parse.CWLSubscription, support: []bool{true, false}},
		{name: "cwl-subscription, control message only", in: controlPayload, shape: parse.CWLSubscription},
		{name: "cwl-subscription, same event twice", in: cwlPayload("DATA_MESSAGE", supportRecord, supportRecord), shape: parse.CWLSubscription, support: []bool{true, true}},
		{name: "cwl-subscription, logEvents first", in: `{"logEvents":[{"message":` + quoted(supportRecord) + `}],"messageType":"DATA_MESSAGE"}`, shape: parse.CWLSubscription, support: []bool{true}},
		{name: "cwl-subscription, messageType escaped", in: `{"messageType":"\u0044\u0041\u0054\u0041\u005f\u004d\u0045\u0053\u0053\u0041\u0047\u0045","logEvents":[{"message":` + quoted(supportRecord) + `}]}`, shape: parse.CWLSubscription, support: []bool{true}},
		{name: "cwl-subscription, message repeated: last wins", in: `{"messageType":"DATA_MESSAGE","logEvents":[{"message":` + quoted(supportRecord) + `,"message":` + quoted(otherRecord) + `}]}`, shape: parse.CWLSubscription, support: []bool{false}},
		{name: "cwl-subscription, record written in escapes", in: `{"messageType":"DATA_MESSAGE","logEvents":[{"message":"` + escapedEvery(otherRecord) + `"}]}`, shape: parse.CWLSubscription, support: []bool{false}},
		{name: "cwl-export", in: cwlExport(supportRecord, otherRecord), shape: parse.CWLExport, support: []bool{true, false}},
		{name: "cwl-export, CRLF, no final newline, BOM", in: "\xef\xbb\xbf" + strings.ReplaceAll(cwlExport(supportRecord, otherRecord), "\n", "\r\n") + "2026-10-01T03:04:05Z " + supportRecord, shape: parse.CWLExport, support: []bool{true, false, true}},

		{name: "digest", in: `{"awsAccountId":"111122223333","digestStartTime":"x","logFiles":[]}`, shape: parse.Delivered, wantErr: parse.ErrNotCloudTrail},
		{name: "line without eventID", in: `{"eventVersion":"1.08","eventName":"A"}`, shape: parse.Lines, wantErr: parse.ErrNotCloudTrail},
		{name: "lines, then not an object", in: supportRecord + "\n[1]\n", shape: parse.Lines, wantErr: parse.ErrNotCloudTrail},
		{name: "lines, then a digest", in: supportRecord + "\n" + `{"awsAccountId":"1"}`, shape: parse.Lines, wantErr: parse.ErrNotCloudTrail},
		{name: "array of delivered documents", in: `[{"Records":[]}]`, shape: parse.Array, wantErr: parse.ErrNotCloudTrail},
		{name: "array of numbers", in: `[1,2]`, shape: parse.Array, wantErr: parse.ErrNotCloudTrail},
		{name: "eventbridge, not from CloudTrail", in: `{"version":"0","detail-type":"EC2 Instance State-change Notification","detail":{"instance-id":"i-1","state":"running"}}`, shape: parse.EventBridge, wantErr: parse.ErrNotCloudTrail},
		{name: "eventbridge, detail a string", in: `{"detail-type":"x","detail":"` + strings.ReplaceAll(supportRecord, `"`, `\"`) + `"}`, shape: parse.EventBridge, wantErr: parse.ErrNotCloudTrail},
		{name: "eventbridge, no detail", in: `{"detail-type":"x","id":"1"}`, shape: parse.Delivered, wantErr: parse.ErrNotCloudTrail},
		{name: "truncated line", in: supportRecord + "\n" + otherRecord[:50], shape: parse.Lines, wantErr: errAny},
		{name: "array, data after", in: "[" + supportRecord + "] x", shape: parse.Array, wantErr: errAny},
		{name: "lookup-events, CloudTrailEvent not a string", in: `{"CloudTrailEvent":` + supportRecord + `}`, shape: parse.LookupEvents, wantErr: parse.ErrNotCloudTrail},
		{name: "lookup-events, Event without CloudTrailEvent", in: `{"Events":[{"EventId":"x"}]}`, shape: parse.LookupEvents, wantErr: parse.ErrNotCloudTrail},
		{name: "lookup-events, record without eventID", in: lookupEvent(`{"eventName":"A"}`), shape: parse.LookupEvents, wantErr: parse.ErrNotCloudTrail},
		{name: "lookup-events, string not a record", in: lookupEvent(`[1]`), shape: parse.LookupEvents, wantErr: parse.ErrNotCloudTrail},
		{name: "lookup-events, data after the record", in: lookupEvent(supportRecord + ` 1`), shape: parse.LookupEvents, wantErr: errAny},
		{name: "lookup-events, record cut short", in: lookupEvent(supportRecord[:100]), shape: parse.LookupEvents, wantErr: errAny},
		{name: "lookup-events, string cut short", in: lookupEvent(supportRecord)[:300], shape: parse.LookupEvents, wantErr: errAny},
		{name: "lookup-events, Events null", in: `{"Events":null}`, shape: parse.LookupEvents, wantErr: parse.ErrNotCloudTrail},
		{name: "lookup-events, page and event", in: `{"Events":[],"CloudTrailEvent":` + quoted(supportRecord) + `}`, shape: parse.LookupEvents, wantErr: parse.ErrNotCloudTrail},
		{name: "lookup-events, bad escape", in: `{"CloudTrailEvent":"{\\q}"}`, shape: parse.LookupEvents, wantErr: errAny},
		{name: "cwl-subscription, other log group", in: cwlPayload("DATA_MESSAGE", "GET /index.html 200"), shape: parse.CWLSubscription, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-subscription, other message type", in: cwlPayload("DATA", supportRecord), shape: parse.CWLSubscription, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-subscription, messageType not a string", in: `{"messageType":1,"logEvents":[]}`, shape: parse.CWLSubscription, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-subscription, control after the events", in: `{"logEvents":[{"message":` + quoted(supportRecord) + `}],"messageType":"CONTROL_MESSAGE"}`, shape: parse.CWLSubscription, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-subscription, no messageType", in: `{"logEvents":[]}`, shape: parse.CWLSubscription, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-subscription, message not a string", in: `{"messageType":"DATA_MESSAGE","logEvents":[{"message":` + supportRecord + `}]}`, shape: parse.CWLSubscription, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-subscription, log event without message", in: `{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1"}]}`, shape: parse.CWLSubscription, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-subscription, logEvents not an array", in: `{"messageType":"DATA_MESSAGE","logEvents":{}}`, shape: parse.CWLSubscription, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-subscription, cut short", in: cwlPayload("DATA_MESSAGE", supportRecord, otherRecord)[:400], shape: parse.CWLSubscription, wantErr: errAny},
		{name: "cwl-export, other log group", in: "2026-10-01T03:04:05.000Z GET /index.html 200\n", shape: parse.Delivered, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-export, then a line of text", in: cwlExport(supportRecord) + "2026-10-01T03:04:05.000Z started\n", shape: parse.CWLExport, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-export, then a line without timestamp", in: cwlExport(supportRecord) + otherRecord + "\n", shape: parse.CWLExport, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-export, record without eventID", in: cwlExport(supportRecord, `{"eventName":"A"}`), shape: parse.CWLExport, wantErr: parse.ErrNotCloudTrail},
		{name: "cwl-export, record cut short", in: cwlExport(supportRecord, otherRecord)[:len(supportRecord)+60], shape: parse.CWLExport, wantErr: errAny},
		{name: "cwl-export, ends in a timestamp", in: cwlExport(supportRecord) + "2026-10-01", shape: parse.CWLExport, wantErr: errAny},
		{name: "a number", in: `12`, shape: parse.Delivered, wantErr: errAny},
		{name: "a string", in: `"Records"`, shape: parse.Delivered, wantErr: parse.ErrNotCloudTrail},
		{name: "BOM only", in: "\xef\xbb\xbf", shape: parse.Delivered, wantErr: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parse.Detect([]byte(tt.in)); got != tt.shape {
				t.Errorf("Detect = %v, want %v", got, tt.shape)
			}
			differential(t, []byte(tt.in))
			evs, _, err := collect(parse.Records, strings.NewReader(tt.in))
			if tt.wantErr != nil {
				if err == nil || tt.wantErr != errAny && !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []bool
			for i := range evs {
				got = append(got, filter.Support(&evs[i]))
				// Evidence copies Offset and Length out of the document:
				// they must cover the record, in every shape.
				raw := []byte(tt.in[evs[i].Offset : evs[i].Offset+evs[i].Length])
				if evs[i].Embedded {
					var inner string
					if err := json.Unmarshal(raw, &inner); err != nil {
						t.Fatalf("record %d at %d+%d is no string: %v", i, evs[i].Offset, evs[i].Length, err)
					}
					raw = []byte(inner)
				}
				var rec bytes.Buffer
				if err := json.Compact(&rec, raw); err != nil {
					t.Fatalf("record %d at %d+%d: %v", i, evs[i].Offset, evs[i].Length, err)
				}
				if r := rec.String(); r != supportRecord && r != otherRecord && !strings.Contains(tt.name, "long") {
					t.Errorf("record %d at %d+%d is %.80q, not a record", i, evs[i].Offset, evs[i].Length, rec.String())
				}
			}
			if len(got) != len(tt.support) || len(got) > 0 && !reflect.DeepEqual(got, tt.support) {
				t.Errorf("Support per record = %v, want %v", got, tt.support)
			}
		})
	}
}

// shapeSeeds start the fuzzer on every shape, so that it mutates the
// detector's input and each shape's reader.
func shapeSeeds() [][]byte {
	return [][]byte{
		[]byte(supportRecord + "\n" + otherRecord + "\n"),
		[]byte("\xef\xbb\xbf[" + supportRecord + "," + otherRecord + "]"),
		[]byte(eventBridge(supportRecord) + "\n" + eventBridge(otherRecord)),
		[]byte(`{"detail-type":"x","detail":` + supportRecord + `,"detail":{"eventID":"a"}}`),
		[]byte(lookupPage(supportRecord, otherRecord)),
		[]byte(cwlPayload("DATA_MESSAGE", supportRecord, otherRecord) + controlPayload + cwlPayload("DATA_MESSAGE", `{"eventID":"\ud83d\ude00\ud800x\u00e9"}`)),
		[]byte(`{"logEvents":[{"message":"{\"eventID\":\"1\"}","message":"{\"eventID\":\"2\"}"}],"messageType":"DATA\u005fMESSAGE"}`),
		[]byte("\xef\xbb\xbf" + cwlExport(supportRecord, otherRecord) + "2026-10-01T03:04:05Z {\"eventID\":\"x\"}"),
		[]byte(lookupEvent(supportRecord) + "\n" + `{"CloudTrailEvent":"{\\"eventID\\":\\"\\ud83d\\ude00\\ud800x\xff\\u00e9\\"}"}`),
	}
}

func quoted(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// escapedEvery writes every byte of s as a \u escape, a non-ASCII rune
// as a surrogate pair, and a slash as \/.
func escapedEvery(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '/':
			b.WriteString(`\/`)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04X`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// TestLinesFastAfterCut: a record cut by the buffer's end inside a string
// (between a backslash and what it escapes, too) leaves the records after
// it, in the next buffer, to the fast path.
func TestLinesFastAfterCut(t *testing.T) {
	if !parse.Vector {
		t.Skip("this CPU does not index buffers")
	}
	for _, long := range []string{strings.Repeat("a", 300<<10), strings.Repeat(`a\"`, 100<<10), strings.Repeat(`\\`, 100<<10)} {
		in := `{"eventID":"long","requestParameters":{"x":"` + long + `"}}` + "\n" + strings.Repeat(supportRecord+"\n", 100)
		d := parse.NewReader(strings.NewReader(in), parse.Options{})
		n, err := d.Records(func(*parse.Event) error { return nil })
		if err != nil || n != 101 || d.FastRecords() != 100 {
			t.Errorf("read %d records (%v), %d by the fast path; want 101, all but the long one", n, err, d.FastRecords())
		}
	}
}

// TestLinesFast: the line breaks between records, outside strings, leave
// every record to the fast path, as in a delivered file.
func TestLinesFast(t *testing.T) {
	if !parse.Vector {
		t.Skip("this CPU does not index buffers")
	}
	for _, in := range []string{
		strings.Repeat(supportRecord+"\n"+otherRecord+"\r\n", 50) + supportRecord,
		"{\"Records\":[\n\t" + strings.Repeat(supportRecord+",\n\t", 100) + otherRecord + "\n]}\n",
	} {
		d := parse.NewReader(strings.NewReader(in), parse.Options{})
		n, err := d.Records(func(*parse.Event) error { return nil })
		if err != nil || n != 101 || d.FastRecords() != n {
			t.Errorf("read %d records (%v), %d by the fast path; want 101, all", n, err, d.FastRecords())
		}
	}
}

// TestRecognized: what a walk opens for its .gz name alone is read when
// its first bytes show CloudTrail records, and left alone otherwise.
func TestRecognized(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want bool
	}{
		{"delivered", `{"Records":[`, true},
		{"lines", supportRecord[:60], true},
		{"array", "[" + supportRecord, true},
		{"eventbridge from CloudTrail", eventBridge(supportRecord), true},
		{"lookup-events", lookupPage(supportRecord)[:30], true},
		{"cwl-subscription", cwlPayload("DATA_MESSAGE", supportRecord)[:40], true},
		{"cwl-subscription control", controlPayload, true},
		{"cwl-export", cwlExport(supportRecord)[:80], true},
		{"digest", `{"awsAccountId":"111122223333","digestStartTime":"x","logFiles":[]}`, false},
		{"empty array", `[]`, false},
		{"array of numbers", `[1,2]`, false},
		{"eventbridge from EC2", `{"version":"0","detail-type":"EC2 Instance State-change Notification","detail":{"state":"running"}}`, false},
		{"export of another log group", "2026-10-01T03:04:05.000Z GET /index.html 200\n", false},
		{"export of JSON app logs", `2026-10-01T03:04:05.000Z {"level":"info","msg":"started"}` + "\n", false},
		{"text", "hello\n", false},
		{"binary", "\x00\x01\x02PK", false},
		{"empty", "", false},
	} {
		if got := parse.Recognized([]byte(c.in)); got != c.want {
			t.Errorf("%s: Recognized = %v, want %v", c.name, got, c.want)
		}
	}
}

// FuzzDetect holds the detector to what the reader relies on: a byte
// order mark and leading whitespace change neither the shape nor whether
// it is recognized, and no input makes it panic.
func FuzzDetect(f *testing.F) {
	for _, in := range shapeSeeds() {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		in = bytes.TrimPrefix(in, []byte("\xef\xbb\xbf"))
		sh, ok := parse.Detect(in), parse.Recognized(in)
		for _, pad := range []string{"\xef\xbb\xbf", " \r\n\t", "\xef\xbb\xbf\n "} {
			p := append([]byte(pad), in...)
			if sh2, ok2 := parse.Detect(p), parse.Recognized(p); sh2 != sh || ok2 != ok {
				t.Fatalf("on %q: %v %v, after %q: %v %v", in, sh, ok, pad, sh2, ok2)
			}
		}
	})
}

// TestShapesFastAfterCut: a buffer that begins inside a string, as a fill
// cuts a long record anywhere, still leaves the records after the cut one
// to the fast path, whatever the shape puts between them.
func TestShapesFastAfterCut(t *testing.T) {
	if !parse.Vector {
		t.Skip("this CPU does not index buffers")
	}
	big := strings.Replace(supportRecord, `"eventTime"`, `"x":"`+strings.Repeat("a", 300<<10)+`","eventTime"`, 1)
	recs := []string{big}
	for range 200 {
		recs = append(recs, otherRecord)
	}
	for name, in := range map[string]string{
		"lines":      strings.Join(recs, "\n") + "\n",
		"crlf":       strings.Join(recs, "\r\n"),
		"cwl-export": cwlExport(recs...),
		"delivered":  `{"Records":[` + strings.Join(recs, ",\n\t") + "]}",
	} {
		d := parse.NewReader(strings.NewReader(in), parse.Options{})
		n, err := d.Records(func(*parse.Event) error { return nil })
		if err != nil || n != 201 || d.FastRecords() != 200 {
			t.Errorf("%s: read %d records (%v), %d by the fast path; want 201, all but the long one", name, n, err, d.FastRecords())
		}
	}
}

// TestLinesAcrossFills holds documents of many buffers, records a line
// or printed with indents, to the reference, where each fill cuts the
// stream at another place (in a string, an escape, between records), and
// the same with a raw control character in a string after the cut, which
// the index must not vouch for.
func TestLinesAcrossFills(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	values := []string{`a`, `\"`, `\\`, `\\\"`, `\n`, `\u00e9`, "\u00e9", `\/`, `x\"y\\`}
	record := func(i int) string {
		var v strings.Builder
		for range r.IntN(4000) {
			v.WriteString(values[r.IntN(len(values))])
		}
		rec := otherRecord
		if i%7 == 0 {
			rec = supportRecord
		}
		return strings.Replace(rec, `"eventTime"`, fmt.Sprintf(`"requestParameters":{"v":"%s"},"eventTime"`, v.String()), 1)
	}
	for round := range 6 {
		var recs []string
		for size := 0; size < 700<<10; {
			recs = append(recs, record(len(recs)))
			size += len(recs[len(recs)-1])
		}
		docs := map[string]string{
			"lines":      strings.Join(recs, "\n"),
			"crlf":       strings.Join(recs, "\r\n") + "\r\n",
			"cwl-export": cwlExport(recs...),
			"delivered":  "{\"Records\":[\n\t" + strings.Join(recs, ",\n\t") + "\n]}",
		}
		for name, in := range docs {
			differential(t, []byte(in))
			// A raw line break or tab in a string, somewhere past the
			// first buffer, is invalid whatever the index said.
			at := 300<<10 + r.IntN(len(in)-300<<10)
			at = strings.Index(in[at:], `"v":"`) + at + 5
			if at > 5+300<<10 && at < len(in) {
				bad := in[:at] + []string{"\n", "\t", "\r", "\x01"}[round%4] + in[at:]
				if _, _, err := collect(parse.Records, strings.NewReader(bad)); err == nil {
					t.Errorf("%s, round %d: a raw control character in a string at byte %d was read without an error", name, round, at)
				}
				differential(t, []byte(bad))
			}
		}
	}
}
