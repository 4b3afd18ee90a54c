package source

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"
)

const (
	// maxAttempts is how often the SDK tries a request before giving up.
	// The SDK's default of 3 gives up too soon on a bucket that throttles
	// a long scan with 503 SlowDown.
	maxAttempts = 10
	// listers is how many folders are listed at once. Listing is a chain
	// of round trips (account, region, year, month, day); listing folders
	// side by side keeps the workers fed when the latency is high.
	listers = 8
	// resumes is how often a read that breaks mid-object is resumed with
	// a ranged GET before the object is reported as failed: the SDK retries
	// requests, not a response body that a dropped connection cuts short.
	resumes = 3
	// drain is how much of an object left unread is still read on Close,
	// to keep its connection for the next request.
	drain = 64 << 10
	// idleConns is how many connections to S3 are kept open between
	// requests: more than the workers (-j) and listers of most scans.
	idleConns = 128
)

// s3Bucket is the driver of an S3 bucket: keys are the objects' keys.
type s3Bucket struct {
	client *s3.Client
	bucket string
	payer  types.RequestPayer
}

// NewS3 returns the source for bucketPrefix, "BUCKET[/PREFIX]" (an s3://
// location without its scheme). A prefix ending in .json.gz or .json names
// one object. It checks, with one request, that the bucket exists and can
// be listed with the credentials found, so that a wrong name or missing
// credentials fail before any work. optFns adjust the S3 client (tests use
// them to watch its requests).
func NewS3(ctx context.Context, bucketPrefix string, opts Options, optFns ...func(*s3.Options)) (*Location, error) {
	bucket, prefix, _ := strings.Cut(strings.TrimPrefix(bucketPrefix, "s3://"), "/")
	if bucket == "" {
		return nil, fmt.Errorf("s3://%s: no bucket name", bucketPrefix)
	}
	s := &s3Bucket{bucket: bucket}
	loc := &Location{name: "s3://" + strings.TrimPrefix(bucketPrefix, "s3://"), driver: s, below: prefix}
	if IsLog(prefix) {
		loc.single = true
	} else if prefix != "" && !strings.HasSuffix(prefix, "/") {
		// s3://bucket/logs means the folder logs/, not every key that
		// starts with "logs" (logs-old/, logs2/).
		loc.below += "/"
	}
	switch opts.RequestPayer {
	case "":
	case "requester":
		s.payer = types.RequestPayerRequester
	default:
		return nil, fmt.Errorf("%s: request payer %q: only \"requester\" is known", loc, opts.RequestPayer)
	}

	load := []func(*config.LoadOptions) error{config.WithHTTPClient(newHTTPClient())}
	if opts.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("%s: load AWS configuration: %w", loc, err)
	}
	if cfg.RetryMaxAttempts == 0 && cfg.Retryer == nil {
		// Only when the user's configuration (AWS_MAX_ATTEMPTS, the
		// profile's max_attempts) does not say otherwise.
		cfg.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = maxAttempts
				// The client-side retry quota would fail a whole scan's
				// requests after a burst of throttling; backoff suffices.
				o.RateLimiter = ratelimit.None
			})
		}
	}
	endpoint := opts.Endpoint
	if endpoint != "" && cfg.Region == "" {
		// S3-compatible stores rarely care, but the SDK signs with a region.
		cfg.Region = "us-east-1"
	}
	clientOpts := func(region string) func(*s3.Options) {
		return func(o *s3.Options) {
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
			o.UsePathStyle = opts.PathStyle
			if region != "" {
				o.Region = region
			}
			// Objects written without checksums are normal; don't log each.
			o.DisableLogOutputChecksumValidationSkipped = true
			for _, fn := range optFns {
				fn(o)
			}
		}
	}
	if opts.Region == "" && endpoint == "" {
		// AWS answers for any region with the bucket's own in a header;
		// asking it there saves a redirect per request afterwards.
		region, err := bucketRegion(ctx, s3.NewFromConfig(cfg, clientOpts(cmp.Or(cfg.Region, "us-east-1"))), bucket)
		if err != nil {
			return nil, s.accessError(loc, err)
		}
		cfg.Region = region
	}
	s.client = s3.NewFromConfig(cfg, clientOpts(""))

	// One cheap request that needs what the scan needs: credentials, the
	// bucket, and permission to list (or to read the one object).
	if loc.single {
		_, err = s.stat(ctx, loc.below)
	} else {
		_, err = s.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
			Bucket: &s.bucket, Prefix: &loc.below, Delimiter: aws.String("/"),
			MaxKeys: aws.Int32(1), RequestPayer: s.payer,
		})
	}
	if err != nil {
		return nil, s.accessError(loc, err)
	}
	return loc, nil
}

