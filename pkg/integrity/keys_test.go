package integrity_test

import (
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/trail"
)

func TestReadKeys(t *testing.T) {
	pub := archiveKeys(t)[0]
	rsaKey, err := x509.ParsePKCS1PublicKey(pub.Value)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := x509.MarshalPKIXPublicKey(rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := base64.StdEncoding.EncodeToString(pub.Value)
	doc := func(value, start, end string) string {
		return fmt.Sprintf(`{"PublicKeyList": [{"Value": %q, "ValidityStartTime": %s, "ValidityEndTime": %s, "Fingerprint": "ab12"}]}`, value, start, end)
	}
	from, until := time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, in string
		err      string // part of the error; "" for none
	}{
		{"CLI v2: ISO 8601 with an offset", doc(pkcs1, `"2026-09-30T02:00:00+02:00"`, `"2026-10-30T00:00:00+00:00"`), ""},
		{"SubjectPublicKeyInfo", doc(base64.StdEncoding.EncodeToString(spki), `"2026-09-30T00:00:00Z"`, `"2026-10-30T00:00:00Z"`), ""},
		{"seconds as numbers", doc(pkcs1, fmt.Sprint(from.Unix()), fmt.Sprintf("%d.0", until.Unix())), ""},
		{"seconds as strings, lower-case list as the User Guide shows", strings.Replace(doc(pkcs1, fmt.Sprintf(`"%d.0"`, from.Unix()), fmt.Sprintf(`"%d.0"`, until.Unix())), "PublicKeyList", "publicKeyList", 1), ""},
		{"not base64", doc("MII?", `"2026-09-30T00:00:00Z"`, `"2026-10-30T00:00:00Z"`), "not base64"},
		{"not a key", doc(base64.StdEncoding.EncodeToString([]byte("key")), `"2026-09-30T00:00:00Z"`, `"2026-10-30T00:00:00Z"`), "not an RSA public key"},
		{"a time that is none", doc(pkcs1, `"yesterday"`, `"2026-10-30T00:00:00Z"`), "want ISO 8601"},
		{"no keys", `{"PublicKeyList": []}`, "empty"},
		{"not JSON", `PublicKeyList`, "public keys"},
	} {
		t.Run(c.name, func(t *testing.T) {
			list, err := integrity.ReadKeys(strings.NewReader(c.in))
			if err == nil {
				_, err = integrity.NewKeys(list)
			}
			switch {
			case c.err == "" && err != nil:
				t.Fatal(err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Fatalf("error %v, want one with %q", err, c.err)
			case c.err == "" && (len(list) != 1 || !list[0].ValidFrom.Equal(from) || !list[0].ValidUntil.Equal(until) || list[0].Fingerprint != "ab12"):
				t.Errorf("read %+v", list)
			}
		})
	}
}

// TestKeyValidity checks that a key verifies only the digests of its
// validity: moved to before the archive, the first key is refused.
func TestKeyValidity(t *testing.T) {
	a := copyArchive(t)
	list := archiveKeys(t)
	list[0].ValidFrom, list[0].ValidUntil = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	f := readDir(t, a.dir, nil).Verify(trail.Scope{}, newKeys(t, list))
	if len(f.InvalidDigests) == 0 {
		t.Fatal("no digest refused")
	}
	for _, d := range f.InvalidDigests {
		if !strings.Contains(d.Error, "is not valid at") {
			t.Errorf("%s: %s", d.Path, d.Error)
		}
	}
}
