package scan_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/internal/reference"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/summarize"
)

func shapeRecord(id, name string, support bool) string {
	who := `{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333"}`
	if support {
		who = `{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/AWSSupport-abc","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport","userName":"AWSServiceRoleForSupport","accountId":"111122223333"}},"invokedBy":"support.amazonaws.com"}`
	}
	return `{"eventVersion":"1.08","userIdentity":` + who + `,"eventTime":"2026-10-01T03:04:05Z","eventSource":"ec2.amazonaws.com","eventName":"` + name + `","awsRegion":"eu-west-1","eventID":"` + id + `","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}`
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	if _, err := z.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestShapes scans a folder holding one event in several shapes and
// files: it counts once, and each shape's own events count too.
func TestShapes(t *testing.T) {
	s1 := shapeRecord("e1", "DescribeInstances", true)
	s2 := shapeRecord("e2", "DescribeVolumes", true)
	s3 := shapeRecord("e3", "DescribeImages", true)
	s4 := shapeRecord("e4", "DescribeSnapshots", true)
	o1 := shapeRecord("o1", "RunInstances", false)
	lookup := func(recs ...string) string {
		var evs []string
		for _, r := range recs {
			q, _ := json.Marshal(r)
			evs = append(evs, `    {"EventId": "x", "ReadOnly": "true", "CloudTrailEvent": `+string(q)+`}`)
		}
		return "{\n  \"Events\": [\n" + strings.Join(evs, ",\n") + "\n  ],\n  \"NextToken\": \"t\"\n}\n"
	}
	bridge := func(rec string) string {
		return `{"version":"0","id":"x","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","account":"111122223333","time":"2026-10-01T03:04:05Z","region":"eu-west-1","resources":[],"detail":` + rec + "}\n"
	}
	s5 := shapeRecord("e5", "DescribeSubnets", true)
	o2 := shapeRecord("o2", "TerminateInstances", false)
	payload := func(kind string, recs ...string) string {
		var evs []string
		for i, r := range recs {
			q, _ := json.Marshal(r)
			evs = append(evs, fmt.Sprintf(`{"id":"%d","timestamp":1790823845000,"message":%s}`, i, q))
		}
		return `{"messageType":"` + kind + `","owner":"111122223333","logGroup":"trail","logStream":"111122223333_CloudTrail_eu-west-1","subscriptionFilters":["f"],"logEvents":[` + strings.Join(evs, ",") + `]}`
	}
	export := func(recs ...string) string {
		var b strings.Builder
		for _, r := range recs {
			b.WriteString("2026-10-01T03:04:05.000Z " + r + "\n")
		}
		return b.String()
	}
	dir := t.TempDir()
	files := map[string][]byte{
		// Found for the .gz alone: read when they hold CloudTrail
		// records, e1 again among them.
		"firehose/2026/10/01/03/trail-1-2026-10-01-03-04-05-abc.gz": slices.Concat(
			gzipped(t, payload("CONTROL_MESSAGE", "CWL CONTROL MESSAGE: Checking health of destination Firehose.")),
			gzipped(t, payload("DATA_MESSAGE", s1, s5)), gzipped(t, payload("DATA_MESSAGE", o2))),
		"exportedlogs/t1/111122223333_CloudTrail_eu-west-1/000000.gz": gzipped(t, export(s1, o2)),
		// A recognized export cut short fails, as any log file would.
		"exportedlogs/t2/111122223333_CloudTrail_eu-west-1/000000.gz": gzipped(t, export(s1)[:100]),
		// Someone else's: neither read nor failed.
		"exportedlogs/t3/web/000000.gz": gzipped(t, "2026-10-01T03:04:05.000Z GET /index.html 200\n"),
		"backups/site.tar.gz":           gzipped(t, "site/\x00\x00\x00binary"),
		"backups/digest.gz":             gzipped(t, `{"awsAccountId":"111122223333","digestStartTime":"2026-10-01T00:00:00Z","logFiles":[]}`),
		"backups/plain.gz":              []byte("not gzip at all"),

		"delivered.json.gz": gzipped(t, `{"Records":[`+s1+`,`+o1+`]}`),
		"lines.jsonl":       []byte(s1 + "\n" + s2 + "\n" + o1 + "\n"),
		"lines.ndjson.gz":   gzipped(t, "\xef\xbb\xbf"+s2+"\n"),
		"array.json":        []byte("[" + s1 + ",\n" + s3 + "]\n"),
		"bridge.jsonl.gz":   gzipped(t, bridge(s3)+bridge(o1)),
		"lookup.json":       []byte(lookup(s3, s4, o1)),
		"digest.jsonl":      []byte(`{"awsAccountId":"111122223333","digestStartTime":"2026-10-01T00:00:00Z"}`),
		"notes.txt":         []byte(s1),
	}
	sourcetest.WriteFiles(t, dir, files)
	r := run(t, dir, scan.Config{Jobs: 2})
	if r.FilesScanned != 8 || r.EventsScanned != 18 || r.EventsMatched != 5 {
		t.Errorf("files %d, events %d, matched %d; want 8, 18, 5", r.FilesScanned, r.EventsScanned, r.EventsMatched)
	}
	var failed []string
	for _, f := range r.FilesFailed {
		failed = append(failed, filepath.ToSlash(strings.TrimPrefix(f.Path, dir+string(filepath.Separator))))
	}
	slices.Sort(failed)
	if want := []string{"digest.jsonl", "exportedlogs/t2/111122223333_CloudTrail_eu-west-1/000000.gz"}; !slices.Equal(failed, want) {
		t.Errorf("failed files %q, want %q", failed, want)
	}
	for _, f := range r.FilesFailed {
		if strings.HasSuffix(f.Path, "000000.gz") && !strings.Contains(f.Error, "at byte") {
			t.Errorf("%s failed with %q, which says not where", f.Path, f.Error)
		}
	}
	// Named, someone else's file is read, and fails.
	if one := run(t, filepath.Join(dir, "backups", "site.tar.gz"), scan.Config{}); len(one.FilesFailed) != 1 || one.FilesScanned != 0 {
		t.Errorf("site.tar.gz named: %d scanned, failed %+v; want it failed", one.FilesScanned, one.FilesFailed)
	}
	want := withoutReasons(run(t, dir, scan.WithRecords(scan.Config{Jobs: 1}, reference.Records)))
	if got := withoutReasons(r); !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("streaming result differs from the reference: %s", firstDiff(string(g), string(w)))
	}
}

