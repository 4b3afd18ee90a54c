package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/internal/reference"
	"github.com/trailscan/trailscan/pkg/parse"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
)

const supportIdentity = `{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/AWSSupport-abc","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport","userName":"AWSServiceRoleForSupport","accountId":"111122223333"}},"invokedBy":"support.amazonaws.com"}`

// supportRecord is a Support call with id, its members replaced or added
// by extra (written later, so a duplicate key wins).
func supportRecord(id, extra string) string {
	return `{"eventVersion":"1.08","eventTime":"2026-10-05T03:01:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"eu-west-1","recipientAccountId":"111122223333","eventID":"` + id + `","readOnly":true,"userIdentity":` + supportIdentity + extra + `}`
}

const otherIdentity = `{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333"}`

func otherRecord(extra string) string {
	return `{"eventTime":"2026-10-05T03:01:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"o1","userIdentity":` + otherIdentity + extra + `}`
}

// TestLenientRecords checks that a record's odd field fails only that
// record, and only when it is a Support record: the rest of its file
// counts, with every decoder.
func TestLenientRecords(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		calls   []string         // the IDs of the calls counted
		failed  map[int64]string // record index: what its error names
		records int64
	}{
		{name: "other caller, readOnly string", doc: `{"Records":[` + otherRecord(`,"readOnly":"True"`) + `,` + supportRecord("good", "") + `]}`, calls: []string{"good"}, records: 2},
		{name: "other caller, number userAgent", doc: `{"Records":[` + otherRecord(`,"userAgent":42`) + `,` + supportRecord("good", "") + `]}`, calls: []string{"good"}, records: 2},
		{name: "other caller, object errorCode", doc: `{"Records":[` + otherRecord(`,"errorCode":{"code":"AccessDenied"}`) + `,` + supportRecord("good", "") + `]}`, calls: []string{"good"}, records: 2},
		{name: "other caller, numeric eventID", doc: `{"Records":[` + otherRecord(`,"eventID":12345`) + `,` + supportRecord("good", "") + `]}`, calls: []string{"good"}, records: 2},
		{name: "other caller, no eventTime", doc: `{"Records":[` + otherRecord(`,"eventTime":null`) + `,` + supportRecord("good", "") + `]}`, calls: []string{"good"}, records: 2},
		{name: "a number as identity ARN is not Support", doc: `{"Records":[` + supportRecord("numarn", `,"userIdentity":{"type":"AssumedRole","arn":5}`) + `,` + supportRecord("good", "") + `]}`, calls: []string{"good"}, records: 2},
		{name: "byte order mark", doc: "\xef\xbb\xbf{\"Records\":[" + supportRecord("good", "") + "]}", calls: []string{"good"}, records: 1},

		{name: "Support, readOnly strings read", doc: `{"Records":[` + supportRecord("t", `,"readOnly":"TRUE"`) + `,` + supportRecord("f", `,"readOnly":"false"`) + `]}`, calls: []string{"f", "t"}, records: 2},
		{name: "Support, readOnly unreadable", doc: `{"Records":[` + supportRecord("bad", `,"readOnly":"yes"`) + `,` + supportRecord("good", "") + `]}`, calls: []string{"good"}, failed: map[int64]string{1: "readOnly"}, records: 2},
		{name: "Support, number userAgent", doc: `{"Records":[` + supportRecord("good", "") + `,` + supportRecord("bad", `,"userAgent":42`) + `]}`, calls: []string{"good"}, failed: map[int64]string{2: "userAgent"}, records: 2},
		{name: "Support, object errorCode", doc: `{"Records":[` + supportRecord("good", "") + `,` + supportRecord("bad", `,"errorCode":{"code":"X"}`) + `]}`, calls: []string{"good"}, failed: map[int64]string{2: "errorCode"}, records: 2},
		{name: "Support, numeric eventID", doc: `{"Records":[` + supportRecord("good", "") + `,` + supportRecord("bad", `,"eventID":12345`) + `]}`, calls: []string{"good"}, failed: map[int64]string{2: "eventID"}, records: 2},
		{name: "Support, no eventID", doc: `{"Records":[` + supportRecord("good", "") + `,` + supportRecord("bad", `,"eventID":null`) + `]}`, calls: []string{"good"}, failed: map[int64]string{2: "no eventID"}, records: 2},
		{name: "Support, no eventTime", doc: `{"Records":[` + supportRecord("good", "") + `,` + supportRecord("bad", `,"eventTime":null`) + `]}`, calls: []string{"good"}, failed: map[int64]string{2: "eventTime"}, records: 2},
		{name: "Support, unreadable eventTime", doc: `{"Records":[` + supportRecord("good", "") + `,` + supportRecord("bad", `,"eventTime":"yesterday"`) + `]}`, calls: []string{"good"}, failed: map[int64]string{2: "eventTime"}, records: 2},
		{name: "Support, export eventTime read", doc: `{"Records":[` + supportRecord("good", `,"eventTime":"2026-10-05 03:01:00.000000000"`) + `]}`, calls: []string{"good"}, records: 1},
		{name: "Support, string serviceEventDetails", doc: `{"Records":[` + supportRecord("good", "") + `,` + supportRecord("bad", `,"serviceEventDetails":"x"`) + `]}`, calls: []string{"good"}, failed: map[int64]string{2: "serviceEventDetails.supportCaseDisplayId"}, records: 2},
		{name: "Support, two odd records among others", doc: `{"Records":[` + otherRecord(`,"userAgent":1`) + `,` + supportRecord("a", `,"awsRegion":1`) + `,` + supportRecord("good", "") + `,` + supportRecord("b", `,"sourceIPAddress":[]`) + `]}`, calls: []string{"good"}, failed: map[int64]string{2: "awsRegion", 4: "sourceIPAddress"}, records: 4},
	}
	decoders := []struct {
		name string
		cfg  scan.Config
	}{
		{"fast path", scan.Config{Jobs: 1}},
		{"slow path", scan.Config{Jobs: 1, Parse: parse.Options{Path: parse.Slow}}},
		{"reference", scan.WithRecords(scan.Config{Jobs: 1}, reference.Records)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "x.json"), []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			src, err := source.NewDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range decoders {
				sum, err := scan.Run(context.Background(), []source.Source{src}, d.cfg)
				if err != nil {
					t.Fatal(err)
				}
				r := sum.Result()
				if len(r.FilesFailed) != 0 || r.FilesScanned != 1 || r.EventsScanned != tt.records {
					t.Fatalf("%s: files failed %+v, %d scanned, %d records; want none, 1, %d", d.name, r.FilesFailed, r.FilesScanned, r.EventsScanned, tt.records)
				}
				var ids []string
				for _, c := range sum.Calls() {
					ids = append(ids, c.ID)
				}
				if !reflect.DeepEqual(ids, tt.calls) {
					t.Errorf("%s: calls %v, want %v", d.name, ids, tt.calls)
				}
				checkRecordsFailed(t, d.name, r.RecordsFailed, tt.failed)
			}
		})
	}
}

func checkRecordsFailed(t *testing.T, name string, got []summarize.RecordError, want map[int64]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: records failed %+v, want %v", name, got, want)
		return
	}
	for _, f := range got {
		if w, ok := want[f.Record]; !ok || filepath.Base(f.Path) != "x.json" || !strings.Contains(f.Error, w) {
			t.Errorf("%s: record failed %+v, want x.json's records %v", name, f, want)
		}
	}
}
