// Command trailscan reports what AWS Support did in AWS accounts, from
// CloudTrail logs on disk or in S3.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

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
	exitFailed  = 1 // nothing could be scanned
	exitUsage   = 2
	exitPartial = 3 // finished, but some files could not be read
	exitAlert   = 4 // --fail-on found what it names
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
  trailscan merge [flags] PART...    combine the results of scan --shard
  trailscan version                  print the version, commit and whether the tree was modified

Run 'trailscan scan --help' for the flags, examples and exit codes.
`

// run is main without the process: the CLI tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	quiet := false
	switch args[0] {
	case "scan":
		c := &scanCmd{stdout: stdout, stderr: stderr}
		err = c.Run(ctx, args[1:])
		quiet = c.quiet
	case "merge":
		c := &mergeCmd{stdout: stdout, stderr: stderr}
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
// Quiet leaves out warnings: a run that wrote its result says the rest
// with its exit code.
func exitCode(err error, quiet bool, stderr io.Writer) int {
	var u usageError
	var e exitError
	var sig signalled
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
		if e.err != nil && !quiet {
			fmt.Fprintf(stderr, "trailscan: warning: %s\n", report.Clean(e.err.Error()))
		}
		return e.code
	}
	// Errors can name S3 keys and quote input: never raw on a terminal.
	fmt.Fprintf(stderr, "trailscan: error: %s\n", report.Clean(err.Error()))
	return exitFailed
}

var errHelp = errors.New("help requested")

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

// exitError ends a run that produced its output with a code other than 0.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return fmt.Sprintf("exit %d: %v", e.code, e.err) }

// versionString is this build as --version prints it and parts record it.
func versionString() string {
	return buildinfo.Current(buildinfo.Info{Version: version, Commit: commit, Modified: modified == "true"}).String()
}
