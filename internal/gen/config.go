package gen

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Config says what archive to write. Its zero value is usable: every zero
// field takes the default given in its comment.
type Config struct {
	// Seed selects the archive: the same Config writes the same bytes.
	Seed int64
	// Start is the first day of events (UTC; the time of day is dropped).
	// Default 2026-10-01.
	Start time.Time
	// Days is the number of days of events. Default 3. Files delivered after
	// the last midnight land in the folder of the day after.
	Days int
	// Accounts are the 12-digit account IDs. Default one account, 111122223333.
	Accounts []string
	// Regions are the regions of accounts in the aws partition. Accounts in
	// other partitions use the regions of theirs (cn-north-1, cn-northwest-1;
	// us-gov-west-1, us-gov-east-1), as many as len(Regions). Default us-east-1.
	Regions []string
	// Partition is the partition of accounts not in Partitions. Default "aws".
	Partition string
	// Partitions gives some accounts another partition ("aws-cn",
	// "aws-us-gov"), which changes their ARNs and regions.
	Partitions map[string]string
	// OrgID, if set (o-xxxxxxxxxx), adds an organization trail under
	// OrgPrefix that logs again every account of the first account's
	// partition: the same events, with the same eventIDs, in other files.
	OrgID string
	// Prefix is the key prefix of the account trail ("" for none).
	Prefix string
	// OrgPrefix is the key prefix of the organization trail ("" for none).
	OrgPrefix string
	// FilesPerDay is the number of ordinary log files per account, region
	// and day. Default 4. Each day and account also gets two small files
	// around midnight, in the first region.
	FilesPerDay int
	// RecordsPerFile is the average number of records in an ordinary log
	// file. Default 50.
	RecordsPerFile int
	// SupportRate is the fraction of records in ordinary files made by the
	// Support role. Default 0.03; negative for none (the midnight files
	// still hold a few).
	SupportRate float64
	// Damaged adds the files a scanner must cope with: a truncated gzip
	// file, garbled JSON, a JSON document that is not a CloudTrail log (all
	// three damaged, holding no Support events); a multi-member gzip file,
	// an uncompressed .json file and an empty log (all valid); and
	// CloudTrail-Digest and CloudTrail-Insight files (not events at all).
	Damaged bool
	// Digests writes the CloudTrail-Digest files of log file integrity
	// validation as CloudTrail does: one an hour for each trail, account and
	// region, listing the SHA-256 of every log file delivered that hour
	// (none in an empty hour), chained to the one before and signed with
	// the generator's test keys, which rotate half-way through the days
	// (see PublicKeys). The first trail's first region also has a chain of
	// two backfill digests, each listing a log file its hour's digest left
	// out. Signatures are in Manifest.Metadata, for an upload to set as S3
	// object metadata. With Damaged, these replace its placeholder digests,
	// and its truncated and garbled files are listed with the hash of the
	// content they had before damage.
	Digests bool
	// Cases adds a file a day to each account's first region holding a
	// Support case: opened, discussed and resolved by one of the account's
	// people through the Support API, with the authorization events of a
	// permit for it (requested, granted by the account, retrieved, used)
	// and calls by Support's role in between, in the day's session of
	// 08:00 to 16:00. Manifest.Cases lists them.
	Cases bool
	// Weights multiplies the number of files of some accounts, for uneven
	// volumes (shard balance). Accounts not listed weigh 1.
	Weights map[string]int
	// Shape is the shape of the valid log files: "delivered" (the
	// default, also "") or one of Shapes. Damaged, Digest and Insight
	// files are delivered ones still.
	Shape string
	// Workers is the number of files generated at once. Default GOMAXPROCS.
	// It does not change the output.
	Workers int
}

// Validate reports whether Write can use c, and what is wrong with it if not.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

// defaultStart is the first day of an archive when Config.Start is zero.
var defaultStart = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// withDefaults returns c with its zero fields set, or an error if a field
// cannot be used.
func (c Config) withDefaults() (Config, error) {
	if c.Start.IsZero() {
		c.Start = defaultStart
	}
	c.Start = c.Start.UTC().Truncate(24 * time.Hour)
	if c.Days <= 0 {
		c.Days = 3
	}
	if len(c.Accounts) == 0 {
		c.Accounts = []string{"111122223333"}
	}
	if len(c.Regions) == 0 {
		c.Regions = []string{"us-east-1"}
	}
	if c.Partition == "" {
		c.Partition = "aws"
	}
	if c.FilesPerDay <= 0 {
		c.FilesPerDay = 4
	}
	if c.RecordsPerFile <= 0 {
		c.RecordsPerFile = 50
	}
	if c.SupportRate == 0 {
		c.SupportRate = 0.03
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.Shape == "" {
		c.Shape = "delivered"
	}
	return c, c.validate()
}

func (c Config) validate() error {
	seen := map[string]bool{}
	for _, a := range c.Accounts {
		if len(a) != 12 || !isDigits(a) {
			return fmt.Errorf("gen: account %q: not 12 digits", a)
		}
		if seen[a] {
			return fmt.Errorf("gen: account %s: listed twice", a)
		}
		seen[a] = true
		if _, ok := partitions[c.partitionOf(a)]; !ok {
			return fmt.Errorf("gen: account %s: unknown partition %q", a, c.partitionOf(a))
		}
	}
	if c.OrgID != "" && (len(c.OrgID) < 4 || c.OrgID[:2] != "o-") {
		return fmt.Errorf("gen: organization ID %q: want o-xxxxxxxxxx", c.OrgID)
	}
	if c.Shape != "delivered" {
		if !slices.Contains(Shapes, c.Shape) {
			return fmt.Errorf("gen: shape %q: want delivered or one of %s", c.Shape, strings.Join(Shapes, ", "))
		}
		if c.Digests {
			return fmt.Errorf("gen: shape %s: digests list delivered log files only", c.Shape)
		}
	}
	if c.SupportRate > 0.5 {
		return fmt.Errorf("gen: support rate %g: at most 0.5", c.SupportRate)
	}
	return nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// partition describes what differs between AWS partitions in a log.
type partition struct {
	regions []string // in order of preference; the first holds global events
}

var partitions = map[string]partition{
	"aws":        {regions: []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}},
	"aws-cn":     {regions: []string{"cn-north-1", "cn-northwest-1"}},
	"aws-us-gov": {regions: []string{"us-gov-west-1", "us-gov-east-1"}},
	"aws-iso":    {regions: []string{"us-iso-east-1", "us-iso-west-1"}},
	"aws-iso-b":  {regions: []string{"us-isob-east-1"}},
}

func (c Config) partitionOf(account string) string {
	if p, ok := c.Partitions[account]; ok && p != "" {
		return p
	}
	return c.Partition
}

// regionsOf returns the regions logged for account: Config.Regions in the
// default partition, or as many regions of the account's own partition.
func (c Config) regionsOf(account string) []string {
	p := c.partitionOf(account)
	if p == c.Partition {
		return c.Regions
	}
	own := partitions[p].regions
	var rs []string
	for _, r := range c.Regions {
		if slices.Contains(own, r) {
			rs = append(rs, r)
		}
	}
	if len(rs) > 0 {
		return rs
	}
	return own[:min(len(c.Regions), len(own))]
}

func (c Config) weightOf(account string) int {
	if w := c.Weights[account]; w > 0 {
		return w
	}
	return 1
}

// inOrg reports whether the organization trail logs account: only accounts
// of the organization's partition (that of the first account) can be in it.
func (c Config) inOrg(account string) bool {
	return c.OrgID != "" && c.partitionOf(account) == c.partitionOf(c.Accounts[0])
}