// newHTTPClient is the SDK's HTTP client, keeping enough idle connections
// for every worker and lister: the SDK's default of 10 per host would
// close and dial connections all through a scan with more jobs.
func newHTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = idleConns
	})
}

// bucketRegion asks S3 where bucket is. S3 names the region in the
// x-amz-bucket-region header of a HeadBucket answer, even of a redirect
// or a refusal.
func bucketRegion(ctx context.Context, client *s3.Client, bucket string) (string, error) {
	out, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket})
	if err == nil && out.BucketRegion != nil && *out.BucketRegion != "" {
		return *out.BucketRegion, nil
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		if r := re.Response.Header.Get("X-Amz-Bucket-Region"); r != "" {
			return r, nil
		}
	}
	if err != nil {
		return "", err
	}
	return client.Options().Region, nil
}

// accessError explains why the bucket of loc cannot be read at all.
func (s *s3Bucket) accessError(loc *Location, err error) error {
	var re *awshttp.ResponseError
	var ae smithy.APIError
	switch {
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound && !loc.single,
		errors.As(err, &ae) && ae.ErrorCode() == "NoSuchBucket":
		return fmt.Errorf("%s: bucket %q does not exist (or not in this partition): %w", loc, s.bucket, err)
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound:
		return fmt.Errorf("%s: no such object: %w", loc, err)
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden:
		return fmt.Errorf("%s: access denied to bucket %q (the scan needs s3:ListBucket and s3:GetObject): %w", loc, s.bucket, err)
	case strings.Contains(err.Error(), "credentials"):
		return fmt.Errorf("%s: no usable AWS credentials (set AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID): %w", loc, err)
	}
	return fmt.Errorf("%s: %w", loc, err)
}

func (s *s3Bucket) object(key string, size *int64, etag *string, mod *time.Time) Object {
	o := Object{Key: key, Path: "s3://" + s.bucket + "/" + key, Size: aws.ToInt64(size), ETag: aws.ToString(etag)}
	if mod != nil {
		o.ModTime = *mod
	}
	return o
}

func (s *s3Bucket) stat(ctx context.Context, key string) (Object, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &key, RequestPayer: s.payer})
	if err != nil {
		return Object{}, err
	}
	return s.object(key, out.ContentLength, out.ETag, out.LastModified), nil
}

