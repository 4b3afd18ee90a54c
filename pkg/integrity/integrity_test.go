package integrity_test

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/internal/signedtest"
	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/multisha"
	"github.com/trailscan/trailscan/pkg/trail"
)

// tempRoot holds the base archive, removed when the tests end.
var tempRoot string

func TestMain(m *testing.M) {
	var err error
	if tempRoot, err = os.MkdirTemp("", "integrity"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tempRoot)
	os.Exit(code)
}

// base is the archive every test copies, written once: two trails in two
// regions over two days, so that the keys rotate and every chain has
// empty hours.
var base = signedtest.Once(func() (string, error) { return os.MkdirTemp(tempRoot, "archive-") }, func() gen.Config {
	c := signedtest.TwoTrails(11)
	c.FilesPerDay, c.RecordsPerFile = 3, 5
	return c
}())

func baseArchive(t testing.TB) (string, gen.Manifest) {
	t.Helper()
	a := base(t)
	return a.Dir, a.Manifest
}

// archiveKeys are the public keys of the archive's digests.
func archiveKeys(t testing.TB) []integrity.PublicKey {
	t.Helper()
	return base(t).KeyList(t)
}

func newKeys(t testing.TB, list []integrity.PublicKey) *integrity.Keys {
	t.Helper()
	k, err := integrity.NewKeys(list)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// archive is a copy of the base archive a test tampers with.
type archive struct {
	t      *testing.T
	dir    string
	chains map[string][]*digestFile // by chainName, by end
}

type digestFile struct {
	rel string
	key integrity.DigestKey
}

func chainName(k integrity.DigestKey) string {
	return fmt.Sprint(k.Org, k.Account, k.Region, k.Trail, k.HomeRegion, k.Backfill)
}

func copyArchive(t *testing.T) *archive {
	t.Helper()
	a := &archive{t: t, dir: base(t).Copy(t), chains: map[string][]*digestFile{}}
	err := filepath.WalkDir(a.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a.dir, p)
		if k, ok := integrity.ParseDigestKey(rel); ok {
			c := chainName(k)
			a.chains[c] = append(a.chains[c], &digestFile{filepath.ToSlash(rel), k})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range a.chains {
		slices.SortFunc(c, func(x, y *digestFile) int { return x.key.End.Compare(y.key.End) })
	}
	return a
}

func (a *archive) path(rel string) string { return filepath.Join(a.dir, filepath.FromSlash(rel)) }

func (a *archive) write(rel string, b []byte) {
	a.t.Helper()
	p := a.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		a.t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		a.t.Fatal(err)
	}
}

func (a *archive) remove(rel string) {
	a.t.Helper()
	if err := os.Remove(a.path(rel)); err != nil {
		a.t.Fatal(err)
	}
}

// content returns a file's uncompressed content.
func (a *archive) content(rel string) []byte {
	a.t.Helper()
	b, err := os.ReadFile(a.path(rel))
	if err != nil {
		a.t.Fatal(err)
	}
	return gunzip(a.t, b)
}

func (a *archive) setContent(rel string, doc []byte) {
	a.t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(doc)
	zw.Close()
	a.write(rel, buf.Bytes())
}

// doc is a digest's content, decoded.
func (a *archive) doc(rel string) map[string]any {
	a.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.content(rel), &m); err != nil {
		a.t.Fatal(err)
	}
	return m
}

func (a *archive) setDoc(rel string, m map[string]any) {
	a.t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		a.t.Fatal(err)
	}
	a.setContent(rel, b)
}

// logsOf returns the keys of the log files a digest lists.
func (a *archive) logsOf(d *digestFile) []string {
	var out []string
	for _, l := range a.doc(d.rel)["logFiles"].([]any) {
		out = append(out, l.(map[string]any)["s3Object"].(string))
	}
	return out
}

// chain returns a chain of the account trail, or its backfill chain.
func (a *archive) chain(region string, backfill bool) []*digestFile {
	a.t.Helper()
	for _, c := range a.chains {
		if k := c[0].key; k.Org == "" && k.Region == region && k.Backfill == backfill {
			return c
		}
	}
	a.t.Fatalf("no chain for %s, backfill %v", region, backfill)
	return nil
}

// listing returns the index in c of the first digest after the first that
// lists a log file and has n-1 such digests after it, before the newest.
func (a *archive) listing(c []*digestFile, n int) int {
	a.t.Helper()
	for i := 1; i+n < len(c); i++ {
		if len(a.logsOf(c[i])) > 0 {
			return i
		}
	}
	a.t.Fatal("no digest with log files in the chain")
	return 0
}

