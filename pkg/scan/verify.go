package scan

import (
	"cmp"
	"context"
	"io"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/trail"
)

// With Config.Ledger, a scan also reads what verifying its logs against
// CloudTrail's signed digests needs: each log file's SHA-256, computed by
// the worker's Hasher as the decoder reads the decompressed bytes (no
// second read: the bytes are copied into the scan's multisha.Pool, which
// hashes 16 files at once), and the digests of the scope, listed after
// each source's logs and read by the same workers, with their S3
// signatures. Select and Done see the digests as they see logs, so that a
// shard reads its share of them and a state reads each once.

// listDigests lists the digests of src that a scan of sc needs, if src
// has digests at all.
func listDigests(ctx context.Context, src source.Source, sc trail.Scope, fn func(source.Object) error) error {
	ds, ok := src.(source.DigestSource)
	if !ok {
		return nil
	}
	return ds.ListDigests(ctx, digestFolders{sc}, fn)
}

// digestFolders are the folders of the digests a scan of sc needs.
type digestFolders struct{ sc trail.Scope }

func (d digestFolders) Excludes(dir string) bool { return integrity.ExcludesDigestDir(d.sc, dir) }

// Covers is every region's folder when the scan has no time window: its
// digests are all needed, and are listed a thousand a request rather than
// a request a day.
func (d digestFolders) Covers(string) bool { return !d.sc.Windowed() }

// hashing returns r read through the worker's Hasher, which hashes in the
// scan's pool: Run flushes it before it returns, so that the ledger has
// every log's hash by then.
func (w *worker) hashing(r io.Reader) io.Reader {
	if w.hash == nil {
		w.hash = integrity.NewHasher(w.hashes, r)
	} else {
		w.hash.Reset(r)
	}
	return w.hash
}

// addLog records the hash of the log just decoded, which failed with err
// (nil: it decoded), and returns the error the log failed with. A log that
// did not decode is recorded too, if it decompressed whole: its content
// may be what was altered. One that decoded but whose rest could not be
// read has no hash, and failed. The hash is recorded once the pool has
// computed it, from whichever worker computes it.
func (w *worker) addLog(o source.Object, err error) error {
	l := w.cfg.Ledger
	if serr := w.hash.Sum(func(sum string) { l.AddLog(o.Path, sum) }); serr != nil {
		return cmp.Or(err, serr)
	}
	return err
}

// digest adds the digest j names to the ledger. A read that fails is
// tried once more, as OpenWithMetadata does not resume; a digest that
// still cannot be read is recorded as such, to be reported as invalid.
func (w *worker) digest(ctx context.Context, j job) error {
	err := j.obj.Err
	if err == nil {
		if err = w.addDigest(ctx, j); err != nil && ctx.Err() == nil {
			err = w.addDigest(ctx, j)
		}
	}
	if err != nil && ctx.Err() == nil {
		w.cfg.Ledger.AddUnreadableDigest(j.obj.Path, err)
	}
	return err
}

func (w *worker) addDigest(ctx context.Context, j job) error {
	rc, meta, err := j.src.(source.DigestSource).OpenWithMetadata(ctx, j.obj)
	if err != nil {
		return err
	}
	defer rc.Close()
	r, err := w.decompress(ctx, rc)
	if err != nil {
		return err
	}
	return w.cfg.Ledger.AddDigest(j.obj.Path, r, meta["signature"])
}
