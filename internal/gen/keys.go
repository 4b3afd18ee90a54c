package gen

import (
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
	"time"
)

// digestKeysPEM holds the RSA keys the generator signs digests with. They
// are test keys, published with the code: a signature by them proves
// nothing but that the generator made it.
//
//go:embed digestkeys.pem
var digestKeysPEM []byte

type signingKey struct {
	private     *rsa.PrivateKey
	fingerprint string
}

// signingKeys returns the keys in the order they are used.
var signingKeys = sync.OnceValues(func() ([]signingKey, error) {
	var keys []signingKey
	for rest := digestKeysPEM; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("gen: digest signing key: %w", err)
		}
		// CloudTrail's fingerprints are 32 hex digits; how it derives them
		// is not documented, and verifiers only compare them.
		sum := md5.Sum(x509.MarshalPKCS1PublicKey(&k.PublicKey))
		keys = append(keys, signingKey{private: k, fingerprint: hex.EncodeToString(sum[:])})
	}
	if len(keys) < 2 {
		return nil, errors.New("gen: digest signing keys: want two PEM blocks")
	}
	return keys, nil
})

// rotation is when the second key takes over from the first: half-way
// through the days, so every archive of two days or more has both.
func (c *Config) rotation() time.Time {
	return c.Start.Add(time.Duration(c.Days) * 12 * time.Hour)
}

// keyAt is the index of the key that signs a digest ending at end.
func (c *Config) keyAt(end time.Time) int {
	if end.Before(c.rotation()) {
		return 0
	}
	return 1
}

// PublicKeys returns the public keys that verify the digests Write writes
// for c, as `aws cloudtrail list-public-keys` prints them: PKCS#1 DER in
// base64, with validity times that overlap around the rotation, as
// CloudTrail's do. The same keys serve every region.
func (c Config) PublicKeys() ([]byte, error) {
	c, err := c.withDefaults()
	if err != nil {
		return nil, err
	}
	keys, err := signingKeys()
	if err != nil {
		return nil, err
	}
	type publicKey struct {
		Value             string
		ValidityStartTime string
		ValidityEndTime   string
		Fingerprint       string
	}
	rot, day := c.rotation(), 24*time.Hour
	valid := [][2]time.Time{
		{c.Start.Add(-day), rot.Add(day)},
		{rot.Add(-day), c.Start.AddDate(0, 0, c.Days+2)},
	}
	var doc struct{ PublicKeyList []publicKey }
	for i, k := range keys[:2] {
		doc.PublicKeyList = append(doc.PublicKeyList, publicKey{
			Value:             base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(&k.private.PublicKey)),
			ValidityStartTime: cliTime(valid[i][0]),
			ValidityEndTime:   cliTime(valid[i][1]),
			Fingerprint:       k.fingerprint,
		})
	}
	b, err := json.MarshalIndent(doc, "", "    ")
	if err != nil {
		return nil, fmt.Errorf("gen: encode public keys: %w", err)
	}
	return append(b, '\n'), nil
}

// cliTime is a time as the AWS CLI prints one.
func cliTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }
