package summarize_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

const digestPath = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261001T010000Z.json.gz"

// TestIntegrityJSON: the findings are under "integrity", by their
// contract's names, only when asked for.
func TestIntegrityJSON(t *testing.T) {
	l := integrity.NewLedger()
	l.AddLog("logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/111122223333_CloudTrail_us-east-1_20261001T0005Z_a.json.gz", strings.Repeat("0", 64))
	f := l.Verify(trail.Scope{}, nil)
	for _, c := range []struct {
		name string
		opts []summarize.Option
		want []string
	}{
		{"without", nil, nil},
		{"with", []summarize.Option{summarize.WithIntegrity(f)}, []string{"digests_read", "logs_verified", "unlisted", "chain_gaps", "unsigned"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(summarize.New().Result(c.opts...))
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Integrity    map[string]json.RawMessage `json:"integrity"`
				Verification json.RawMessage            `json:"verification"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			if (doc.Integrity != nil) != (c.want != nil) || doc.Verification != nil {
				t.Fatalf("integrity %s, verification %s", doc.Integrity, doc.Verification)
			}
			for _, name := range c.want {
				if _, ok := doc.Integrity[name]; !ok {
					t.Errorf("no %q in %s", name, b)
				}
			}
			if c.want != nil && !strings.Contains(string(doc.Integrity["unlisted"]), "_a.json.gz") {
				t.Errorf("unlisted %s", doc.Integrity["unlisted"])
			}
		})
	}
}

// TestVerificationJSON: a part's verification reads back as written: the
// same ledger, and the keys in the form --public-keys reads.
func TestVerificationJSON(t *testing.T) {
	l := integrity.NewLedger()
	l.AddUnreadableDigest(digestPath, errAny{})
	l.AddLog("a/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/x.json.gz", strings.Repeat("ab", 32))
	from := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	keys := []integrity.PublicKey{{Fingerprint: "f1", Value: []byte{1, 2, 3}, ValidFrom: from, ValidUntil: from.AddDate(0, 2, 0)}, {Fingerprint: "f2", Value: []byte{4}}}
	for _, c := range []struct {
		name string
		keys []integrity.PublicKey
	}{{"with keys", keys}, {"without keys", nil}} {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(summarize.New().Result(summarize.WithVerification(summarize.Verification{Ledger: l, Keys: c.keys})))
			if err != nil {
				t.Fatal(err)
			}
			var back summarize.Result
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			v := back.Verification
			if v == nil {
				t.Fatalf("no verification in %s", b)
			}
			lj, _ := json.Marshal(l)
			bj, _ := json.Marshal(v.Ledger)
			if string(lj) != string(bj) {
				t.Errorf("ledger %s, want %s", bj, lj)
			}
			if len(v.Keys) != len(c.keys) {
				t.Fatalf("keys %+v, want %+v", v.Keys, c.keys)
			}
			for i, k := range v.Keys {
				w := c.keys[i]
				if k.Fingerprint != w.Fingerprint || string(k.Value) != string(w.Value) || !k.ValidFrom.Equal(w.ValidFrom) || !k.ValidUntil.Equal(w.ValidUntil) {
					t.Errorf("key %d: %+v, want %+v", i, k, w)
				}
			}
			if c.keys != nil && !strings.Contains(string(b), `"PublicKeyList":[{"Value":"AQID","ValidityStartTime":"2026-09-01T00:00:00Z"`) {
				t.Errorf("keys not in the form of list-public-keys: %s", b)
			}
		})
	}
}

type errAny struct{}

func (errAny) Error() string { return "unreadable" }
