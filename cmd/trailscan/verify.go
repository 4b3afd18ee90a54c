package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/spf13/pflag"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/report"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// verifyOpts is what --verify and --public-keys asked for.
type verifyOpts struct {
	on       bool
	keysPath string
	keys     []integrity.PublicKey // from --public-keys, read before the scan
	only     bool                  // trailscan verify: no Support summary
}

// keysHint says how to fetch the public keys once, for offline runs.
const keysHint = "fetch the public keys once, where AWS credentials are: aws cloudtrail list-public-keys --region REGION " +
	"--start-time 2026-01-01T00:00:00Z --end-time 2026-12-31T00:00:00Z > keys.json, then give --public-keys keys.json"

func (c *scanCmd) addVerifyFlags(fs *pflag.FlagSet) {
	if !c.verify.only {
		fs.BoolVar(&c.verify.on, "verify", false, "verify each log read against CloudTrail's signed digests; exit 5 when a log is altered,\nmissing or unlisted, or a digest invalid or absent (see 'trailscan verify --help')")
	}
	fs.StringVar(&c.verify.keysPath, "public-keys", "", "the public keys that verify the digests, as 'aws cloudtrail list-public-keys' prints them\n(default: for s3:// sources, asked of CloudTrail with the same credentials; else signatures\nare not checked)")
}

// applyVerify gives cfg a ledger to fill, and reads --public-keys before
// the scan, which may take hours.
func (c *scanCmd) applyVerify(cfg *scan.Config) error {
	v := &c.verify
	if v.keysPath != "" && !v.on {
		return usageError{errors.New("--public-keys without --verify"), "add --verify, or run 'trailscan verify'"}
	}
	if !v.on {
		return nil
	}
	if v.keysPath != "" {
		list, err := readKeys(v.keysPath)
		if err != nil {
			return exitError{code: exitFailed, err: fmt.Errorf("--public-keys %s: %w", v.keysPath, err), hint: keysHint}
		}
		v.keys = list
	}
	cfg.Ledger = integrity.NewLedger()
	return nil
}

func readKeys(path string) ([]integrity.PublicKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, pathless(err)
	}
	defer f.Close()
	list, err := integrity.ReadKeys(f)
	if err == nil {
		_, err = integrity.NewKeys(list)
	}
	return list, err
}

// pathless is an os error's reason, without the path the caller names.
func pathless(err error) error {
	if pe, ok := errors.AsType[*os.PathError](err); ok {
		return pe.Err
	}
	return err
}

// integrityOption verifies what a scan with cfg read: the option that
// adds the findings to its result or, for a shard, the option that gives
// its part what the merge verifies the whole with. Nil without --verify.
func (c *scanCmd) integrityOption(ctx context.Context, srcs []source.Source, cfg scan.Config) summarize.Option {
	if cfg.Ledger == nil {
		return nil
	}
	keys := c.publicKeys(ctx, srcs, cfg.Ledger)
	if c.shard.spec != nil {
		return summarize.WithVerification(summarize.Verification{Ledger: cfg.Ledger, Keys: keys})
	}
	f := verifyLedger(cfg.Ledger, cfg, keys, integrity.Part{})
	if f.DigestsRead == 0 && !c.quiet {
		fmt.Fprintln(c.stderr, "trailscan: warning: no CloudTrail-Digest files in scope: nothing can be verified "+
			"(is log file integrity validation on for the trail, and were its AWSLogs/ACCOUNT/CloudTrail-Digest/ folders copied too?)")
	}
	return summarize.WithIntegrity(f)
}

// verifyLedger verifies l, which holds part of a scan with cfg (the zero
// Part: all of it), with keys (none: the signatures are not checked),
// which were checked when read or fetched.
func verifyLedger(l *integrity.Ledger, cfg scan.Config, list []integrity.PublicKey, part integrity.Part) integrity.Findings {
	var keys *integrity.Keys
	if len(list) > 0 {
		keys, _ = integrity.NewKeys(list)
	}
	return l.VerifyPart(cfg.Scope, keys, part)
}

// publicKeys are the keys that verify l's digests: --public-keys, or
// those CloudTrail gives for s3:// sources. Without them the signatures
// are not checked, which is said, and the rest still is.
func (c *scanCmd) publicKeys(ctx context.Context, srcs []source.Source, l *integrity.Ledger) []integrity.PublicKey {
	if c.verify.keysPath != "" {
		return c.verify.keys
	}
	keys, err := cloudTrailKeys(ctx, srcs, l)
	switch {
	case c.quiet || ctx.Err() != nil:
	case err != nil:
		fmt.Fprintf(c.stderr, "trailscan: warning: %s: signatures are not checked\ntrailscan: hint: allow cloudtrail:ListPublicKeys, or %s\n", report.Clean(err.Error()), keysHint)
	case keys == nil:
		fmt.Fprintf(c.stderr, "trailscan: warning: no public keys: signatures are not checked\ntrailscan: hint: %s\n", keysHint)
	}
	return keys
}

// keysBefore is how long before the first digest read keys are asked for:
// keys rotate, and their validities overlap.
const keysBefore = 24 * time.Hour

