package integrity_test

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

// TestS3 checks that an archive in S3, whose digests keep their signatures
// as object metadata, gives the findings of a local copy, but for what
// only those signatures show: the newest digest of each chain is verified
// (or invalid) rather than unsigned.
func TestS3(t *testing.T) {
	client := sourcetest.S3Client(t)
	_, m := baseArchive(t)
	for _, c := range tamperCases {
		if c.scope.Windowed() {
			continue // what S3 changes is the same in any window
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // waiting on the server, mostly
			a := copyArchive(t)
			c.tamper(a)
			keys := c.keysFor(t)
			bucket := sourcetest.NewBucket(t, client)
			sourcetest.UploadWithMetadata(t, client, bucket, "", a.dir, m.Metadata)
			remote := readBucket(t, client, bucket).Verify(c.scope, keys)
			local := readDir(t, a.dir, nil).Verify(c.scope, keys)

			if len(remote.Unsigned) > 0 {
				t.Errorf("unsigned in S3: %v", remote.Unsigned)
			}
			unsigned := map[string]bool{}
			for _, u := range local.Unsigned {
				unsigned[integrity.Name(u.Path)] = true
			}
			if got, want := comparable(remote, unsigned), comparable(local, unsigned); got != want {
				t.Errorf("S3:\n%s\nlocal:\n%s", got, want)
			}
			if remote.DigestsVerified < local.DigestsVerified || remote.LogsVerified < local.LogsVerified {
				t.Errorf("S3 verified %d digests and %d logs, local %d and %d", remote.DigestsVerified, remote.LogsVerified, local.DigestsVerified, local.LogsVerified)
			}
		})
	}
}

// comparable is f as JSON with names for paths, without what depends on
// the signatures only S3 has: the digests unsigned locally, the counts of
// what is verified, and the errors of invalid digests (S3 finds more
// signatures that fail).
func comparable(f integrity.Findings, unsigned map[string]bool) string {
	f.Unsigned, f.DigestsVerified, f.LogsVerified, f.EmptyHours = nil, 0, 0, 0
	var invalid []integrity.InvalidDigest
	for _, d := range f.InvalidDigests {
		if d.Path = integrity.Name(d.Path); !unsigned[d.Path] {
			invalid = append(invalid, integrity.InvalidDigest{Path: d.Path})
		}
	}
	f.InvalidDigests = invalid
	for _, l := range [][]integrity.LogFinding{f.Altered, f.Missing, f.Unlisted} {
		for i := range l {
			l[i].Path, l[i].Digest = integrity.Name(l[i].Path), integrity.Name(l[i].Digest)
		}
	}
	for i := range f.ChainGaps {
		f.ChainGaps[i].Digest = integrity.Name(f.ChainGaps[i].Digest)
	}
	b, _ := json.MarshalIndent(f, "", " ")
	return string(b)
}

// readBucket feeds a ledger every object of bucket, with the signatures
// in the digests' metadata.
func readBucket(t *testing.T, c *s3.Client, bucket string) *integrity.Ledger {
	t.Helper()
	l := integrity.NewLedger()
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(8)
	pages := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &bucket})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			g.Go(func() error {
				out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: o.Key})
				if err != nil {
					return err
				}
				defer out.Body.Close()
				b, err := io.ReadAll(out.Body)
				if err != nil {
					return err
				}
				return read(l, "s3://"+bucket+"/"+*o.Key, *o.Key, b, out.Metadata["signature"])
			})
		}
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	return l
}
