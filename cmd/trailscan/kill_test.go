package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/state"
)

// childEnv makes this test binary run trailscan itself (see TestMain), so a
// test can kill a real process in the middle of a run.
const childEnv = "TRAILSCAN_TEST_RUN_MAIN"

// TestKilledStateRun kills incremental runs with SIGKILL at several moments
// while they read new objects, and stops one with each signal trailscan
// catches: a stopped run leaves the previous state file byte for byte, or,
// when it had saved before it was stopped, the state a finished run saves;
// and the next run's result equals a full scan: nothing lost, nothing
// counted twice.
func TestKilledStateRun(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and scans a 60 MB archive")
	}
	dir := t.TempDir()
	archive, st := filepath.Join(dir, "archive"), filepath.Join(dir, "state.json")
	write := func(seed int64, start time.Time, mb int64) {
		t.Helper()
		c, err := gen.Config{Seed: seed, Start: start, Days: 2, Accounts: []string{"111122223333", "444455556666"},
			Damaged: true, OrgID: "o-a1b2c3d4e5", OrgPrefix: "org"}.Sized(mb << 20)
		if err == nil {
			_, err = gen.Write(archive, c)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	write(3, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 10)
	runMain(t, "scan", "-q", "--state", st, "-f", "json", archive)
	write(4, time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC), 50)
	k := newKiller(t, st, archive)

	for _, s := range []struct {
		sig  os.Signal
		code int
		says string
	}{
		{os.Interrupt, exitInterrupted, "trailscan: interrupted"},
		{syscall.SIGTERM, exitTerminated, "trailscan: terminated"},
	} {
		k.stop(archive, s.sig, s.code, s.says)
	}

	// Killed while it reads: the previous state stays. Killed once its new
	// state is in place, before it exits: the new state stays.
	killed := 0
	for _, after := range []time.Duration{30 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond, -1} {
		was, err := os.Stat(st)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "scan", "-q", "-j", "1", "--state", st, "-f", "json", "-o", filepath.Join(dir, "out.json"), archive)
		cmd.Env = append(os.Environ(), childEnv+"=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		when := fmt.Sprintf("killed after %v", after)
		if after < 0 {
			when = "killed once its state was replaced"
			waitReplaced(t, st, was)
		} else {
			time.Sleep(after)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		switch saved := k.saved(when); {
		case after < 0 && !saved:
			t.Fatalf("%s: the state file is the previous one", when)
		case saved:
			t.Logf("%s: the run had saved its new state (exit %d)", when, cmd.ProcessState.ExitCode())
		case cmd.ProcessState.ExitCode() != -1:
			t.Fatalf("the run %s ended with exit %d without saving its state", when, cmd.ProcessState.ExitCode())
		default:
			killed++
		}
	}
	if killed == 0 {
		t.Fatal("no run was killed before it saved its state: the test proved nothing")
	}
	full := runMain(t, "scan", "-q", "-f", "json", archive)
	if got := cumulative(t, runMain(t, "scan", "-q", "--state", st, "-f", "json", archive)); !bytes.Equal(got, cumulative(t, full)) {
		t.Errorf("after killed runs, the incremental result differs from a full scan:%s", firstDiff(string(got), string(full)))
	}
}

// killer stops runs from one state file, and checks what each leaves.
type killer struct {
	t      *testing.T
	path   string
	before []byte       // the state file every run starts from
	want   *state.State // what a run from it saves when it finishes
}

// newKiller finishes a run from the state at path, on a copy: a run
// stopped after it renamed its new state into place, but before it
// exited, leaves what that run saves.
func newKiller(t *testing.T, path, archive string) *killer {
	t.Helper()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	finished := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(finished, before, 0o600); err != nil {
		t.Fatal(err)
	}
	runMain(t, "scan", "-q", "-j", "1", "--state", finished, "-f", "json", archive)
	want, err := state.Load(finished)
	if err != nil {
		t.Fatal(err)
	}
	return &killer{t: t, path: path, before: before, want: want}
}

// saved fails the test unless the state file is the one every run starts
// from or the one a finished run saves, and reports whether it is the
// latter. If so, it puts the first back, so that the next run has new
// objects to read.
func (k *killer) saved(when string) bool {
	k.t.Helper()
	now, err := os.ReadFile(k.path)
	if err != nil {
		k.t.Fatalf("%s: %v", when, err)
	}
	if bytes.Equal(now, k.before) {
		return false
	}
	if got, err := state.Load(k.path); err != nil || !reflect.DeepEqual(got, k.want) {
		k.t.Fatalf("%s: the state file is neither the previous one nor the one a finished run saves (err %v)", when, err)
	}
	if err := os.WriteFile(k.path, k.before, 0o600); err != nil {
		k.t.Fatal(err)
	}
	return true
}

// stop sends sig to a run: unless the run saved its state first, it must
// stop promptly, exit with code, say so, and leave the state file as it
// was.
func (k *killer) stop(archive string, sig os.Signal, code int, says string) {
	k.t.Helper()
	cmd := exec.Command(os.Args[0], "scan", "-j", "1", "--state", k.path, "-f", "json", "-o", os.DevNull, archive)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		k.t.Fatal(err)
	}
	// Signal only once the scan reads logs: earlier, Go's default handler
	// would end the process before main has installed its own.
	waitOpen(k.t, cmd.Process.Pid, archive)
	sent := time.Now()
	cmd.Process.Signal(sig)
	cmd.Wait()
	took := time.Since(sent)
	got := cmd.ProcessState.ExitCode()
	when := fmt.Sprintf("after %v", sig)
	if k.saved(when) {
		k.t.Logf("%s: the run had saved its new state (exit %d)", when, got)
		return
	}
	if got != code || !strings.Contains(stderr.String(), says) {
		k.t.Fatalf("%s: exit %d, stderr %q; want %d, %q", when, got, stderr.String(), code, says)
	}
	if took > 2*time.Second {
		k.t.Errorf("%v took %v to stop the scan", sig, took)
	}
}

// waitOpen waits until process pid has a file below dir open.
func waitOpen(t *testing.T, pid int, dir string) {
	t.Helper()
	fds := fmt.Sprintf("/proc/%d/fd", pid)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		entries, err := os.ReadDir(fds)
		if err != nil {
			t.Skipf("cannot watch the child's files: %v", err)
		}
		for _, e := range entries {
			if target, _ := os.Readlink(filepath.Join(fds, e.Name())); strings.HasPrefix(target, dir) {
				return
			}
		}
	}
	t.Fatal("the child opened no log in 10 s")
}

// waitReplaced waits until path is no longer the file was describes.
func waitReplaced(t *testing.T, path string, was os.FileInfo) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if now, err := os.Stat(path); err == nil && !os.SameFile(now, was) {
			return
		}
	}
	t.Fatalf("%s was not replaced in a minute", path)
}

// runMain runs trailscan in this process, on the tests' clock, and
// returns its standard output; exit 3 (the archive has damaged files on
// purpose) is expected.
func runMain(t *testing.T, args ...string) []byte {
	t.Helper()
	var out, errs bytes.Buffer
	if code := runAt(context.Background(), testClock, args, &out, &errs); code != exitOK && code != exitPartial {
		t.Fatalf("trailscan %v: exit %d: %s", args, code, errs.String())
	}
	return out.Bytes()
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-100)
	return "\n got ..." + a[from:min(len(a), i+100)] + "\nwant ..." + b[from:min(len(b), i+100)]
}

// runChild is TestMain's path for a child process started by a test: the
// real main, signals and all.
func runChild() { main() }
