package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/pkg/evidence"
	"github.com/trailscan/trailscan/pkg/report"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/state"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

const scanUsage = `Usage: trailscan scan [flags] SOURCE...

Summarize the API calls AWS Support made with its service-linked role
AWSServiceRoleForSupport, by service and action, from CloudTrail logs.

SOURCE is a directory of downloaded logs (walked recursively; the layout
AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ under any prefix),
a single .json.gz or .json log file, s3://BUCKET[/PREFIX], or - for one
log read from standard input (gzip or not; not with --state or --events).
Digest and Insight files are never counted.

Examples:
  trailscan scan ./cloudtrail-logs
  trailscan scan --since 2026-10-01 --until 2026-10-08 -f json -o week.json ./logs
  trailscan scan --since 7d ./logs
  aws s3 cp s3://bucket/AWSLogs/.../file.json.gz - | trailscan scan -
  trailscan scan --account 111122223333 --region eu-west-1 s3://org-trail-bucket/prefix
  trailscan scan --by session --events support-events.ndjson ./logs
  trailscan scan -f html -o support.html ./logs
  trailscan scan --state /var/lib/trailscan/state.json --fail-on write,error -q s3://bucket/prefix
  trailscan scan --verify --public-keys keys.json ./logs

Flags:
%s
Exit codes (when several apply, the first of 143/130, 2, 5, 4, 1, 3 wins):
  0  complete
  1  nothing was scanned: a source is missing or unreadable, holds no log
     files, or the filters keep none of its files or events (the error
     says what it holds); or none of the files could be read (the result
     is still written, listing them); or -o, --events or --state cannot
     be written (checked before the scan)
  2  bad usage
  3  finished, but some files could not be read: the result is partial
     (each is listed with its reason in the output)
  4  finished, and found what --fail-on names (with --state, among what
     is new since the last run); a partial result, or an output that
     could not be written, is said as well
  5  --verify: a log is altered, missing or unlisted, a digest is invalid,
     or a chain of digests has a gap (the result names each); what else
     applies is said as well
  130 interrupted (Ctrl-C, SIGINT)
  143 terminated (SIGTERM)

A --shard whose share holds no files, or nothing in scope, exits 0: its
part is valid, and the merge judges the whole. One that could read none
of its files exits 1, to be run again. With --plan (see 'trailscan plan
--help'), a shard lists its S3 sources from the accounts and regions the
plan found, once for every shard; a plan made for other sources, another
scope or another N is refused with exit 2, and one that cannot be read
with exit 1.

With --state, the result is cumulative, every object read so far, and
says first what this run added: new_since_last_run in JSON, the events
no earlier run counted (a copy of an old event in a new file is not
new), their writes, failures, notable calls and sessions, and the new
authorization events and their cases. --fail-on judges only what is new,
so a write found once alerts once, not on every run after.

A --state file made for other sources or another scope (--since, --until,
--account, --region), or that is not a regular file, is refused with exit
2; one of a newer format, one edited or damaged (its checksum does not
match), or one another run holds, with exit 1. A time relative to now
(--since 7d) moves with each run, and is refused with --state and with
--shard (exit 2).
`

type scanCmd struct {
	stdout, stderr io.Writer
	// now is the clock: --since 7d counts back from it, and the result
	// says it was made at it.
	now func() time.Time

	reportFlags
	since, until     string
	jobs             int
	accounts, region []string
	quiet            bool
	s3               source.Options
	shard            shardOpts // shard.go
	events           string
	statePath        string
	verify           verifyOpts // verify.go
}

func (c *scanCmd) flags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	fs.SortFlags = false
	c.selectionFlags(fs)
	c.register(fs, "the scan finds (with --state, among what is new)")
	c.accessFlags(fs)
	fs.StringVar(&c.events, "events", "", "write each matched Support event, whole, to this file as NDJSON, in time order")
	fs.StringVar(&c.statePath, "state", "", "incremental run: read only objects this state file has not seen, keep it up to date,\nand report the cumulative result and what is new since the last run")
	c.addShardFlags(fs)
	c.addVerifyFlags(fs)
	return fs
}

// selectionFlags choose what a scan reads, as scan and verify take them.
func (c *scanCmd) selectionFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.since, "since", "", "count events at or after this time: RFC 3339, YYYY-MM-DD (UTC), or a duration\nbefore now (90m, 24h, 7d)")
	fs.StringVar(&c.until, "until", "", "count events before this time, written as for --since")
	fs.StringSliceVar(&c.accounts, "account", nil, "only this account ID (repeatable)")
	fs.StringSliceVar(&c.region, "region", nil, "only events in this AWS region (repeatable)")
}