// listedLog returns the first log file of the digest of region's chain
// that listing(c, 1) finds, and that digest.
func (a *archive) listedLog(region string) (log string, d *digestFile) {
	a.t.Helper()
	c := a.chain(region, false)
	d = c[a.listing(c, 1)]
	return a.logsOf(d)[0], d
}

// alter changes a log file's content, keeping it valid JSON.
func (a *archive) alter(rel string) []byte {
	a.t.Helper()
	return signedtest.Alter(a.t, a.path(rel))
}

func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return b
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// readDir feeds a ledger what a scan of dir reads, with the given S3
// metadata by relative path (nil for a local copy).
func readDir(t testing.TB, dir string, meta map[string]map[string]string) *integrity.Ledger {
	t.Helper()
	l := integrity.NewLedger()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return read(l, p, rel, b, meta[rel]["signature"])
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// read adds one file to l as a scan would: digests whole, logs through a
// Hasher while they are decoded.
func read(l *integrity.Ledger, p, key string, b []byte, signature string) error {
	switch {
	case strings.Contains(key, "/CloudTrail-Digest/"):
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err == nil {
			err = l.AddDigest(p, zr, signature)
		}
		if err != nil {
			l.AddUnreadableDigest(p, err)
		}
	case strings.Contains(key, "/CloudTrail/"):
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return err
		}
		hashes := multisha.NewPool()
		h := integrity.NewHasher(hashes, zr)
		var doc struct{ Records []json.RawMessage }
		if err := json.NewDecoder(h).Decode(&doc); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if err := h.Sum(func(sum string) { l.AddLog(p, sum) }); err != nil {
			return err
		}
		hashes.Flush()
	}
	return nil
}

// expect is what a tampered archive must show, by Name. Unsigned
// digests are not listed: every local chain has one.
type expect struct {
	altered, missing map[string]string // log: digest listing it
	unlisted         []string
	invalid          map[string]string // digest: part of its error
	gaps             []integrity.ChainGap
}

// check compares the findings with want, every list exactly.
func check(t *testing.T, got integrity.Findings, want expect) {
	t.Helper()
	logs := func(what string, got []integrity.LogFinding, want map[string]string) {
		t.Helper()
		have := map[string]string{}
		for _, f := range got {
			have[integrity.Name(f.Path)] = integrity.Name(f.Digest)
		}
		if want == nil {
			want = map[string]string{}
		}
		if !maps.Equal(have, want) {
			t.Errorf("%s: got %v, want %v", what, have, want)
		}
	}
	names := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[integrity.Name(k)] = integrity.Name(v)
		}
		return out
	}
	logs("altered", got.Altered, names(want.altered))
	logs("missing", got.Missing, names(want.missing))
	unlisted := map[string]string{}
	for _, u := range want.unlisted {
		unlisted[integrity.Name(u)] = ""
	}
	logs("unlisted", got.Unlisted, unlisted)

	invalid := map[string]string{}
	for _, d := range got.InvalidDigests {
		invalid[integrity.Name(d.Path)] = d.Error
	}
	for d, part := range want.invalid {
		if e, ok := invalid[integrity.Name(d)]; !ok || !strings.Contains(e, part) {
			t.Errorf("invalid digest %s: error %q, want one with %q", d, e, part)
		}
		delete(invalid, integrity.Name(d))
	}
	for d, e := range invalid {
		t.Errorf("invalid digest %s (%s): not expected", d, e)
	}

	var gaps []integrity.ChainGap
	for _, g := range got.ChainGaps {
		g.Digest = integrity.Name(g.Digest)
		gaps = append(gaps, g)
	}
	for i := range want.gaps {
		want.gaps[i].Digest = integrity.Name(want.gaps[i].Digest)
	}
	if !slices.Equal(gaps, want.gaps) {
		t.Errorf("chain gaps: got %v, want %v", gaps, want.gaps)
	}
	if got.Failed() != (len(want.altered)+len(want.missing)+len(want.unlisted)+len(want.invalid)+len(want.gaps) > 0) {
		t.Errorf("Failed() = %v", got.Failed())
	}
}

func docTime(t *testing.T, m map[string]any, field string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, m[field].(string))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// gapBetween is the gap from the end of c[i-1] to the start of c[j+1],
// whose digests i to j are absent.
func (a *archive) gapBetween(c []*digestFile, i, j int) integrity.ChainGap {
	next := a.doc(c[j+1].rel)
	return integrity.ChainGap{Account: c[i].key.Account, Region: c[i].key.Region,
		From: docTime(a.t, a.doc(c[i-1].rel), "digestEndTime"), Until: docTime(a.t, next, "digestStartTime"), Digest: c[j+1].rel}
}

