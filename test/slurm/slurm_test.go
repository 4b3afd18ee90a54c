package slurm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
)

// The stamp the test binary is built with, as a release is: parts must
// record it and merge must accept it.
const (
	stampVersion = "v1.2.3"
	stampCommit  = "0123456789abcdef0123456789abcdef01234567"
	wantVersion  = stampVersion + " (commit " + stampCommit + ")"
)

// shards is the array size: sbatch --array=0-3, scan --shard auto/4.
const shards = 4

// script is the array job, as the README's job engine examples run it: a
// shard that met unreadable files still wrote its part (exit 3), which the
// merge reports, so it counts as done. On its first attempt, task $GATE
// only says it started and waits to be killed.
const script = `#!/bin/sh
if [ "$SLURM_ARRAY_TASK_ID" = "$GATE" ] && [ "${SLURM_RESTART_COUNT:-0}" = 0 ]; then
	touch "$PARTS/started-$SLURM_ARRAY_TASK_ID"
	exec sleep 600
fi
"$TRAILSCAN" scan --shard auto/4 -q -f json -o "$PARTS/part-$SLURM_ARRAY_TASK_ID.json" "$ARCHIVE"
rc=$?; [ $rc -eq 3 ] && rc=0; exit $rc
`

// TestArray runs a scan as a Slurm job array, merges the parts and checks
// the merge against one full scan; then runs the array again with one task
// killed and requeued, and checks that every part, the re-run one too, is
// the same bytes as before.
func TestArray(t *testing.T) {
	// Only the cluster .ci/slurm.sh started: a SLURM_CONF of a real
	// cluster alone does not make go test submit jobs to it.
	if os.Getenv("TRAILSCAN_SLURM_STATE") == "" || os.Getenv("SLURM_CONF") == "" {
		if os.Getenv("TRAILSCAN_REQUIRE_SLURM") != "" {
			t.Fatal("TRAILSCAN_REQUIRE_SLURM is set but no cluster is: start one with eval \"$(.ci/slurm.sh start)\"")
		}
		t.Skip("no test cluster: eval \"$(.ci/slurm.sh start)\" starts one")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// slurmd runs the tasks on this machine, as this user: they read and
	// write the test's own directory.
	dir := t.TempDir()
	bin := build(ctx, t, dir)
	if out := run(ctx, t, 0, bin, "--version"); out != "trailscan "+wantVersion+"\n" {
		t.Fatalf("trailscan --version printed %q, want %q", out, "trailscan "+wantVersion)
	}
	archive := filepath.Join(dir, "archive")
	m, err := gen.Write(archive, gen.Config{
		Seed: 18, Days: 3, Accounts: []string{"111122223333", "444455556666", "777788889999"},
		Regions: []string{"us-east-1", "eu-west-1"}, OrgID: "o-a1b2c3d4e5", Prefix: "acct", OrgPrefix: "org", Damaged: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	jobFile := filepath.Join(dir, "shard.sh")
	if err := os.WriteFile(jobFile, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}

	full := filepath.Join(dir, "full.json")
	run(ctx, t, 3, bin, "scan", "-q", "-f", "json", "-o", full, archive)

	// The whole array, waited for by sbatch.
	first := filepath.Join(dir, "first")
	job := &array{bin: bin, archive: archive, parts: first, script: jobFile, gate: "none"}
	job.submit(ctx, t, "--wait")
	for _, task := range job.tasks(ctx, t) {
		if task.state != "COMPLETED" || task.restarts != 0 {
			t.Errorf("task %d: %s after %d restarts, want COMPLETED after 0", task.index, task.state, task.restarts)
		}
	}
	merged := filepath.Join(dir, "merged.json")
	run(ctx, t, 3, bin, append([]string{"merge", "-q", "-f", "json", "-o", merged}, job.partFiles()...)...)
	checkMerge(t, merged, full, archive)
	var res struct {
		FilesFailed []struct{ Path string } `json:"files_failed"`
	}
	if b, err := os.ReadFile(merged); err != nil || json.Unmarshal(b, &res) != nil {
		t.Fatalf("read %s: %v", merged, err)
	}
	if len(res.FilesFailed) != len(m.DamagedFiles) {
		t.Errorf("the merge lists %d failed files, want the archive's %d damaged ones", len(res.FilesFailed), len(m.DamagedFiles))
	}

	// The same array, with task 2 killed on its first attempt and requeued.
	second := filepath.Join(dir, "second")
	job2 := &array{bin: bin, archive: archive, parts: second, script: jobFile, gate: "2"}
	job2.submit(ctx, t)
	started := filepath.Join(second, "started-2")
	waitFor(ctx, t, "task 2 to start", func() bool { _, err := os.Stat(started); return err == nil })
	task := job2.id + "_2"
	slurm(ctx, t, "scancel", "--signal=KILL", "--full", task)
	waitFor(ctx, t, "task 2 to die", func() bool {
		s := job2.task(ctx, t, 2).state
		return s == "CANCELLED" || s == "FAILED"
	})
	if _, err := os.Stat(filepath.Join(second, "part-2.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the killed task left a part: %v", err)
	}
	slurm(ctx, t, "scontrol", "requeue", task)
	// A requeued job waits two minutes before it may start again.
	slurm(ctx, t, "scontrol", "update", "JobId="+task, "StartTime=now")
	waitFor(ctx, t, "the array to finish", func() bool {
		return !slices.ContainsFunc(job2.tasks(ctx, t), func(s taskState) bool { return !finished(s.state) })
	})
	for _, task := range job2.tasks(ctx, t) {
		wantRestarts := 0
		if task.index == 2 {
			wantRestarts = 1
		}
		if task.state != "COMPLETED" || task.restarts != wantRestarts {
			t.Errorf("task %d: %s after %d restarts, want COMPLETED after %d", task.index, task.state, task.restarts, wantRestarts)
		}
	}
	for i := range shards {
		a, errA := os.ReadFile(filepath.Join(first, fmt.Sprintf("part-%d.json", i)))
		b, errB := os.ReadFile(filepath.Join(second, fmt.Sprintf("part-%d.json", i)))
		if errA != nil || errB != nil || !bytes.Equal(withoutQuery(t, a), withoutQuery(t, b)) {
			t.Errorf("part %d differs between the two runs (%v, %v)", i, errA, errB)
		}
	}
	if t.Failed() {
		job.logs(t)
		job2.logs(t)
	}
}

// checkMerge checks that the merged result is the full scan's, byte for
// byte, but for the origin the merge adds at its end, which names the
// build, the source and the shards.
func checkMerge(t *testing.T, merged, full, archive string) {
	t.Helper()
	m, err := os.ReadFile(merged)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	const member = ",\n  \"scan\": "
	i := bytes.LastIndex(m, []byte(member))
	if i < 0 {
		t.Fatalf("%s has no scan origin", merged)
	}
	if got := append(m[:i:i], "\n}\n"...); !bytes.Equal(withoutQuery(t, got), withoutQuery(t, f)) {
		t.Errorf("the merge of %d shards differs from the full scan (%d bytes and %d bytes without its origin)", shards, len(got), len(f))
	}
	var origin struct {
		Version string
		Sources []string
		Shards  int
		Parts   []string
	}
	if err := json.Unmarshal(m[i+len(member):len(m)-len("\n}\n")], &origin); err != nil {
		t.Fatalf("origin of %s: %v", merged, err)
	}
	wantParts := []string{"0/4", "1/4", "2/4", "3/4"}
	if origin.Version != wantVersion || origin.Shards != shards || !slices.Equal(origin.Parts, wantParts) || !slices.Equal(origin.Sources, []string{archive}) {
		t.Errorf("origin %+v, want version %q, sources [%s], %d shards, parts %v", origin, wantVersion, archive, shards, wantParts)
	}
}

// array is one submission of the job script as a Slurm job array.
type array struct {
	bin, archive, parts, script string
	gate                        string // the task whose first attempt waits to be killed
	id                          string // the array's job ID, once submitted
}

func (a *array) submit(ctx context.Context, t *testing.T, flags ...string) {
	t.Helper()
	if err := os.MkdirAll(a.parts, 0o755); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--parsable", fmt.Sprintf("--array=0-%d", shards-1), "--job-name=trailscan-test",
		"--output=" + filepath.Join(a.parts, "task-%a.log")}, flags...)
	cmd := exec.CommandContext(ctx, "sbatch", append(args, a.script)...)
	// sbatch passes its environment on to the tasks.
	cmd.Env = append(os.Environ(), "TRAILSCAN="+a.bin, "ARCHIVE="+a.archive, "PARTS="+a.parts, "GATE="+a.gate)
	out, err := cmd.Output()
	if err != nil {
		a.logs(t)
		t.Fatalf("sbatch %s: %v", strings.Join(flags, " "), describe(err))
	}
	// --parsable prints JOBID[;CLUSTER]; --wait adds nothing to it.
	a.id, _, _ = strings.Cut(strings.TrimSpace(string(out)), ";")
	if a.id == "" {
		t.Fatalf("sbatch printed no job ID: %q", out)
	}
}

func (a *array) partFiles() []string {
	var files []string
	for i := range shards {
		files = append(files, filepath.Join(a.parts, fmt.Sprintf("part-%d.json", i)))
	}
	return files
}

// logs prints what the tasks wrote, for a failure.
func (a *array) logs(t *testing.T) {
	logs, _ := filepath.Glob(filepath.Join(a.parts, "task-*.log"))
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		t.Logf("%s:\n%s", l, b)
	}
}

