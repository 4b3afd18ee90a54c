package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/pkg/atomicfile"
	"github.com/trailscan/trailscan/pkg/report"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// writeFile calls write with standard output, or with a file that
// replaces path only once complete (see atomicfile): a reader never sees
// half a result, and a failed run leaves the previous one. flag names
// the path in errors.
func writeFile(stdout io.Writer, flag, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return notWritten(flag, path, "could not be written", err)
	}
	defer f.Abort()
	if err := write(f); err != nil {
		return notWritten(flag, path, "could not be written", err)
	}
	if err := f.Commit(); err != nil {
		return notWritten(flag, path, "could not be written", err)
	}
	return nil
}

// notWritten is the error of a path that flag names and that cannot be
// written. An error about the path itself, or the temporary file beside
// it, is said without their names: the temporary file's would only
// puzzle.
func notWritten(flag, path, what string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && filepath.Dir(pe.Path) == filepath.Dir(path) {
		err = pe.Err
	}
	return fmt.Errorf("%s %s %s: %w", flag, path, what, err)
}

// checkWritable tells, before a scan that may take hours, whether the
// file flag names can be written when the scan is done: for a file that
// replaces path (see writeFile), whether a file can be made beside it. A
// device or a pipe is written directly, and is not opened ahead: a pipe
// would wait for its reader.
func checkWritable(flag, path string) error {
	if path == "" || path == "-" {
		return nil
	}
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		err = errors.New("is a directory")
	case err == nil && !st.Mode().IsRegular():
		return nil
	default:
		var f *atomicfile.File
		if f, err = atomicfile.Create(path, 0o600); err == nil {
			f.Abort()
			return nil
		}
	}
	return notWritten(flag, path, "cannot be written", err)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// outcome is the exit of a run that wrote its result (see precedence):
// 1 when it could read none of its files, 3 when the result is partial
// (failed files, or the reasons in why), 4 when --fail-on finds what it
// names, 5 when its logs do not verify.
func outcome(res summarize.Result, failOn, why []string) error {
	var errs []error
	switch n := len(res.FilesFailed); {
	case n > 0 && res.FilesScanned == 0:
		errs = append(errs, exitError{code: exitFailed, err: fmt.Errorf("none of the %d files could be read (each is listed with its reason in the result)", n)})
	case n > 0:
		why = append([]string{fmt.Sprintf("%d of %d files could not be read", n, n+res.FilesScanned)}, why...)
	}
	if n := len(res.RecordsFailed); n > 0 {
		why = append(why, fmt.Sprintf("%d Support records could not be read (each is listed in records_failed)", n))
	}
	if len(why) > 0 {
		errs = append(errs, exitError{code: exitPartial, err: fmt.Errorf("%s; the result is partial", strings.Join(why, " and "))})
	}
	errs = append(errs, alerted(res.Alerts(failOn)))
	if f := res.Integrity; f != nil && f.Failed() {
		errs = append(errs, exitError{code: exitIntegrity, err: errors.New(f.Headline())})
	}
	return join(errs...)
}

// alerted is the exit of a run whose --fail-on found what it names: nil
// when found is empty.
func alerted(found []string) error {
	if len(found) == 0 {
		return nil
	}
	return exitError{code: exitAlert, err: fmt.Errorf("--fail-on: found %s", strings.Join(found, "; "))}
}

// reportFlags choose what scan and merge write, and when they alert.
type reportFlags struct {
	format, output, by, section string
	all                         bool
	failOn                      []string
	grouping                    summarize.Option // --by, once checked
	layout                      []report.Option  // --all and --section, once checked
}

// register adds the flags; finds says what --fail-on looks at.
func (f *reportFlags) register(fs *pflag.FlagSet, finds string) {
	fs.StringVarP(&f.format, "format", "f", "table", "output format: "+strings.Join(report.Formats, ", "))
	fs.StringVarP(&f.output, "output", "o", "", "write the result to this file instead of standard output")
	fs.StringVar(&f.by, "by", "service", "group the main table by: "+strings.Join(summarize.Groupings, ", "))
	fs.BoolVar(&f.all, "all", false, "print every row of the table, not the first of each section")
	fs.StringVar(&f.section, "section", "", "write only this section, with -f csv (default main) or table: "+strings.Join(report.Sections, ", "))
	fs.StringSliceVar(&f.failOn, "fail-on", nil, "exit 4 when "+finds+": "+strings.Join(summarize.AlertKinds, ", ")+" (comma-separated)")
}

func (f *reportFlags) check() error {
	if !slices.Contains(report.Formats, f.format) {
		return usageError{fmt.Errorf("unknown format %q", f.format), "use one of: " + strings.Join(report.Formats, ", ")}
	}
	var err error
	if f.grouping, err = summarize.GroupedBy(f.by); err != nil {
		return usageError{fmt.Errorf("unknown grouping --by %q", f.by), "use one of: " + strings.Join(summarize.Groupings, ", ")}
	}
	if f.all {
		f.layout = append(f.layout, report.All())
	}
	if f.section != "" {
		if f.format != "csv" && f.format != "table" {
			return usageError{fmt.Errorf("--section applies to -f csv and -f table, not -f %s", f.format), "JSON and HTML always hold every section"}
		}
		only, err := report.Section(f.section)
		if err != nil {
			return usageError{fmt.Errorf("unknown --section %q", f.section), "use one of: " + strings.Join(report.Sections, ", ")}
		}
		f.layout = append(f.layout, only)
	}
	for _, k := range f.failOn {
		if !slices.Contains(summarize.AlertKinds, k) {
			return usageError{fmt.Errorf("unknown --fail-on %q", k), "use one or more of: " + strings.Join(summarize.AlertKinds, ", ")}
		}
	}
	return nil
}

// checkOutput tells whether --output can be written, before the work.
func (f *reportFlags) checkOutput() error { return checkOutput(f.output) }

// checkOutput refuses an --output that is a format's name, as the AWS
// CLI's --output json is, rather than write a file of that name; then
// tells whether it can be written, before the work.
func checkOutput(path string) error {
	if slices.Contains(report.Formats, path) {
		return usageError{fmt.Errorf("-o %s names a format, not a file: -o/--output is where the result goes", path),
			fmt.Sprintf("choose the format with -f %s (add -o FILE to write it to a file); for a file named %s, write -o ./%s", path, path, path)}
	}
	return checkWritable("-o", path)
}

// write writes res in --format to --output (or stdout). It first hands
// the scan's freed memory back to the system: the result is live while
// its text is made (JSON's twice, encoded and then indented), and that
// would otherwise be the run's peak RSS, on top of what the scan left.
func (f *reportFlags) write(stdout io.Writer, res summarize.Result) error {
	debug.FreeOSMemory()
	return writeFile(stdout, "-o", f.output, func(w io.Writer) error { return report.Write(w, f.format, res, f.layout...) })
}