// TestGeneratedShapes scans the same generated archive written in each
// shape: the answer is the delivered archive's, and the reference's.
func TestGeneratedShapes(t *testing.T) {
	cfg := gen.Config{Days: 2, Accounts: []string{"111122223333", "444455556666"}, Regions: []string{"us-east-1", "eu-west-1"}, OrgID: "o-a1b2c3d4e5", FilesPerDay: 2, RecordsPerFile: 60}
	answer := func(r summarize.Result) summarize.Result {
		return summarize.Result{
			EventsScanned: r.EventsScanned, EventsMatched: r.EventsMatched, FilesScanned: r.FilesScanned, FilesFailed: r.FilesFailed,
			FirstSeen: r.FirstSeen, LastSeen: r.LastSeen, Accounts: r.Accounts, Regions: r.Regions, Services: r.Services,
			Days: r.Days, Writes: r.Writes, Failures: r.Failures,
		}
	}
	write := func(shape string) string {
		dir := t.TempDir()
		c := cfg
		c.Shape = shape
		if _, err := gen.Write(dir, c); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	want := answer(run(t, write("delivered"), scan.Config{Jobs: 2}))
	if want.EventsMatched == 0 {
		t.Fatal("the delivered archive holds no Support call")
	}
	for _, shape := range gen.Shapes {
		dir := write(shape)
		got := answer(run(t, dir, scan.Config{Jobs: 2}))
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Errorf("%s: %s", shape, firstDiff(string(g), string(w)))
		}
		if ref := answer(run(t, dir, scan.WithRecords(scan.Config{Jobs: 1}, reference.Records))); !reflect.DeepEqual(ref, want) {
			t.Errorf("%s, read by the reference: %+v, want %+v", shape, ref, want)
		}
	}
}
