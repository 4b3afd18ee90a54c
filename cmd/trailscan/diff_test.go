package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/pkg/diff"
)

// TestDiffExit: the comparison of the golden reports (see pkg/report's
// TestDiffGolden), of which the older is partial, exits 3 and says why;
// --fail-on new-action makes it 4, and -q leaves the rest to the code.
func TestDiffExit(t *testing.T) {
	dir, err := filepath.Abs("../../testdata/golden")
	if err != nil {
		t.Fatal(err)
	}
	partial := "trailscan: warning: diff-old.json is partial (1 of 1440 files could not be read): what looks new or gone may be only what it did not read\n"
	alert := "trailscan: warning: --fail-on: found 4 actions of AWS Support not in diff-old.json: " +
		"s3:GetBucketPolicy, s3:PutBucketPolicy, ec2:ModifyInstanceAttribute, support:<img src=x onerror=alert(1)>\\x1b[2J\n"
	for _, c := range []cliCase{
		{"partial", []string{"diff", "diff-old.json", "diff-new.json"}, exitPartial, partial, "NEW ACTIONS"},
		{"alert", []string{"diff", "-f", "json", "--fail-on", "new-action", "diff-old.json", "diff-new.json"}, exitAlert, partial + alert, `"new_actions": [`},
		{"alert, quiet", []string{"diff", "-q", "-f", "html", "--fail-on", "new-action", "diff-old.json", "diff-new.json"}, exitAlert, "", `<table id="changed">`},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t, dir) })
	}
}

// TestDiffScans compares two scans of the fixture archive, its first day
// and the rest, as a reviewer compares last month with this one: what the
// later window holds that the first does not is new, and so on.
func TestDiffScans(t *testing.T) {
	dir := t.TempDir()
	first, rest := filepath.Join(dir, "first.json"), filepath.Join(dir, "rest.json")
	for _, args := range [][]string{
		{"scan", "-q", "-f", "json", "-o", first, "--until", "2026-10-02", fixture},
		{"scan", "-q", "-f", "json", "-o", rest, "--since", "2026-10-02", fixture},
	} {
		if out := runMain(t, args...); len(out) > 0 {
			t.Fatalf("trailscan %s wrote to standard output", strings.Join(args, " "))
		}
	}
	var stdout, stderr bytes.Buffer
	if code := runAt(t.Context(), testClock, []string{"diff", "-f", "json", "--fail-on", "new-action", first, rest}, &stdout, &stderr); code != exitAlert {
		t.Fatalf("diff: exit %d, want %d: %s", code, exitAlert, stderr.String())
	}
	if want := "trailscan: warning: --fail-on: found 3 actions of AWS Support not in " + first; !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("stderr %q, want %q...", stderr.String(), want)
	}
	var d diff.Diff
	if err := json.Unmarshal(stdout.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	actions := func(as []diff.Action) string {
		var s []string
		for _, a := range as {
			s = append(s, a.Service+" "+a.Action)
		}
		return strings.Join(s, ", ")
	}
	for _, c := range []struct{ what, got, want string }{
		{"new actions", actions(d.NewActions), "ec2.amazonaws.com ModifyInstanceAttribute, rds.amazonaws.com DescribeDBInstances, s3.amazonaws.com PutBucketPolicy"},
		{"gone actions", actions(d.GoneActions), "iam.amazonaws.com GetRole"},
		{"new accounts", strings.Join(d.NewAccounts, ", "), "444455556666"},
		{"old window", d.Old.Query.Scope.String(), "until 2026-10-02T00:00:00Z"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
		}
	}
	if len(d.Changed) != 1 || d.Changed[0].Action != "DescribeInstances" || d.Changed[0].OldCount != 1 || d.Changed[0].NewCount != 2 {
		t.Errorf("changed: %+v, want DescribeInstances from 1 to 2", d.Changed)
	}
}

// TestDiffRefused: what diff cannot compare is refused, naming the file,
// with a hint.
func TestDiffRefused(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, "logs", archiveFiles)
	if code, _, stderr := inDir(t, dir, "scan", "-q", "-f", "json", "-o", "r.json", "logs"); code != exitOK {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{
		{"scan", "-q", "-o", "r.txt", "logs"},
		{"scan", "-q", "--shard", "0/2", "-f", "json", "-o", "part.json", "logs"},
		{"scan", "-q", "--state", "st.json", "-o", "r.txt", "logs"},
	} {
		if code, _, stderr := inDir(t, dir, args...); code != exitOK {
			t.Fatalf("trailscan %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
	}
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string // a regular expression
	}{
		{"one report", []string{"diff", "r.json"}, exitUsage, "^trailscan: error: diff compares two reports, not 1\ntrailscan: hint: name the older"},
		{"three", []string{"diff", "r.json", "r.json", "r.json"}, exitUsage, "not 3"},
		{"a table", []string{"diff", "r.txt", "r.json"}, exitUsage, "^trailscan: error: read r.txt: not a JSON report of trailscan scan or merge: invalid character .*\ntrailscan: hint: diff reads the JSON of"},
		{"a state file", []string{"diff", "r.json", "st.json"}, exitUsage, "^trailscan: error: read st.json: not a JSON report of trailscan scan or merge: it lists no services\n"},
		{"a shard's part", []string{"diff", "r.json", "part.json"}, exitUsage, "^trailscan: error: read part.json: shard 0/2: a shard's part holds only its share of the scan\ntrailscan: hint: merge the parts first"},
		{"a missing file", []string{"diff", "r.json", "gone.json"}, exitFailed, "^trailscan: error: open gone.json: no such file or directory\n$"},
		{"a directory", []string{"diff", "logs", "r.json"}, exitFailed, "^trailscan: error: read logs: .*is a directory\n$"},
		{"both from standard input", []string{"diff", "-", "-"}, exitUsage, "both reports are -"},
		{"csv", []string{"diff", "-f", "csv", "r.json", "r.json"}, exitUsage, `unknown format "csv" for diff\ntrailscan: hint: use one of: table, json, html`},
		{"another alert", []string{"diff", "--fail-on", "write", "r.json", "r.json"}, exitUsage, `unknown --fail-on "write" for diff\ntrailscan: hint: use: new-action`},
		{"the same report", []string{"diff", "--fail-on", "new-action", "r.json", "r.json"}, exitOK, "^$"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := inDir(t, dir, c.args...)
			if code != c.code || !regexp.MustCompile(c.stderr).MatchString(stderr) {
				t.Errorf("trailscan %s: exit %d, stderr:\n%s\nwant exit %d, stderr matching %q", strings.Join(c.args, " "), code, stderr, c.code, c.stderr)
			}
		})
	}
}