// cloudTrailKeys asks CloudTrail, with the credentials of the first S3
// source that can, for the public keys of each region whose digests l
// holds (CloudTrail signs each region's with keys of its own), from a
// little before the first digest until now: a backfill digest is signed
// long after its hour. Nil when no source can ask, or l holds no digest.
func cloudTrailKeys(ctx context.Context, srcs []source.Source, l *integrity.Ledger) ([]integrity.PublicKey, error) {
	regions, first, _ := l.DigestRegions()
	if len(regions) == 0 {
		return nil, nil
	}
	i := slices.IndexFunc(srcs, func(s source.Source) bool {
		loc, ok := s.(*source.Location)
		if ok {
			_, ok = loc.CloudTrail(regions[0])
		}
		return ok
	})
	if i < 0 {
		return nil, nil
	}
	loc := srcs[i].(*source.Location)
	start, end := first.Add(-keysBefore), time.Now()
	var list []integrity.PublicKey
	for _, region := range regions {
		client, _ := loc.CloudTrail(region)
		in := &cloudtrail.ListPublicKeysInput{StartTime: &start, EndTime: &end}
		for {
			out, err := client.ListPublicKeys(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("cloudtrail ListPublicKeys in %s: %w", region, err)
			}
			for _, k := range out.PublicKeyList {
				list = append(list, integrity.PublicKey{Fingerprint: aws.ToString(k.Fingerprint), Value: k.Value,
					ValidFrom: aws.ToTime(k.ValidityStartTime), ValidUntil: aws.ToTime(k.ValidityEndTime)})
			}
			if aws.ToString(out.NextToken) == "" {
				break
			}
			in.NextToken = out.NextToken
		}
	}
	if _, err := integrity.NewKeys(list); err != nil {
		return nil, fmt.Errorf("cloudtrail ListPublicKeys: %w", err)
	}
	return list, nil
}

const verifyUsage = `Usage: trailscan verify [flags] SOURCE...

Verify CloudTrail logs against the signed digests that CloudTrail's log
file integrity validation writes every hour, with no Support summary:
'trailscan scan --verify' makes the same checks while it scans.

Each log file read is hashed (SHA-256 of its uncompressed content) as it
streams, and matched, by its key from AWSLogs/ on, with the digests of
its account, region and hours, so a download under any directory or
prefix verifies. Each digest is checked against the next one's
previousDigestHashValue, and its signature with CloudTrail's public key.
A digest's own signature is in its S3 metadata, which a download drops:
offline, each chain's newest digest is unsigned (reported, not failed).

SOURCE is as for 'trailscan scan': a directory of downloaded logs and
digests, a log file, or s3://BUCKET[/PREFIX].

Examples:
  trailscan verify s3://org-trail-bucket/prefix
  aws cloudtrail list-public-keys --region us-east-1 --start-time 2026-10-01T00:00:00Z --end-time 2026-11-01T00:00:00Z > keys.json
  trailscan verify --public-keys keys.json --since 2026-10-01 --until 2026-10-08 ./logs
  trailscan verify -f json -o integrity.json --public-keys keys.json ./logs
  trailscan verify -f csv -o findings.csv --public-keys keys.json ./logs   # one row per finding

Flags:
%s
Exit codes (when several apply, the first of 143/130, 2, 5, 1, 3 wins):
  0  every log read and every digest in scope verify (the report says
     which digests are unsigned, and whether signatures were checked)
  1  nothing to verify: no log files or digests in the sources; none of
     the files could be read; or -o cannot be written
  2  bad usage
  3  finished, but some files could not be read (each is listed)
  5  a log is altered, missing (listed by a digest, not in the source)
     or unlisted (in no digest of its hour), a digest is invalid, or a
     chain of digests has a gap (the report names each)
  130 interrupted (Ctrl-C, SIGINT)
  143 terminated (SIGTERM)
`

// verifyCmd is trailscan verify: a scan with --verify that reads no
// events and reports the findings alone.
type verifyCmd struct{ scanCmd }

func (c *verifyCmd) flags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("verify", pflag.ContinueOnError)
	fs.SortFlags = false
	c.selectionFlags(fs)
	fs.StringVarP(&c.format, "format", "f", "table", "output format: "+strings.Join(report.IntegrityFormats, ", "))
	fs.StringVarP(&c.output, "output", "o", "", "write the report to this file instead of standard output")
	c.accessFlags(fs)
	c.addVerifyFlags(fs)
	return fs
}

func (c *verifyCmd) Run(ctx context.Context, args []string) error {
	c.verify.on, c.verify.only, c.by = true, true, "service"
	fs := c.flags()
	if err := parseFlags(fs, verifyUsage, c.stdout, args); err != nil {
		return err
	}
	if !slices.Contains(report.IntegrityFormats, c.format) {
		return usageError{fmt.Errorf("unknown format %q", c.format), "use one of: " + strings.Join(report.IntegrityFormats, ", ")}
	}
	cfg, err := c.config(c.now().UTC().Truncate(time.Second))
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{errors.New("no SOURCE given"), "name a directory of logs and digests, or s3://bucket/prefix"}
	}
	if err := c.checkOutput(); err != nil {
		return err
	}
	srcs, err := c.sources(ctx, fs.Args())
	if err != nil {
		return err
	}
	cfg.HashOnly = true
	cfg.Progress = new(scan.Progress)
	stop := c.progress(ctx, srcs, cfg)
	sum, err := scan.Run(ctx, srcs, cfg)
	stop()
	if err != nil {
		return err
	}
	res := sum.Result(c.integrityOption(ctx, srcs, cfg))
	if f := res.Integrity; res.FilesScanned+len(res.FilesFailed)+f.DigestsRead == 0 {
		return exitError{code: exitFailed, err: fmt.Errorf("nothing to verify: no CloudTrail log files or digests in %s (scope: %s)", strings.Join(fs.Args(), ", "), cfg.Scope)}
	}
	written := writeFile(c.stdout, "-o", c.output, func(w io.Writer) error { return report.Integrity(w, c.format, *res.Integrity) })
	return join(outcome(res, nil, nil), written)
}
