package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

// TestMain lets the transcripts in testdata/script run trailscan as a
// command, in this process's binary.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		runChild()
	}
	testscript.Main(m, map[string]func(){
		"trailscan": func() { os.Exit(runAt(context.Background(), testClock, os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the CLI transcripts: what a user types, and what they see.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"gz":       gzipCmd,
			"truncate": truncateCmd,
		},
		Setup: func(env *testscript.Env) error {
			sample, err := filepath.Abs("../../testdata/sample")
			env.Setenv("SAMPLE", sample)
			return err
		},
	})
}

// gzipCmd compresses files in place as CloudTrail delivers them:
// gz FILE... writes FILE.gz and removes FILE; gz -members N FILE splits
// FILE into N gzip members, as some writers do.
func gzipCmd(ts *testscript.TestScript, neg bool, args []string) {
	members := 1
	if len(args) > 1 && args[0] == "-members" {
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		members, args = n, args[2:]
	}
	for _, name := range args {
		data, err := os.ReadFile(ts.MkAbs(name))
		ts.Check(err)
		var out bytes.Buffer
		step := (len(data) + members - 1) / members
		for i := 0; i < len(data); i += step {
			zw := gzip.NewWriter(&out)
			_, err := zw.Write(data[i:min(i+step, len(data))])
			ts.Check(err)
			ts.Check(zw.Close())
		}
		ts.Check(os.WriteFile(ts.MkAbs(name+".gz"), out.Bytes(), 0o644))
		ts.Check(os.Remove(ts.MkAbs(name)))
	}
}

// truncateCmd cuts a file to N bytes: truncate FILE N.
func truncateCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: truncate FILE N")
	}
	n, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	ts.Check(os.Truncate(ts.MkAbs(args[0]), n))
}

// TestErrorsEscaped: an error can quote an S3 key or logged text; what
// reaches the terminal is escaped.
func TestErrorsEscaped(t *testing.T) {
	var stderr bytes.Buffer
	code := exitCode(errors.New("get s3://b/evil\x1b[2J.json.gz: AccessDenied"), false, &stderr)
	if code != exitFailed || bytes.ContainsRune(stderr.Bytes(), 0x1b) || !strings.Contains(stderr.String(), `evil\x1b[2J`) {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

const sample = "../../testdata/sample/archive"

// TestQuiet: -q leaves only errors on standard error; the exit code says
// the rest.
func TestQuiet(t *testing.T) {
	part := filepath.Join(t.TempDir(), "part.json")
	if code := run(context.Background(), []string{"scan", "-q", "--shard", "0/1", "-f", "json", "-o", part, sample}, io.Discard, io.Discard); code != exitPartial {
		t.Fatalf("scan --shard 0/1: exit %d", code)
	}
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string // "" for nothing at all
	}{
		{"partial", []string{"scan", "-q", sample}, exitPartial, ""},
		{"alert", []string{"scan", "-q", "--fail-on", "any-support", sample}, exitAlert, ""},
		{"alert, not quiet", []string{"scan", "--fail-on", "any-support", sample}, exitAlert, "trailscan: warning: --fail-on: found"},
		{"merge alert", []string{"merge", "-q", "--fail-on", "any-support", part}, exitAlert, ""},
		{"merge alert, not quiet", []string{"merge", "--fail-on", "any-support", part}, exitAlert, "trailscan: warning: --fail-on: found"},
		{"error", []string{"scan", "-q", "--fail-on", "any-support", "does-not-exist"}, exitFailed, "trailscan: error: "},
		{"usage", []string{"scan", "-q", "--fail-on", "nothing", sample}, exitUsage, "trailscan: hint: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), c.args, io.Discard, &stderr)
			if code != c.code || (c.stderr == "") != (stderr.Len() == 0) || !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("trailscan %s: exit %d, stderr %q; want exit %d, stderr %q", strings.Join(c.args, " "), code, stderr.String(), c.code, c.stderr)
			}
		})
	}
}

