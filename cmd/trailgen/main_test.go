package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/multisha"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/trail"
)

// sampleArgs is the command line of testdata/sample (without -o and
// --manifest); internal/gen's TestSample holds the same as a Config.
var sampleArgs = []string{"--seed", "7", "--accounts", "3", "--partitions", "aws,aws,aws-us-gov",
	"--files-per-day", "2", "--records", "12", "--damaged", "--org", "o-a1b2c3d4e5"}

func trailgen(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestSample(t *testing.T) {
	dir := t.TempDir()
	out, manifest := filepath.Join(dir, "archive"), filepath.Join(dir, "manifest.json")
	if code, _, stderr := trailgen(t, append(sampleArgs, "-q", "-o", out, "--manifest", manifest)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, got := sourcetest.ReadFiles(t, "../../testdata/sample/archive"), sourcetest.ReadFiles(t, out)
	if len(want) != len(got) {
		t.Errorf("%d files, testdata/sample/archive has %d", len(got), len(want))
	}
	for p, b := range want {
		if !bytes.Equal(got[p], b) {
			t.Errorf("%s differs from testdata/sample/archive", p)
		}
	}
	if !bytes.Equal(file(t, "../../testdata/sample/manifest.json"), file(t, manifest)) {
		t.Error("manifest differs from testdata/sample/manifest.json")
	}
}

func TestReport(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := trailgen(t, "--days", "1", "--accounts", "1", "--output", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"wrote " + dir, "valid logs", "support:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

func TestSize(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(t.TempDir(), "m.json")
	if code, _, stderr := trailgen(t, "--size-mb", "16", "--uneven", "--quiet", "-o", dir, "--manifest", manifest); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var m gen.Manifest
	if err := json.Unmarshal(file(t, manifest), &m); err != nil {
		t.Fatal(err)
	}
	if m.Bytes < 14<<20 || m.Bytes > 18<<20 {
		t.Errorf("--size-mb 16 wrote %d bytes", m.Bytes)
	}
}

// TestDigests checks that --digests writes digests that verify with the
// --public-keys file and the manifest's signatures.
func TestDigests(t *testing.T) {
	dir := t.TempDir()
	out, manifest, keys := filepath.Join(dir, "archive"), filepath.Join(dir, "m.json"), filepath.Join(dir, "keys.json")
	if code, _, stderr := trailgen(t, "--days", "1", "--accounts", "1", "--regions", "us-east-1", "--digests", "-q",
		"-o", out, "--manifest", manifest, "--public-keys", keys); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var m gen.Manifest
	if err := json.Unmarshal(file(t, manifest), &m); err != nil {
		t.Fatal(err)
	}
	k, err := integrity.ParseKeys(bytes.NewReader(file(t, keys)))
	if err != nil {
		t.Fatal(err)
	}
	l, hashes := integrity.NewLedger(), multisha.NewPool()
	for rel, b := range sourcetest.ReadFiles(t, out) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(rel, "/CloudTrail-Digest/") {
			if err := l.AddDigest(rel, zr, m.Metadata[rel]["signature"]); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := integrity.NewHasher(hashes, zr).Sum(func(sum string) { l.AddLog(rel, sum) }); err != nil {
			t.Fatal(err)
		}
	}
	hashes.Flush()
	if f := l.Verify(trail.Scope{}, k); !f.Proven() || f.DigestsVerified != m.DigestFiles || f.LogsVerified != m.ValidFiles {
		t.Errorf("%s; %d digests, %d logs written", f.Headline(), m.DigestFiles, m.ValidFiles)
	}
}

func TestErrors(t *testing.T) {
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "x"), nil, 0o644)
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, 2, "trailgen: error: no output directory"},
		{[]string{"-o", t.TempDir(), "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"-o", t.TempDir(), "--start", "yesterday"}, 2, `--start "yesterday": want YYYY-MM-DD`},
		{[]string{"-o", t.TempDir(), "--accounts", "1", "--partitions", "aws,aws-cn"}, 2, "2 partitions for 1 accounts"},
		{[]string{"-o", t.TempDir(), "--org", "42"}, 2, "want o-"},
		{[]string{"-o", full}, 1, "trailgen: hint: choose a new or empty directory"},
		{[]string{"-o", t.TempDir(), "--public-keys", "k.json"}, 2, "--public-keys without --digests"},
		{[]string{"-o", t.TempDir(), "--shape", "csv"}, 2, `shape "csv": want delivered or one of ndjson,`},
		{[]string{"-o", t.TempDir(), "--shape", "cwl-export", "--digests"}, 2, "digests list delivered log files only"},
		{[]string{"--no-such-flag"}, 2, "trailgen: error: unknown flag: --no-such-flag\ntrailgen: hint: see trailgen --help"},
		{[]string{"--days"}, 2, "flag needs an argument"},
		{[]string{"--days", "three"}, 2, `invalid argument "three"`},
		// A long flag with one dash, as the standard flag package took
		// it, is a run of short flags to pflag: refused, not misread.
		{[]string{"-seed", "7", "-o", t.TempDir()}, 2, "unknown shorthand flag: 's' in -seed"},
	} {
		code, _, stderr := trailgen(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("trailgen %q: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		code, stdout, stderr := trailgen(t, arg)
		if code != 0 || stderr != "" {
			t.Errorf("trailgen %s: exit %d, stderr %q; want exit 0 and nothing", arg, code, stderr)
		}
		for _, want := range []string{"Usage: trailgen", "Examples:", "  trailgen --size-mb 1024", "-o, --output DIR", "--files-per-day int", "--shape NAME"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("trailgen %s: stdout lacks %q:\n%s", arg, want, stdout)
			}
		}
	}
}

func file(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