// signedBy signs a digest's signing string with another key.
func signedBy(t *testing.T, key *rsa.PrivateKey, doc map[string]any, content []byte) string {
	t.Helper()
	prev, _ := doc["previousDigestSignature"].(string)
	if prev == "" {
		prev = "null"
	}
	s := doc["digestEndTime"].(string) + "\n" + doc["digestS3Bucket"].(string) + "/" + doc["digestS3Object"].(string) + "\n" + sha(content) + "\n" + prev
	h := sha256.Sum256([]byte(s))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(sig)
}

// tamperCase is one way an archive is tampered with, and what shows it.
type tamperCase struct {
	name   string
	scope  trail.Scope
	keys   func(t *testing.T) *integrity.Keys // nil: the archive's keys
	tamper func(a *archive) expect
}

var tamperCases = []tamperCase{
	{name: "clean", tamper: func(a *archive) expect { return expect{} }},
	{name: "log altered: altered", tamper: func(a *archive) expect {
		log, d := a.listedLog("us-east-1")
		a.alter(log)
		return expect{altered: map[string]string{log: d.rel}}
	}},
	{name: "log altered, digest rewritten to match: invalid digest, by the chain", tamper: func(a *archive) expect {
		c := a.chain("eu-west-1", false)
		d := c[a.listing(c, 1)]
		doc := a.doc(d.rel)
		entry := doc["logFiles"].([]any)[0].(map[string]any)
		entry["hashValue"] = sha(a.alter(entry["s3Object"].(string)))
		a.setDoc(d.rel, doc)
		return expect{invalid: map[string]string{d.rel: "previousDigestHashValue"}}
	}},
	{name: "log deleted: missing", tamper: func(a *archive) expect {
		log, d := a.listedLog("us-east-1")
		a.remove(log)
		return expect{missing: map[string]string{log: d.rel}}
	}},
	{name: "forged log added: unlisted", tamper: func(a *archive) expect {
		log, _ := a.listedLog("us-east-1")
		forged := strings.Replace(log, ".json.gz", "X.json.gz", 1)
		a.setContent(forged, a.content(log))
		return expect{unlisted: []string{forged}}
	}},
	{name: "digest deleted: chain gap, its logs unlisted", tamper: func(a *archive) expect {
		c := a.chain("us-east-1", false)
		i := a.listing(c, 1)
		logs := a.logsOf(c[i])
		want := expect{unlisted: logs, gaps: []integrity.ChainGap{a.gapBetween(c, i, i)}}
		a.remove(c[i].rel)
		return want
	}},
	{name: "two consecutive digests deleted: one chain gap of both hours", tamper: func(a *archive) expect {
		c := a.chain("us-east-1", false)
		i := a.listing(c, 2)
		want := expect{unlisted: append(a.logsOf(c[i]), a.logsOf(c[i+1])...), gaps: []integrity.ChainGap{a.gapBetween(c, i, i+1)}}
		a.remove(c[i].rel)
		a.remove(c[i+1].rel)
		return want
	}},
	{name: "digest moved: invalid digest, chain gap", tamper: func(a *archive) expect {
		c := a.chain("eu-west-1", false)
		i := a.listing(c, 1)
		moved := strings.Replace(c[i].rel, "/CloudTrail-Digest/eu-west-1/", "/CloudTrail-Digest/eu-west-1/moved/", 1)
		a.write(moved, must(os.ReadFile(a.path(c[i].rel))))
		want := expect{invalid: map[string]string{moved: "not where it says it is"}, gaps: []integrity.ChainGap{a.gapBetween(c, i, i)}}
		a.remove(c[i].rel)
		return want
	}},
	{name: "digest unreadable: invalid digest, its logs unlisted", tamper: func(a *archive) expect {
		c := a.chain("us-east-1", false)
		i := a.listing(c, 1)
		want := expect{unlisted: a.logsOf(c[i]), invalid: map[string]string{c[i].rel: "cannot be read"}}
		b := must(os.ReadFile(a.path(c[i].rel)))
		a.write(c[i].rel, b[:len(b)/2])
		return want
	}},
	{name: "signature by another key: invalid digest", tamper: func(a *archive) expect {
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			a.t.Fatal(err)
		}
		c := a.chain("us-east-1", false)
		d, newest := c[len(c)-2], c[len(c)-1]
		doc := a.doc(newest.rel)
		doc["previousDigestSignature"] = signedBy(a.t, other, a.doc(d.rel), a.content(d.rel))
		a.setDoc(newest.rel, doc)
		return expect{invalid: map[string]string{d.rel: "does not verify"}}
	}},
	{name: "rotated key not in the keys file: invalid digests", keys: func(t *testing.T) *integrity.Keys {
		return newKeys(t, archiveKeys(t)[:1])
	}, tamper: func(a *archive) expect {
		rotated := archiveKeys(a.t)[1].Fingerprint
		want := expect{invalid: map[string]string{}}
		for _, c := range a.chains {
			for _, d := range c[:len(c)-1] { // the newest are unsigned
				if a.doc(d.rel)["digestPublicKeyFingerprint"] == rotated {
					want.invalid[d.rel] = "is not among the public keys"
				}
			}
		}
		if len(want.invalid) == 0 {
			a.t.Fatal("no digest signed with the rotated key")
		}
		return want
	}},
	{name: "backfill digest's log altered: altered", tamper: func(a *archive) expect {
		c := a.chain("us-east-1", true)
		log := a.logsOf(c[0])[0]
		a.alter(log)
		return expect{altered: map[string]string{log: c[0].rel}}
	}},
	{name: "backfill digest deleted: its chain's gap, its log unlisted", tamper: func(a *archive) expect {
		c := a.chain("us-east-1", true)
		doc := a.doc(c[0].rel)
		want := expect{unlisted: a.logsOf(c[0]), gaps: []integrity.ChainGap{{Account: c[0].key.Account, Region: c[0].key.Region,
			From: docTime(a.t, doc, "digestStartTime"), Until: docTime(a.t, doc, "digestEndTime"), Digest: c[1].rel}}}
		a.remove(c[0].rel)
		return want
	}},
	{name: "newest digests not yet written, as on a live trail: nothing", tamper: func(a *archive) expect {
		c := a.chain("us-east-1", false)
		if len(a.logsOf(c[len(c)-2]))+len(a.logsOf(c[len(c)-1])) == 0 {
			a.t.Fatal("the newest digests list no log file: nothing pending")
		}
		a.remove(c[len(c)-1].rel)
		a.remove(c[len(c)-2].rel)
		return expect{}
	}},
	{name: "no public keys: chains and hashes still checked", keys: func(*testing.T) *integrity.Keys { return nil }, tamper: func(a *archive) expect {
		log, d := a.listedLog("us-east-1")
		a.alter(log)
		return expect{altered: map[string]string{log: d.rel}}
	}},
	{name: "log deleted outside the window: nothing", scope: trail.Scope{Since: day(2), Until: day(3)}, tamper: func(a *archive) expect {
		log, _ := a.listedLog("us-east-1")
		a.remove(log) // on the first day
		return expect{}
	}},
	{name: "clean, a window of hours: nothing", scope: trail.Scope{Since: day(1).Add(13 * time.Hour), Until: day(2).Add(2 * time.Hour)},
		tamper: func(a *archive) expect { return expect{} }},
	{name: "log deleted inside the window: missing", scope: trail.Scope{Since: day(1), Until: day(2)}, tamper: func(a *archive) expect {
		log, d := a.listedLog("us-east-1")
		a.remove(log)
		return expect{missing: map[string]string{log: d.rel}}
	}},
}

