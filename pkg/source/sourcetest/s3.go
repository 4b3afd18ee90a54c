package sourcetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"

	"github.com/trailscan/trailscan/pkg/source"
)

// EndpointEnv names the variable that holds the test S3 server's URL.
const EndpointEnv = "TRAILSCAN_S3_ENDPOINT"

// RequireEnv, when set (as CI does), makes a missing server a failure
// rather than a reason to skip.
const RequireEnv = "TRAILSCAN_REQUIRE_S3"

// S3Endpoint returns the URL of the S3 server the tests run against, and
// skips the test when there is none.
func S3Endpoint(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EndpointEnv)
	if u == "" && os.Getenv(RequireEnv) != "" {
		t.Fatal(EndpointEnv + " is not set, and " + RequireEnv + " says the S3 tests must run: start the server with: eval \"$(.ci/s3server.sh start)\"")
	}
	if u == "" {
		t.Skip(EndpointEnv + ` is not set: run the S3 tests with a local server: eval "$(.ci/s3server.sh start)"; go test ./...; .ci/s3server.sh stop`)
	}
	return u
}

// S3Options are the source options that reach the test server.
func S3Options(t testing.TB) source.Options {
	return source.Options{Endpoint: S3Endpoint(t), PathStyle: true}
}

// S3Client returns a client of the test server, for setting up buckets.
func S3Client(t testing.TB) *s3.Client {
	t.Helper()
	endpoint := S3Endpoint(t)
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = true
	})
}

// NewBucket creates an empty bucket with a fresh name, removed with its
// objects when the test ends.
func NewBucket(t testing.TB, c *s3.Client) string {
	t.Helper()
	var b [4]byte
	rand.Read(b[:])
	name := strings.ToLower(t.Name())
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, name)
	name = "ts-" + name[:min(len(name), 40)] + "-" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &name}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	t.Cleanup(func() {
		var ids []types.ObjectIdentifier
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &name})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Logf("empty bucket %s: %v", name, err)
				return
			}
			for _, o := range page.Contents {
				ids = append(ids, types.ObjectIdentifier{Key: o.Key})
			}
		}
		// Side by side, in small batches: a server may delete a batch's
		// objects one after another.
		var g errgroup.Group
		g.SetLimit(8)
		for batch := range slices.Chunk(ids, 100) {
			g.Go(func() error {
				_, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &name, Delete: &types.Delete{Objects: batch}})
				return err
			})
		}
		if err := g.Wait(); err != nil {
			t.Logf("empty bucket %s: %v", name, err)
			return
		}
		if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &name}); err != nil {
			t.Logf("delete bucket %s: %v", name, err)
		}
	})
	return name
}

// BucketOf is a new bucket, as NewBucket makes, holding the files below
// dir under prefix as Upload puts them, and a client for it.
func BucketOf(t testing.TB, prefix, dir string) (*s3.Client, string) {
	t.Helper()
	c := S3Client(t)
	bucket := NewBucket(t, c)
	Upload(t, c, bucket, prefix, dir)
	return c, bucket
}

// Upload copies the files below dir to bucket, under prefix ("" or
// ending in "/"), as `aws s3 sync` would.
func Upload(t testing.TB, c *s3.Client, bucket, prefix, dir string) {
	t.Helper()
	UploadWithMetadata(t, c, bucket, prefix, dir, nil)
}

// UploadWithMetadata is Upload, setting the S3 object metadata meta holds
// for a file by its slash-separated path below dir, as CloudTrail sets
// each digest's signature (see gen.Manifest.Metadata).
func UploadWithMetadata(t testing.TB, c *s3.Client, bucket, prefix, dir string, meta map[string]map[string]string) {
	t.Helper()
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(8)
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		key := prefix + rel
		g.Go(func() error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: f, Metadata: meta[rel]}); err != nil {
				return fmt.Errorf("put %s: %w", key, err)
			}
			return nil
		})
		return nil
	})
	if werr := g.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		t.Fatalf("upload %s to s3://%s/%s: %v", dir, bucket, prefix, err)
	}
}

// Request is one HTTP request a client made.
type Request struct {
	Method string
	Op     string // LIST, GET, HEAD or OTHER
	Key    string // the object key, or the prefix listed
}

// Recorder is an S3 HTTP client that records each request, and lets a
// test change responses (to make a read fail the way networks do).
type Recorder struct {
	Bucket string
	// Alter, when set, may replace a response (or its error).
	Alter func(req Request, resp *http.Response, err error) (*http.Response, error)

	inner *awshttp.BuildableClient
	mu    sync.Mutex
	reqs  []Request
}

// NewRecorder returns a Recorder of the requests for bucket.
func NewRecorder(bucket string) *Recorder {
	inner := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns, t.MaxIdleConnsPerHost = 1024, 1024 // as source.NewS3's client
	})
	return &Recorder{Bucket: bucket, inner: inner}
}

// Option makes an S3 client use r, for source.NewS3.
func (r *Recorder) Option(o *s3.Options) { o.HTTPClient = r }

// Do records req and sends it.
func (r *Recorder) Do(req *http.Request) (*http.Response, error) {
	rq := Request{Method: req.Method, Op: "OTHER"}
	path := strings.TrimPrefix(req.URL.Path, "/"+r.Bucket)
	path = strings.TrimPrefix(path, "/")
	switch q := req.URL.Query(); {
	case req.Method == http.MethodGet && q.Has("list-type"):
		rq.Op, rq.Key = "LIST", q.Get("prefix")
	case req.Method == http.MethodGet && path != "":
		rq.Op, rq.Key = "GET", path
	case req.Method == http.MethodHead:
		rq.Op, rq.Key = "HEAD", path
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rq)
	r.mu.Unlock()
	resp, err := r.inner.Do(req)
	if r.Alter != nil {
		return r.Alter(rq, resp, err)
	}
	return resp, err
}

// Requests returns the requests so far, and forgets them.
func (r *Recorder) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	reqs := r.reqs
	r.reqs = nil
	return reqs
}

// Count returns how many of reqs are of the operation op.
func Count(reqs []Request, op string) int {
	n := 0
	for _, r := range reqs {
		if r.Op == op {
			n++
		}
	}
	return n
}
