package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source"
)

const planUsage = `Usage: trailscan plan --shards N [flags] SOURCE... -o plan.json

Find once what every shard of 'trailscan scan --shard i/N' would find
before it lists a day folder: the accounts' CloudTrail/ folders of each
S3 source (under every trail's prefix and organization folder), their
regions, and the logs outside them. For a window with no --since or no
--until, or of over a year, it also finds the days each region holds (a
request for the region, one for each of its years, and one for its
newest month; none for a region in its account's first listing page).
Each shard given the plan with --plan lists only its own day folders,
and none of the folders above them: N shards make the discovery's
requests once, not N times, and list each day folder once between them.

Give the plan the SOURCE, --since, --until, --account and --region the
shards will be given, and their number with --shards: a shard whose
command line differs is refused (exit 2), naming what differs. Each part
records the plan's SHA-256, and 'trailscan merge' refuses parts of
different plans, or of a plan and none. A local directory is walked whole
by each shard, at no cost: the plan holds nothing for it.

The plan sees what the sources hold when it is made. An account or a
region whose first logs are delivered after it, or a log outside the
CloudTrail layout written after it, is not scanned; new day folders and
logs in the regions it found are (where it holds their days, those of
its day and after: logs copied in later into a month it did not see,
of an earlier day, are not). Make it after the window's end and its
late deliveries (--until plus 6 hours), just before the shards start;
scan and plan warn when it is made earlier, or for a window with no end.

Examples:
  trailscan plan --shards 16 --since 2026-01-01 --until 2026-07-01 -o plan.json s3://org-trail-bucket/prefix
  trailscan scan --plan plan.json --shard $i/16 --since 2026-01-01 --until 2026-07-01 -q -f json -o part-$i.json s3://org-trail-bucket/prefix

Flags:
%s
Exit codes:
  0  the plan is written
  1  a folder of a source cannot be listed (each shard would miss what
     the plan did not find), an S3 source holds nothing in scope, or -o
     cannot be written
  2  bad usage
  130 interrupted (Ctrl-C, SIGINT)
  143 terminated (SIGTERM)
`

// planCmd is trailscan plan: the discovery of a sharded scan, made once.
type planCmd struct {
	scanCmd
	shards int
}

func (c *planCmd) flags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("plan", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.IntVar(&c.shards, "shards", 0, "the number of shards the plan is for: N of the shards' --shard i/N")
	c.selectionFlags(fs)
	fs.StringVarP(&c.output, "output", "o", "", "write the plan to this file instead of standard output")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "no summary or warnings on standard error")
	c.s3Flags(fs)
	return fs
}

func (c *planCmd) Run(ctx context.Context, args []string) error {
	// A plan is JSON, and summarizes nothing: config checks these.
	c.format, c.by = "json", "service"
	fs := c.flags()
	if err := parseFlags(fs, planUsage, c.stdout, args); err != nil {
		return err
	}
	now := c.now().UTC().Truncate(time.Second)
	for _, f := range []struct{ flag, value string }{{"--since", c.since}, {"--until", c.until}} {
		if _, ok := ago(f.value); ok {
			return windowMoves(f.flag, f.value, false)
		}
	}
	cfg, err := c.config(now)
	if err != nil {
		return err
	}
	switch {
	case c.shards < 1:
		return usageError{fmt.Errorf("--shards %d: a plan is for N shards, N at least 1", c.shards), "give --shards the N of the shards' --shard i/N"}
	case fs.NArg() == 0:
		return usageError{errors.New("no SOURCE given"), "name the shards' sources: s3://bucket/prefix, or a directory of logs"}
	case slices.Contains(fs.Args(), source.Stdin):
		return usageError{errors.New("a plan cannot be made of SOURCE - (standard input)"), "a plan lists sources for many shards, and standard input is one stream, read once"}
	}
	if err := checkOutput(c.output); err != nil {
		return err
	}
	srcs, err := c.sources(ctx, fs.Args())
	if err != nil {
		return err
	}
	p, err := shard.NewPlan(ctx, srcs, cfg.Scope, c.shards, now, versionString())
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return exitError{code: exitFailed, err: err, hint: "every shard would miss a folder the plan could not list: make the plan again once it can be listed"}
	}
	for _, name := range p.Sources {
		if d := p.Discovery[name]; d != nil && len(d.Accounts) == 0 && len(d.Others) == 0 {
			return exitError{code: exitFailed, err: fmt.Errorf("nothing to plan: no CloudTrail log files in %s (scope: %s)", name, p.Scope),
				hint: "check the prefix, and that --account and --region name accounts and regions the trail logs"}
		}
	}
	if err := writeFile(c.stdout, "-o", c.output, p.Write); err != nil {
		return exitError{code: exitFailed, err: err}
	}
	if !c.quiet {
		c.summary(p)
	}
	return nil
}

// summary says on standard error what the plan found.
func (c *planCmd) summary(p *shard.Plan) {
	accounts, regions, others := 0, 0, 0
	for _, d := range p.Discovery {
		accounts, regions, others = accounts+len(d.Accounts), regions+d.Regions(), others+len(d.Others)
	}
	name := c.output
	if name == "" || name == "-" {
		name = "written"
	}
	if len(p.Discovery) == 0 {
		fmt.Fprintf(c.stderr, "trailscan: plan %s (%s) for %d shards: no S3 source to find folders in (a local directory is walked whole by each shard)\n", name, p.ID(), p.Shards)
		return
	}
	fmt.Fprintf(c.stderr, "trailscan: plan %s (%s) for %d shards: %d accounts' CloudTrail folders, %d regions, %d other logs, in %d S3 sources\n",
		name, p.ID(), p.Shards, accounts, regions, others, len(p.Discovery))
	warnEarly(c.stderr, name, p)
}
