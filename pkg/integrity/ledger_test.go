package integrity_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/trail"
)

const digestPath = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261001T010000Z.json.gz"

// TestDigestContent checks that content that is no digest is reported as
// an invalid digest, with what is wrong with it.
func TestDigestContent(t *testing.T) {
	valid := func() map[string]any {
		return map[string]any{
			"digestStartTime": "2026-10-01T00:00:00Z", "digestEndTime": "2026-10-01T01:00:00Z",
			"digestS3Bucket": "b", "digestS3Object": digestPath, "digestPublicKeyFingerprint": "ab12",
			"digestSignatureAlgorithm": "SHA256withRSA", "previousDigestS3Object": nil, "previousDigestSignature": nil,
			"logFiles": []any{map[string]any{"s3Bucket": "b", "s3Object": "AWSLogs/x.json.gz", "hashValue": "00", "hashAlgorithm": "SHA-256"}},
		}
	}
	for _, c := range []struct {
		name   string
		change func(m map[string]any)
		raw    string // content instead of the changed valid digest
		err    string
	}{
		{name: "valid, unsigned", change: func(map[string]any) {}},
		{name: "not JSON", raw: "{", err: "not a digest"},
		{name: "a log file", raw: `{"Records":[]}`, err: "no digestStartTime"},
		{name: "no end", change: func(m map[string]any) { delete(m, "digestEndTime") }, err: "no digestEndTime"},
		{name: "end not a time", change: func(m map[string]any) { m["digestEndTime"] = "01:00" }, err: `time "01:00": not RFC 3339`},
		{name: "other algorithm", change: func(m map[string]any) { m["digestSignatureAlgorithm"] = "MD5withRSA" }, err: "want SHA256withRSA"},
		{name: "predecessor without signature", change: func(m map[string]any) { m["previousDigestS3Object"] = digestPath },
			err: "without previousDigestHashValue or previousDigestSignature"},
		{name: "log hashed with MD5", change: func(m map[string]any) { m["logFiles"].([]any)[0].(map[string]any)["hashAlgorithm"] = "MD5" },
			err: `log file "AWSLogs/x.json.gz": hashAlgorithm "MD5": want SHA-256`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := []byte(c.raw)
			if c.raw == "" {
				m := valid()
				c.change(m)
				b, _ = json.Marshal(m)
			}
			l := integrity.NewLedger()
			if err := l.AddDigest(digestPath, bytes.NewReader(b), ""); err != nil {
				t.Fatal(err)
			}
			f := l.Verify(trail.Scope{}, nil)
			switch {
			case c.err == "" && (len(f.InvalidDigests) > 0 || len(f.Unsigned) != 1):
				t.Errorf("invalid %v, unsigned %v", f.InvalidDigests, f.Unsigned)
			case c.err != "" && (len(f.InvalidDigests) != 1 || !strings.Contains(f.InvalidDigests[0].Error, c.err)):
				t.Errorf("invalid %v, want one with %q", f.InvalidDigests, c.err)
			}
		})
	}
}

func TestUnreadableDigest(t *testing.T) {
	l := integrity.NewLedger()
	err := l.AddDigest(digestPath, iotestErr{}, "")
	if err == nil || !strings.Contains(err.Error(), "read digest "+digestPath) {
		t.Fatalf("AddDigest: %v", err)
	}
	if f := l.Verify(trail.Scope{}, nil); f.DigestsRead != 0 {
		t.Errorf("a failed read was recorded: %+v", f)
	}
	l.AddUnreadableDigest(digestPath, err)
	f := l.Verify(trail.Scope{}, nil)
	if len(f.InvalidDigests) != 1 || !strings.Contains(f.InvalidDigests[0].Error, "cannot be read: read digest") {
		t.Errorf("invalid %v", f.InvalidDigests)
	}
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestLedgerUnmarshalRefuses(t *testing.T) {
	for _, in := range []string{`[]`, `{"digests": {"p": {}}}`, `{"digests": {"p": null}}`,
		`{"digests": {"p": {"file": {"digestStartTime": "2026-10-01T00:00:00Z", "digestEndTime": "2026-10-01T01:00:00Z",
			"digestS3Bucket": "b", "digestS3Object": "o", "digestPublicKeyFingerprint": "f", "previousDigestS3Object": "p"}}}}`} {
		if err := json.Unmarshal([]byte(in), integrity.NewLedger()); err == nil {
			t.Errorf("read %s", in)
		}
	}
}

func TestDigestRegions(t *testing.T) {
	l := integrity.NewLedger()
	for _, p := range []string{
		"x/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/10/02/111122223333_CloudTrail-Digest_eu-west-1_t_us-east-1_20261002T050000Z.json.gz",
		"AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Digest/us-east-1/2026/10/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261001T010000Z.json.gz",
		"AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/10/01/not-a-digest.json.gz",
	} {
		l.AddUnreadableDigest(p, errors.New("no"))
	}
	regions, first, last := l.DigestRegions()
	if !slices.Equal(regions, []string{"eu-west-1", "us-east-1"}) ||
		!first.Equal(time.Date(2026, 10, 1, 1, 0, 0, 0, time.UTC)) || !last.Equal(time.Date(2026, 10, 2, 5, 0, 0, 0, time.UTC)) {
		t.Errorf("DigestRegions() = %v, %v, %v", regions, first, last)
	}
}