// list discovers the layout one folder level at a time, listing with a
// "/" delimiter: a level's listing names the folders below it, and only
// those q may need are listed in turn. Only day folders (or folders
// outside the CloudTrail layout) hold logs, so a one-day scan of a bucket
// of years lists a few folders per account and region, not the bucket.
// A region, year or month folder that q wants whole is listed in one go,
// without a delimiter, a thousand keys a request. Digest and Insight
// folders are never listed. Folders are listed several at a time, so
// objects come in no particular order.
func (s *s3Bucket) list(ctx context.Context, root string, q Folders, fn func(Object) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(listers)
	var mu sync.Mutex
	var stop error // fn's first error: no call after it
	emit := func(o Object) error {
		mu.Lock()
		defer mu.Unlock()
		if stop == nil {
			stop = fn(o)
		}
		return stop
	}
	var walk func(prefix string, whole bool) error
	walk = func(prefix string, whole bool) error {
		in := &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: &prefix, RequestPayer: s.payer}
		if !whole {
			in.Delimiter = aws.String("/")
		}
		var folders []string
		p := s3.NewListObjectsV2Paginator(s.client, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				if prefix != root { // the Location names the root
					err = fmt.Errorf("folder %s: %w", prefix, err)
				}
				return err
			}
			for _, o := range page.Contents {
				if err := emit(s.object(aws.ToString(o.Key), o.Size, o.ETag, o.LastModified)); err != nil {
					return err
				}
			}
			for _, cp := range page.CommonPrefixes {
				if dir := aws.ToString(cp.Prefix); !q.Excludes(dir) {
					folders = append(folders, dir)
				}
			}
		}
		for _, dir := range folders {
			do := func() error { return walk(dir, q.Covers(dir)) }
			// A free lister takes the folder; when none is free, this one
			// does it itself rather than wait while holding its slot.
			if !g.TryGo(do) {
				if err := do(); err != nil {
					return err
				}
			}
		}
		return nil
	}
	g.Go(func() error { return walk(root, false) })
	return g.Wait()
}

// open streams an object from GetObject. A read that breaks part way goes
// on from where it stopped, with a ranged GET of the same version (by
// ETag), a few times; then the read fails with the object's path.
func (s *s3Bucket) open(ctx context.Context, o Object) (io.ReadCloser, error) {
	r := &s3Reader{ctx: ctx, s: s, o: o}
	if err := r.get(); err != nil {
		// get names the object for the reads it resumes; the Location
		// names it for this first one.
		if reason := errors.Unwrap(err); reason != nil {
			err = reason
		}
		return nil, err
	}
	return r, nil
}

type s3Reader struct {
	ctx     context.Context
	s       *s3Bucket
	o       Object
	body    io.ReadCloser
	etag    string
	off     int64
	broken  error // why the body stopped, until resumed
	resumed int
}

func (r *s3Reader) get() error {
	in := &s3.GetObjectInput{Bucket: &r.s.bucket, Key: &r.o.Key, RequestPayer: r.s.payer}
	if r.off > 0 {
		in.Range = aws.String(fmt.Sprintf("bytes=%d-", r.off))
		if r.etag != "" {
			in.IfMatch = &r.etag // the same bytes, or a clear failure
		}
	}
	out, err := r.s.client.GetObject(r.ctx, in)
	if err != nil {
		return fmt.Errorf("get %s: %w", r.o.Path, err)
	}
	if r.off == 0 {
		r.etag = aws.ToString(out.ETag)
	}
	r.body = out.Body
	return nil
}

func (r *s3Reader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		// Stop at once, whatever the connection still holds.
		return 0, fmt.Errorf("read %s: %w", r.o.Path, err)
	}
	for {
		if r.broken != nil {
			if r.ctx.Err() != nil || r.resumed >= resumes {
				return 0, fmt.Errorf("read %s at byte %d: %w", r.o.Path, r.off, r.broken)
			}
			r.resumed++
			r.body.Close()
			if err := r.get(); err != nil {
				r.body = eofReader{}
				return 0, fmt.Errorf("read %s at byte %d: %w (resuming: %w)", r.o.Path, r.off, r.broken, err)
			}
			r.broken = nil
		}
		n, err := r.body.Read(p)
		r.off += int64(n)
		if err == nil || err == io.EOF {
			return n, err
		}
		r.broken = err
		if n > 0 {
			return n, nil
		}
	}
}

// Close closes the response body. A reader that stops at the end of the
// JSON document may leave a few bytes unread (an empty gzip member, a
// newline); reading them lets the connection serve the next request
// instead of being closed and dialled again.
func (r *s3Reader) Close() error {
	if r.broken == nil && r.ctx.Err() == nil {
		io.CopyN(io.Discard, r.body, drain)
	}
	return r.body.Close()
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
func (eofReader) Close() error             { return nil }
