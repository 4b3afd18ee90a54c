package source

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const (
	// maxAttempts is how often the SDK tries a request before giving up.
	// The SDK's default of 3 gives up too soon on a bucket that throttles
	// a long scan with 503 SlowDown.
	maxAttempts = 10
	// resumes is how many resumes in a row that read nothing a read that
	// breaks mid-object gets before the object is reported as failed: the
	// SDK retries requests, not a response body that a dropped connection
	// cuts short. Resumes that read something are not counted.
	resumes = 3
	// drain is how much of an object left unread is still read on Close,
	// to keep its connection for the next request.
	drain = 64 << 10
	// idleConns is how many connections to S3 are kept open between
	// requests: more than a scan keeps in flight by itself (up to 256
	// GETs and 64 listings), so that no connection it opened is closed
	// for want of room and dialled again. Only connections once in use
	// are kept, and for 90 seconds at most.
	idleConns = 1024
)

// s3Bucket is the driver of an S3 bucket: keys are the objects' keys.
type s3Bucket struct {
	client   *s3.Client
	timeouts Timeouts
	bucket   string
	payer    types.RequestPayer
	// throttled counts the answers that said the bucket is overloaded.
	throttled atomic.Int64
	// pageSize, when not 0, is how many keys a listing asks for at most
	// (S3's default is 1000): tests make it small, to page everything.
	pageSize int32
}

// NewS3 returns the source for bucketPrefix, "BUCKET[/PREFIX]" (an s3://
// location without its scheme). A prefix with a log's name (IsLog), or
// ending in .gz, names one object. It checks, with one request, that the bucket exists and can
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
	if IsLog(prefix) || maybeLog(prefix) {
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

	s.timeouts = opts.Timeouts.withDefaults()
	load := []func(*config.LoadOptions) error{
		config.WithHTTPClient(newHTTPClient()),
		config.WithLogger(sdkLogger(opts.Warn)),
	}
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
	// The user's configuration (AWS_MAX_ATTEMPTS, the profile's
	// max_attempts) may say how often to try.
	attempts := cmp.Or(cfg.RetryMaxAttempts, maxAttempts)
	cfg.Retryer = func() aws.Retryer { return newRetryer(attempts, s.timeouts, false) }
	firstContact := func(o *s3.Options) { o.Retryer = newRetryer(attempts, s.timeouts, true) }
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
			o.HTTPClient = &overloads{
				next:  &watched{next: o.HTTPClient, header: s.timeouts.Header, stall: s.timeouts.Stall},
				count: &s.throttled,
			}
			o.APIOptions = append(o.APIOptions, checkListing)
		}
	}
	if opts.Region == "" && endpoint == "" {
		// AWS answers for any region with the bucket's own in a header;
		// asking it there saves a redirect per request afterwards.
		region, err := bucketRegion(ctx, s3.NewFromConfig(cfg, clientOpts(cmp.Or(cfg.Region, "us-east-1"))), bucket, firstContact)
		if err != nil {
			return nil, s.accessError(loc, err, endpoint)
		}
		cfg.Region = region
	}
	s.client = s3.NewFromConfig(cfg, clientOpts(""))

	// One cheap request that needs what the scan needs: credentials, the
	// bucket, and permission to list (or to read the one object).
	if loc.single {
		_, err = s.head(ctx, loc.below, firstContact)
	} else {
		_, err = s.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
			Bucket: &s.bucket, Prefix: &loc.below, Delimiter: aws.String("/"),
			MaxKeys: aws.Int32(1), RequestPayer: s.payer,
		}, firstContact)
	}
	if err != nil {
		return nil, s.accessError(loc, err, endpoint)
	}
	return loc, nil
}

// newHTTPClient is the SDK's HTTP client, keeping alive a connection for
// every request a scan has in flight: the SDK's defaults (10 per host,
// 100 in all) would close and dial connections all through a scan that
// reads a hundred objects at once.
func newHTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = idleConns
		t.MaxIdleConnsPerHost = idleConns
	})
}

// overloads counts the answers of status 503 (S3's SlowDown) and 429, by
// which a server says it gets too many requests: the scan and the listing
// ask for less at once when they see them.
type overloads struct {
	next  httpClient
	count *atomic.Int64
}

func (c *overloads) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.next.Do(req)
	if err == nil && (resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusTooManyRequests) {
		c.count.Add(1)
	}
	return resp, err
}

