package integrity

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"time"
)

// Ledger is what a scan read that bears on integrity: each digest's
// content and signature, and each log file's hash, by path. It is safe for
// concurrent use. Ledgers merge, and are written and read as JSON, so that
// shards and runs with state each keep one and verify their union.
//
// It keeps the digests' listings, not their bytes: about 250 bytes for
// each log file a digest lists and 100 for each log file read.
type Ledger struct {
	mu      sync.Mutex
	digests map[string]*digest // by path
	logs    map[string]string  // hex SHA-256 by path
}

// NewLedger returns an empty Ledger.
func NewLedger() *Ledger {
	return &Ledger{digests: map[string]*digest{}, logs: map[string]string{}}
}

// digest is a digest file as read.
type digest struct {
	SHA256    string      `json:"sha256,omitempty"`    // of the uncompressed content
	Signature string      `json:"signature,omitempty"` // from S3 metadata
	Error     string      `json:"error,omitempty"`     // why it is unusable
	File      *digestFile `json:"file,omitempty"`      // nil when Error is set
}

// digestFile is what the checks need of a digest's content, under
// CloudTrail's names.
type digestFile struct {
	Start         string      `json:"digestStartTime"`
	End           string      `json:"digestEndTime"`
	Bucket        string      `json:"digestS3Bucket"`
	Object        string      `json:"digestS3Object"`
	Fingerprint   string      `json:"digestPublicKeyFingerprint"`
	PrevObject    *string     `json:"previousDigestS3Object"`
	PrevHash      *string     `json:"previousDigestHashValue"`
	PrevSignature *string     `json:"previousDigestSignature"`
	Logs          []listedLog `json:"logFiles"`
}

type listedLog struct {
	Bucket string `json:"s3Bucket"`
	Object string `json:"s3Object"`
	Hash   string `json:"hashValue"`
}

// maxDigest bounds what is read of a digest. A digest lists an hour's log
// files, some hundred bytes each: a real one is far smaller.
const maxDigest = 64 << 20

// AddDigest reads the uncompressed content of the digest at path from r;
// signature is its x-amz-meta-signature (Metadata["signature"] of the
// SDK's GetObject), or "" where the source keeps no metadata. Content that is no valid digest is recorded, to be reported
// as an invalid digest. An error reading r is returned and not recorded:
// the caller records it with AddUnreadableDigest, unless the scan is being
// stopped.
func (l *Ledger) AddDigest(path string, r io.Reader, signature string) error {
	b, err := io.ReadAll(io.LimitReader(r, maxDigest+1))
	if err != nil {
		return fmt.Errorf("read digest %s: %w", path, err)
	}
	sum := sha256.Sum256(b)
	d := &digest{SHA256: hex.EncodeToString(sum[:]), Signature: strings.ToLower(signature)}
	if len(b) > maxDigest {
		d.Error = "larger than 64 MiB: not a digest"
	} else if d.File, err = parseDigest(b); err != nil {
		d.Error = err.Error()
	}
	l.mu.Lock()
	l.digests[path] = d
	l.mu.Unlock()
	return nil
}

// AddUnreadableDigest records that the digest at path could not be read.
func (l *Ledger) AddUnreadableDigest(path string, err error) {
	l.mu.Lock()
	l.digests[path] = &digest{Error: "cannot be read: " + err.Error()}
	l.mu.Unlock()
}

// AddLog records the hex SHA-256 of the uncompressed content of the log
// file at path, read whole (see Hasher).
func (l *Ledger) AddLog(path, sha256 string) {
	l.mu.Lock()
	l.logs[path] = strings.ToLower(sha256)
	l.mu.Unlock()
}

// Merge adds what o holds to l. A path both hold keeps o's record: o is
// the later reading.
func (l *Ledger) Merge(o *Ledger) {
	o.mu.Lock()
	digests, logs := maps.Clone(o.digests), maps.Clone(o.logs)
	o.mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	maps.Copy(l.digests, digests)
	maps.Copy(l.logs, logs)
}