func day(n int) time.Time { return time.Date(2026, 10, n, 0, 0, 0, 0, time.UTC) }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func (c tamperCase) keysFor(t *testing.T) *integrity.Keys {
	if c.keys != nil {
		return c.keys(t)
	}
	return newKeys(t, archiveKeys(t))
}

func TestTampered(t *testing.T) {
	for _, c := range tamperCases {
		t.Run(c.name, func(t *testing.T) {
			a := copyArchive(t)
			want := c.tamper(a)
			keys := c.keysFor(t)
			got := readDir(t, a.dir, nil).Verify(c.scope, keys)
			check(t, got, want)
			if got.SignaturesChecked != (keys != nil) {
				t.Errorf("signatures checked %v, with keys %v", got.SignaturesChecked, keys != nil)
			}
		})
	}
}

// TestClean checks that a clean archive verifies fully: every log file is
// listed and verified but those only the newest digest of a chain lists,
// which is unsigned without its S3 metadata, and verified with it.
func TestClean(t *testing.T) {
	a := copyArchive(t)
	_, m := baseArchive(t)
	var newest []string
	onlyUnsigned := 0
	for _, c := range a.chains {
		newest = append(newest, integrity.Name(c[len(c)-1].rel))
		onlyUnsigned += len(a.logsOf(c[len(c)-1]))
	}
	slices.Sort(newest)
	keys := newKeys(t, archiveKeys(t))
	for _, tc := range []struct {
		name         string
		meta         map[string]map[string]string
		verified     int
		unsigned     []string
		unsignedLogs int
	}{
		{"local", nil, m.DigestFiles - len(a.chains), newest, onlyUnsigned},
		{"with S3 metadata", m.Metadata, m.DigestFiles, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := readDir(t, a.dir, tc.meta).Verify(trail.Scope{}, keys)
			check(t, f, expect{})
			var unsigned []string
			for _, u := range f.Unsigned {
				unsigned = append(unsigned, integrity.Name(u.Path))
				if !strings.Contains(u.Reason, "newest digest of its chain") {
					t.Errorf("%s unsigned: %s", u.Path, u.Reason)
				}
			}
			if !slices.Equal(unsigned, tc.unsigned) {
				t.Errorf("unsigned %v, want %v", unsigned, tc.unsigned)
			}
			if f.DigestsRead != m.DigestFiles || f.DigestsVerified != tc.verified {
				t.Errorf("%d digests read, %d verified; want %d, %d", f.DigestsRead, f.DigestsVerified, m.DigestFiles, tc.verified)
			}
			if f.LogsRead != m.ValidFiles || f.LogsListed != m.ValidFiles || f.LogsVerified != m.ValidFiles-tc.unsignedLogs {
				t.Errorf("%d logs read, %d listed, %d verified; want %d, %d, %d", f.LogsRead, f.LogsListed, f.LogsVerified,
					m.ValidFiles, m.ValidFiles, m.ValidFiles-tc.unsignedLogs)
			}
			if f.EmptyHours == 0 {
				t.Error("no empty hour proven")
			}
			if f.Proven() != (tc.meta != nil) {
				t.Errorf("Proven() = %v: %s", f.Proven(), f.Headline())
			}
		})
	}
}

