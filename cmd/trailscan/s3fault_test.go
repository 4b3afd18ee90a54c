package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/internal/s3fault"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// TestS3FolderFailed: a folder that cannot be listed makes the result
// partial, exit 3, not a failed scan: it is named in files_failed with
// S3's reason, and the rest is the exact answer.
func TestS3FolderFailed(t *testing.T) {
	endpoint := sourcetest.S3Endpoint(t)
	dir := t.TempDir()
	if _, err := gen.Write(dir, gen.Config{Seed: 5, Days: 1, Accounts: []string{acctA, acctB}, FilesPerDay: 2, SupportRate: 0.2}); err != nil {
		t.Fatal(err)
	}
	_, bucket := sourcetest.BucketOf(t, "", dir)
	refused := "AWSLogs/" + acctB + "/CloudTrail/" // an account's folder is never listed, only this one
	p, err := s3fault.Start(s3fault.Config{Upstream: endpoint, Faults: []s3fault.Fault{{Do: s3fault.Deny, On: s3fault.List, Key: refused, Rate: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	scan := func(args ...string) (int, []byte, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"scan", "-f", "json"}, args...), &stdout, &stderr)
		return code, stdout.Bytes(), stderr.String()
	}
	code, out, stderr := scan("--endpoint-url", p.URL, "--path-style", "s3://"+bucket)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitPartial, stderr)
	}
	if !strings.Contains(stderr, "the result is partial") {
		t.Errorf("stderr does not say the result is partial:\n%s", stderr)
	}
	var res summarize.Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.FilesFailed) != 1 || res.FilesFailed[0].Path != "s3://"+bucket+"/"+refused || !strings.Contains(res.FilesFailed[0].Error, "AccessDenied") {
		t.Errorf("files_failed %+v, want s3://%s/%s refused (AccessDenied)", res.FilesFailed, bucket, refused)
	}
	// The query differs by what was asked: the answer must not.
	res.FilesFailed, res.Query = nil, nil
	got, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	got = bytes.ReplaceAll(got, []byte("s3://"+bucket+"/"), []byte(filepath.ToSlash(dir)+"/"))

	code, out, stderr = scan("-q", "--account", acctA, dir)
	if code != exitOK {
		t.Fatalf("local scan: exit %d: %s", code, stderr)
	}
	var local summarize.Result
	if err := json.Unmarshal(out, &local); err != nil {
		t.Fatal(err)
	}
	local.FilesFailed, local.Query = nil, nil
	want, err := json.Marshal(local)
	if err != nil {
		t.Fatal(err)
	}
	if local.EventsMatched == 0 || !bytes.Equal(got, want) {
		t.Errorf("S3 scan without %s:\n%s\nlocal scan of %s:\n%s", refused, got, acctA, want)
	}
}