// accessFlags say how a scan reads, as scan and verify take them.
func (c *scanCmd) accessFlags(fs *pflag.FlagSet) {
	fs.IntVarP(&c.jobs, "jobs", "j", 0, "most files read at once (default: as many as keep every CPU decoding,\nchosen as the scan goes: for S3, often a hundred or more)")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "no progress line or warnings on standard error (the exit code still says a result is partial)")
	c.s3Flags(fs)
}

// s3Flags say how S3 sources are reached, as scan, verify and plan take
// them.
func (c *scanCmd) s3Flags(fs *pflag.FlagSet) {
	fs.StringVar(&c.s3.Profile, "profile", "", "AWS shared config profile for s3:// sources")
	fs.StringVar(&c.s3.Region, "bucket-region", "", "region of the S3 bucket (default: found from the bucket)")
	fs.StringVar(&c.s3.Endpoint, "endpoint-url", "", "S3-compatible endpoint or VPC endpoint URL")
	fs.BoolVar(&c.s3.PathStyle, "path-style", false, "path-style S3 addressing (some S3-compatible stores need it)")
	fs.StringVar(&c.s3.RequestPayer, "request-payer", "", `"requester" for requester-pays buckets`)
}

func (c *scanCmd) Run(ctx context.Context, args []string) error {
	fs := c.flags()
	if err := parseFlags(fs, scanUsage, c.stdout, args); err != nil {
		return err
	}
	// One reading of the clock: relative times and the query's time agree.
	now := c.now().UTC().Truncate(time.Second)
	cfg, err := c.config(now)
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{fmt.Errorf("no SOURCE given"), "name a directory of logs, a log file, or s3://bucket/prefix"}
	}
	if err := c.checkStdin(fs.Args()); err != nil {
		return err
	}
	// An output that cannot be written is found now, not after the scan.
	if err := join(c.checkOutput(), checkWritable("--events", c.events), checkState(c.statePath)); err != nil {
		return err
	}
	srcs, err := c.sources(ctx, fs.Args())
	if err != nil {
		return err
	}
	if err := c.usePlan(srcs, cfg); err != nil {
		return err
	}
	cfg.Progress = new(scan.Progress)
	stop := c.progress(ctx, srcs, cfg)
	sum, since, err := c.scan(ctx, srcs, cfg)
	stop()
	if err != nil {
		return err
	}
	asked := summarize.WithQuery(summarize.Query{Sources: sourceNames(srcs), Scope: cfg.Scope, Version: versionString(), GeneratedAt: now})
	res := sum.Result(append(c.shardOptions(srcs, cfg), c.grouping, asked, since, c.integrityOption(ctx, srcs, cfg))...)
	// A shard's share may be empty: the merge judges the whole.
	if c.shard.spec == nil {
		if err := nothingToScan(ctx, res, srcs, cfg.Scope); err != nil {
			return err
		}
	}
	// Each output is written even if another could not be, and an alert
	// outranks a failed write (see precedence).
	written := c.write(c.stdout, res)
	why, evidence := c.writeEvidence(ctx, sum, srcs)
	return join(outcome(res, c.failOn, why), written, evidence)
}

// writeEvidence writes --events. Records whose files cannot be read again
// (deleted or changed since they were scanned) are left out; the returned
// reason makes the run partial rather than failed, so that --fail-on
// still alerts.
func (c *scanCmd) writeEvidence(ctx context.Context, sum *summarize.Summary, srcs []source.Source) (why []string, err error) {
	if c.events == "" {
		return nil, nil
	}
	var missed *evidence.MissedError
	err = writeFile(c.stdout, "--events", c.events, func(w io.Writer) error {
		_, err := evidence.Write(ctx, w, sum.Calls(), evidence.OpenFrom(srcs))
		if errors.As(err, &missed) {
			return nil
		}
		return err
	})
	if missed != nil {
		why = append(why, missed.Error())
	}
	return why, err
}

