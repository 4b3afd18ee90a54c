//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestStateRefused: a --state file that cannot be trusted, or that is in
// use, stops the run before it scans, with the exit code the usage text
// gives, an error naming the file, and a hint.
func TestStateRefused(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if code := run(context.Background(), []string{"scan", "-q", "--state", good, fixture}, &bytes.Buffer{}, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("first run: exit %d", code)
	}
	saved, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(dir, "edited.json")
	os.WriteFile(edited, regexp.MustCompile(`"files_scanned":\d+`).ReplaceAll(saved, []byte(`"files_scanned":99`)), 0o600)
	cut := filepath.Join(dir, "cut.json")
	os.WriteFile(cut, saved[:len(saved)/2], 0o600)
	pipe := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	held := filepath.Join(dir, "held.json")
	os.WriteFile(held, saved, 0o600)
	lock, err := os.OpenFile(held+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	lock.WriteString("4242\n") // as the run holding it would

	for _, tt := range []struct {
		name   string
		state  string
		code   int
		stderr string
	}{
		{"count edited", edited, exitFailed, `(?s)error: state \S*edited.json was edited or damaged: its content does not match its checksum\n.*hint: the state file was edited or damaged: delete it`},
		{"cut short", cut, exitFailed, `(?s)error: state \S*cut.json was edited or damaged: .*hint: .*restore a backup`},
		{"named pipe", pipe, exitUsage, `(?s)error: state \S*pipe.json is a named pipe: not a regular file\n.*hint: give --state a regular file`},
		{"directory", dir, exitUsage, `is a directory: not a regular file`},
		{"held by another run", held, exitFailed, `(?s)error: another trailscan run \(pid 4242\) holds state \S*held.json .*hint: runs of one state file must not overlap`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), []string{"scan", "-q", "--state", tt.state, fixture}, &bytes.Buffer{}, &stderr)
			if code != tt.code || !regexp.MustCompile(tt.stderr).MatchString(stderr.String()) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.code, tt.stderr)
			}
		})
	}
	lock.Close()
	if code := run(context.Background(), []string{"scan", "-q", "--state", held, fixture}, &bytes.Buffer{}, &bytes.Buffer{}); code != exitOK {
		t.Errorf("once the other run ended: exit %d, want 0", code)
	}
}
