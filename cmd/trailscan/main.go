package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/internal/buildinfo"
	"github.com/trailscan/trailscan/pkg/report"
	"github.com/trailscan/trailscan/pkg/source"
)

// Release builds stamp these with -ldflags "-X main.version=v1.2.3
// -X main.commit=HASH -X main.modified=false" (.goreleaser.yaml); other
// builds leave them empty and take what the go command recorded.
var version, commit, modified string

// Exit codes, documented in the usage text and the README.
const (
	exitOK      = 0
	exitFailed  = 1 // nothing was scanned, or an output could not be written
	exitUsage   = 2
	exitPartial = 3 // finished, but some files could not be read
	exitAlert   = 4 // --fail-on found what it names
	// --verify found a log altered, missing or unlisted, an invalid
	// digest or a chain gap: the answer is not what the archive was.
	exitIntegrity = 5
	// A run a signal stopped exits as a shell reports a process that
	// signal killed: 128 plus its number.
	exitInterrupted = 130 // SIGINT, Ctrl-C
	exitTerminated  = 143 // SIGTERM
)

func main() {
	ctx, stop := notifySignals(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// signalled is the cause of a context that a signal cancelled.
type signalled struct{ sig syscall.Signal }

func (e signalled) Error() string { return e.sig.String() + " signal received" }

// Is makes a run a signal stopped one that was cancelled.
func (e signalled) Is(target error) bool { return target == context.Canceled }

// notifySignals is signal.NotifyContext keeping the signal as the
// context's cause, for exitCode: NotifyContext's cause names it only in
// its text. sigs are of type syscall.Signal, as os.Interrupt is.
func notifySignals(parent context.Context, sigs ...os.Signal) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		select {
		case s := <-ch:
			n, _ := s.(syscall.Signal)
			cancel(signalled{n})
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(nil) }
}

const usage = `trailscan reports what AWS Support did in your AWS accounts, from CloudTrail logs.

Usage:
  trailscan scan [flags] SOURCE...   summarize AWS Support's calls
  trailscan verify [flags] SOURCE... verify the logs against CloudTrail's signed digests
  trailscan plan [flags] SOURCE...   find accounts and regions once, for scan --plan
  trailscan merge [flags] PART...    combine the results of scan --shard
  trailscan diff [flags] OLD NEW     what changed from one JSON report to another
  trailscan version                  print the version, commit and whether the tree was modified

Run 'trailscan scan --help' (or verify, plan, merge, diff) for the flags,
examples and exit codes.
`

// run is main without the process: the CLI tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runAt(ctx, time.Now, args, stdout, stderr)
}

// runAt is run on the clock now, which relative times (--since 7d) and
// the time a result says it was made come from: tests stop it.
func runAt(ctx context.Context, now func() time.Time, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	quiet := false
	switch args[0] {
	case "scan":
		c := &scanCmd{stdout: stdout, stderr: stderr, now: now}
		err = c.Run(ctx, args[1:])
		quiet = c.quiet
	case "verify":
		c := &verifyCmd{scanCmd{stdout: stdout, stderr: stderr, now: now}}
		err = c.Run(ctx, args[1:])
		quiet = c.quiet
	case "plan":
		c := &planCmd{scanCmd: scanCmd{stdout: stdout, stderr: stderr, now: now}}
		err = c.Run(ctx, args[1:])
		quiet = c.quiet
	case "merge":
		c := &mergeCmd{stdout: stdout, stderr: stderr, now: now}
		err = c.Run(ctx, args[1:])
		quiet = c.quiet
	case "diff":
		c := &diffCmd{stdout: stdout, stderr: stderr}
		err = c.Run(ctx, args[1:])
		quiet = c.quiet
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "trailscan %s\n", versionString())
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
	default:
		err = usageError{fmt.Errorf("unknown command %q", args[0]), "run 'trailscan --help' for the commands"}
	}
	// What a stopped run returns is ctx's error; its cause says which
	// signal stopped it.
	var sig signalled
	if errors.Is(err, context.Canceled) && errors.As(context.Cause(ctx), &sig) {
		err = sig
	}
	return exitCode(err, quiet, stderr)
}

