package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// TestS3SameAsLocal scans a generated archive from disk and, uploaded, from
// a real S3 server on loopback (see sourcetest.S3Endpoint): the JSON must
// be the same, paths aside, whatever the filters.
func TestS3SameAsLocal(t *testing.T) {
	endpoint := sourcetest.S3Endpoint(t)
	const (
		acctA = "111111111111"
		acctB = "222222222222"
	)
	dir := t.TempDir()
	m, err := gen.Write(dir, gen.Config{
		Seed:           4,
		Start:          time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		Days:           3,
		Accounts:       []string{acctA, acctB},
		Regions:        []string{"us-east-1", "eu-west-1"},
		OrgID:          "o-abcdef1234",
		Prefix:         "acct-trail",
		OrgPrefix:      "org-trail",
		FilesPerDay:    2,
		RecordsPerFile: 20,
		SupportRate:    0.2,
		Damaged:        true,
	})
	if err != nil {
		t.Fatal(err)
	}
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
