package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/pkg/diff"
	"github.com/trailscan/trailscan/pkg/report"
)

const diffUsage = `Usage: trailscan diff [flags] OLD.json NEW.json

Compare two JSON reports of 'trailscan scan -f json' or 'trailscan merge
-f json', such as last month's and this month's: the services and actions
new in NEW, those gone from it, the actions whose calls or errors changed
most, and the Support sessions new in NEW, with their accounts. One of
the two may be -, standard input.

Examples:
  trailscan scan -f json -o sep.json --since 2026-09-01 --until 2026-10-01 ./logs
  trailscan scan -f json -o oct.json --since 2026-10-01 --until 2026-11-01 ./logs
  trailscan diff sep.json oct.json
  trailscan diff -f html -o changes.html sep.json oct.json
  trailscan scan -q -f json --since 30d ./logs | trailscan diff --fail-on new-action last.json -

Flags:
%s
Exit codes (when several apply, the first of 143/130, 2, 4, 1, 3 wins):
  0  compared
  1  a report cannot be read, or -o cannot be written
  2  bad usage: not two reports, or a file that is not a JSON report (a
     table, a state file, a shard's part)
  3  compared, but a report is partial (files it could not read, shards
     missing): what looks new or gone may be only what it did not read
  4  found what --fail-on names; a partial report, or an output that
     could not be written, is said as well
  130 interrupted (Ctrl-C, SIGINT)
  143 terminated (SIGTERM)
`

type diffCmd struct {
	stdout, stderr io.Writer

	format, output string
	failOn         []string
	quiet          bool
}

func (c *diffCmd) flags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("diff", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringVarP(&c.format, "format", "f", "table", "output format: "+strings.Join(report.DiffFormats, ", "))
	fs.StringVarP(&c.output, "output", "o", "", "write the comparison to this file instead of standard output")
	fs.StringSliceVar(&c.failOn, "fail-on", nil, "exit 4 when the comparison finds: "+strings.Join(diff.AlertKinds, ", ")+" (comma-separated)")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "no warnings on standard error")
	return fs
}

func (c *diffCmd) Run(ctx context.Context, args []string) error {
	fs := c.flags()
	if err := parseFlags(fs, diffUsage, c.stdout, args); err != nil {
		return err
	}
	if !slices.Contains(report.DiffFormats, c.format) {
		return usageError{fmt.Errorf("unknown format %q for diff", c.format), "use one of: " + strings.Join(report.DiffFormats, ", ")}
	}
	for _, k := range c.failOn {
		if !slices.Contains(diff.AlertKinds, k) {
			return usageError{fmt.Errorf("unknown --fail-on %q for diff", k), "use: " + strings.Join(diff.AlertKinds, ", ")}
		}
	}
	if fs.NArg() != 2 {
		return usageError{fmt.Errorf("diff compares two reports, not %d", fs.NArg()), "name the older JSON report, then the newer: trailscan diff OLD.json NEW.json"}
	}
	if fs.Arg(0) == "-" && fs.Arg(1) == "-" {
		return usageError{errors.New("both reports are - (standard input)"), "read one of them from a file"}
	}
	if err := checkOutput(c.output); err != nil {
		return err
	}
	var reports [2]diff.Report
	for i, name := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		reports[i], err = readReport(name)
		switch {
		case errors.Is(err, diff.ErrNotReport):
			return usageError{err, "diff reads the JSON of 'trailscan scan -f json' or 'trailscan merge -f json'"}
		case errors.Is(err, diff.ErrPart):
			return usageError{err, "merge the parts first: trailscan merge -f json -o whole.json part-*.json"}
		case err != nil:
			return err
		}
	}
	d := diff.Compare(reports[0], reports[1])
	written := writeFile(c.stdout, "-o", c.output, func(w io.Writer) error { return report.WriteDiff(w, c.format, d) })
	return join(c.status(d), written)
}

// readReport reads the report in the file name, or - for standard input.
func readReport(name string) (diff.Report, error) {
	if name == "-" {
		return diff.Read(name, os.Stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return diff.Report{Name: name}, err // names the file
	}
	defer f.Close()
	return diff.Read(name, f)
}

// status is the exit of a comparison that was written (see precedence):
// 3 when a report is partial, 4 when --fail-on finds what it names.
func (c *diffCmd) status(d diff.Diff) error {
	var errs []error
	for _, s := range []diff.Side{d.Old, d.New} {
		if why := s.Partial(); why != "" {
			errs = append(errs, exitError{code: exitPartial, err: fmt.Errorf("%s is partial (%s): what looks new or gone may be only what it did not read", s.File, why)})
		}
	}
	return join(append(errs, alerted(d.Alerts(c.failOn)))...)
}
