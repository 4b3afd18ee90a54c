package integrity

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// PublicKey is one of the keys CloudTrail signs digests with, as its
// ListPublicKeys returns them.
type PublicKey struct {
	Fingerprint string
	// Value is DER: PKCS#1, as documented, or SubjectPublicKeyInfo, as
	// some published examples are.
	Value []byte
	// ValidFrom and ValidUntil bound the digests it signs; zero is open.
	ValidFrom, ValidUntil time.Time
}

// Keys are the public keys digests are verified with, found by the
// fingerprint a digest names.
type Keys struct {
	byFingerprint map[string][]publicKey
}

type publicKey struct {
	rsa         *rsa.PublicKey
	from, until time.Time
}

// ParseKeys is ReadKeys and then NewKeys: the keys of a list-public-keys
// file, ready to verify with.
func ParseKeys(r io.Reader) (*Keys, error) {
	list, err := ReadKeys(r)
	if err != nil {
		return nil, err
	}
	return NewKeys(list)
}

// NewKeys parses the keys' DER values.
func NewKeys(list []PublicKey) (*Keys, error) {
	k := &Keys{byFingerprint: map[string][]publicKey{}}
	for _, p := range list {
		pub, err := parseRSA(p.Value)
		if err != nil {
			return nil, fmt.Errorf("public key %s: %w", quote(p.Fingerprint), err)
		}
		k.byFingerprint[p.Fingerprint] = append(k.byFingerprint[p.Fingerprint], publicKey{pub, p.ValidFrom, p.ValidUntil})
	}
	return k, nil
}

func parseRSA(der []byte) (*rsa.PublicKey, error) {
	if pub, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return pub, nil
	}
	key, err := x509.ParsePKIXPublicKey(der)
	if pub, ok := key.(*rsa.PublicKey); err == nil && ok {
		return pub, nil
	}
	return nil, errors.New("not an RSA public key in PKCS#1 or SubjectPublicKeyInfo DER")
}

// ReadKeys reads the keys `aws cloudtrail list-public-keys` prints:
// {"PublicKeyList": [{"Value": BASE64, "ValidityStartTime": T,
// "ValidityEndTime": T, "Fingerprint": HEX}]}, with times in ISO 8601 or
// in seconds since 1970, as the CLI's versions and settings print them.
func ReadKeys(r io.Reader) ([]PublicKey, error) {
	var doc struct {
		PublicKeyList []struct {
			Value             string
			ValidityStartTime cliTime
			ValidityEndTime   cliTime
			Fingerprint       string
		}
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("public keys: %w", err)
	}
	if len(doc.PublicKeyList) == 0 {
		return nil, errors.New("public keys: no PublicKeyList, or an empty one")
	}
	var list []PublicKey
	for _, p := range doc.PublicKeyList {
		der, err := base64.StdEncoding.DecodeString(p.Value)
		if err != nil {
			return nil, fmt.Errorf("public key %s: Value is not base64: %w", quote(p.Fingerprint), err)
		}
		list = append(list, PublicKey{Fingerprint: p.Fingerprint, Value: der,
			ValidFrom: time.Time(p.ValidityStartTime), ValidUntil: time.Time(p.ValidityEndTime)})
	}
	return list, nil
}

// cliTime is a time as the AWS CLI prints one: an ISO 8601 string, or
// seconds since 1970 as a number or a string ("1436317441.0").
type cliTime time.Time

func (t *cliTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s := strings.Trim(string(b), `"`)
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		*t = cliTime(time.Unix(0, int64(secs*1e9)).UTC())
		return nil
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("time %s: want ISO 8601 or seconds since 1970", quote(s))
	}
	*t = cliTime(v.UTC())
	return nil
}

// keySlack widens a key's validity: CloudTrail signs a digest a little
// after the hour it covers, and its keys' validities overlap by days.
const keySlack = time.Hour

// find returns the key named by fingerprint that may have signed a digest
// ending at end. A backfill digest is signed when it is made, which can
// be long after its hour: only the key's end of validity bounds it.
func (k *Keys) find(fingerprint string, end time.Time, backfill bool) (*rsa.PublicKey, error) {
	list := k.byFingerprint[fingerprint]
	if len(list) == 0 {
		return nil, fmt.Errorf("its public key %s is not among the public keys", quote(fingerprint))
	}
	for _, p := range list {
		early := !backfill && !p.from.IsZero() && end.Before(p.from.Add(-keySlack))
		late := !p.until.IsZero() && end.After(p.until.Add(keySlack))
		if !early && !late {
			return p.rsa, nil
		}
	}
	return nil, fmt.Errorf("its public key %s is not valid at %s", quote(fingerprint), end.Format(time.RFC3339))
}

// verify checks a hex SHA256withRSA signature of s.
func verify(pub *rsa.PublicKey, s, signature string) error {
	sig, err := hex.DecodeString(signature)
	if err != nil {
		return errors.New("the signature is not hex")
	}
	sum := sha256.Sum256([]byte(s))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
}
