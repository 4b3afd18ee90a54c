package source

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
)

// staged is an S3 endpoint that answers every request with status and
// body, and counts the requests.
func staged(t *testing.T, status int, body string) (string, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

func s3Error(code string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + code + `</Code><Message>m</Message></Error>`
}

// closedPort is the URL of a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String()
	l.Close()
	return u
}

// TestAccessErrors: a bucket that cannot be scanned fails before the scan,
// at the first answer that says so, with what to fix: the endpoint, the
// secret key, the key ID, the permission or the bucket's name.
func TestAccessErrors(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "id")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, c := range []struct {
		name   string
		status int    // of every answer; 0: nothing listens
		code   string // S3's error code in the answer
		want   []string
	}{
		{"nothing listening", 0, "", []string{"cannot connect to S3 at http://127.0.0.1:", "connection refused"}},
		{"wrong secret", http.StatusForbidden, "SignatureDoesNotMatch", []string{"the secret access key is wrong", "SignatureDoesNotMatch"}},
		{"unknown key", http.StatusForbidden, "InvalidAccessKeyId", []string{"the access key ID is not known", "InvalidAccessKeyId"}},
		{"no permission", http.StatusForbidden, "AccessDenied", []string{`access denied to bucket "logs"`, "s3:ListBucket"}},
		{"no bucket", http.StatusNotFound, "NoSuchBucket", []string{`bucket "logs" does not exist`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			endpoint, requests := closedPort(t), new(atomic.Int64)
			if c.status != 0 {
				endpoint, requests = staged(t, c.status, s3Error(c.code))
			}
			var tries atomic.Int64
			count := func(o *s3.Options) { o.HTTPClient = counted{o.HTTPClient, &tries} }
			_, err := NewS3(context.Background(), "logs/prefix", Options{Endpoint: endpoint, PathStyle: true}, count)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			// None of these gets better for trying again.
			if n := tries.Load(); n != 1 {
				t.Errorf("%d tries, want 1 (%d answered)", n, requests.Load())
			}
		})
	}
}

type counted struct {
	next httpClient
	n    *atomic.Int64
}

func (c counted) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.Do(r)
}

// TestSDKWarnings: what the SDK logs reaches Options.Warn, warnings only,
// in place of the SDK's own lines on standard error; without Warn,
// nothing is logged.
func TestSDKWarnings(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "id")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	endpoint, _ := staged(t, http.StatusOK, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>logs</Name></ListBucketResult>`)
	for _, c := range []struct {
		name  string
		class logging.Classification
		warn  bool // Options.Warn set
		want  []string
	}{
		{"warning", logging.Warn, true, []string{"falling back to IMDSv1: 1"}},
		{"debug", logging.Debug, true, nil},
		{"no Warn", logging.Warn, false, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			opts := Options{Endpoint: endpoint, PathStyle: true}
			if c.warn {
				opts.Warn = func(msg string) { got = append(got, msg) }
			}
			s, err := NewS3(context.Background(), "logs", opts)
			if err != nil {
				t.Fatal(err)
			}
			logger := s.driver.(*s3Bucket).client.Options().Logger
			logger.Logf(c.class, "falling back to IMDSv1: %d", 1)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("warned %q, want %q", got, c.want)
			}
			if _, nop := logger.(logging.Nop); nop == c.warn {
				t.Errorf("logger %T with Warn set: %v", logger, c.warn)
			}
		})
	}
}

// TestBackoff: waits grow from a fortieth of the longest, doubling, and
// never pass it.
func TestBackoff(t *testing.T) {
	const longest = 2 * time.Second
	for _, c := range []struct {
		attempt int
		below   time.Duration
	}{
		{1, 50 * time.Millisecond},
		{2, 100 * time.Millisecond},
		{3, 200 * time.Millisecond},
		{6, 1600 * time.Millisecond},
		{7, longest},
		{60, longest},
	} {
		var most time.Duration
		for range 1000 {
			d, err := backoff(longest).BackoffDelay(c.attempt, nil)
			if err != nil || d < 0 || d >= c.below {
				t.Fatalf("attempt %d: wait %v, %v; want one in [0, %v)", c.attempt, d, err, c.below)
			}
			most = max(most, d)
		}
		if most < c.below/2 {
			t.Errorf("attempt %d: waits up to %v, want some near %v", c.attempt, most, c.below)
		}
	}
}
