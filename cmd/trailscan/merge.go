package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/pkg/merge"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/summarize"
)

const mergeUsage = `Usage: trailscan merge [flags] PART...

Combine the partial results of a scan split into shards into the result
one scan of everything would give. Each PART is the JSON output of
'trailscan scan --shard i/N --format json', or of 'trailscan merge
--part', which merges some shards into one part: thousands of shards can
be merged as a tree, in groups, then the groups' parts, and give what one
merge of them all gives. An event read by two shards (an account trail's
and an organization trail's copy) counts once.

Parts are refused, naming the files, when they do not belong together:
the same shard twice (in two parts, or in two merged groups), different
sources, time windows, accounts or regions, different N, different
trailscan versions, some made with --verify and some without, or some
listed from one plan (scan --plan) and some from another, or from none.
A set that lacks a shard is refused too, unless --incomplete or --part is
given.

Shards of 'scan --verify' each read and hash their share of the logs
and digests; the merge verifies the whole, with the public keys the
shards had. With shards missing (--incomplete), it verifies only what
the shards given own: their logs are missing and their digests' hours
chain gaps, not the absent shards'; no log is called unlisted, as its
digest may be an absent shard's; the integrity line says which shards
the verification covers.

Examples:
  for i in 0 1 2 3; do trailscan scan --shard $i/4 -f json -o part-$i.json ./logs & done; wait
  trailscan merge part-*.json
  trailscan merge -f html -o report.html part-*.json
  trailscan merge --by session --fail-on write,error part-*.json
  trailscan merge --part -f json -o group-0.json part-0.json part-1.json part-2.json part-3.json
  trailscan merge group-*.json

Flags:
%s
Exit codes (when several apply, the first of 143/130, 2, 5, 4, 1, 3 wins):
  0  complete
  1  a part cannot be read, or the parts do not belong together; the
     shards found no log files, or nothing in scope; none of their files
     could be read (the result is still written); or -o cannot be written
  2  bad usage: a file that is not a shard's JSON or a merge --part's, or
     shards missing without --incomplete or --part
  3  merged, but the result is partial: some files could not be read by
     the shards, or (with --incomplete, not --part) some shards are missing
  4  the merged result holds what --fail-on names; a partial result, or
     an output that could not be written, is said as well
  5  the shards ran with --verify, and the merged ledgers do not verify:
     a log is altered, missing or unlisted, a digest is invalid, or a
     chain of digests has a gap
  130 interrupted (Ctrl-C, SIGINT)
  143 terminated (SIGTERM)
`

type mergeCmd struct {
	stdout, stderr io.Writer
	now            func() time.Time // when the merged result says it was made

	reportFlags
	incomplete bool
	part       bool
	quiet      bool
}

func (c *mergeCmd) flags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("merge", pflag.ContinueOnError)
	fs.SortFlags = false
	c.register(fs, "the merged result holds")
	fs.BoolVar(&c.incomplete, "incomplete", false, "merge even if some shards are missing (the result says which; exit code 3)")
	fs.BoolVar(&c.part, "part", false, "write a part for a further merge: some of the shards (-f json; each call listed,\nas a shard's part does)")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "no warnings on standard error")
	return fs
}

func (c *mergeCmd) Run(ctx context.Context, args []string) error {
	fs := c.flags()
	if err := parseFlags(fs, mergeUsage, c.stdout, args); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	if c.part && c.format != "json" {
		return usageError{fmt.Errorf("--part writes a part for a further 'trailscan merge', which reads JSON, not %s", c.format), "add -f json, and choose the format at the last merge"}
	}
	if fs.NArg() == 0 {
		return usageError{errors.New("no PART given"), "name the JSON files written by 'trailscan scan --shard i/N -f json'"}
	}
	if err := c.checkOutput(); err != nil {
		return err
	}
	var parts []merge.Part
	for _, name := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := merge.ReadFile(name)
		if err != nil {
			if errors.Is(err, merge.ErrNotPartial) || errors.Is(err, merge.ErrNoCalls) {
				return usageError{err, "merge reads only the JSON of 'trailscan scan --shard i/N -f json' and of 'trailscan merge --part -f json'"}
			}
			return err
		}
		parts = append(parts, p)
	}
	// A part for a further merge holds some of the shards: that one
	// judges the whole.
	m, err := merge.Merge(parts, merge.Options{Incomplete: c.incomplete || c.part})
	var inc *merge.IncompleteError
	if errors.As(err, &inc) {
		return usageError{err, "wait for the missing shards, or pass --incomplete to merge what is there"}
	}
	if err != nil {
		return err
	}
	asked := summarize.Query{Sources: m.Origin.Sources, Scope: m.Origin.Scope, Version: versionString(), GeneratedAt: c.now().Truncate(time.Second)}
	var verified summarize.Option
	if v := m.Verification; v != nil {
		// A chain of digests crosses shards: only the whole verifies.
		verified = summarize.WithIntegrity(verifyLedger(v.Ledger, scan.Config{Scope: m.Origin.Scope}, v.Keys, m.VerifiedPart()))
	}
	res := m.Result(c.grouping, summarize.WithQuery(asked), c.partOption(), verified)
	// With shards missing, what they hold is not known.
	if len(m.Origin.Missing()) == 0 && !c.part {
		if err := emptyResult(res, m.Origin.Sources, m.Origin.Scope); err != nil {
			return err
		}
	}
	written := c.write(c.stdout, res)
	return join(c.status(m, res), written)
}

// status is the exit of a merge that wrote its result, as a full scan's
// would be, with missing shards as one more reason the result is partial.
func (c *mergeCmd) status(m *merge.Merged, res summarize.Result) error {
	var why []string
	if missing := m.Origin.Missing(); len(missing) > 0 && !c.part {
		why = append(why, fmt.Sprintf("%d of %d shards are missing (%s)", len(missing), m.Origin.Shards, strings.Join(missing, ", ")))
	}
	return outcome(res, c.failOn, why)
}

// partOption makes a --part result one that merge reads again: every
// call listed, as in a shard's part.
func (c *mergeCmd) partOption() summarize.Option {
	if !c.part {
		return nil
	}
	return summarize.WithCalls()
}