// scan runs the scan, incrementally when --state is given; then since
// adds to the result what the run added to the state's.
func (c *scanCmd) scan(ctx context.Context, srcs []source.Source, cfg scan.Config) (_ *summarize.Summary, since summarize.Option, _ error) {
	if c.statePath == "" {
		sum, err := scan.Run(ctx, srcs, cfg)
		return sum, nil, err
	}
	sum, stats, err := state.Scan(ctx, c.statePath, srcs, cfg)
	var mismatch *state.MismatchError
	var damaged *state.DamagedError
	var locked *state.LockedError
	switch {
	case errors.As(err, &mismatch):
		return nil, nil, usageError{err, "give the same SOURCE and --since/--until/--account/--region and --verify as the run that made it, or another --state file"}
	case errors.Is(err, state.ErrNotFile):
		return nil, nil, usageError{err, "give --state a regular file, or a path where none exists yet"}
	case errors.As(err, &damaged):
		return nil, nil, exitError{code: exitFailed, err: err, hint: "the state file was edited or damaged: delete it to start over (the next run reads everything again), or restore a backup of it"}
	case errors.As(err, &locked):
		return nil, nil, exitError{code: exitFailed, err: err, hint: "runs of one state file must not overlap: let that run finish, or schedule the runs further apart"}
	case err != nil:
		return nil, nil, err
	}
	if !c.quiet {
		fmt.Fprintf(c.stderr, "trailscan: state %s: read %d new or changed objects, %d already read\n", c.statePath, stats.Read, stats.Skipped)
		if stats.Rescanned {
			fmt.Fprintf(c.stderr, "trailscan: warning: %d objects changed since they were read: everything was read again\n", stats.Changed)
		}
		if stats.Dropped > 0 {
			fmt.Fprintf(c.stderr, "trailscan: warning: %d objects read before are no longer in the source: after reading everything again, their events no longer count\n", stats.Dropped)
		}
		if stats.Missing > 0 {
			fmt.Fprintf(c.stderr, "trailscan: warning: %d objects in the state are no longer in the source; their events are still counted\n", stats.Missing)
		}
	}
	return sum, summarize.SinceLastRun(stats.Before), nil
}

// checkState is checkWritable for --state, but for a path that exists and
// is not a regular file: state.Scan refuses that as bad usage, before it
// reads anything.
func checkState(path string) error {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil
	}
	return checkWritable("--state", path)
}

// config is the scan the flags ask for, with relative times counted back
// from now.
func (c *scanCmd) config(now time.Time) (scan.Config, error) {
	var cfg scan.Config
	var err error
	if cfg.Scope.Since, err = parseTime("--since", c.since, now); err != nil {
		return cfg, err
	}
	if cfg.Scope.Until, err = parseTime("--until", c.until, now); err != nil {
		return cfg, err
	}
	if !cfg.Scope.Since.IsZero() && !cfg.Scope.Until.IsZero() && !cfg.Scope.Since.Before(cfg.Scope.Until) {
		return cfg, usageError{fmt.Errorf("--since %s is not before --until %s", c.since, c.until), ""}
	}
	if err := c.check(); err != nil {
		return cfg, err
	}
	if c.jobs < 0 {
		return cfg, usageError{fmt.Errorf("--jobs must be at least 1"), ""}
	}
	if c.statePath != "" && c.shard.arg != "" {
		return cfg, usageError{fmt.Errorf("--state and --shard cannot be combined"), "keep one state file per whole scan"}
	}
	for _, f := range []struct{ flag, value string }{{"--since", c.since}, {"--until", c.until}} {
		if _, ok := ago(f.value); ok && (c.statePath != "" || c.shard.arg != "") {
			return cfg, windowMoves(f.flag, f.value, c.statePath != "")
		}
	}
	if c.events == "-" && (c.output == "" || c.output == "-") {
		return cfg, usageError{fmt.Errorf("--events - and the report would both go to standard output"), "write the report elsewhere with -o FILE"}
	}
	if err := checkScope(c.accounts, c.region); err != nil {
		return cfg, err
	}
	cfg.Jobs, cfg.Scope.Accounts, cfg.Scope.Regions = c.jobs, c.accounts, c.region
	if err := c.applyVerify(&cfg); err != nil {
		return cfg, err
	}
	return cfg, c.applyShard(&cfg)
}

