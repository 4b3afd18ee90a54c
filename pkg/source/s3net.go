package source

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
)

// Timeouts bound the S3 requests of a scan: a connection that stops
// answering is given up and the request tried again on a new one, where
// it would otherwise hang the scan. A zero field takes its default.
type Timeouts struct {
	// Header bounds the wait for an answer's headers, from sending the
	// request, connecting included (default 15s).
	Header time.Duration
	// Stall bounds a read of an answer's body that gets no byte at all
	// (default 15s).
	Stall time.Duration
	// Object bounds the reading of one object, with all its tries and
	// resumes (default 10m).
	Object time.Duration
	// Backoff is the longest wait before a request is tried again
	// (default 2s). Waits start at a fortieth of it and double, with
	// jitter.
	Backoff time.Duration
}

func (t Timeouts) withDefaults() Timeouts {
	if t.Header <= 0 {
		t.Header = 15 * time.Second
	}
	if t.Stall <= 0 {
		t.Stall = 15 * time.Second
	}
	if t.Object <= 0 {
		t.Object = 10 * time.Minute
	}
	if t.Backoff <= 0 {
		t.Backoff = 2 * time.Second
	}
	return t
}

// httpClient is what the SDK sends requests with.
type httpClient interface {
	Do(*http.Request) (*http.Response, error)
}

// watched sends requests that give up when the answer's headers, or the
// next bytes of its body, take too long: the request fails, its connection
// is closed, and the SDK (or a resumed read) tries again on a new one.
type watched struct {
	next          httpClient
	header, stall time.Duration
}

func (c *watched) Do(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	var late atomic.Bool
	timer := time.AfterFunc(c.header, func() { late.Store(true); cancel() })
	resp, err := c.next.Do(req.WithContext(ctx))
	timer.Stop()
	if late.Load() {
		if err == nil {
			resp.Body.Close()
		}
		cancel()
		return nil, &timeoutError{what: "no answer", after: c.header}
	}
	if err != nil {
		cancel()
		return resp, err
	}
	b := &watchedBody{rc: resp.Body, stall: c.stall, cancel: cancel}
	b.timer = time.AfterFunc(c.stall, func() { b.stalled.Store(true); cancel() })
	b.timer.Stop()
	resp.Body = b
	return resp, nil
}

// watchedBody is a response body whose reads fail, closing the connection,
// when no byte comes for stall. Only the time spent waiting in Read
// counts: a reader that takes its time between reads is not a stall.
type watchedBody struct {
	rc      io.ReadCloser
	stall   time.Duration
	timer   *time.Timer
	stalled atomic.Bool
	cancel  context.CancelFunc
}

func (b *watchedBody) Read(p []byte) (int, error) {
	if b.stalled.Load() {
		return 0, &timeoutError{what: "no data", after: b.stall}
	}
	b.timer.Reset(b.stall)
	n, err := b.rc.Read(p)
	b.timer.Stop()
	if b.stalled.Load() {
		return n, &timeoutError{what: "no data", after: b.stall}
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel()
	return err
}

// timeoutError is an answer, or the rest of one, that did not come in
// time. It is a net.Error, so the SDK retries it as it does a timeout.
type timeoutError struct {
	what  string
	after time.Duration
}

func (e *timeoutError) Error() string   { return fmt.Sprintf("%s for %v", e.what, e.after) }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

var _ net.Error = (*timeoutError)(nil)

// newRetryer is how requests are tried again. The SDK's standard retryer
// waits up to 20s between tries (exactly 20s from the fifth on), so a
// bucket that throttles a third of the requests turned a scan of seconds
// into minutes; here waits start at a fortieth of t.Backoff and double up
// to it, with full jitter, so that throttling costs time in proportion to
// the requests it refuses (see BenchmarkS3SlowDown). The SDK's adaptive
// mode was tried and not kept: it lowers the request rate at every 503,
// down to one request every two seconds, which made a scan with 10% of
// its requests throttled 36 times slower.
//
// firstContact is for the requests that check the bucket before a scan:
// an endpoint that refuses connections, or names no host, fails them at
// once instead of after minutes of retries.
func newRetryer(attempts int, t Timeouts, firstContact bool) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = attempts
		o.MaxBackoff = t.Backoff
		o.Backoff = backoff(t.Backoff)
		// The client-side retry quota would fail a whole scan's requests
		// after a burst of throttling; backoff suffices.
		o.RateLimiter = ratelimit.None
		own := retry.IsErrorRetryableFunc(func(err error) aws.Ternary { return retryable(err, firstContact) })
		o.Retryables = append([]retry.IsErrorRetryable{own}, o.Retryables...)
	})
}

// retryable adds to the SDK's retryable errors (aws.UnknownTernary: let
// the SDK decide) the answers damaged on the way: a body cut short, or one
// that stalled, fails its decoding (in the SDK's check for an S3 error in
// a 200 answer, before the operation's own), and a new try gets a whole
// one.
func retryable(err error, firstContact bool) aws.Ternary {
	var op *net.OpError
	var de *smithy.DeserializationError
	var se *xml.SyntaxError
	switch {
	case firstContact && errors.As(err, &op) && op.Op == "dial":
		return aws.FalseTernary
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// The caller's: the request's own deadlines are timeoutErrors.
		return aws.UnknownTernary
	case errors.As(err, &de), errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

// backoff waits, before try n+1, a random time below max/40·2^(n-1),
// capped at max.
type backoff time.Duration

func (b backoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	return b.delay(attempt), nil
}

func (b backoff) delay(attempt int) time.Duration {
	ceiling := time.Duration(b) / 40 << min(max(attempt-1, 0), 6)
	ceiling = min(ceiling, time.Duration(b))
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling)
}

// sleep waits d, or less if ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sdkLogger passes what the SDK warns about to warn, one message at a
// time, instead of writing it to standard error in its own format.
func sdkLogger(warn func(string)) logging.Logger {
	if warn == nil {
		return logging.Nop{}
	}
	return logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		if c == logging.Warn {
			warn(fmt.Sprintf(format, v...))
		}
	})
}

// errNoListing is a ListObjectsV2 answer of status 200 without a listing
// in it (an empty body, or one cut after the XML declaration), which the
// SDK decodes as an empty folder.
var errNoListing = errors.New("an answer with no listing in it")

// checkListing makes an answer without a listing a failed try, so that
// it is tried again rather than taken for an empty folder. S3 names the
// bucket in every listing.
func checkListing(stack *middleware.Stack) error {
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("trailscan:checkListing",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			if l, ok := out.Result.(*s3.ListObjectsV2Output); err == nil && ok && l.Name == nil {
				err = &smithy.DeserializationError{Err: errNoListing}
			}
			return out, md, err
		}), middleware.Before)
}
