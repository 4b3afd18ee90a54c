package source

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"
)

// Object is one log file of a source.
type Object struct {
	// Key names the object inside its source, slash-separated: the S3 key,
	// or the path below a local directory. Shards are chosen from it.
	Key string
	// Path is where a person finds it: a local path or s3://bucket/key.
	Path    string
	Size    int64
	ETag    string // S3 only
	ModTime time.Time
	// Err is set when listing found the object, or a folder, but could not
	// read it: the scan reports it as a failed file instead of opening it,
	// rather than stopping.
	Err error
}

// Source lists and opens the log objects of one location.
type Source interface {
	// String is the location as the user named it.
	String() string
	// List calls fn for every log object that may hold events in q's scope,
	// stopping at fn's first error. A location that cannot be read at all
	// is an error; so is a ctx that is done.
	List(ctx context.Context, q trail.Scope, fn func(Object) error) error
	// Open streams an object's bytes, as stored (usually gzip).
	Open(ctx context.Context, o Object) (io.ReadCloser, error)
}

// New returns the source for arg: s3://bucket[/prefix], or a local path.
func New(ctx context.Context, arg string, opts Options) (Source, error) {
	if rest, ok := strings.CutPrefix(arg, "s3://"); ok {
		return newS3(ctx, rest, opts)
	}
	return NewDir(arg)
}

// Options configure the S3 source; a local source ignores them.
type Options struct {
	Profile      string // shared config profile; "" for the default chain
	Region       string // the bucket's region; "" to find it
	Endpoint     string // an S3-compatible endpoint URL; "" for AWS
	PathStyle    bool   // path-style addressing, for endpoints that need it
	RequestPayer string // "requester" for requester-pays buckets
	Timeouts     Timeouts
	// Warn, when set, is told what the AWS SDK warns about (a fallback to
	// IMDSv1, a response body it could not discard); nil drops it.
	Warn func(msg string)
}

// IsLog reports whether a file name is a CloudTrail log: .json.gz as
// delivered, or .json as some downloads leave it.
func IsLog(name string) bool {
	return strings.HasSuffix(name, ".json.gz") || strings.HasSuffix(name, ".json")
}
