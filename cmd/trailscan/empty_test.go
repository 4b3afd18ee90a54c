package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

const supportARN = `"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/AWSSupport-a",` +
	`"sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"}}}`

// archiveFiles are two account-days in the CloudTrail layout, one of
// them with a call by Support.
var archiveFiles = map[string]string{
	"AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/a.json": `{"Records":[` +
		`{"eventTime":"2026-10-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeVpcs","awsRegion":"us-east-1","recipientAccountId":"111122223333","eventID":"s1","readOnly":true,` + supportARN + `},` +
		`{"eventTime":"2026-10-01T10:01:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeVpcs","awsRegion":"us-east-1","recipientAccountId":"111122223333","eventID":"o1","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"}}]}`,
	"AWSLogs/444455556666/CloudTrail/eu-west-1/2026/10/02/b.json": `{"Records":[` +
		`{"eventTime":"2026-10-02T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeVpcs","awsRegion":"eu-west-1","recipientAccountId":"444455556666","eventID":"o2","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::444455556666:user/bob"}}]}`,
}

// tree writes files (by slash-separated name) below a new directory
// named name in dir, and returns its path.
func tree(t *testing.T, dir, name string, files map[string]string) string {
	t.Helper()
	root := filepath.Join(dir, name)
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	for f, doc := range files {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// inDir runs trailscan with dir as the working directory, on the tests'
// clock, so that the paths and times it prints are short and the same in
// every run.
func inDir(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir)
	var out, errs bytes.Buffer
	code = runAt(context.Background(), testClock, args, &out, &errs)
	return code, out.String(), errs.String()
}

type cliCase struct {
	name   string
	args   []string
	code   int
	stderr string // all of standard error
	stdout string // a part of standard output; "" for none at all
}

func (c cliCase) check(t *testing.T, dir string) {
	t.Helper()
	code, stdout, stderr := inDir(t, dir, c.args...)
	if code != c.code || stderr != c.stderr {
		t.Errorf("trailscan %s: exit %d, stderr:\n%s\nwant exit %d, stderr:\n%s", strings.Join(c.args, " "), code, stderr, c.code, c.stderr)
	}
	if c.stdout == "" && stdout != "" || !strings.Contains(stdout, c.stdout) {
		t.Errorf("trailscan %s: output:\n%.2000s\nwant it to hold %q", strings.Join(c.args, " "), stdout, c.stdout)
	}
}

const (
	hintNoLogs = "trailscan: hint: name a directory of logs, a log file or s3://bucket/prefix that holds them: " +
		".json.gz and .json files are read, wherever they are below it (CloudTrail-Digest and CloudTrail-Insight folders never)\n"
	hintHeld = "trailscan: hint: logs holds the logs of accounts 111122223333, 444455556666 in regions eu-west-1, us-east-1, delivered from 2026-10-01 to 2026-10-02\n"
)

// TestNothingToScan: a source that holds no log files, or filters that
// keep none of its files or events, are no clean "no Support activity"
// but exit 1, naming the sources and the scope, with what the sources do
// hold when a filter kept nothing; -q does not hide it. Files read with
// events in scope but no call by Support are a clean result.
func TestNothingToScan(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, "empty", nil)
	tree(t, dir, "logs", archiveFiles)
	tree(t, dir, "plain", map[string]string{"x.json": archiveFiles["AWSLogs/444455556666/CloudTrail/eu-west-1/2026/10/02/b.json"]})
	tree(t, dir, "blank", map[string]string{"x.json": `{"Records":[]}`, "y.json.gz": `{"Records":[]}`})
	for _, c := range []cliCase{
		{"empty directory", []string{"scan", "empty"}, exitFailed,
			"trailscan: error: nothing to scan: no CloudTrail log files in empty\n" + hintNoLogs, ""},
		{"empty directory, quiet", []string{"scan", "-q", "-f", "json", "empty"}, exitFailed,
			"trailscan: error: nothing to scan: no CloudTrail log files in empty\n" + hintNoLogs, ""},
		{"two sources", []string{"scan", "empty", "blank"}, exitFailed,
			"trailscan: error: nothing to scan: the 2 log files read in blank, empty hold no events\n", ""},
		{"an account with no logs", []string{"scan", "-q", "--account", "999988887777", "logs"}, exitFailed,
			"trailscan: error: nothing to scan: no CloudTrail log files in logs (scope: accounts 999988887777)\n" + hintHeld, ""},
		{"a region with no logs", []string{"scan", "--region", "ap-south-1", "--account", "111122223333", "logs"}, exitFailed,
			"trailscan: error: nothing to scan: no CloudTrail log files in logs (scope: accounts 111122223333 regions ap-south-1)\n" + hintHeld, ""},
		{"a window after the archive", []string{"scan", "--since", "2030-01-01", "logs"}, exitFailed,
			"trailscan: error: nothing to scan: no CloudTrail log files in logs (scope: since 2030-01-01T00:00:00Z)\n" + hintHeld, ""},
		{"files read, no event in the window", []string{"scan", "--until", "2026-10-01T05:00:00Z", "logs"}, exitFailed,
			"trailscan: error: nothing to scan: none of the 1 log files read in logs holds an event in scope (scope: until 2026-10-01T05:00:00Z)\n" + hintHeld, ""},
		{"outside the layout, no event of the account", []string{"scan", "--account", "111122223333", "plain"}, exitFailed,
			"trailscan: error: nothing to scan: none of the 1 log files read in plain holds an event in scope (scope: accounts 111122223333)\n" +
				"trailscan: hint: plain holds 1 log files outside the AWSLogs/ACCOUNT/CloudTrail/REGION/ layout: the filters apply to each of their events; run without them to see what they hold\n", ""},
		{"empty files", []string{"scan", "blank"}, exitFailed,
			"trailscan: error: nothing to scan: the 2 log files read in blank hold no events\n", ""},
		{"no Support activity", []string{"scan", "-f", "json", "--account", "444455556666", "logs"}, exitOK, "", `"events_scanned": 1,`},
		{"no Support activity in the window", []string{"scan", "-f", "json", "--since", "2026-10-02", "logs"}, exitOK, "", `"events_matched": 0,`},
		{"the account of the Support call", []string{"scan", "-f", "json", "--account", "111122223333", "logs"}, exitOK, "", `"events_matched": 1,`},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t, dir) })
	}
}

