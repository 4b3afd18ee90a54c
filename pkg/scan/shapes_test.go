package scan_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/internal/reference"
	"github.com/trailscan/trailscan/pkg/scan"
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
	dir := t.TempDir()
	files := map[string][]byte{
		"delivered.json.gz": gzipped(t, `{"Records":[`+s1+`,`+o1+`]}`),
		"lines.jsonl":       []byte(s1 + "\n" + s2 + "\n" + o1 + "\n"),
		"lines.ndjson.gz":   gzipped(t, "\xef\xbb\xbf"+s2+"\n"),
		"array.json":        []byte("[" + s1 + ",\n" + s3 + "]\n"),
		"bridge.jsonl.gz":   gzipped(t, bridge(s3)+bridge(o1)),
		"lookup.json":       []byte(lookup(s3, s4, o1)),
		"digest.jsonl":      []byte(`{"awsAccountId":"111122223333","digestStartTime":"2026-10-01T00:00:00Z"}`),
		"notes.txt":         []byte(s1),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, dir, scan.Config{Jobs: 2})
	if r.FilesScanned != 6 || r.EventsScanned != 13 || r.EventsMatched != 4 {
		t.Errorf("files %d, events %d, matched %d; want 6, 13, 4", r.FilesScanned, r.EventsScanned, r.EventsMatched)
	}
	if len(r.FilesFailed) != 1 || !strings.HasSuffix(r.FilesFailed[0].Path, "digest.jsonl") {
		t.Errorf("failed files %+v, want digest.jsonl alone", r.FilesFailed)
	}
	want := withoutReasons(run(t, dir, scan.WithRecords(scan.Config{Jobs: 1}, reference.Records)))
	if got := withoutReasons(r); !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("streaming result differs from the reference: %s", firstDiff(string(g), string(w)))
	}
}
