package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputsCheckedFirst: -o, --events and --state paths that cannot be
// written are refused before the scan, not after it: no state is saved,
// nothing is read.
func TestOutputsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, "logs", archiveFiles)
	tree(t, dir, "adir", nil)
	for _, c := range []cliCase{
		{"-o in no directory", []string{"scan", "--state", "st.json", "-o", "missing/r.json", "logs"}, exitFailed,
			"trailscan: error: -o missing/r.json cannot be written: no such file or directory\n", ""},
		{"--events in no directory", []string{"scan", "--state", "st.json", "--events", "missing/e.ndjson", "logs"}, exitFailed,
			"trailscan: error: --events missing/e.ndjson cannot be written: no such file or directory\n", ""},
		{"-o a directory", []string{"scan", "-q", "--state", "st.json", "-o", "adir", "logs"}, exitFailed,
			"trailscan: error: -o adir cannot be written: is a directory\n", ""},
		{"merge -o in no directory", []string{"merge", "-o", "missing/r.json", "no-such-part.json"}, exitFailed,
			"trailscan: error: -o missing/r.json cannot be written: no such file or directory\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.check(t, dir)
			if _, err := os.Stat(filepath.Join(dir, "st.json")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the scan ran: its state was saved (%v)", err)
			}
		})
	}
	// A run stopped before it starts shows what it checks first: the
	// state path, before any reading (which would end with exit 130).
	t.Run("--state in no directory", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var stderr bytes.Buffer
		code := run(ctx, []string{"scan", "--state", filepath.Join(dir, "missing", "st.json"), filepath.Join(dir, "logs")}, &bytes.Buffer{}, &stderr)
		if want := fmt.Sprintf("trailscan: error: --state %s cannot be written: no such file or directory\n", filepath.Join(dir, "missing", "st.json")); code != exitFailed || stderr.String() != want {
			t.Errorf("exit %d, stderr %q; want exit %d, %q", code, stderr.String(), exitFailed, want)
		}
	})
}

// TestAlertSurvivesFailedWrite: when --fail-on finds what it names, a
// report or evidence file that could not be written (a full disk) is said,
// with its error, and the exit code is still 4: the alert is not lost.
func TestAlertSurvivesFailedWrite(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full to fail writes:", err)
	}
	dir := t.TempDir()
	tree(t, dir, "logs", archiveFiles)
	full := "trailscan: error: -o /dev/full could not be written: no space left on device\n"
	fullEvents := "trailscan: error: --events /dev/full could not be written: no space left on device\n"
	alert := "trailscan: warning: --fail-on: found 1 calls by AWS Support, 0 Support authorization events\n"
	if code := run(context.Background(), []string{"scan", "-q", "--shard", "0/1", "-f", "json", "-o", filepath.Join(dir, "part.json"), filepath.Join(dir, "logs")}, &bytes.Buffer{}, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("scan --shard 0/1: exit %d", code)
	}
	for _, c := range []cliCase{
		{"-o", []string{"scan", "--fail-on", "any-support", "-o", "/dev/full", "logs"}, exitAlert, alert + full, ""},
		{"--events", []string{"scan", "--fail-on", "any-support", "--events", "/dev/full", "-o", "r.txt", "logs"}, exitAlert, alert + fullEvents, ""},
		{"both, quiet", []string{"scan", "-q", "--fail-on", "any-support", "--events", "/dev/full", "-o", "/dev/full", "logs"}, exitAlert, full + fullEvents, ""},
		{"no alert", []string{"scan", "-o", "/dev/full", "logs"}, exitFailed, full, ""},
		{"merge", []string{"merge", "--fail-on", "any-support", "-o", "/dev/full", "part.json"}, exitAlert, alert + full, ""},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t, dir) })
	}
}

// TestExitPrecedence: a run that ends with several outcomes exits with
// the one that ranks first, and says each (warnings only without -q).
func TestExitPrecedence(t *testing.T) {
	partial := exitError{code: exitPartial, err: errors.New("1 of 2 files could not be read; the result is partial")}
	alert := exitError{code: exitAlert, err: errors.New("--fail-on: found 1 failed calls by AWS Support")}
	none := exitError{code: exitFailed, err: errors.New("none of the 2 files could be read")}
	write := errors.New("-o r.json could not be written: no space left on device")
	for _, c := range []struct {
		name  string
		err   error
		quiet bool
		code  int
		says  []string
	}{
		{"alert over partial", join(partial, alert), false, exitAlert, []string{"warning: 1 of 2", "warning: --fail-on"}},
		{"alert over a failed write", join(alert, write), false, exitAlert, []string{"warning: --fail-on", "error: -o r.json"}},
		{"alert over a failed write, quiet", join(alert, write), true, exitAlert, []string{"error: -o r.json"}},
		{"a failed write over partial", join(partial, write), false, exitFailed, []string{"warning: 1 of 2", "error: -o r.json"}},
		{"nothing read over partial", join(none, partial), true, exitFailed, []string{"error: none of the 2"}},
		{"nested", join(join(partial, alert), write), false, exitAlert, []string{"warning: 1 of 2", "warning: --fail-on", "error: -o r.json"}},
		{"one", join(nil, partial, nil), false, exitPartial, []string{"warning: 1 of 2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := exitCode(c.err, c.quiet, &stderr)
			lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
			ok := len(lines) == len(c.says)
			for i := 0; ok && i < len(lines); i++ {
				ok = strings.HasPrefix(lines[i], "trailscan: "+c.says[i])
			}
			if code != c.code || !ok {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d, lines starting %q", code, stderr.String(), c.code, c.says)
			}
		})
	}
}

// TestOutputFormatName: -o json, as the AWS CLI's --output json is typed
// out of habit, is refused before any work, by scan, merge and diff alike,
// with the flag that was meant; -o ./json still writes a file so named.
func TestOutputFormatName(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, "logs", archiveFiles)
	refused := func(name string) string {
		return "trailscan: error: -o " + name + " names a format, not a file: -o/--output is where the result goes\n" +
			"trailscan: hint: choose the format with -f " + name + " (add -o FILE to write it to a file); for a file named " + name + ", write -o ./" + name + "\n"
	}
	for _, c := range []cliCase{
		{"scan -o json", []string{"scan", "--state", "st.json", "-o", "json", "logs"}, exitUsage, refused("json"), ""},
		{"scan --output html", []string{"scan", "--state", "st.json", "--output", "html", "logs"}, exitUsage, refused("html"), ""},
		{"scan --output=table", []string{"scan", "--state", "st.json", "--output=table", "logs"}, exitUsage, refused("table"), ""},
		{"scan -o csv", []string{"scan", "--state", "st.json", "-f", "csv", "-o", "csv", "logs"}, exitUsage, refused("csv"), ""},
		{"merge -o json", []string{"merge", "-o", "json", "part.json"}, exitUsage, refused("json"), ""},
		{"diff -o html", []string{"diff", "-f", "html", "-o", "html", "old.json", "new.json"}, exitUsage, refused("html"), ""},
		{"scan -o ./json", []string{"scan", "-q", "-o", "./json", "logs"}, exitOK, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t, dir) })
	}
	for _, name := range []string{"st.json", "table", "html", "csv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("a refused run wrote %s", name)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "json")); err != nil || len(b) == 0 {
		t.Errorf("-o ./json: %v, %d bytes", err, len(b))
	}
}