// TestNothingToScanShards: a shard's share may be empty, or hold nothing
// in scope, and its part is a valid part: the merge judges the whole scan
// as a scan of everything would be judged.
func TestNothingToScanShards(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, "logs", archiveFiles)
	idle := -1
	for i := range 8 {
		owned := false
		for key := range archiveFiles {
			owned = owned || shard.Of(key, 8) == i
		}
		if !owned {
			idle = i
			break
		}
	}
	if idle < 0 {
		t.Fatal("every shard of 8 owns a file: the test would prove nothing")
	}
	idlePart := fmt.Sprintf("part-%d.json", idle)
	for _, c := range []cliCase{
		{"a shard that owns no files", []string{"scan", "-q", "--shard", fmt.Sprintf("%d/8", idle), "-f", "json", "-o", idlePart, "logs"}, exitOK, "", ""},
		{"a shard with nothing in scope", []string{"scan", "-q", "--shard", "0/1", "--account", "999988887777", "-f", "json", "-o", "out-of-scope.json", "logs"}, exitOK, "", ""},
		{"the merge of nothing", []string{"merge", "out-of-scope.json"}, exitFailed,
			"trailscan: error: nothing to scan: no CloudTrail log files in logs (scope: accounts 999988887777)\n", ""},
		{"the merge of an empty part with the rest", []string{"merge", "--incomplete", "-f", "json", idlePart}, exitPartial,
			fmt.Sprintf("trailscan: warning: 7 of 8 shards are missing (%s); the result is partial\n", missingBut(idle, 8)), `"files_scanned": 0,`},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t, dir) })
	}
}

// missingBut lists the shards of n but i, as merge names them.
func missingBut(i, n int) string {
	var s []string
	for j := range n {
		if j != i {
			s = append(s, fmt.Sprintf("%d/%d", j, n))
		}
	}
	return strings.Join(s, ", ")
}

// TestNothingToScanState: an incremental run is judged on the cumulative
// result: a later run that has nothing new to read is clean when the
// earlier ones read something in scope, and still refused when they did
// not.
func TestNothingToScanState(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, "logs", archiveFiles)
	nothing := "trailscan: error: nothing to scan: no CloudTrail log files in logs (scope: since 2030-01-01T00:00:00Z)\n" + hintHeld
	for _, c := range []cliCase{
		{"first run", []string{"scan", "-q", "--state", "st.json", "logs"}, exitOK, "", "Files:"},
		{"nothing new", []string{"scan", "-q", "--state", "st.json", "-f", "json", "logs"}, exitOK, "", `"files_scanned": 2,`},
		{"nothing in scope", []string{"scan", "-q", "--state", "late.json", "--since", "2030-01-01", "logs"}, exitFailed, nothing, ""},
		{"still nothing in scope", []string{"scan", "-q", "--state", "late.json", "--since", "2030-01-01", "logs"}, exitFailed, nothing, ""},
		{"files read, nothing in scope", []string{"scan", "-q", "--state", "edge.json", "--until", "2026-10-01T05:00:00Z", "logs"}, exitFailed,
			"trailscan: error: nothing to scan: none of the 1 log files read in logs holds an event in scope (scope: until 2026-10-01T05:00:00Z)\n" + hintHeld, ""},
		{"files read before, nothing in scope", []string{"scan", "-q", "--state", "edge.json", "--until", "2026-10-01T05:00:00Z", "logs"}, exitFailed,
			"trailscan: error: nothing to scan: none of the 1 log files read in logs holds an event in scope (scope: until 2026-10-01T05:00:00Z)\n" + hintHeld, ""},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t, dir) })
	}
}

