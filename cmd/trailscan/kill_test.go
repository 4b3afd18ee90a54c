package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
)

// childEnv makes this test binary run trailscan itself (see TestMain), so a
// test can kill a real process in the middle of a run.
const childEnv = "TRAILSCAN_TEST_RUN_MAIN"

// TestKilledStateRun kills incremental runs with SIGKILL at several moments
// while they read new objects: a killed run leaves the previous state file
// byte for byte, and the next run's result equals a full scan: nothing
// lost, nothing counted twice.
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
	before, err := os.ReadFile(st)
	if err != nil {
		t.Fatal(err)
	}
	interrupt(t, archive, st, before)
	killed := 0
	for _, after := range []time.Duration{30 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond} {
		cmd := exec.Command(os.Args[0], "scan", "-q", "-j", "1", "--state", st, "-f", "json", "-o", filepath.Join(dir, "out.json"), archive)
		cmd.Env = append(os.Environ(), childEnv+"=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(after)
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err == nil || cmd.ProcessState.ExitCode() != -1 {
			t.Logf("the run killed after %v had already finished", after)
			break // it saved a new state: later runs have nothing new to read
		}
		killed++
		if now, err := os.ReadFile(st); err != nil || !bytes.Equal(now, before) {
			t.Fatalf("killed after %v: the state file changed (err %v)", after, err)
		}
	}
	if killed == 0 {
		t.Fatal("no run was killed before it finished: the test proved nothing")
	}
	full := runMain(t, "scan", "-q", "-f", "json", archive)
	if got := runMain(t, "scan", "-q", "--state", st, "-f", "json", archive); !bytes.Equal(got, full) {
		t.Errorf("after killed runs, the incremental result differs from a full scan:%s", firstDiff(string(got), string(full)))
	}
}

// interrupt sends Ctrl-C to a run: it must stop promptly, exit 130, say so,
// and leave the state file as it was.
func interrupt(t *testing.T, archive, st string, before []byte) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "scan", "-j", "1", "--state", st, "-f", "json", "-o", os.DevNull, archive)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Signal only once the scan reads logs: earlier, Go's default handler
	// would end the process before main has installed its own.
	waitOpen(t, cmd.Process.Pid, archive)
	sent := time.Now()
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code == exitPartial {
		t.Log("the run finished before Ctrl-C reached it")
		return
	} else if code != exitSignal || !bytes.Contains(stderr.Bytes(), []byte("interrupted")) {
		t.Fatalf("after Ctrl-C: exit %d, stderr %q; want %d, interrupted", code, stderr.String(), exitSignal)
	}
	if took := time.Since(sent); took > 2*time.Second {
		t.Errorf("Ctrl-C took %v to stop the scan", took)
	}
	if now, err := os.ReadFile(st); err != nil || !bytes.Equal(now, before) {
		t.Fatalf("an interrupted run changed the state file (err %v)", err)
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

// runMain runs trailscan in this process and returns its standard output;
// exit 3 (the archive has damaged files on purpose) is expected.
func runMain(t *testing.T, args ...string) []byte {
	t.Helper()
	var out, errs bytes.Buffer
	if code := run(context.Background(), args, &out, &errs); code != exitOK && code != exitPartial {
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
