package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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
	// Probe is set on an object listed for its .gz name alone, not for a
	// log's name: CloudWatch Logs exports (exportedlogs/.../000000.gz) and
	// Firehose objects are named so. Such a file is read when its content
	// shows CloudTrail records (parse.Recognized); one that does not is
	// someone else's file, skipped rather than failed. The one object a
	// user named is never a probe: it is read whatever its name.
	Probe bool
	// Err is set when listing found the object, or a folder, but could not
	// read it: the scan reports it as a failed file instead of opening it,
	// rather than stopping.
	Err error
}

// Source lists and opens the log objects of one location. *Location is
// trailscan's; tests give their own.
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

// Share is the part of an archive that one copy of a sharded scan reads,
// told by day folder: it reports whether the copy owns an account's
// deliveries of one day in one region (a trail.Layout with Account,
// Region and Day set).
type Share func(day trail.Layout) bool

// A ShareLister is a Source that can leave out of a listing the day
// folders a Share does not own, without listing them, rather than list
// every object for the scan to drop most of them.
type ShareLister interface {
	Source
	// ListShare is List without the day folders share does not own. Keys
	// outside the CloudTrail layout are listed still: only the scan's own
	// choice says whose they are. A nil share owns everything.
	ListShare(ctx context.Context, q trail.Scope, share Share, fn func(Object) error) error
}

// A Throttler is a Source that says how often its storage has refused a
// request as one too many (S3's 503 SlowDown), so that a scan can ask for
// less at once.
type Throttler interface {
	Throttles() int64
}

// Location is a local directory or file, or an S3 prefix or object, over
// the driver that reads it. It does for every driver what does not depend
// on the storage: it lists the one object a user named, keeps only log
// names, and names the location or object in its errors.
type Location struct {
	name   string // as the user named it
	driver driver
	// below is the key prefix listed: "" or ending in "/"; or, when single,
	// the key of the one object the user named.
	below  string
	single bool
	// known, when set, is what listings of logs start from, found before
	// (see UseDiscovery).
	known *Discovery
}

// A driver is what a kind of storage does for a Location: no more than
// finding, listing and opening objects by key.
type driver interface {
	// stat describes the object at key.
	stat(ctx context.Context, key string) (Object, error)
	// list calls fn for every object below the key prefix, whatever its
	// name, except below the folders q excludes and the day folders share
	// (when not nil) does not own. fn is called from one goroutine at a
	// time, and never after it returned an error or after list returned.
	// A folder or object found but not readable is an Object with Err,
	// not an error.
	list(ctx context.Context, prefix string, q Folders, share Share, fn func(Object) error) error
	// open streams a listed object's bytes.
	open(ctx context.Context, o Object) (io.ReadCloser, error)
	// openMeta is open, with the object's user metadata (nil for none).
	openMeta(ctx context.Context, o Object) (io.ReadCloser, map[string]string, error)
}

// Folders chooses the folders a listing reads. trail.Scope is the one of
// log listings; ListDigests takes another.
type Folders interface {
	// Excludes reports whether nothing wanted is below the folder dir, a
	// slash-separated key prefix: it is not listed.
	Excludes(dir string) bool
	// Covers reports whether everything below dir is wanted: it may be
	// listed in one go rather than folder by folder.
	Covers(dir string) bool
}

// New returns the source for arg: s3://bucket[/prefix], Stdin, or a
// local path.
func New(ctx context.Context, arg string, opts Options) (*Location, error) {
	if arg == Stdin {
		return NewStdin(os.Stdin), nil
	}
	if IsS3(arg) {
		return NewS3(ctx, arg[len(s3Scheme):], opts)
	}
	return NewDir(arg)
}

const s3Scheme = "s3://"

