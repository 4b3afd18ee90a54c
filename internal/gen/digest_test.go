package gen

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

// undated matches the dates in a digest's key.
var undated = regexp.MustCompile(`/\d{4}/\d{2}/\d{2}/|_\d{8}T\d{6}Z`)

var digestConfig = Config{Seed: 5, Days: 2, Accounts: []string{"111122223333", "444455556666"}, Regions: []string{"us-east-1", "eu-west-1"},
	OrgID: "o-a1b2c3d4e5", Prefix: "acct", OrgPrefix: "org", FilesPerDay: 2, RecordsPerFile: 5, Digests: true}

func TestDigestsDeterministic(t *testing.T) {
	sameWithWorkers(t, digestConfig, 3)
}

// TestDigests checks the digests against the documented format, apart
// from the verifier in pkg/integrity: every log file listed once with the
// SHA-256 of its uncompressed content, hourly chains linked by hash and
// signature, empty hours, both keys, and a backfill chain.
func TestDigests(t *testing.T) {
	for _, c := range []Config{digestConfig, func() Config { c := digestConfig; c.Damaged = true; return c }()} {
		t.Run("damaged "+map[bool]string{false: "no", true: "yes"}[c.Damaged], func(t *testing.T) {
			dir, m := write(t, c)
			files := sourcetest.ReadFiles(t, dir)
			keys := publicKeys(t, c)

			type doc struct {
				Start       string  `json:"digestStartTime"`
				End         string  `json:"digestEndTime"`
				Bucket      string  `json:"digestS3Bucket"`
				Object      string  `json:"digestS3Object"`
				Fingerprint string  `json:"digestPublicKeyFingerprint"`
				Newest      *string `json:"newestEventTime"`
				PrevObject  *string `json:"previousDigestS3Object"`
				PrevHash    *string `json:"previousDigestHashValue"`
				PrevSig     *string `json:"previousDigestSignature"`
				Logs        []struct {
					Object string `json:"s3Object"`
					Hash   string `json:"hashValue"`
				} `json:"logFiles"`
			}
			chains := map[string][]string{} // digest keys by folder and chain, in name order
			docs := map[string]doc{}
			listed := map[string]string{}
			fingerprints := map[string]bool{}
			empty, backfills := 0, 0
			for name, b := range files {
				if !strings.Contains(name, "/CloudTrail-Digest/") {
					continue
				}
				var d doc
				raw := gunzip(b)
				if err := json.Unmarshal(raw, &d); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if d.Object != name {
					t.Errorf("%s: digestS3Object %s", name, d.Object)
				}
				docs[name] = d
				fingerprints[d.Fingerprint] = true
				if len(d.Logs) == 0 {
					empty++
					if d.Newest != nil {
						t.Errorf("%s: empty, with a newestEventTime", name)
					}
				}
				if strings.HasSuffix(name, "_backfill.json.gz") {
					backfills++
					if m.Metadata[name]["backfill-generation-timestamp"] == "" {
						t.Errorf("%s: no backfill-generation-timestamp", name)
					}
				}
				for _, l := range d.Logs {
					if _, twice := listed[l.Object]; twice {
						t.Errorf("%s listed twice", l.Object)
					}
					listed[l.Object] = l.Hash
				}
				// Its chain: its key without the dates.
				chain := undated.ReplaceAllString(name, "")
				chains[chain] = append(chains[chain], name)
				// The signature, as the User Guide says to check it.
				prev := "null"
				if d.PrevSig != nil {
					prev = *d.PrevSig
				}
				sig, _ := hex.DecodeString(m.Metadata[name]["signature"])
				h := sha256.Sum256([]byte(d.End + "\n" + d.Bucket + "/" + d.Object + "\n" + sha(raw) + "\n" + prev))
				if err := rsa.VerifyPKCS1v15(keys[d.Fingerprint], crypto.SHA256, h[:], sig); err != nil {
					t.Errorf("%s: signature: %v", name, err)
				}
			}
			if m.DigestFiles != len(docs) || len(m.Metadata) != len(docs) {
				t.Errorf("%d digests, manifest says %d, with %d signatures", len(docs), m.DigestFiles, len(m.Metadata))
			}
			if empty == 0 || backfills != 2 || len(fingerprints) != 2 {
				t.Errorf("%d empty digests, %d backfill, %d keys; want some, 2, 2", empty, backfills, len(fingerprints))
			}
			for chain, names := range chains {
				slices.Sort(names)
				for i, name := range names {
					d := docs[name]
					if i == 0 {
						if d.PrevObject != nil || d.PrevHash != nil || d.PrevSig != nil {
							t.Errorf("%s: first of its chain, with a previous digest", name)
						}
						continue
					}
					p := docs[names[i-1]]
					if d.PrevObject == nil || *d.PrevObject != names[i-1] || *d.PrevHash != sha(gunzip(files[names[i-1]])) ||
						*d.PrevSig != m.Metadata[names[i-1]]["signature"] {
						t.Errorf("%s: not linked to %s", name, names[i-1])
					}
					if !strings.HasSuffix(chain, "_backfill.json.gz") && d.Start != p.End {
						t.Errorf("%s starts at %s, %s ends at %s", name, d.Start, names[i-1], p.End)
					}
					if s, _ := time.Parse(time.RFC3339, d.Start); !strings.HasSuffix(chain, "_backfill.json.gz") && s.Add(time.Hour).Format(time.RFC3339) != d.End {
						t.Errorf("%s: from %s to %s, not an hour", name, d.Start, d.End)
					}
				}
			}

			logs := 0
			for name, b := range files {
				if !strings.Contains(name, "/CloudTrail/") {
					continue
				}
				key := name
				if strings.HasSuffix(key, ".json") {
					key += ".gz"
				}
				hash, ok := listed[key]
				damaged := slices.Contains(m.DamagedFiles, name)
				switch {
				case !ok && !damaged:
					t.Errorf("%s: listed by no digest", name)
				case ok && !damaged && hash != sha(gunzip(b)):
					t.Errorf("%s: listed with another hash", name)
				case ok && damaged && hash == sha(gunzip(b)):
					t.Errorf("%s: damaged, listed with its own hash", name)
				}
				if ok {
					logs++
					delete(listed, key)
				}
			}
			if len(listed) > 0 || logs < m.ValidFiles {
				t.Errorf("%d valid log files, %d listed; listed, not written: %v", m.ValidFiles, logs, listed)
			}
		})
	}
}

// publicKeys reads c.PublicKeys as the CLI's JSON, by fingerprint.
func publicKeys(t *testing.T, c Config) map[string]*rsa.PublicKey {
	t.Helper()
	b, err := c.PublicKeys()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		PublicKeyList []struct{ Value, ValidityStartTime, ValidityEndTime, Fingerprint string }
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range doc.PublicKeyList {
		der, err := base64.StdEncoding.DecodeString(k.Value)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := x509.ParsePKCS1PublicKey(der)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := time.Parse("2006-01-02T15:04:05-07:00", k.ValidityStartTime); err != nil {
			t.Error(err)
		}
		keys[k.Fingerprint] = pub
	}
	return keys
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