func (s *s3Bucket) throttles() int64 { return s.throttled.Load() }

// bucketRegion asks S3 where bucket is. S3 names the region in the
// x-amz-bucket-region header of a HeadBucket answer, even of a redirect
// or a refusal.
func bucketRegion(ctx context.Context, client *s3.Client, bucket string, optFns ...func(*s3.Options)) (string, error) {
	out, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket}, optFns...)
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

// accessError explains why the bucket of loc cannot be read at all. S3
// names the reason in the answer's body, but a HEAD answer has none: then
// only its status says something.
func (s *s3Bucket) accessError(loc *Location, err error, endpoint string) error {
	var re *awshttp.ResponseError
	var ae smithy.APIError
	var op *net.OpError
	switch {
	case errors.As(err, &op) && op.Op == "dial":
		return fmt.Errorf("%s: cannot connect to S3 at %s: %w", loc, cmp.Or(endpoint, "its AWS endpoint"), err)
	case errors.As(err, &ae) && ae.ErrorCode() == "SignatureDoesNotMatch":
		return fmt.Errorf("%s: the secret access key is wrong for the access key ID (S3 says SignatureDoesNotMatch): %w", loc, err)
	case errors.As(err, &ae) && ae.ErrorCode() == "InvalidAccessKeyId":
		return fmt.Errorf("%s: the access key ID is not known to S3 (InvalidAccessKeyId): %w", loc, err)
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
	return s.head(ctx, key)
}

// head is stat with options for the request, such as the first contact's
// retryer, which gives up at once on what retrying cannot mend.
func (s *s3Bucket) head(ctx context.Context, key string, opts ...func(*s3.Options)) (Object, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &key, RequestPayer: s.payer}, opts...)
	if err != nil {
		return Object{}, err
	}
	return s.object(key, out.ContentLength, out.ETag, out.LastModified), nil
}

// open streams an object from GetObject. A read that breaks part way (a
// connection reset or closed, a body that stalls or ends short of the
// object's size) goes on from where it stopped, with a ranged GET of the
// same version (by ETag), for as long as each resume reads something, up
// to a few resumes in a row that read nothing; then the read fails with
// the object's path. Reading one object, all tries included, takes at
// most Timeouts.Object.
func (s *s3Bucket) open(ctx context.Context, o Object) (io.ReadCloser, error) {
	octx, cancel := context.WithTimeoutCause(ctx, s.timeouts.Object,
		fmt.Errorf("gave up after %v, the time limit for one object", s.timeouts.Object))
	r := &s3Reader{ctx: octx, parent: ctx, cancel: cancel, s: s, o: o, size: -1}
	if err := r.get(); err != nil {
		// The Location names the object.
		err = r.cause(err)
		cancel()
		return nil, err
	}
	return r, nil
}

type s3Reader struct {
	ctx    context.Context // the object's, ended by its time limit
	parent context.Context // the scan's
	cancel context.CancelFunc
	s      *s3Bucket
	o      Object
	body   io.ReadCloser
	etag   string
	size   int64 // the object's, or -1 when the answer did not say
	off    int64
	from   int64 // where the current body started
	broken error // why the body stopped, until resumed
	failed error // why the read gave up
	stuck  int   // resumes in a row that read nothing
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
		return err
	}
	r.from = r.off
	if r.off == 0 {
		r.etag = aws.ToString(out.ETag)
		switch {
		case out.ContentLength != nil:
			r.size = *out.ContentLength
		case r.o.ETag != "" && r.o.ETag == r.etag:
			r.size = r.o.Size // the object listed: its size is known
		}
		r.body = out.Body
		return nil
	}
	body, err := r.resumed(out)
	if err != nil {
		out.Body.Close()
		return err
	}
	r.body = body
	return nil
}