// IsS3 reports whether arg names an S3 location. The scheme may be in any
// case, as in any URL: S3://bucket is no local path.
func IsS3(arg string) bool {
	return len(arg) >= len(s3Scheme) && strings.EqualFold(arg[:len(s3Scheme)], s3Scheme)
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

// IsLog reports whether a file name may hold CloudTrail records: .json.gz
// as delivered, .json as some downloads leave it, and the JSON Lines names
// (.jsonl, .ndjson) of exports, each also gzip'ed. The reader tells the
// shapes apart by content; the name only chooses what a walk opens.
func IsLog(name string) bool {
	name = strings.TrimSuffix(name, ".gz")
	for _, ext := range logExts {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

var logExts = []string{".json", ".jsonl", ".ndjson"}

// maybeLog reports whether a file that IsLog does not take may still
// hold CloudTrail records, which only its content can say: any .gz.
func maybeLog(name string) bool { return strings.HasSuffix(name, ".gz") }

func (l *Location) String() string { return l.name }

var (
	_ ShareLister = (*Location)(nil)
	_ Throttler   = (*Location)(nil)
)

// Throttles is how many requests the storage has refused as too many so
// far: S3's 503 answers, each tried again. A local source has none.
func (l *Location) Throttles() int64 {
	if t, ok := l.driver.(interface{ throttles() int64 }); ok {
		return t.throttles()
	}
	return 0
}

// List lists the logs below the location, or the one object the user
// named, whatever q and its name say. Its errors name the location, but
// fn's error is returned as it is.
func (l *Location) List(ctx context.Context, q trail.Scope, fn func(Object) error) error {
	return l.ListShare(ctx, q, nil, fn)
}

// ListShare is List without the day folders share does not own (see
// ShareLister); the one object the user named is listed whatever share
// says.
func (l *Location) ListShare(ctx context.Context, q trail.Scope, share Share, fn func(Object) error) error {
	if l.single {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("list %s: %w", l, err)
		}
		o, err := l.driver.stat(ctx, l.below)
		if err != nil {
			return fmt.Errorf("list %s: %w", l, err)
		}
		return fn(o)
	}
	if s, ok := l.driver.(*s3Bucket); ok && l.known != nil {
		return l.kept("list", keepLog, fn, func(emit func(Object) error) error {
			return s.listFrom(ctx, l.known, q, share, emit)
		})
	}
	return l.listKept(ctx, "list", q, share, keepLog, fn)
}

// keepLog keeps errors and logs, and marks as a probe a .gz whose name
// alone does not say it is a log.
func keepLog(o *Object) bool {
	switch {
	case o.Err != nil || IsLog(o.Key):
		return true
	case maybeLog(o.Key):
		o.Probe = true
		return true
	}
	return false
}

// listKept lists below l the objects keep accepts, for fn. An error of fn
// ends the listing and is returned as it is; the listing's own errors are
// wrapped with what was done ("list") and where.
func (l *Location) listKept(ctx context.Context, what string, q Folders, share Share, keep func(*Object) bool, fn func(Object) error) error {
	return l.kept(what, keep, fn, func(emit func(Object) error) error {
		return l.driver.list(ctx, l.below, q, share, emit)
	})
}

// kept is listKept for any listing of l.
func (l *Location) kept(what string, keep func(*Object) bool, fn func(Object) error, list func(emit func(Object) error) error) error {
	var stop error
	err := list(func(o Object) error {
		if !keep(&o) {
			return nil
		}
		stop = fn(o)
		return stop
	})
	if err != nil && (stop == nil || !errors.Is(err, stop)) {
		return fmt.Errorf("%s %s: %w", what, l, err)
	}
	return err
}

// Open streams a listed object's bytes. Its errors name the object; an
// object listed with Err is not opened.
func (l *Location) Open(ctx context.Context, o Object) (io.ReadCloser, error) {
	if o.Err != nil {
		return nil, fmt.Errorf("open %s: %w", o.Path, o.Err)
	}
	rc, err := l.driver.open(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", o.Path, err)
	}
	return rc, nil
}