// TestNothingToScanS3: a mistyped S3 prefix is no clean result either.
func TestNothingToScanS3(t *testing.T) {
	endpoint := sourcetest.S3Endpoint(t)
	client := sourcetest.S3Client(t)
	bucket := sourcetest.NewBucket(t, client)
	dir := t.TempDir()
	sourcetest.Upload(t, client, bucket, "trail/", tree(t, dir, "logs", archiveFiles))
	s3 := []string{"scan", "--endpoint-url", endpoint, "--path-style"}
	for _, c := range []cliCase{
		{"mistyped prefix", append(s3, "s3://"+bucket+"/trial"), exitFailed,
			"trailscan: error: nothing to scan: no CloudTrail log files in s3://" + bucket + "/trial\n" + hintNoLogs, ""},
		{"an account with no logs", append(s3, "--account", "999988887777", "s3://"+bucket+"/trail"), exitFailed,
			"trailscan: error: nothing to scan: no CloudTrail log files in s3://" + bucket + "/trail (scope: accounts 999988887777)\n" +
				strings.Replace(hintHeld, "logs holds", "s3://"+bucket+"/trail holds", 1), ""},
		{"the prefix", append(s3, "-f", "json", "s3://"+bucket+"/trail"), exitOK, "", `"files_scanned": 2,`},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t, dir) })
	}
}

// TestEveryFileFailed: a scan that could read none of its files exits 1,
// not 3: a job that treats a partial result as success must not take
// nothing for one. The result is still written, listing each file with
// its reason. A shard whose files all failed exits 1 too, so that its job
// is retried; one that read some exits 3 as before.
func TestEveryFileFailed(t *testing.T) {
	dir := t.TempDir()
	bad := map[string]string{"x.json": `{"Records":[{`, "y.json": `{"Records":[{"eventID":"a" "b"}]}`}
	tree(t, dir, "bad", bad)
	mixed := map[string]string{"z.json": `{"Records":[{`}
	for k, v := range archiveFiles {
		mixed[k] = v
	}
	tree(t, dir, "mixed", mixed)
	none := "trailscan: error: none of the 2 files could be read (each is listed with its reason in the result)\n"
	for _, c := range []cliCase{
		{"every file", []string{"scan", "-f", "json", "bad"}, exitFailed, none, `"path": "bad/y.json"`},
		{"every file, quiet", []string{"scan", "-q", "bad"}, exitFailed, none, "Files that could not be read"},
		{"every file, with --fail-on", []string{"scan", "-q", "--fail-on", "any-support", "-o", "r.json", "bad"}, exitFailed, none, ""},
		{"some files", []string{"scan", "mixed"}, exitPartial, "trailscan: warning: 1 of 3 files could not be read; the result is partial\n", "Files that could not be read"},
		{"a shard that read none of its files", []string{"scan", "--shard", "0/1", "-f", "json", "-o", "part.json", "bad"}, exitFailed, none, ""},
		{"their merge", []string{"merge", "-f", "json", "part.json"}, exitFailed, none, `"path": "bad/x.json"`},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t, dir) })
	}
	if b, err := os.ReadFile(filepath.Join(dir, "r.json")); err != nil || !bytes.Contains(b, []byte("bad/x.json")) {
		t.Errorf("-o r.json of a scan whose every file failed: %v\n%s", err, b)
	}
}

// TestEveryFileFailedState: an incremental run is judged on the
// cumulative result: a run whose new files all fail, after runs that read
// others, is partial.
func TestEveryFileFailedState(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, "logs", archiveFiles)
	if c, _, stderr := inDir(t, dir, "scan", "-q", "--state", "st.json", "logs"); c != exitOK {
		t.Fatalf("first run: exit %d: %s", c, stderr)
	}
	tree(t, dir, "logs", map[string]string{"AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/03/c.json": `{"Records":[{`})
	cliCase{"new files all failed", []string{"scan", "--state", "st.json", "logs"}, exitPartial,
		"trailscan: state st.json: read 1 new or changed objects, 2 already read\n" +
			"trailscan: warning: 1 of 3 files could not be read; the result is partial\n", "Files that could not be read"}.check(t, dir)
}
