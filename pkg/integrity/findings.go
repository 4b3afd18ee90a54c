package integrity

import (
	"fmt"
	"strings"
	"time"
)

// Findings are what a Ledger's digests prove about the logs read, for one
// scope. Their JSON names are a contract: the summary holds them under
// "integrity". Every list is sorted, and empty rather than null.
type Findings struct {
	DigestsRead     int `json:"digests_read"`
	DigestsVerified int `json:"digests_verified"` // their content proven: see Ledger.Verify
	EmptyHours      int `json:"empty_hours"`      // verified digests that list no log file
	LogsVerified    int `json:"logs_verified"`    // read, with the hash a verified digest lists
	LogsListed      int `json:"logs_listed"`      // listed in scope by the digests read

	Altered        []LogFinding     `json:"altered"`  // a hash differs from its digest's
	Missing        []LogFinding     `json:"missing"`  // listed, not read
	Unlisted       []LogFinding     `json:"unlisted"` // read, listed by no digest
	InvalidDigests []InvalidDigest  `json:"invalid_digests"`
	ChainGaps      []ChainGap       `json:"chain_gaps"`
	Unsigned       []UnsignedDigest `json:"unsigned"`

	LogsRead          int  `json:"logs_read"`          // in scope
	SignaturesChecked bool `json:"signatures_checked"` // false without public keys
	// Covers, when set, is the part of the scan verified, when it is not
	// the whole (see Ledger.VerifyPart): "shards 0/3, 2/3 of 3".
	Covers string `json:"covers,omitempty"`
}

// LogFinding is a log file and the digest that lists it. Path is where
// the scan found it; for a missing log, where CloudTrail delivered it
// (s3://BUCKET/KEY).
type LogFinding struct {
	Path   string `json:"path"`
	Digest string `json:"digest,omitempty"`
}

// InvalidDigest is a digest that proves nothing, and why.
type InvalidDigest struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// ChainGap is a span of hours no digest read covers although the chain
// says one did: its digests were deleted. Digest is the digest after the
// gap, whose predecessor is absent.
type ChainGap struct {
	Account string    `json:"account"`
	Region  string    `json:"region"`
	From    time.Time `json:"from"`
	Until   time.Time `json:"until"`
	Digest  string    `json:"digest"`
}

// UnsignedDigest is a digest whose signature was not available to check.
type UnsignedDigest struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Failed reports whether anything was found that a clean archive lacks:
// an altered, missing or unlisted log, an invalid digest or a chain gap.
// Unsigned digests are not failures.
func (f Findings) Failed() bool {
	return len(f.Altered)+len(f.Missing)+len(f.Unlisted)+len(f.InvalidDigests)+len(f.ChainGaps) > 0
}

// Proven reports whether the answer is proven complete: the whole scan
// verified, nothing failed, signatures were checked, and every log file
// listed or read is verified.
func (f Findings) Proven() bool {
	return f.Covers == "" && !f.Failed() && f.SignaturesChecked && f.LogsVerified == f.LogsListed && f.LogsVerified == f.LogsRead
}

// Headline says in one line whether the answer is proven, and what stands
// in the way: "Not proven: 478 of 480 log files verified against 90 signed
// digests; 2 missing; 1 chain gap".
func (f Findings) Headline() string {
	var b strings.Builder
	if f.Proven() {
		b.WriteString("Proven: ")
	} else {
		b.WriteString("Not proven: ")
	}
	signed := "signed "
	if !f.SignaturesChecked {
		signed = ""
	}
	fmt.Fprintf(&b, "%d of %d log files verified against %d %sdigests", f.LogsVerified, f.LogsListed, f.DigestsVerified, signed)
	for _, c := range []struct {
		n         int
		one, many string
	}{
		{len(f.Altered), "altered", "altered"},
		{len(f.Missing), "missing", "missing"},
		{len(f.Unlisted), "unlisted", "unlisted"},
		{len(f.InvalidDigests), "invalid digest", "invalid digests"},
		{len(f.ChainGaps), "chain gap", "chain gaps"},
		{len(f.Unsigned), "digest unsigned", "digests unsigned"},
		{f.EmptyHours, "empty hour", "empty hours"},
	} {
		switch {
		case c.n == 1:
			fmt.Fprintf(&b, "; 1 %s", c.one)
		case c.n > 1:
			fmt.Fprintf(&b, "; %d %s", c.n, c.many)
		}
	}
	if !f.SignaturesChecked {
		b.WriteString("; signatures not checked: no public keys")
	}
	if f.Covers != "" {
		b.WriteString("; verification covers only " + f.Covers)
	}
	return b.String()
}
