package source

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailscan/trailscan/pkg/trail"
)

// A log listing's folders are those of a trail.Scope.
var _ Folders = trail.Scope{}

// ListDigests calls fn for every CloudTrail-Digest object below the
// location, AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/,
// except below the folders f excludes; the folders of logs and Insights
// events are never listed. These are the digests that log file integrity
// validation writes, which List never lists. A location that names one
// object holds no digest. Errors are as List's.
func (l *Location) ListDigests(ctx context.Context, f Folders, fn func(Object) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("list digests %s: %w", l, err)
	}
	if l.single {
		return nil
	}
	return l.listKept(ctx, "list digests", digestFolders{f}, nil, isDigest, fn)
}

// OpenWithMetadata is Open, with the object's user metadata: from S3, its
// x-amz-meta-* headers by the name after the prefix, where a digest keeps
// its signature ("signature"); nil from a local file, which has none. It
// does not resume a read that breaks: it is meant for small objects, which
// a caller reads again whole.
func (l *Location) OpenWithMetadata(ctx context.Context, o Object) (io.ReadCloser, map[string]string, error) {
	if o.Err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", o.Path, o.Err)
	}
	rc, meta, err := l.driver.openMeta(ctx, o)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", o.Path, err)
	}
	return rc, meta, nil
}

func (d dir) openMeta(ctx context.Context, o Object) (io.ReadCloser, map[string]string, error) {
	rc, err := d.open(ctx, o)
	return rc, nil, err
}

func (s *s3Bucket) openMeta(ctx context.Context, o Object) (io.ReadCloser, map[string]string, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &o.Key, RequestPayer: s.payer})
	if err != nil {
		return nil, nil, err
	}
	return out.Body, out.Metadata, nil
}

// digestFolders are the folders of f that may hold digests.
type digestFolders struct{ f Folders }

func (d digestFolders) Excludes(dir string) bool {
	level, _ := digestLevel(dir)
	return level < 0 || d.f.Excludes(dir)
}

// Covers is f's, inside a region's digests only: above it sit the logs'
// folders too.
func (d digestFolders) Covers(dir string) bool {
	level, _ := digestLevel(dir)
	return level >= regionLevel && d.f.Covers(dir)
}

// The levels of a folder of the digest layout, from AWSLogs/ on.
const (
	accountLevel = 1 // AWSLogs/[o-ORGID/]ACCOUNT
	regionLevel  = 3 // .../CloudTrail-Digest/REGION
)

// digestLevel reads how deep in the digest layout a folder or key is: -1
// when it is in the layout but not below CloudTrail-Digest (the logs', the
// Insights events'), 0 when above the account or outside the layout, else
// the level below AWSLogs/ (an organization's folder not counted). under
// reports whether it is below a CloudTrail-Digest folder.
func digestLevel(dir string) (level int, under bool) {
	segs := strings.Split(strings.Trim(filepath.ToSlash(dir), "/"), "/")
	i := len(segs) - 1
	for i >= 0 && segs[i] != "AWSLogs" {
		i--
	}
	if i < 0 {
		return 0, false
	}
	rest := segs[i+1:]
	if len(rest) > 0 && strings.HasPrefix(rest[0], "o-") {
		rest = rest[1:]
	}
	switch {
	case len(rest) < accountLevel || !trail.IsAccountID(rest[0]):
		return 0, false
	case len(rest) == accountLevel:
		return accountLevel, false
	case rest[1] != "CloudTrail-Digest":
		return -1, false
	}
	return len(rest), true
}

// isDigest reports whether a listed object is a digest (or a folder of
// digests that could not be read), by its path: a local directory named
// inside the layout has keys that start below AWSLogs/.
func isDigest(o *Object) bool {
	_, under := digestLevel(o.Path)
	return under && (o.Err != nil || strings.HasSuffix(o.Key, ".json.gz"))
}

// A DigestSource is a Source whose digests can be listed and opened with
// their metadata, as a Location's can.
type DigestSource interface {
	Source
	ListDigests(ctx context.Context, f Folders, fn func(Object) error) error
	OpenWithMetadata(ctx context.Context, o Object) (io.ReadCloser, map[string]string, error)
}

var _ DigestSource = (*Location)(nil)
