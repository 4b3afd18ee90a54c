package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/pkg/merge"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

// shardOpts is what --shard and --plan asked for; spec and plan are set
// once they are parsed and read.
type shardOpts struct {
	arg      string
	spec     *shard.Spec
	planPath string
	plan     *shard.Plan
}

// addShardFlags registers the flags that split a scan across machines.
func (c *scanCmd) addShardFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.shard.arg, "shard", "", "scan only share i of N (0-based) of the objects, for 'trailscan merge';\n"+
		"auto/N takes i from the first set of "+strings.Join(shard.EnvIndex, ", "))
	fs.StringVar(&c.shard.planPath, "plan", "", "with --shard: list the S3 sources from this plan ('trailscan plan'), made once for\nevery shard, rather than find their accounts and regions again")
}

// planHint says how to make a plan that fits.
const planHint = "make the plan with the shards' SOURCE, --since, --until, --account and --region, and --shards N: " +
	"trailscan plan --shards N [flags] SOURCE... -o plan.json"

// applyShard limits cfg to this copy's share of the objects, and reads
// --plan, before any source is opened. A shard's output is a part for
// 'trailscan merge', so it must be JSON.
func (c *scanCmd) applyShard(cfg *scan.Config) error {
	if c.shard.arg == "" {
		if c.shard.planPath != "" {
			return usageError{errors.New("--plan without --shard"), "a plan is for the shards of one scan: add --shard i/N"}
		}
		return nil
	}
	spec, err := shard.Parse(c.shard.arg, os.Getenv)
	if err != nil {
		return usageError{err, "write --shard 0/4 for the first of four shards, or --shard auto/4 inside an AWS Batch array job, a Kubernetes indexed Job or a Slurm job array numbered from 0"}
	}
	if c.format != "json" {
		return usageError{fmt.Errorf("--shard writes a part for 'trailscan merge', which reads JSON, not %s", c.format), "add -f json, and choose the format when merging"}
	}
	c.shard.spec = &spec
	cfg.Select, cfg.Share = spec.Select, spec.Owns
	if c.shard.planPath == "" {
		return nil
	}
	p, err := shard.ReadPlanFile(c.shard.planPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return exitError{code: exitFailed, err: fmt.Errorf("--plan: %w", err), hint: planHint}
	case err != nil:
		return exitError{code: exitFailed, err: fmt.Errorf("--plan: %w", err), hint: "the plan file was damaged or edited, or is of another trailscan's plan format: " + planHint}
	}
	c.shard.plan = p
	return nil
}

// usePlan makes srcs list from --plan, once it is known to be the plan of
// this scan, and warns of what it cannot hold.
func (c *scanCmd) usePlan(srcs []source.Source, cfg scan.Config) error {
	p := c.shard.plan
	if p == nil {
		return nil
	}
	if err := p.Check(sourceNames(srcs), cfg.Scope, *c.shard.spec); err != nil {
		return usageError{fmt.Errorf("--plan %s: %w", c.shard.planPath, err), planHint}
	}
	if err := p.Use(srcs); err != nil {
		return exitError{code: exitFailed, err: fmt.Errorf("--plan %s: %w", c.shard.planPath, err), hint: "the plan file was damaged or edited: " + planHint}
	}
	if !c.quiet {
		warnEarly(c.stderr, c.shard.planPath, p)
	}
	return nil
}

// warnEarly says what a plan made before its window's last deliveries
// could arrive misses.
func warnEarly(stderr io.Writer, name string, p *shard.Plan) {
	if !p.Early() || len(p.Discovery) == 0 {
		return
	}
	made := p.MadeAt.UTC().Format(time.RFC3339)
	when := made + " and the window has no end"
	if !p.Scope.Until.IsZero() {
		when = fmt.Sprintf("%s, before the window's last deliveries (up to %s)", made, p.Scope.Until.Add(trail.LateDelivery).UTC().Format(time.RFC3339))
	}
	missed := "an account or a region whose first logs came after it is not scanned"
	for _, d := range p.Discovery {
		if !d.WalkedAt.IsZero() {
			// Its shards name the days it found, and those since.
			missed += ", nor a log copied in after it into an earlier day it did not find"
			break
		}
	}
	fmt.Fprintf(stderr, "trailscan: warning: plan %s was made at %s: %s\n", name, when, missed)
}

// planID names the plan the shard lists from, for its part: "" for none.
func (o shardOpts) planID() string {
	if o.plan == nil {
		return ""
	}
	return o.plan.ID()
}

// shardOptions make a shard's result a part that merge can read: where it
// came from, and every call.
func (c *scanCmd) shardOptions(srcs []source.Source, cfg scan.Config) []summarize.Option {
	if c.shard.spec == nil {
		return nil
	}
	return []summarize.Option{summarize.WithOrigin(merge.Origin(srcs, cfg.Scope, *c.shard.spec, c.shard.planID(), versionString())), summarize.WithCalls()}
}