type taskState struct {
	index    int
	state    string
	restarts int
}

var (
	taskField     = regexp.MustCompile(`\bArrayTaskId=(\d+)\b`)
	stateField    = regexp.MustCompile(`\bJobState=(\S+)`)
	restartsField = regexp.MustCompile(`\bRestarts=(\d+)\b`)
)

// tasks is what slurmctld says of each of the array's tasks.
func (a *array) tasks(ctx context.Context, t *testing.T) []taskState {
	t.Helper()
	var tasks []taskState
	for _, line := range strings.Split(strings.TrimSpace(slurm(ctx, t, "scontrol", "show", "job", "-o", a.id)), "\n") {
		ti, s, r := taskField.FindStringSubmatch(line), stateField.FindStringSubmatch(line), restartsField.FindStringSubmatch(line)
		if ti == nil || s == nil || r == nil {
			continue // a pending remainder of the array ("ArrayTaskId=1-3")
		}
		var ts taskState
		fmt.Sscan(ti[1], &ts.index)
		fmt.Sscan(r[1], &ts.restarts)
		ts.state = s[1]
		tasks = append(tasks, ts)
	}
	slices.SortFunc(tasks, func(x, y taskState) int { return x.index - y.index })
	if len(tasks) != shards && !slices.ContainsFunc(tasks, func(s taskState) bool { return !finished(s.state) }) {
		t.Fatalf("job %s has %d tasks, want %d", a.id, len(tasks), shards)
	}
	return tasks
}

