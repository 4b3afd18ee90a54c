package parse_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
