package gen

import (
	"cmp"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file writes digests the way CloudTrail does, from the CloudTrail
// User Guide ("CloudTrail digest file structure", "Custom implementations
// of CloudTrail log file integrity validation"). It shares nothing with
// pkg/integrity on purpose: the two are written apart, so that a misreading
// of the format in one shows as a failed verification in the tests.

const (
	accountTrail = "management-events"
	orgTrail     = "org-trail"
	signAlg      = "SHA256withRSA"
	hashAlg      = "SHA-256"
)

// listed is a log file as a digest lists it.
type listed struct {
	chain          string // chainID of its trail, account and region
	object         string // its S3 key
	sha256         string
	deliver        time.Time
	oldest, newest *string // event times; nil for a file without events
}

// list records a log file for the digest of its hour. doc is its
// uncompressed content.
func (o *output) list(root, region, key string, doc []byte, deliver time.Time, recs []made) {
	sum := sha256.Sum256(doc)
	l := listed{chain: chainID(root, region), object: key, sha256: hex.EncodeToString(sum[:]), deliver: deliver}
	if strings.HasSuffix(key, ".json") {
		// An uncompressed download: CloudTrail delivered it compressed.
		l.object += ".gz"
	}
	if len(recs) > 0 { // sorted by time
		l.oldest, l.newest = &recs[0].rec.EventTime, &recs[len(recs)-1].rec.EventTime
	}
	o.listed = append(o.listed, l)
}

func chainID(root, region string) string { return root + "|" + region }

// chain is the digests of one trail for one account and region.
type chain struct {
	root, trail, account, region, home string
	logs                               []listed // by delivery
	backfill                           bool     // holds the backfill chain too
}

// chains lists the digest chains of c in a fixed order.
func (c *Config) chains() []chain {
	var out []chain
	for _, a := range c.Accounts {
		for _, r := range c.regionsOf(a) {
			out = append(out, chain{root: trailRoot(c.Prefix, "", a), trail: accountTrail, account: a, region: r, home: c.regionsOf(a)[0]})
			if c.inOrg(a) {
				out = append(out, chain{root: trailRoot(c.OrgPrefix, c.OrgID, a), trail: orgTrail, account: a, region: r, home: c.regionsOf(c.Accounts[0])[0]})
			}
		}
	}
	out[0].backfill = true
	return out
}

// bucket is the archive's S3 bucket, as the digests name it.
func (c *Config) bucket() string { return "aws-cloudtrail-logs-" + c.Accounts[0] }

// digestOutput is what one chain's digests add to the Manifest.
type digestOutput struct {
	files int
	meta  map[string]map[string]string
}

// writeDigests writes the digests of every chain, once the log files they
// list are written, and adds them to m.
func writeDigests(ctx context.Context, dir string, c *Config, outs []output, m *Manifest) error {
	chains := c.chains()
	byID := map[string]*chain{}
	for i := range chains {
		byID[chainID(chains[i].root, chains[i].region)] = &chains[i]
	}
	for i := range outs {
		for _, l := range outs[i].listed {
			ch := byID[l.chain]
			if ch == nil {
				return fmt.Errorf("gen: %s: no digest chain for its trail", l.object)
			}
			ch.logs = append(ch.logs, l)
		}
	}
	res := make([]digestOutput, len(chains))
	if err := run(ctx, c.Workers, len(chains), func(w *worker, i int) error {
		return w.chain(dir, c, &chains[i], &res[i])
	}); err != nil {
		return err
	}
	for _, r := range res {
		m.Files += r.files
		m.DigestFiles += r.files
		if m.Metadata == nil {
			m.Metadata = map[string]map[string]string{}
		}
		for k, v := range r.meta {
			m.Metadata[k] = v
		}
	}
	return nil
}

// signed is what a digest passes to the next in its chain.
type signed struct {
	bucket, object, sha256, signature string
}

type hour struct {
	start, end time.Time
	log        listed
}

// chain writes one chain's hourly digests from the first hour of the
// archive until every log file is listed and an hour more, and its backfill
// digests if it has any.
func (w *worker) chain(dir string, c *Config, ch *chain, o *digestOutput) error {
	slices.SortFunc(ch.logs, func(a, b listed) int {
		return cmp.Or(a.deliver.Compare(b.deliver), cmp.Compare(a.object, b.object))
	})
	r := newRNG(c.Seed, 0xd16e57, hashString(ch.root), hashString(ch.region))
	// Each chain's hours start at its own second past the hour, as real ones do.
	first := c.Start.Add(time.Duration(r.IntN(3600)) * time.Second)
	late := map[int]bool{}
	if ch.backfill && len(ch.logs) > 0 {
		late[len(ch.logs)/3] = true
		late[2*len(ch.logs)/3] = true
	}
	o.meta = map[string]map[string]string{}
	var prev *signed
	var backfills []hour
	next := 0
	for k := 0; k < c.Days*24+2 || next < len(ch.logs); k++ {
		end := first.Add(time.Duration(k) * time.Hour)
		start := end.Add(-time.Hour)
		var logs []listed
		for ; next < len(ch.logs) && ch.logs[next].deliver.Before(end); next++ {
			if late[next] {
				backfills = append(backfills, hour{start, end, ch.logs[next]})
				continue
			}
			logs = append(logs, ch.logs[next])
		}
		var err error
		if prev, err = w.digest(dir, c, ch, start, end, logs, prev, false, o); err != nil {
			return err
		}
	}
	prev = nil
	for _, b := range backfills {
		var err error
		if prev, err = w.digest(dir, c, ch, b.start, b.end, []listed{b.log}, prev, true, o); err != nil {
			return err
		}
	}
	return nil
}

// digestFile is a digest's content, its fields in CloudTrail's order.
type digestFile struct {
	AccountID       string      `json:"awsAccountId"`
	StartTime       string      `json:"digestStartTime"`
	EndTime         string      `json:"digestEndTime"`
	Bucket          string      `json:"digestS3Bucket"`
	Object          string      `json:"digestS3Object"`
	Fingerprint     string      `json:"digestPublicKeyFingerprint"`
	SignatureAlg    string      `json:"digestSignatureAlgorithm"`
	NewestEventTime *string     `json:"newestEventTime"`
	OldestEventTime *string     `json:"oldestEventTime"`
	PrevBucket      *string     `json:"previousDigestS3Bucket"`
	PrevObject      *string     `json:"previousDigestS3Object"`
	PrevHash        *string     `json:"previousDigestHashValue"`
	PrevHashAlg     *string     `json:"previousDigestHashAlgorithm"`
	PrevSignature   *string     `json:"previousDigestSignature"`
	LogFiles        []digestLog `json:"logFiles"`
}

type digestLog struct {
	Bucket          string  `json:"s3Bucket"`
	Object          string  `json:"s3Object"`
	HashValue       string  `json:"hashValue"`
	HashAlg         string  `json:"hashAlgorithm"`
	NewestEventTime *string `json:"newestEventTime"`
	OldestEventTime *string `json:"oldestEventTime"`
}

// digest writes the digest of the hour [start, end) listing logs, signs it
// and returns what the next digest of its chain needs.
func (w *worker) digest(dir string, c *Config, ch *chain, start, end time.Time, logs []listed, prev *signed, backfill bool, o *digestOutput) (*signed, error) {
	keys, err := signingKeys()
	if err != nil {
		return nil, err
	}
	key := keys[c.keyAt(end)]
	suffix := ".json.gz"
	if backfill {
		suffix = "_backfill.json.gz"
	}
	object := ch.root + "/CloudTrail-Digest/" + ch.region + "/" + end.Format("2006/01/02") + "/" +
		ch.account + "_CloudTrail-Digest_" + ch.region + "_" + ch.trail + "_" + ch.home + "_" + end.Format("20060102T150405Z") + suffix
	d := digestFile{
		AccountID: ch.account, StartTime: stamp(start), EndTime: stamp(end),
		Bucket: c.bucket(), Object: object, Fingerprint: key.fingerprint, SignatureAlg: signAlg,
		LogFiles: []digestLog{},
	}
	for _, l := range logs {
		d.LogFiles = append(d.LogFiles, digestLog{Bucket: c.bucket(), Object: l.object, HashValue: l.sha256, HashAlg: hashAlg,
			NewestEventTime: l.newest, OldestEventTime: l.oldest})
		if l.oldest != nil && (d.OldestEventTime == nil || *l.oldest < *d.OldestEventTime) {
			d.OldestEventTime = l.oldest
		}
		if l.newest != nil && (d.NewestEventTime == nil || *l.newest > *d.NewestEventTime) {
			d.NewestEventTime = l.newest
		}
	}
	prevSig := "null"
	if prev != nil {
		alg := hashAlg
		d.PrevBucket, d.PrevObject, d.PrevHash, d.PrevHashAlg, d.PrevSignature = &prev.bucket, &prev.object, &prev.sha256, &alg, &prev.signature
		prevSig = prev.signature
	}
	doc, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("gen: encode digest %s: %w", object, err)
	}
	sum := sha256.Sum256(doc)
	toSign := d.EndTime + "\n" + d.Bucket + "/" + d.Object + "\n" + hex.EncodeToString(sum[:]) + "\n" + prevSig
	h := sha256.Sum256([]byte(toSign))
	sig, err := rsa.SignPKCS1v15(nil, key.private, crypto.SHA256, h[:])
	if err != nil {
		return nil, fmt.Errorf("gen: sign digest %s: %w", object, err)
	}
	if err := writeRaw(dir, object, w.compressed(doc)); err != nil {
		return nil, err
	}
	meta := map[string]string{"signature": hex.EncodeToString(sig), "signature-algorithm": signAlg}
	if backfill {
		meta["backfill-generation-timestamp"] = stamp(end.Add(3 * time.Hour))
	}
	o.meta[object] = meta
	o.files++
	return &signed{bucket: d.Bucket, object: object, sha256: hex.EncodeToString(sum[:]), signature: meta["signature"]}, nil
}
