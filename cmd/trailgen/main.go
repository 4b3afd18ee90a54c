package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/internal/gen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `Usage: trailgen [flags] -o DIR

Writes a synthetic CloudTrail archive below DIR, an empty or new directory,
with the S3 key layout of an account trail (and of an organization trail
with --org), and prints what it wrote. The same flags write the same bytes.

Examples:
  trailgen -o /tmp/archive
  trailgen --damaged --org o-a1b2c3d4e5 --partitions aws,aws-us-gov -o /tmp/a --manifest /tmp/a.json
  trailgen --size-mb 1024 --uneven -o /tmp/big
  trailgen --digests --public-keys /tmp/keys.json -o /tmp/signed --manifest /tmp/signed.json
  trailgen --shape cwl-export -o /tmp/exported

--shape writes the same events in another shape trailscan reads: NDJSON,
a bare array, EventBridge events, lookup-events output (pretty or one
Event a line), CloudWatch Logs subscription payloads as Firehose writes
them (under firehose/), or a CloudWatch Logs export (under exportedlogs/).

With --digests, the digests' signatures, which S3 keeps as object metadata,
are in the manifest's "metadata", by path.

Flags:
%s`

// options are the command line, before it becomes a gen.Config.
type options struct {
	seed                   int64
	start                  string
	days, accounts         int
	regions, partitions    string
	filesPerDay, records   int
	supportRate            float64
	sizeMB                 int64
	damaged, uneven, quiet bool
	cases                  bool
	digests                bool
	org, prefix, orgPrefix string
	workers                int
	out, manifest, keys    string
	shape                  string
}

func (o *options) flags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("trailgen", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.Int64Var(&o.seed, "seed", 1, "random seed: the archive depends only on it and the other flags")
	fs.StringVar(&o.start, "start", "2026-10-01", "first day of events, `YYYY-MM-DD` (UTC)")
	fs.IntVar(&o.days, "days", 3, "number of days of events")
	fs.IntVar(&o.accounts, "accounts", 3, "number of accounts (12-digit IDs derived from the seed)")
	fs.StringVar(&o.regions, "regions", "us-east-1,eu-west-1", "comma-separated regions of aws-partition accounts")
	fs.StringVar(&o.partitions, "partitions", "", "comma-separated partitions of the first accounts in order, e.g. aws,aws-us-gov (others: aws)")
	fs.IntVar(&o.filesPerDay, "files-per-day", 4, "log files per account, region and day")
	fs.IntVar(&o.records, "records", 50, "average records per log file")
	fs.Float64Var(&o.supportRate, "support-rate", 0.03, "fraction of records made by the Support role")
	fs.Int64Var(&o.sizeMB, "size-mb", 0, "target uncompressed size in MiB of the valid log files; sets --files-per-day and --records")
	fs.BoolVar(&o.damaged, "damaged", false, "add damaged, multi-member, uncompressed, empty, Digest and Insight files")
	fs.StringVar(&o.shape, "shape", "delivered", "`NAME` of the shape of the log files: delivered, "+strings.Join(gen.Shapes, ", "))
	fs.BoolVar(&o.cases, "cases", false, "add a Support case a day per account: Support API calls, permit events and the role's calls for it")
	fs.BoolVar(&o.digests, "digests", false, "write signed hourly CloudTrail-Digest files, as log file integrity validation does")
	fs.StringVar(&o.org, "org", "", "organization `ID` (o-...): add an organization trail logging the same events again")
	fs.StringVar(&o.prefix, "prefix", "acct-trail", "key prefix of the account trail")
	fs.StringVar(&o.orgPrefix, "org-prefix", "org-trail", "key prefix of the organization trail")
	fs.BoolVar(&o.uneven, "uneven", false, "give the first accounts 8 and 3 times the files of the others")
	fs.IntVar(&o.workers, "workers", 0, "files generated at once (default GOMAXPROCS); does not change the output")
	fs.StringVarP(&o.out, "output", "o", "", "output `DIR` (required)")
	fs.StringVar(&o.manifest, "manifest", "", "also write the manifest, as JSON, to `FILE` (outside DIR, or scanners read it)")
	fs.StringVar(&o.keys, "public-keys", "", "with --digests, also write the public keys that verify them, as `aws cloudtrail list-public-keys` prints them, to `FILE` (outside DIR)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing on success")
	return fs
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	fs := o.flags()
	fs.Usage = func() { fmt.Fprintf(stdout, usage, fs.FlagUsages()) }
	fs.SetOutput(io.Discard) // errors are printed below, with the hint
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) { // pflag has printed the usage
			return 0
		}
		return usageError(stderr, err.Error())
	}
	if fs.NArg() > 0 {
		return usageError(stderr, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if o.out == "" {
		return usageError(stderr, "no output directory: use -o DIR")
	}
	if o.keys != "" && !o.digests {
		return usageError(stderr, "--public-keys without --digests: there are no digests to verify")
	}
	c, err := o.config()
	if err != nil {
		return usageError(stderr, err.Error())
	}
	if err := checkEmpty(o.out); err != nil {
		fmt.Fprintf(stderr, "trailgen: error: %v\ntrailgen: hint: choose a new or empty directory: files already there would not be in the manifest\n", err)
		return 1
	}
	began := time.Now()
	m, err := gen.WriteContext(ctx, o.out, c)
	if err == nil && o.manifest != "" {
		err = writeManifest(o.manifest, m)
	}
	if err == nil && o.keys != "" {
		err = writePublicKeys(o.keys, c)
	}
	if err != nil {
		fmt.Fprintf(stderr, "trailgen: error: %v\n", err)
		if ctx.Err() != nil {
			return 130
		}
		return 1
	}
	if !o.quiet {
		report(stdout, o.out, m, time.Since(began))
	}
	return 0
}

func usageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "trailgen: error: %s\ntrailgen: hint: see trailgen --help\n", msg)
	return 2
}

