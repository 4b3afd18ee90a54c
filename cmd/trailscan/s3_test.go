package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// TestS3SameAsLocal scans a generated archive from disk and, uploaded, from
// a real S3 server on loopback (see sourcetest.S3Endpoint): the JSON must
// be the same, paths aside, whatever the filters.
func TestS3SameAsLocal(t *testing.T) {
	endpoint := sourcetest.S3Endpoint(t)
	dir, m := genArchive(t, 4, acctA, acctB)
	if len(m.DamagedFiles) == 0 || len(m.SupportEventIDs) == 0 {
		t.Fatalf("the archive has %d damaged files and %d Support events: nothing to compare", len(m.DamagedFiles), len(m.SupportEventIDs))
	}
	_, bucket := sourcetest.BucketOf(t, "archive/", dir)
	s3URL := "s3://" + bucket + "/archive"

	for _, c := range []struct {
		name  string
		flags []string
	}{
		{"all", nil},
		{"one day", []string{"--since", "2026-10-02", "--until", "2026-10-03"}},
		{"hours", []string{"--since", "2026-10-01T22:00:00Z", "--until", "2026-10-02T02:00:00Z"}},
		{"account", []string{"--account", acctB}},
		{"region", []string{"--region", "eu-west-1"}},
		{"all filters", []string{"--account", acctA, "--region", "us-east-1", "--since", "2026-10-02"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			scan := func(args ...string) (int, []byte) {
				var stdout, stderr bytes.Buffer
				args = append(append([]string{"scan", "-q", "-f", "json"}, c.flags...), args...)
				code := runAt(context.Background(), testClock, args, &stdout, &stderr)
				if code != exitOK && code != exitPartial {
					t.Fatalf("trailscan %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
				}
				return code, stdout.Bytes()
			}
			events := filepath.Join(t.TempDir(), "events")
			localCode, local := scan("--events", events+".local", dir)
			s3Code, remote := scan("--events", events+".s3", "--endpoint-url", endpoint, "--path-style", s3URL)
			// Evidence is the records themselves: byte for byte the same.
			le, lerr := os.ReadFile(events + ".local")
			se, serr := os.ReadFile(events + ".s3")
			if lerr != nil || serr != nil || len(le) == 0 || !bytes.Equal(le, se) {
				t.Errorf("--events from S3 (%d bytes, %v) differs from local (%d bytes, %v)", len(se), serr, len(le), lerr)
			}
			// The same files and source, named where each scan found them.
			remote = bytes.ReplaceAll(remote, []byte(s3URL), []byte(filepath.ToSlash(dir)))
			if s3Code != localCode || !bytes.Equal(remote, local) {
				t.Errorf("S3 scan (exit %d):\n%s\nlocal scan (exit %d):\n%s", s3Code, remote, localCode, local)
			}
			var res summarize.Result
			if err := json.Unmarshal(local, &res); err != nil {
				t.Fatal(err)
			}
			if res.EventsMatched == 0 || res.FilesScanned == 0 {
				t.Errorf("scans matched %d events in %d files: too little to compare", res.EventsMatched, res.FilesScanned)
			}
			if c.name == "all" && len(res.FilesFailed) != len(m.DamagedFiles) {
				t.Errorf("%d files failed, want the %d damaged ones", len(res.FilesFailed), len(m.DamagedFiles))
			}
		})
	}
}

// TestS3Unreachable: a bucket that cannot be scanned fails at once, with
// exit 1 and a message naming it.
func TestS3Unreachable(t *testing.T) {
	endpoint := sourcetest.S3Endpoint(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"scan", "--endpoint-url", endpoint, "--path-style", "s3://trailscan-no-such-bucket/logs"}, &stdout, &stderr)
	if code != exitFailed || !strings.Contains(stderr.String(), `trailscan: error: s3://trailscan-no-such-bucket/logs: bucket "trailscan-no-such-bucket" does not exist`) {
		t.Errorf("exit %d, stderr:\n%s", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("output of a failed scan:\n%s", stdout.String())
	}
}

// TestS3Plan: the shards of a scan of S3, each listing from one plan,
// merge into what one scan gives, byte for byte but for the origin the
// merge adds, which names the plan as each part does. What the plan
// cannot hold is missed: a region whose first log is delivered after it
// is not scanned, where a new log in a region it found is.
func TestS3Plan(t *testing.T) {
	endpoint := sourcetest.S3Endpoint(t)
	client, bucket := planArchive(t, 5, "111111111111", "222222222222", "333333333333")
	s3URL := "s3://" + bucket + "/archive"
	work := t.TempDir()
	scope := []string{"--since", "2026-10-01", "--until", "2026-10-03", "--endpoint-url", endpoint, "--path-style"}
	run := func(want []int, args ...string) string {
		t.Helper()
		code, _, stderr := inDir(t, work, append(append(args[:1:1], scope...), args[1:]...)...)
		if !slices.Contains(want, code) {
			t.Fatalf("trailscan %s: exit %d, want %v: %s", strings.Join(args, " "), code, want, stderr)
		}
		return stderr
	}
	done := []int{exitOK, exitPartial} // the archive holds damaged files
	stderr := run([]int{exitOK}, "plan", "--shards", "4", "-o", "plan.json", s3URL)
	if !strings.Contains(stderr, "for 4 shards: 6 accounts' CloudTrail folders, 12 regions, 0 other logs, in 1 S3 sources\n") || strings.Contains(stderr, "warning") {
		t.Errorf("trailscan plan said:\n%s", stderr)
	}
	shards := func(out string) []string {
		parts := []string{"merge", "-f", "json", "-o", out}
		for i := range 4 {
			part := fmt.Sprintf("part-%d.json", i)
			run(done, "scan", "-q", "--plan", "plan.json", "--shard", fmt.Sprintf("%d/4", i), "-f", "json", "-o", part, s3URL)
			parts = append(parts, part)
		}
		code, _, stderr := inDir(t, work, parts...)
		if !slices.Contains(done, code) {
			t.Fatalf("merge: exit %d: %s", code, stderr)
		}
		return parts[5:]
	}
	shards("merged.json")
	run(done, "scan", "-q", "-f", "json", "-o", "full.json", s3URL)
	merged, full := readIn(t, work, "merged.json"), readIn(t, work, "full.json")
	body, origin := withoutOrigin(t, merged)
	if !bytes.Equal(body, full) {
		t.Errorf("the merge of the shards listed from a plan differs from one scan:%s", firstDiff(string(body), string(full)))
	}
	p, err := shard.ReadPlanFile(filepath.Join(work, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	if origin.Plan != p.ID() || origin.Shards != 4 || !bytes.Contains(readIn(t, work, "part-2.json"), []byte(`"plan": "`+p.ID()+`"`)) {
		t.Errorf("the merge's origin %+v, want plan %s", origin, p.ID())
	}

	// After the plan, a log in a day of a region it found, and the first
	// log of a region it did not.
	late := t.TempDir()
	known := "acct-trail/AWSLogs/111111111111/CloudTrail/us-east-1/2026/10/02/111111111111_CloudTrail_us-east-1_20261002T2355Z_late.json"
	unknown := "acct-trail/AWSLogs/111111111111/CloudTrail/ap-southeast-2/2026/10/02/111111111111_CloudTrail_ap-southeast-2_20261002T1200Z_new.json"
	sourcetest.WriteFiles(t, late, map[string][]byte{known: []byte(`{"Records":[]}`), unknown: []byte(`{"Records":[]}`)})
	sourcetest.Upload(t, client, bucket, "archive/", late)
	shards("merged-late.json")
	run(done, "scan", "-q", "-f", "json", "-o", "full-late.json", s3URL)
	mergedLate, fullLate := count(t, work, "merged-late.json"), count(t, work, "full-late.json")
	before := count(t, work, "full.json")
	if fullLate != before+2 || mergedLate != before+1 {
		t.Errorf("files scanned: %d before; after, %d by one scan (want %d) and %d by the shards of the plan (want %d: the new region is not in it)",
			before, fullLate, before+2, mergedLate, before+1)
	}

	// A plan for a window with no end says what it cannot see, and so
	// does each shard that uses it.
	code, _, stderr := inDir(t, work, "plan", "--shards", "2", "--endpoint-url", endpoint, "--path-style", "-o", "open.json", s3URL)
	warning := "trailscan: warning: plan open.json was made at 2026-10-04T00:00:00Z and the window has no end: an account or a region whose first logs came after it is not scanned, " +
		"nor a log copied in after it into an earlier day it did not find\n"
	if code != exitOK || !strings.HasSuffix(stderr, warning) {
		t.Errorf("trailscan plan for all time: exit %d, stderr:\n%s", code, stderr)
	}
	code, _, stderr = inDir(t, work, "scan", "--plan", "open.json", "--shard", "0/2", "-f", "json", "-o", "open-0.json", "--endpoint-url", endpoint, "--path-style", s3URL)
	if !slices.Contains(done, code) || !strings.HasPrefix(stderr, warning) {
		t.Errorf("trailscan scan --plan for all time: exit %d, stderr:\n%s", code, stderr)
	}
	// So does one made before its window's late deliveries could arrive.
	code, _, stderr = inDir(t, work, "plan", "--shards", "2", "--until", "2026-10-04", "--endpoint-url", endpoint, "--path-style", "-o", "soon.json", s3URL)
	warning = "trailscan: warning: plan soon.json was made at 2026-10-04T00:00:00Z, before the window's last deliveries (up to 2026-10-04T06:00:00Z): an account or a region whose first logs came after it is not scanned, " +
		"nor a log copied in after it into an earlier day it did not find\n"
	if code != exitOK || !strings.HasSuffix(stderr, warning) {
		t.Errorf("trailscan plan until now: exit %d, stderr:\n%s", code, stderr)
	}
}

// TestS3PlanAllTime: the shards of a scan with no window, listing from a
// plan for more shards than an account has days, each name their own
// days among those the plan found, and merge into what one scan gives,
// byte for byte but for the origin. After the plan, a log delivered
// today in a region it found, in a month it did not see, is counted; a
// log copied into another month it did not see, of a day before it, is
// not, where one scan counts both.
func TestS3PlanAllTime(t *testing.T) {
	endpoint := sourcetest.S3Endpoint(t)
	client, bucket := planArchive(t, 6, "111111111111", "222222222222")
	s3URL := "s3://" + bucket + "/archive"
	work := t.TempDir()
	const n = 16
	done := []int{exitOK, exitPartial} // the archive holds damaged files
	run := func(want []int, args ...string) {
		t.Helper()
		args = append(args, "--endpoint-url", endpoint, "--path-style", s3URL)
		if code, _, stderr := inDir(t, work, args...); !slices.Contains(want, code) {
			t.Fatalf("trailscan %s: exit %d, want %v: %s", strings.Join(args, " "), code, want, stderr)
		}
	}
	run([]int{exitOK}, "plan", "-q", "--shards", fmt.Sprint(n), "-o", "plan.json")
	p, err := shard.ReadPlanFile(filepath.Join(work, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range p.Discovery[s3URL].Accounts {
		if a.Sweep || len(a.Days) != len(a.Regions) {
			t.Errorf("the plan has %s swept (%v), with days of %d of its %d regions: want each shard to name its days", a.Folder, a.Sweep, len(a.Days), len(a.Regions))
		}
	}
	shards := func(out string) {
		t.Helper()
		parts := []string{"merge", "-f", "json", "-o", out}
		for i := range n {
			part := fmt.Sprintf("part-%d.json", i)
			run(done, "scan", "-q", "--plan", "plan.json", "--shard", fmt.Sprintf("%d/%d", i, n), "-f", "json", "-o", part)
			parts = append(parts, part)
		}
		if code, _, stderr := inDir(t, work, parts...); !slices.Contains(done, code) {
			t.Fatalf("merge: exit %d: %s", code, stderr)
		}
	}
	shards("merged.json")
	run(done, "scan", "-q", "-f", "json", "-o", "full.json")
	body, origin := withoutOrigin(t, readIn(t, work, "merged.json"))
	if full := readIn(t, work, "full.json"); !bytes.Equal(body, full) {
		t.Errorf("the merge of the shards listed from a plan for all time differs from one scan:%s", firstDiff(string(body), string(full)))
	}
	if origin.Plan != p.ID() {
		t.Errorf("the merge's origin names plan %q, want %s", origin.Plan, p.ID())
	}

	today := time.Now().UTC()
	late := t.TempDir()
	region := "acct-trail/AWSLogs/111111111111/CloudTrail/us-east-1/"
	sourcetest.WriteFiles(t, late, map[string][]byte{
		region + today.Format("2006/01/02/") + "111111111111_CloudTrail_us-east-1_" + today.Format("20060102T1504Z") + "_today.json": []byte(`{"Records":[]}`),
		region + "2025/08/15/111111111111_CloudTrail_us-east-1_20250815T1200Z_copied.json":                                           []byte(`{"Records":[]}`),
	})
	sourcetest.Upload(t, client, bucket, "archive/", late)
	shards("merged-late.json")
	run(done, "scan", "-q", "-f", "json", "-o", "full-late.json")
	before, fullLate, mergedLate := count(t, work, "full.json"), count(t, work, "full-late.json"), count(t, work, "merged-late.json")
	if fullLate != before+2 || mergedLate != before+1 {
		t.Errorf("files scanned: %d before; after, %d by one scan (want %d) and %d by the shards of the plan (want %d: the copied month is not in it)",
			before, fullLate, before+2, mergedLate, before+1)
	}
}

// planArchive uploads to a new bucket, under archive/, an organization
// and an account trail of three days over accounts in two regions, some
// of their files damaged, for the plan tests.
func planArchive(t *testing.T, seed int64, accounts ...string) (*s3.Client, string) {
	t.Helper()
	dir, _ := genArchive(t, seed, accounts...)
	return sourcetest.BucketOf(t, "archive/", dir)
}

// acctA and acctB are the accounts of the archives the S3 tests compare
// with a local scan.
const (
	acctA = "111111111111"
	acctB = "222222222222"
)

// genArchive writes, in a new directory, 3 days of generated logs of
// accounts in two regions, by an account trail and an organization trail,
// some of them damaged.
func genArchive(t *testing.T, seed int64, accounts ...string) (string, gen.Manifest) {
	t.Helper()
	dir := t.TempDir()
	m, err := gen.Write(dir, gen.Config{
		Seed: seed, Start: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Days: 3,
		Accounts: accounts, Regions: []string{"us-east-1", "eu-west-1"},
		OrgID: "o-abcdef1234", Prefix: "acct-trail", OrgPrefix: "org-trail",
		FilesPerDay: 2, RecordsPerFile: 20, SupportRate: 0.2, Damaged: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, m
}

func readIn(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// count is how many files the result in dir/name scanned.
func count(t *testing.T, dir, name string) int {
	t.Helper()
	var res summarize.Result
	if err := json.Unmarshal(readIn(t, dir, name), &res); err != nil {
		t.Fatal(err)
	}
	return res.FilesScanned
}

// withoutOrigin is a merged JSON result without the origin the merge adds
// at its end, and that origin.
func withoutOrigin(t *testing.T, merged []byte) ([]byte, summarize.Origin) {
	t.Helper()
	const member = ",\n  \"scan\": "
	i := bytes.LastIndex(merged, []byte(member))
	if i < 0 {
		t.Fatalf("no origin in:\n%.300s", merged)
	}
	var o summarize.Origin
	if err := json.Unmarshal(merged[i+len(member):len(merged)-len("\n}\n")], &o); err != nil {
		t.Fatal(err)
	}
	return append(merged[:i:i], "\n}\n"...), o
}