// exitCode prints err the way users see errors, and returns the exit code.
// Errors are always printed; quiet leaves out warnings: a run that wrote
// its result says the rest with its exit code. A run that ends with
// several outcomes (see join) says each, and exits with the one that
// ranks first.
func exitCode(err error, quiet bool, stderr io.Writer) int {
	var u usageError
	var e exitError
	var sig signalled
	if all, ok := err.(several); ok {
		code := exitOK
		for _, err := range all {
			code = first(code, exitCode(err, quiet, stderr))
		}
		return code
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &sig) && sig.sig == syscall.SIGTERM:
		fmt.Fprintln(stderr, "trailscan: terminated")
		return exitTerminated
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "trailscan: interrupted")
		return exitInterrupted
	case errors.As(err, &u):
		u.print(stderr)
		return exitUsage
	case errors.Is(err, source.ErrNotFile):
		usageError{err, "name a directory of logs, a log file or s3://bucket/prefix (a named pipe is not read: save its logs to a file)"}.print(stderr)
		return exitUsage
	case errors.As(err, &e):
		switch {
		case e.err == nil:
		case e.code == exitFailed:
			usageError{e.err, e.hint}.print(stderr)
		case !quiet:
			fmt.Fprintf(stderr, "trailscan: warning: %s\n", report.Clean(e.err.Error()))
		}
		return e.code
	}
	// Errors can name S3 keys and quote input: never raw on a terminal.
	fmt.Fprintf(stderr, "trailscan: error: %s\n", report.Clean(err.Error()))
	return exitFailed
}

// precedence orders the exit codes of a run that ends with several
// outcomes: the first that applies is the exit code. An archive that does
// not verify outranks an alert, which it may hide the truth of; an alert
// outranks a failed write, so that a full disk does not hide what
// --fail-on found; a failed write or an unreadable archive outranks a
// partial result.
var precedence = []int{exitTerminated, exitInterrupted, exitUsage, exitIntegrity, exitAlert, exitFailed, exitPartial, exitOK}

// first returns whichever of codes a and b ranks first in precedence.
func first(a, b int) int {
	if slices.Index(precedence, b) < slices.Index(precedence, a) {
		return b
	}
	return a
}

// several is the outcomes of a run that has more than one to say: a
// partial result, an alert, an output that could not be written.
type several []error

func (e several) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e several) Unwrap() []error { return e }

// join returns the errors that are not nil as one error: nil for none,
// the error itself for one, else several.
func join(errs ...error) error {
	var all several
	for _, err := range errs {
		if err != nil {
			all = append(all, err)
		}
	}
	switch len(all) {
	case 0:
		return nil
	case 1:
		return all[0]
	}
	return all
}

var errHelp = errors.New("help requested")

// parseFlags parses a command's args with fs; --help prints usage, a
// format with a %s for the flags, to stdout, and returns errHelp.
func parseFlags(fs *pflag.FlagSet, usage string, stdout io.Writer, args []string) error {
	fs.Usage = func() { fmt.Fprintf(stdout, usage, fs.FlagUsages()) }
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp { // pflag has printed the usage
			return errHelp
		}
		return usageError{err, "run 'trailscan " + fs.Name() + " --help' for the flags"}
	}
	return nil
}

// usageError is a command line that cannot be run; hint says what to do.
type usageError struct {
	err  error
	hint string
}

func (e usageError) Error() string { return e.err.Error() }

func (e usageError) print(stderr io.Writer) {
	fmt.Fprintf(stderr, "trailscan: error: %s\n", report.Clean(e.err.Error()))
	if e.hint != "" {
		fmt.Fprintf(stderr, "trailscan: hint: %s\n", e.hint)
	}
}

// exitError ends a run with code: one that produced its output (3, 4,
// or 1 when it could read none of its files), or one that found nothing
// to scan (1). An exitError of code 1 is an error, printed with its hint;
// the others are warnings.
type exitError struct {
	code int
	err  error
	hint string
}

func (e exitError) Error() string { return fmt.Sprintf("exit %d: %v", e.code, e.err) }

// versionString is this build as --version prints it and parts record it.
func versionString() string {
	return buildinfo.Current(buildinfo.Info{Version: version, Commit: commit, Modified: modified == "true"}).String()
}
