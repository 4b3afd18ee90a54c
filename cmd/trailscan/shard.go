package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/pkg/merge"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// shardOpts is what --shard asked for; spec is set once it is parsed.
type shardOpts struct {
	arg  string
	spec *shard.Spec
}

// addShardFlags registers the flags that split a scan across machines.
func (c *scanCmd) addShardFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.shard.arg, "shard", "", "scan only share i of N (0-based) of the objects, for 'trailscan merge';\n"+
		"auto/N takes i from the first set of "+strings.Join(shard.EnvIndex, ", "))
}

// applyShard limits cfg to this copy's share of the objects. A shard's
// output is a part for 'trailscan merge', so it must be JSON.
func (c *scanCmd) applyShard(cfg *scan.Config) error {
	if c.shard.arg == "" {
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
	return nil
}

// shardOptions make a shard's result a part that merge can read: where it
// came from, and every call.
func (c *scanCmd) shardOptions(srcs []source.Source, cfg scan.Config) []summarize.Option {
	if c.shard.spec == nil {
		return nil
	}
	return []summarize.Option{summarize.WithOrigin(merge.Origin(srcs, cfg.Scope, *c.shard.spec, "", versionString())), summarize.WithCalls()}
}
