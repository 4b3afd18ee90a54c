// Package signedtest gives tests generated archives with signed digests,
// the keys that verify them, and copies of them to tamper with. It builds
// on internal/gen and pkg/integrity only, for tests alone.
package signedtest

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/integrity"
)

// TwoTrails is an archive of an account trail (prefix acct) and an
// organization trail (prefix org) of one account, in two regions over two
// days, so that the keys rotate and every chain has empty hours.
func TwoTrails(seed int64) gen.Config {
	return gen.Config{
		Seed: seed, Days: 2, Accounts: []string{"111122223333"}, Regions: []string{"us-east-1", "eu-west-1"},
		OrgID: "o-a1b2c3d4e5", Prefix: "acct", OrgPrefix: "org", FilesPerDay: 2, RecordsPerFile: 10, Digests: true,
	}
}

// Archive is an archive written with signed digests.
type Archive struct {
	Dir      string
	Manifest gen.Manifest
	keys     []byte // as `aws cloudtrail list-public-keys` prints them
}

// Write writes the archive cfg describes, with its digests, into dir.
func Write(dir string, cfg gen.Config) (*Archive, error) {
	cfg.Digests = true
	m, err := gen.Write(dir, cfg)
	if err != nil {
		return nil, err
	}
	keys, err := cfg.PublicKeys()
	if err != nil {
		return nil, err
	}
	return &Archive{Dir: dir, Manifest: m, keys: keys}, nil
}

// New writes the archive cfg describes into a directory of the test's own.
func New(t testing.TB, cfg gen.Config) *Archive {
	t.Helper()
	a, err := Write(t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Once returns a function that writes the archive cfg describes on its
// first call, into the directory dir makes (and its caller removes), and
// returns that archive to every call: signing digests is the slow part of
// a test, so tests share one archive and tamper with copies.
func Once(dir func() (string, error), cfg gen.Config) func(t testing.TB) *Archive {
	write := sync.OnceValues(func() (*Archive, error) {
		d, err := dir()
		if err != nil {
			return nil, err
		}
		return Write(d, cfg)
	})
	return func(t testing.TB) *Archive {
		t.Helper()
		a, err := write()
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
}

// KeyList is the public keys of the archive's digests.
func (a *Archive) KeyList(t testing.TB) []integrity.PublicKey {
	t.Helper()
	list, err := integrity.ReadKeys(bytes.NewReader(a.keys))
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// Keys is the public keys of the archive's digests, ready to verify with.
func (a *Archive) Keys(t testing.TB) *integrity.Keys {
	t.Helper()
	keys, err := integrity.ParseKeys(bytes.NewReader(a.keys))
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// KeysFile writes the public keys as trailscan's --keys reads them, into a
// directory of the test's own, and returns the file's path.
func (a *Archive) KeysFile(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(p, a.keys, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Copy copies the archive into a directory of the test's own, for it to
// tamper with, and returns that directory.
func (a *Archive) Copy(t testing.TB) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(a.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a.Dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// Alter changes the content of the log at path, keeping it a valid log
// that decompresses whole, so that only its hash tells it altered; it
// returns the new content.
func Alter(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	doc = bytes.Replace(doc, []byte(`{"Records":[`), []byte(`{"Records": [`), 1)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(doc)
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return doc
}

// Names is what findings name, by integrity.Name: the same wherever the
// archive was read from.
func Names(fs []integrity.LogFinding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, integrity.Name(f.Path))
	}
	return out
}