// config turns the options into a gen.Config.
func (o *options) config() (gen.Config, error) {
	start, err := time.Parse("2006-01-02", o.start)
	if err != nil {
		return gen.Config{}, fmt.Errorf("--start %q: want YYYY-MM-DD", o.start)
	}
	if o.accounts < 1 {
		return gen.Config{}, fmt.Errorf("--accounts %d: want at least 1", o.accounts)
	}
	c := gen.Config{
		Seed: o.seed, Start: start, Days: o.days, Accounts: accountIDs(o.seed, o.accounts),
		Regions: splitList(o.regions), OrgID: o.org, Prefix: o.prefix, OrgPrefix: o.orgPrefix,
		FilesPerDay: o.filesPerDay, RecordsPerFile: o.records, SupportRate: o.supportRate,
		Damaged: o.damaged, Digests: o.digests, Shape: o.shape, Cases: o.cases, Workers: o.workers,
	}
	if o.supportRate == 0 {
		c.SupportRate = -1 // gen reads 0 as "default"; the flag's 0 means none
	}
	parts := splitList(o.partitions)
	if len(parts) > len(c.Accounts) {
		return c, fmt.Errorf("--partitions: %d partitions for %d accounts", len(parts), len(c.Accounts))
	}
	c.Partitions = map[string]string{}
	for i, p := range parts {
		c.Partitions[c.Accounts[i]] = p
	}
	if o.uneven {
		c.Weights = map[string]int{}
		for i, w := range []int{8, 3} {
			if i < len(c.Accounts) {
				c.Weights[c.Accounts[i]] = w
			}
		}
	}
	if o.sizeMB > 0 {
		return c.Sized(o.sizeMB << 20)
	}
	return c, c.Validate()
}

// accountIDs derives n distinct 12-digit account IDs from the seed.
func accountIDs(seed int64, n int) []string {
	r := rand.New(rand.NewPCG(uint64(seed), 0xacc0))
	seen := map[string]bool{}
	var ids []string
	for len(ids) < n {
		id := fmt.Sprintf("%012d", 100_000_000_000+r.Int64N(900_000_000_000))
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// checkEmpty fails if dir exists and holds anything.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("output directory %s is not empty", dir)
	}
	return nil
}

func writeManifest(name string, m gen.Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, append(b, '\n'), 0o644)
}

func writePublicKeys(name string, c gen.Config) error {
	b, err := c.PublicKeys()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, b, 0o644)
}

func report(w io.Writer, dir string, m gen.Manifest, took time.Duration) {
	fmt.Fprintf(w, "wrote %s in %.1fs\n", dir, took.Seconds())
	fmt.Fprintf(w, "  files:   %d (%d valid logs, %d damaged, %d digest, %d insight)\n",
		m.Files, m.ValidFiles, len(m.DamagedFiles), m.DigestFiles, m.InsightFiles)
	fmt.Fprintf(w, "  records: %d (%d distinct events), %.1f MiB uncompressed\n", m.Records, m.Events, float64(m.Bytes)/(1<<20))
	fmt.Fprintf(w, "  support: %d events, %d failed, %d actions; %d authorization events\n",
		len(m.Support), m.SupportErrors, len(m.Actions), len(m.AuthzEvents))
	fmt.Fprintf(w, "  events:  %s to %s\n", m.FirstEvent.Format(time.RFC3339), m.LastEvent.Format(time.RFC3339))
}