// TestSignalExitCodes: a run stopped by a signal exits as a shell reports a
// process that signal killed, 128 plus its number, and says why it
// stopped. (TestKilledStateRun sends the signals to a real process.)
func TestSignalExitCodes(t *testing.T) {
	for _, c := range []struct {
		sig  syscall.Signal
		code int
		says string
	}{
		{syscall.SIGINT, 130, "trailscan: interrupted\n"},
		{syscall.SIGTERM, 143, "trailscan: terminated\n"},
	} {
		t.Run(c.sig.String(), func(t *testing.T) {
			ctx, stop := notifySignals(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			self, err := os.FindProcess(os.Getpid())
			if err == nil {
				err = self.Signal(c.sig)
			}
			if err != nil {
				t.Fatal(err)
			}
			select {
			case <-ctx.Done():
			case <-time.After(10 * time.Second):
				t.Fatalf("%v did not cancel the context in 10 s", c.sig)
			}
			var stdout, stderr bytes.Buffer
			if code := run(ctx, []string{"scan", sample}, &stdout, &stderr); code != c.code || stderr.String() != c.says || stdout.Len() > 0 {
				t.Errorf("exit %d, stderr %q, %d bytes of output; want exit %d, stderr %q, no output", code, stderr.String(), stdout.Len(), c.code, c.says)
			}
		})
	}
}

// TestSourceNotFile: a SOURCE that is neither a directory nor a regular
// file is refused at once, by name: opening a named pipe that has no
// writer would block where neither Ctrl-C nor SIGTERM reaches.
func TestSourceNotFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "logs.json.gz")
	if out, err := exec.Command("mkfifo", fifo).CombinedOutput(); err != nil {
		t.Skipf("cannot make a named pipe: %v %s", err, out)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	sources := []string{fifo, link}
	if st, err := os.Stat(os.DevNull); err == nil && st.Mode()&os.ModeDevice != 0 {
		sources = append(sources, os.DevNull)
	}
	for _, src := range sources {
		t.Run(filepath.Base(src), func(t *testing.T) {
			var stderr bytes.Buffer
			done := make(chan int, 1)
			go func() { done <- run(context.Background(), []string{"scan", src}, io.Discard, &stderr) }()
			select {
			case code := <-done:
				if want := "trailscan: error: " + src + ": not a directory or a regular file\ntrailscan: hint: "; code != exitUsage || !strings.HasPrefix(stderr.String(), want) {
					t.Errorf("exit %d, stderr %q; want exit %d, %q...", code, stderr.String(), exitUsage, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("trailscan scan %s: no answer in 10 s", src)
			}
		})
	}
}

// TestS3SchemeAnyCase: a URL's scheme may be written in any case; S3://
// is S3, not a local path.
func TestS3SchemeAnyCase(t *testing.T) {
	endpoint := sourcetest.S3Endpoint(t)
	_, bucket := sourcetest.BucketOf(t, "archive/", sample)
	var want []byte
	for _, scheme := range []string{"s3://", "S3://"} {
		var stdout, stderr bytes.Buffer
		arg := scheme + bucket + "/archive"
		code := runAt(context.Background(), testClock, []string{"scan", "-q", "-f", "json", "--endpoint-url", endpoint, "--path-style", arg}, &stdout, &stderr)
		if code != exitPartial || !bytes.Contains(stdout.Bytes(), []byte(`"s3://`+bucket+"/archive/")) {
			t.Fatalf("trailscan scan %s: exit %d, stderr %q, output:\n%.500s", arg, code, stderr.String(), stdout.String())
		}
		if want == nil {
			want = stdout.Bytes()
		} else if !bytes.Equal(stdout.Bytes(), want) {
			t.Errorf("trailscan scan %s:%s", arg, firstDiff(stdout.String(), string(want)))
		}
	}
}
