package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fixture is the hand-made archive behind the golden files: it holds a
// failed write and a write.
var fixture = filepath.Join("..", "..", "testdata", "golden", "fixture")

// TestExitCodes checks the codes a scheduled job relies on, which the
// transcripts cannot see.
func TestExitCodes(t *testing.T) {
	damaged := t.TempDir()
	os.WriteFile(filepath.Join(damaged, "bad.json"), []byte(`{"Records":[{`), 0o644)
	os.WriteFile(filepath.Join(damaged, "good.json"), []byte(`{"Records":[]}`), 0o644)
	const support = `"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/AWSSupport-a","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"}}}`
	oddOther := t.TempDir()
	os.WriteFile(filepath.Join(oddOther, "odd.json"), []byte("\xef\xbb\xbf"+`{"Records":[{"eventID":5,"readOnly":"True","userAgent":1,"errorCode":{},"userIdentity":{"type":"IAMUser"}}]}`), 0o644)
	oddSupport := t.TempDir()
	os.WriteFile(filepath.Join(oddSupport, "odd.json"), []byte(`{"Records":[{"eventID":"a","eventTime":"2026-10-05T03:01:00Z","userAgent":1,`+support+`},{"eventID":"b","eventTime":"2026-10-05T03:01:00Z","readOnly":"True",`+support+`}]}`), 0o644)
	st := filepath.Join(t.TempDir(), "state.json")
	newer := filepath.Join(t.TempDir(), "newer.json")
	os.WriteFile(newer, []byte(`{"version":99}`), 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"clean", []string{"scan", "-q", fixture}, 0, ""},
		{"fail-on write, quiet", []string{"scan", "-q", "--fail-on", "write", fixture}, 4, ""},
		{"fail-on error", []string{"scan", "--fail-on", "error", fixture}, 4, "1 failed calls"},
		{"fail-on nothing found", []string{"scan", "--fail-on", "any-support", damaged}, 3, "partial"},
		{"partial", []string{"scan", damaged}, 3, "partial"},
		{"odd fields of another caller", []string{"scan", "-q", oddOther}, 0, ""},
		{"odd field of a Support record", []string{"scan", oddSupport}, 3, "1 Support records could not be read.*partial"},
		{"alert wins over partial, both said", []string{"scan", "--fail-on", "error", fixture, damaged}, 4, "(?s)partial.*failed calls"},
		{"first state", []string{"scan", "-q", "--state", st, fixture}, 0, ""},
		{"state for another scope", []string{"scan", "--state", st, "--region", "eu-west-1", fixture}, 2, "another scope"},
		{"newer state", []string{"scan", "--state", newer, fixture}, 1, "version 99"},
		{"state and shard", []string{"scan", "--state", st, "--shard", "0/2", fixture}, 2, "cannot be combined"},
		{"state and a window that moves", []string{"scan", "--state", st, "--since", "7d", fixture}, 2, "--since 7d moves with each run"},
		{"state and an end that moves", []string{"scan", "--state", st, "--until", "1h", fixture}, 2, "--until 1h moves with each run"},
		{"shards and a window that moves", []string{"scan", "--shard", "0/2", "-f", "json", "--since", "30d", fixture}, 2, "--since 30d moves with each run, and the shards"},
		{"bad --by", []string{"scan", "--by", "x", fixture}, 2, "grouping"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tt.args, &stdout, &stderr)
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d; stderr:\n%s", tt.name, code, tt.code, stderr.String())
		}
		if !regexp.MustCompile(tt.stderr).MatchString(stderr.String()) || (tt.stderr == "" && stderr.Len() > 0) {
			t.Errorf("%s: stderr %q, want it to match %q", tt.name, stderr.String(), tt.stderr)
		}
	}
}

// TestNoProgressOffTerminal: standard error that is a pipe or a file gets
// no progress line, however long the scan.
func TestNoProgressOffTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	code := run(context.Background(), []string{"scan", fixture}, &stdout, w)
	w.Close()
	var got bytes.Buffer
	got.ReadFrom(r)
	if code != 0 || got.Len() > 0 {
		t.Errorf("exit %d, stderr on a pipe %q: want 0 and nothing", code, got.String())
	}
	if strings.Contains(stdout.String(), "\r") || strings.Contains(stdout.String(), "\033") {
		t.Error("progress control characters in standard output")
	}
}