// ledgerJSON is a Ledger's written form.
type ledgerJSON struct {
	Digests map[string]*digest `json:"digests"`
	Logs    map[string]string  `json:"logs"`
}

// MarshalJSON writes the ledger, its maps sorted by path.
func (l *Ledger) MarshalJSON() ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return json.Marshal(ledgerJSON{l.digests, l.logs})
}

// UnmarshalJSON reads a ledger as MarshalJSON writes it.
func (l *Ledger) UnmarshalJSON(b []byte) error {
	var w ledgerJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("integrity ledger: %w", err)
	}
	for p, d := range w.Digests {
		switch {
		case d == nil || d.File == nil && d.Error == "":
			return fmt.Errorf("integrity ledger: digest %s: neither content nor error", p)
		case d.File != nil:
			if err := d.File.check(); err != nil {
				return fmt.Errorf("integrity ledger: digest %s: %w", p, err)
			}
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.digests, l.logs = w.Digests, w.Logs
	if l.digests == nil {
		l.digests = map[string]*digest{}
	}
	if l.logs == nil {
		l.logs = map[string]string{}
	}
	return nil
}

// parseDigest reads a digest's content and checks that it has what
// verifying it needs.
func parseDigest(b []byte) (*digestFile, error) {
	var raw struct {
		digestFile
		SignatureAlgorithm string  `json:"digestSignatureAlgorithm"`
		PrevHashAlgorithm  *string `json:"previousDigestHashAlgorithm"`
		Logs               []struct {
			listedLog
			HashAlgorithm string `json:"hashAlgorithm"`
		} `json:"logFiles"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("not a digest: %w", err)
	}
	f := raw.digestFile
	if err := f.check(); err != nil {
		return nil, err
	}
	if raw.SignatureAlgorithm != "SHA256withRSA" {
		return nil, fmt.Errorf("digestSignatureAlgorithm %s: want SHA256withRSA", quote(raw.SignatureAlgorithm))
	}
	if a := raw.PrevHashAlgorithm; f.PrevObject != nil && a != nil && *a != "SHA-256" {
		return nil, fmt.Errorf("previousDigestHashAlgorithm %s: want SHA-256", quote(*a))
	}
	if f.PrevObject != nil {
		*f.PrevHash, *f.PrevSignature = strings.ToLower(*f.PrevHash), strings.ToLower(*f.PrevSignature)
	}
	f.Logs = make([]listedLog, 0, len(raw.Logs))
	for _, lf := range raw.Logs {
		if lf.Object == "" {
			return nil, errors.New("a logFiles entry without s3Object")
		}
		if lf.HashAlgorithm != "SHA-256" {
			return nil, fmt.Errorf("log file %s: hashAlgorithm %s: want SHA-256", quote(lf.Object), quote(lf.HashAlgorithm))
		}
		lf.Hash = strings.ToLower(lf.Hash)
		f.Logs = append(f.Logs, lf.listedLog)
	}
	return &f, nil
}

// check reports what verifying f needs and it lacks.
func (f *digestFile) check() error {
	for _, field := range []struct{ name, value string }{
		{"digestStartTime", f.Start}, {"digestEndTime", f.End}, {"digestS3Bucket", f.Bucket},
		{"digestS3Object", f.Object}, {"digestPublicKeyFingerprint", f.Fingerprint},
	} {
		if field.value == "" {
			return errors.New("no " + field.name)
		}
	}
	for _, t := range []string{f.Start, f.End} {
		if _, err := time.Parse(time.RFC3339, t); err != nil {
			return fmt.Errorf("time %s: not RFC 3339", quote(t))
		}
	}
	if f.PrevObject != nil && (f.PrevHash == nil || f.PrevSignature == nil) {
		return errors.New("previousDigestS3Object without previousDigestHashValue or previousDigestSignature")
	}
	return nil
}
