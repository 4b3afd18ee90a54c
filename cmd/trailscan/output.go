package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/pkg/atomicfile"
	"github.com/trailscan/trailscan/pkg/report"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// writeFile calls write with standard output, or with a file that
// replaces path only once complete (see atomicfile): a reader never sees
// half a result, and a failed run leaves the previous one.
func writeFile(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer f.Abort()
	if err := write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// showProgress redraws one status line on w until stop is called, then
// clears it so that nothing of it stays in the terminal.
func showProgress(w io.Writer, p *scan.Progress) (stop func()) {
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprintf(w, "\r\033[K%s", progressLine(p, time.Since(start)))
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func progressLine(p *scan.Progress, elapsed time.Duration) string {
	total := "?"
	if p.ListingDone.Load() {
		total = fmt.Sprint(p.Listed.Load())
	} else if n := p.Total.Load(); n > 0 {
		total = fmt.Sprint(n)
	}
	mb := float64(p.Bytes.Load()) / 1e6
	return fmt.Sprintf("%d/%s files  %.1f MB read  %d Support calls  %.1f MB/s  %s",
		p.Done.Load(), total, mb, p.Matched.Load(), mb/max(elapsed.Seconds(), 0.001), elapsed.Round(time.Second))
}

// outcome is the exit of a run that wrote its result: 4 when --fail-on
// finds what it names, which wins over 3 when the result is partial
// (failed files, or the reasons in why). Reasons are warned about on
// stderr unless quiet; the exit code tells them anyway.
func outcome(res summarize.Result, failOn, why []string, quiet bool, stderr io.Writer) error {
	if n := len(res.FilesFailed); n > 0 {
		why = append([]string{fmt.Sprintf("%d of %d files could not be read", n, n+res.FilesScanned)}, why...)
	}
	var partial error
	if len(why) > 0 && !quiet {
		partial = fmt.Errorf("%s; the result is partial", strings.Join(why, " and "))
	}
	if found := res.Alerts(failOn); len(found) > 0 {
		if partial != nil {
			fmt.Fprintf(stderr, "trailscan: warning: %s\n", report.Clean(partial.Error()))
		}
		return exitError{exitAlert, fmt.Errorf("--fail-on: found %s", strings.Join(found, "; "))}
	}
	if len(why) > 0 {
		return exitError{exitPartial, partial}
	}
	return nil
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

// write writes res in --format to --output (or stdout).
func (f *reportFlags) write(stdout io.Writer, res summarize.Result) error {
	return writeFile(stdout, f.output, func(w io.Writer) error { return report.Write(w, f.format, res, f.layout...) })
}