// resumed checks that the answer to a ranged GET goes on at r.off: a 206
// whose Content-Range starts there, or a 200 of the whole object from a
// server that ignores Range, whose first r.off bytes are then skipped.
func (r *s3Reader) resumed(out *s3.GetObjectOutput) (io.ReadCloser, error) {
	status := 0
	if raw, ok := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response); ok {
		status = raw.StatusCode
	}
	switch {
	case status == http.StatusPartialContent:
		cr := aws.ToString(out.ContentRange)
		var start, end, total int64
		if n, _ := fmt.Sscanf(cr, "bytes %d-%d/%d", &start, &end, &total); n < 2 || start != r.off {
			return nil, fmt.Errorf("asked for the bytes from %d, S3 answered with Content-Range %q", r.off, cr)
		}
		return out.Body, nil
	case status == http.StatusOK:
		if etag := aws.ToString(out.ETag); r.etag != "" && etag != r.etag {
			return nil, fmt.Errorf("the object changed while read (ETag %s, was %s)", etag, r.etag)
		}
		return &skipper{rc: out.Body, n: r.off}, nil
	}
	return nil, fmt.Errorf("asked for the bytes from %d, S3 answered with status %d", r.off, status)
}

// skipper drops the first n bytes of a body.
type skipper struct {
	rc io.ReadCloser
	n  int64
}

func (s *skipper) Read(p []byte) (int, error) {
	if s.n > 0 {
		n, err := io.CopyN(io.Discard, s.rc, s.n)
		s.n -= n
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // shorter than what was read before
		}
		if err != nil {
			return 0, err
		}
	}
	return s.rc.Read(p)
}

func (s *skipper) Close() error { return s.rc.Close() }

func (r *s3Reader) Read(p []byte) (int, error) {
	for {
		if r.ctx.Err() != nil {
			// Stop at once, whatever the connection still holds.
			return 0, fmt.Errorf("read %s at byte %d: %w", r.o.Path, r.off, r.cause(nil))
		}
		if r.failed != nil {
			return 0, r.failed
		}
		if r.broken != nil {
			if r.failed = r.resume(); r.failed != nil {
				return 0, r.failed
			}
		}
		n, err := r.body.Read(p)
		r.off += int64(n)
		short := r.size >= 0 && r.off < r.size
		switch {
		case err == nil:
			return n, nil
		case err == io.EOF && !short:
			return n, io.EOF
		case err == io.EOF:
			err = fmt.Errorf("the answer ended at byte %d of %d", r.off, r.size)
		case r.size >= 0 && !short && connectionError(err):
			// Every byte is in; how the connection ended does not matter.
			return n, io.EOF
		case r.size >= 0 && !short:
			// Nothing is left to read again: the SDK found that the
			// object's checksum does not match, most likely.
			r.failed = fmt.Errorf("read %s: %w", r.o.Path, err)
			return n, r.failed
		}
		r.broken = err
		if n > 0 {
			return n, nil
		}
	}
}

// connectionError reports whether err is about the connection, not the
// bytes it brought.
func connectionError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		strings.Contains(err.Error(), "connection reset")
}

// resume reads on from r.off with a new GET, unless too many resumes in
// a row read nothing.
func (r *s3Reader) resume() error {
	if r.off > r.from {
		r.stuck = 0
	} else {
		r.stuck++
	}
	r.body.Close()
	r.body = eofReader{}
	fail := func(err error) error {
		return fmt.Errorf("read %s at byte %d: %w", r.o.Path, r.off, err)
	}
	if r.stuck > resumes {
		return fail(fmt.Errorf("%w (%d resumes in a row read nothing)", r.broken, resumes))
	}
	if r.stuck > 0 {
		if err := sleep(r.ctx, backoff(r.s.timeouts.Backoff).delay(r.stuck)); err != nil {
			return fail(r.cause(nil))
		}
	}
	if err := r.get(); err != nil {
		return fail(fmt.Errorf("%w (resuming: %w)", r.broken, r.cause(err)))
	}
	r.broken = nil
	return nil
}

// cause is err, or why the object's context ended: the scan stopped, or
// the object's time limit passed.
func (r *s3Reader) cause(err error) error {
	switch {
	case r.parent.Err() != nil:
		return r.parent.Err()
	case r.ctx.Err() != nil:
		return context.Cause(r.ctx)
	}
	return err
}

// Close closes the response body. A reader that stops at the end of the
// JSON document may leave a few bytes unread (an empty gzip member, a
// newline); reading them lets the connection serve the next request
// instead of being closed and dialled again.
func (r *s3Reader) Close() error {
	defer r.cancel()
	if r.broken == nil && r.failed == nil && r.ctx.Err() == nil {
		io.CopyN(io.Discard, r.body, drain)
	}
	return r.body.Close()
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
func (eofReader) Close() error             { return nil }