// TestMerge checks that ledgers of shards and of runs, written and read
// back, verify as one ledger of everything does.
func TestMerge(t *testing.T) {
	a := copyArchive(t)
	c := a.chain("us-east-1", false)
	a.remove(c[a.listing(c, 1)].rel) // a gap, unlisted logs and an unsigned digest
	keys := newKeys(t, archiveKeys(t))
	whole := readDir(t, a.dir, nil).Verify(trail.Scope{}, keys)

	for _, split := range []struct {
		name string
		part func(key string) int
	}{
		{"three shards by file", func(key string) int { return len(key) % 3 }},
		{"two runs, by delivery day", func(key string) int {
			if strings.Contains(key, "/2026/10/01/") {
				return 0
			}
			return 1
		}},
	} {
		t.Run(split.name, func(t *testing.T) {
			parts := map[int]*integrity.Ledger{}
			err := filepath.WalkDir(a.dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(a.dir, p)
				n := split.part(filepath.ToSlash(rel))
				if parts[n] == nil {
					parts[n] = integrity.NewLedger()
				}
				return read(parts[n], p, filepath.ToSlash(rel), must(os.ReadFile(p)), "")
			})
			if err != nil {
				t.Fatal(err)
			}
			merged := integrity.NewLedger()
			for _, n := range slices.Sorted(maps.Keys(parts)) {
				b, err := json.Marshal(parts[n])
				if err != nil {
					t.Fatal(err)
				}
				back := integrity.NewLedger()
				if err := json.Unmarshal(b, back); err != nil {
					t.Fatal(err)
				}
				merged.Merge(back)
			}
			got := merged.Verify(trail.Scope{}, keys)
			gj, wj := must(json.Marshal(got)), must(json.Marshal(whole))
			if !bytes.Equal(gj, wj) {
				t.Errorf("merged:\n%s\nwhole:\n%s", gj, wj)
			}
		})
	}
}

func TestFindingsJSON(t *testing.T) {
	a := copyArchive(t)
	log, _ := a.listedLog("us-east-1")
	a.remove(log)
	f := readDir(t, a.dir, nil).Verify(trail.Scope{}, newKeys(t, archiveKeys(t)))
	var got map[string]json.RawMessage
	if err := json.Unmarshal(must(json.Marshal(f)), &got); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"digests_read", "digests_verified", "empty_hours", "logs_verified", "logs_listed",
		"altered", "missing", "unlisted", "invalid_digests", "chain_gaps", "unsigned"} {
		if _, ok := got[name]; !ok {
			t.Errorf("no %q in %s", name, must(json.Marshal(f)))
		}
	}
	if string(got["altered"]) != "[]" {
		t.Errorf("altered = %s, want []", got["altered"])
	}
	if h := f.Headline(); !strings.HasPrefix(h, "Not proven: ") || !strings.Contains(h, "; 1 missing") {
		t.Errorf("headline %q", h)
	}
}
