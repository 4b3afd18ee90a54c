package scan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/internal/signedtest"
	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/trail"
)

// signed is an archive with signed digests and the files a scanner must
// cope with: the garbled log decompresses whole, so its hash shows it
// altered; the truncated one does not, so it is missing.
var signed = signedtest.Once(tempDir, func() gen.Config {
	c := signedtest.TwoTrails(3)
	c.Damaged = true
	return c
}())

func verify(t *testing.T, srcs []source.Source, cfg scan.Config, keys *integrity.Keys) (integrity.Findings, string) {
	t.Helper()
	cfg.Ledger = integrity.NewLedger()
	sum, err := scan.Run(context.Background(), srcs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := json.Marshal(sum.Result())
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Ledger.Verify(cfg.Scope, keys), string(res)
}

// TestVerify scans a signed archive with a Ledger: the damaged logs are
// found, every other log is verified but those only a chain's newest
// digest lists (unsigned without S3 metadata), and the summary is the
// scan's without one.
func TestVerify(t *testing.T) {
	a := signed(t)
	src, err := source.NewDir(a.Dir)
	if err != nil {
		t.Fatal(err)
	}
	srcs := []source.Source{src}
	keys := a.Keys(t)
	f, res := verify(t, srcs, scan.Config{Jobs: 2}, keys)

	// Damaged files are told apart by what they hold: a truncated one does
	// not decompress, a garbled one is not JSON; the JSON that is no log is
	// no file CloudTrail delivered.
	var garbled, truncated, foreign []string
	for _, d := range a.Manifest.DamagedFiles {
		b, err := os.ReadFile(filepath.Join(a.Dir, d))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err == nil {
			b, err = io.ReadAll(zr)
		}
		switch {
		case err != nil:
			truncated = append(truncated, integrity.Name(d))
		case !json.Valid(b):
			garbled = append(garbled, integrity.Name(d))
		default:
			foreign = append(foreign, integrity.Name(d))
		}
	}
	if len(garbled) == 0 || len(truncated) == 0 || len(foreign) == 0 {
		t.Fatalf("damaged files %v: want garbled and truncated ones", a.Manifest.DamagedFiles)
	}
	if got := signedtest.Names(f.Altered); !slices.Equal(got, garbled) {
		t.Errorf("altered %v, want %v", got, garbled)
	}
	if got := signedtest.Names(f.Missing); !slices.Equal(got, truncated) {
		t.Errorf("missing %v, want %v", got, truncated)
	}
	if got := signedtest.Names(f.Unlisted); !slices.Equal(got, foreign) {
		t.Errorf("unlisted %v, want %v", got, foreign)
	}
	if len(f.InvalidDigests)+len(f.ChainGaps) > 0 || !f.SignaturesChecked {
		t.Errorf("invalid %v, gaps %v, signatures checked %v", f.InvalidDigests, f.ChainGaps, f.SignaturesChecked)
	}
	if f.DigestsRead != a.Manifest.DigestFiles || f.DigestsVerified != a.Manifest.DigestFiles-len(f.Unsigned) || len(f.Unsigned) == 0 {
		t.Errorf("%d digests read, %d verified, %d unsigned; %d written", f.DigestsRead, f.DigestsVerified, len(f.Unsigned), a.Manifest.DigestFiles)
	}
	if f.LogsVerified == 0 || f.LogsVerified >= f.LogsListed || f.LogsListed != f.LogsRead-len(foreign)+len(truncated) {
		t.Errorf("%d logs verified, %d listed, %d read", f.LogsVerified, f.LogsListed, f.LogsRead)
	}
	plain, err := scan.Run(context.Background(), srcs, scan.Config{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := json.Marshal(plain.Result()); string(want) != res {
		t.Errorf("the result with a ledger differs from the one without:%s", firstDiff(res, string(want)))
	}

	t.Run("shards", func(t *testing.T) {
		merged := integrity.NewLedger()
		for i := range 3 {
			cfg := scan.Config{Jobs: 2, Select: shard.Spec{Index: i, Count: 3}.Select, Ledger: integrity.NewLedger()}
			if _, err := scan.Run(context.Background(), srcs, cfg); err != nil {
				t.Fatal(err)
			}
			merged.Merge(cfg.Ledger)
		}
		got, _ := json.Marshal(merged.Verify(trail.Scope{}, keys))
		want, _ := json.Marshal(f)
		if string(got) != string(want) {
			t.Errorf("shards merged:\n%s\nwhole:\n%s", got, want)
		}
	})

	t.Run("window", func(t *testing.T) {
		day := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
		sc := trail.Scope{Since: day, Until: day.Add(3 * time.Hour)}
		w, _ := verify(t, srcs, scan.Config{Scope: sc}, keys)
		if w.DigestsRead == 0 || w.DigestsRead >= f.DigestsRead || w.LogsRead >= f.LogsRead || len(w.ChainGaps) > 0 {
			t.Errorf("a window read %d digests and %d logs (of %d, %d), gaps %v", w.DigestsRead, w.LogsRead, f.DigestsRead, f.LogsRead, w.ChainGaps)
		}
	})

	t.Run("S3", func(t *testing.T) {
		client := sourcetest.S3Client(t)
		bucket := sourcetest.NewBucket(t, client)
		sourcetest.UploadWithMetadata(t, client, bucket, "copy/", a.Dir, a.Manifest.Metadata)
		remote, err := source.New(context.Background(), "s3://"+bucket+"/copy", sourcetest.S3Options(t))
		if err != nil {
			t.Fatal(err)
		}
		r, _ := verify(t, []source.Source{remote}, scan.Config{Jobs: 4}, keys)
		// Only the damaged logs are not verified: every digest is signed.
		if len(r.Unsigned) > 0 || r.DigestsVerified != a.Manifest.DigestFiles || r.LogsVerified != r.LogsListed-len(r.Altered)-len(r.Missing) {
			t.Errorf("S3: %d unsigned, %d digests verified, %d of %d logs verified", len(r.Unsigned), r.DigestsVerified, r.LogsVerified, r.LogsListed)
		}
		if !slices.Equal(signedtest.Names(r.Altered), signedtest.Names(f.Altered)) || !slices.Equal(signedtest.Names(r.Missing), signedtest.Names(f.Missing)) || !slices.Equal(signedtest.Names(r.Unlisted), signedtest.Names(f.Unlisted)) {
			t.Errorf("S3 altered %v, missing %v, unlisted %v; local %v, %v, %v", r.Altered, r.Missing, r.Unlisted, f.Altered, f.Missing, f.Unlisted)
		}
		if len(r.Altered) > 0 {
			if p, d := r.Altered[0].Path, r.Altered[0].Digest; !strings.HasPrefix(p, "s3://"+bucket+"/copy/") || !strings.HasPrefix(d, "s3://"+bucket+"/copy/") {
				t.Errorf("S3 finding %s, digest %s: not where the scan found them", p, d)
			}
		}
	})
}

// many is a signed archive of more logs than the pool hashes at once.
var many = signedtest.Once(tempDir, func() gen.Config {
	c := signedtest.TwoTrails(4)
	c.FilesPerDay = 12
	return c
}())

// TestVerifyCancel stops a verifying scan part way: Run reports the
// cancel, and each log Done saw read has its hash in the ledger, those
// still in the pool when the workers stopped too.
func TestVerifyCancel(t *testing.T) {
	const stopAfter = 40
	a := many(t)
	src, err := source.NewDir(a.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if a.Manifest.ValidFiles < 2*stopAfter {
		t.Fatalf("%d logs: too few to stop a scan part way", a.Manifest.ValidFiles)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var read []string
	cfg := scan.Config{Jobs: 2, Ledger: integrity.NewLedger(), Done: func(o source.Object, err error) {
		if err == nil && !strings.Contains(o.Path, "/CloudTrail-Digest/") {
			if read = append(read, o.Path); len(read) == stopAfter {
				cancel()
			}
		}
	}}
	if _, err := scan.Run(ctx, []source.Source{src}, cfg); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v; want context.Canceled", err)
	}
	b, err := json.Marshal(cfg.Ledger)
	if err != nil {
		t.Fatal(err)
	}
	var l struct{ Logs map[string]string }
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	if len(read) < stopAfter {
		t.Fatalf("%d logs read before the cancel", len(read))
	}
	for _, p := range read {
		if len(l.Logs[p]) != 64 {
			t.Errorf("%s read, but its hash is %q", p, l.Logs[p])
		}
	}
}