// checkStdin refuses what cannot go with SOURCE -: standard input is read
// once, as it comes, and has no name or version of its own.
func (c *scanCmd) checkStdin(args []string) error {
	if !slices.Contains(args, source.Stdin) {
		return nil
	}
	switch {
	case c.statePath != "":
		return usageError{errors.New("--state cannot be combined with SOURCE - (standard input)"),
			"a state remembers which objects it read by name and version, and a stream has neither: save the logs to files and scan their directory"}
	case c.events != "":
		// Evidence copies each record out of its log after the scan, and
		// a stream is gone by then; keeping a copy of it all on disk, for
		// the few records evidence wants, is the user's call to make.
		return usageError{errors.New("--events cannot be combined with SOURCE - (standard input)"),
			"--events reads each matched record again once the scan is done, and standard input can be read only once: save the log to a file and name that"}
	case isTerminal(os.Stdin):
		return usageError{errors.New("SOURCE - reads standard input, which is a terminal"),
			"pipe a log into it: aws s3 cp s3://bucket/key.json.gz - | trailscan scan -"}
	}
	return nil
}

// checkScope refuses account IDs and region names that cannot name
// anything: a typo would otherwise match no event, and look like an
// account Support never touched.
func checkScope(accounts, regions []string) error {
	for _, a := range accounts {
		if !trail.IsAccountID(a) {
			return usageError{fmt.Errorf("--account %q is not an account ID", a), "an account ID is twelve digits, such as 111122223333"}
		}
	}
	for _, r := range regions {
		if !trail.IsRegion(r) {
			return usageError{fmt.Errorf("--region %q is not a region name", r), "a region is named like us-east-1 or eu-west-2"}
		}
	}
	return nil
}

// windowMoves refuses a time relative to now with --state, or with
// --shard: a state is kept for one window, and the shards of one scan
// must scan one window, but such a window moves from run to run.
func windowMoves(flag, value string, state bool) error {
	if state {
		return usageError{fmt.Errorf("%s %s moves with each run, and a --state file is kept for one window", flag, value),
			"with --state, give a fixed time (" + flag + " 2026-10-01), or none: each run reads only what is new anyway"}
	}
	return usageError{fmt.Errorf("%s %s moves with each run, and the shards of a scan must all scan one window", flag, value),
		"give every shard the same fixed time (" + flag + " 2026-10-01), or merge would refuse their parts"}
}

// parseTime reads RFC 3339; a date, which means its midnight UTC; or a
// duration before now (see ago).
func parseTime(flag, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if d, ok := ago(s); ok {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, usageError{fmt.Errorf("%s %q is not a time", flag, s), "write 2026-10-01, 2026-10-01T12:00:00Z, or a duration before now: 90m, 24h, 7d"}
}

// maxDays keeps a number of days inside what a time.Duration holds.
const maxDays = math.MaxInt64 / int64(24*time.Hour)

// ago reads a duration that is not negative: Go's (90m, 24h, 1h30m), or a
// whole number of days (7d), which Go's cannot write.
func ago(s string) (time.Duration, bool) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseInt(n, 10, 64)
		if err != nil || days < 0 || days > maxDays {
			return 0, false
		}
		return time.Duration(days) * 24 * time.Hour, true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil && d >= 0
}

func isS3(arg string) bool { return source.IsS3(arg) }

func (c *scanCmd) sources(ctx context.Context, args []string) ([]source.Source, error) {
	var srcs []source.Source
	// The same directory named twice ("logs", "./logs/") is read once.
	clean := make([]string, len(args))
	for i, a := range args {
		clean[i] = a
		if !isS3(a) {
			clean[i] = filepath.Clean(a)
		}
	}
	if !c.quiet {
		// The AWS SDK's warnings, said as trailscan's; -q keeps errors only.
		var mu sync.Mutex
		c.s3.Warn = func(msg string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(c.stderr, "trailscan: warning: AWS SDK: %s\n", report.Clean(msg))
		}
	}
	for _, a := range slices.Compact(slices.Sorted(slices.Values(clean))) {
		s, err := source.New(ctx, a, c.s3)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
	}
	return srcs, nil
}

// sourceNames names srcs as the user did.
func sourceNames(srcs []source.Source) []string {
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = s.String()
	}
	return names
}

// progress shows a status line on a terminal until stop is called.
func (c *scanCmd) progress(ctx context.Context, srcs []source.Source, cfg scan.Config) (stop func()) {
	f, ok := c.stderr.(*os.File)
	if c.quiet || !ok || !isTerminal(f) {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	// An incremental run reads only what its state has not: counted
	// ahead, the whole archive would be a false total.
	if c.statePath == "" {
		go scan.CountAhead(ctx, srcs, cfg)
	}
	stopLine := showProgress(f, cfg.Progress)
	return func() { cancel(); stopLine() }
}