func (a *array) task(ctx context.Context, t *testing.T, index int) taskState {
	t.Helper()
	for _, ts := range a.tasks(ctx, t) {
		if ts.index == index {
			return ts
		}
	}
	return taskState{index: index, state: "PENDING"}
}

func finished(state string) bool {
	switch state {
	case "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED":
		return true
	}
	return false
}

// waitFor polls cond until it holds, or fails the test when ctx ends.
func waitFor(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s: %v", what, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// build compiles trailscan into dir with a release's stamp.
func build(ctx context.Context, t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "trailscan")
	ldflags := "-X main.version=" + stampVersion + " -X main.commit=" + stampCommit + " -X main.modified=false"
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", ldflags, "-o", bin, "github.com/trailscan/trailscan/cmd/trailscan")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// run runs trailscan, which must exit with code want; it returns its
// standard output.
func run(ctx context.Context, t *testing.T, want int, bin string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil && want == 0:
	case errors.As(err, &exit) && exit.ExitCode() == want:
	default:
		t.Fatalf("trailscan %s: %v, want exit %d\n%s", strings.Join(args, " "), err, want, stderr.Bytes())
	}
	return stdout.String()
}

// slurm runs a Slurm command, which must succeed.
func slurm(ctx context.Context, t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), describe(err))
	}
	return string(out)
}

func describe(err error) error {
	var exit *exec.ExitError
	if errors.As(err, &exit) && len(exit.Stderr) > 0 {
		return fmt.Errorf("%w: %s", err, bytes.TrimSpace(exit.Stderr))
	}
	return err
}

// withoutQuery is a JSON result without its query, which says when it was
// made: two runs of the same scan differ there and nowhere else.
func withoutQuery(t *testing.T, b []byte) []byte {
	t.Helper()
	start := bytes.Index(b, []byte("\n  \"query\": {"))
	if start < 0 {
		return b
	}
	end := bytes.Index(b[start:], []byte("\n  },\n"))
	if end < 0 {
		t.Fatalf("a query that does not end:\n%.300s", b[start:])
	}
	return append(b[:start:start], b[start+end+len("\n  },"):]...)
}
