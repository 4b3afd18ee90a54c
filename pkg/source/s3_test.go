package source_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

// The tests below run against a real S3 server on loopback; see
// sourcetest.S3Endpoint for how to start one.

func TestS3Conformance(t *testing.T) {
	// Pages of 2 keys make the small tree list as a large one: folders,
	// regions and windows a page at a time, a shard's window too long to
	// take in one request.
	for _, page := range []int32{0, 2} {
		t.Run(fmt.Sprintf("page=%d", page), func(t *testing.T) { s3Conformance(t, page) })
	}
}

func s3Conformance(t *testing.T, page int32) {
	client := sourcetest.S3Client(t)
	sourcetest.Run(t, func(t *testing.T, dir string) sourcetest.Stored {
		bucket := sourcetest.NewBucket(t, client)
		sourcetest.Upload(t, client, bucket, "", dir)
		ctx := context.Background()
		return sourcetest.Stored{
			At: func(key string) (*source.Location, error) {
				loc, err := source.New(ctx, strings.TrimSuffix("s3://"+bucket+"/"+key, "/"), sourcetest.S3Options(t))
				if err == nil && page > 0 {
					source.SetPageSize(loc, page)
				}
				return loc, err
			},
			Remove: func(key string) error {
				_, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: &key})
				return err
			},
		}
	})
}

// uploadTree puts sourcetest's tree under prefix in a new bucket.
func uploadTree(t *testing.T, prefix string) (*s3.Client, string) {
	dir := t.TempDir()
	sourcetest.WriteTree(t, dir)
	return sourcetest.BucketOf(t, prefix, dir)
}

func listKeys(t *testing.T, bucket string, src source.Source, q trail.Scope) []string {
	t.Helper()
	list := func(each func(source.Object) error) error { return src.List(context.Background(), q, each) }
	return sourcetest.Keys(t, "List", list, func(o source.Object) {
		if o.Path != "s3://"+bucket+"/"+o.Key {
			t.Errorf("object %s: Path %s", o.Key, o.Path)
		}
	})
}

func TestS3Prefix(t *testing.T) {
	_, bucket := uploadTree(t, "trails/")
	var all []string
	for _, f := range sourcetest.Tree() {
		if f.Log && !strings.Contains(f.Key, "CloudTrail-") {
			all = append(all, "trails/"+f.Key)
		}
	}
	slices.Sort(all)
	single := "trails/exports/old/trail.json.gz"
	for _, c := range []struct {
		arg  string
		want []string
	}{
		{"s3://" + bucket, all},
		{"s3://" + bucket + "/trails", all},
		{"s3://" + bucket + "/trails/", all},
		{"s3://" + bucket + "/trail", nil}, // a folder, not a key prefix
		{"s3://" + bucket + "/" + single, []string{single}},
		{"s3://" + bucket + "/trails/exports", []string{"trails/exports/2026-10-01-support.json", single}},
	} {
		src, err := source.New(context.Background(), c.arg, sourcetest.S3Options(t))
		if err != nil {
			t.Errorf("New(%s): %v", c.arg, err)
			continue
		}
		if got := listKeys(t, bucket, src, trail.Scope{}); !slices.Equal(got, c.want) {
			t.Errorf("List %s:\n got %q\nwant %q", c.arg, got, c.want)
		}
	}
}

// TestS3ListingEconomy counts the requests of scans: the layout is
// discovered a level at a time down to the regions, and only what can
// hold events in scope is listed, never a digest or Insight folder, and
// only the objects in scope are fetched.
func TestS3ListingEconomy(t *testing.T) {
	_, bucket := uploadTree(t, "")
	rec := sourcetest.NewRecorder(bucket)
	ctx := context.Background()
	src, err := source.NewS3(ctx, bucket, sourcetest.S3Options(t), rec.Option)
	if err != nil {
		t.Fatal(err)
	}
	if reqs := rec.Requests(); len(reqs) != 1 || reqs[0].Op != "LIST" {
		t.Errorf("NewS3 made requests %v, want one LIST to check access", reqs)
	}

	// The tree's folders (see sourcetest.Tree): the bucket's root;
	// AWSLogs/ and, for 2 accounts, ACCOUNT/CloudTrail/ (the account
	// folder itself is not listed: it holds only CloudTrail/ and the
	// digest and Insight folders); org-trail/, AWSLogs/, o-ORGID/ and,
	// for 2 accounts, ACCOUNT/CloudTrail/; exports/ and exports/old/,
	// outside the layout. For all time a CloudTrail/ folder is listed
	// without a delimiter, its few objects, every region, in one request;
	// for a day it names its regions (2 in the account trail, 1 in the
	// organization's), each listed in one request from its first day
	// folder in the window to its last.
	const (
		all = 1 + (1 + 2) + (3 + 2) + 2
		day = 1 + (1 + 2*(1+2)) + (3 + 2*(1+1)) + 2
	)
	for _, c := range []struct {
		name      string
		q         trail.Scope
		lists     int
		gets      int
		wantedDir string // the folder of every object fetched in the layout
	}{
		// From 06:00 to 12:00 on 10/02: with the 6h margin for late
		// delivery, only the folders of 10/02 can hold events. Objects:
		// 2 accounts x 2 regions in the account trail, 2 accounts in the
		// organization trail, and the 2 exports.
		{"one day", trail.Scope{Since: time.Date(2026, 10, 2, 6, 0, 0, 0, time.UTC), Until: time.Date(2026, 10, 2, 12, 0, 0, 0, time.UTC)},
			day, 2*2 + 2 + 2, "/2026/10/02/"},
		// Everything: each region folder is listed whole. Objects: 2
		// accounts x 2 regions x 5 days + 1 .json in the account trail, 2
		// accounts x 2 days in the organization trail, and the 2 exports.
		{"all", trail.Scope{}, all, 2*2*5 + 1 + 2*2 + 2, "/CloudTrail/"},
		// The accounts and regions named: neither the organization folder
		// nor the CloudTrail/ folders are listed to find them. The account
		// trail: root, AWSLogs/, 1 region; the organization trail:
		// org-trail/, AWSLogs/, 1 region; exports/, exports/old/.
		{"one account and region", trail.Scope{Accounts: []string{"444455556666"}, Regions: []string{"us-east-1"}},
			1 + 1 + 1 + 2 + 1 + 2, 5 + 2 + 2, "/444455556666/CloudTrail/us-east-1/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var objs []source.Object
			if err := src.List(ctx, c.q, func(o source.Object) error { objs = append(objs, o); return nil }); err != nil {
				t.Fatal(err)
			}
			for _, o := range objs {
				rc, err := src.Open(ctx, o)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, rc)
				rc.Close()
			}
			reqs := rec.Requests()
			if n := sourcetest.Count(reqs, "LIST"); n != c.lists {
				t.Errorf("%d LIST requests, want %d", n, c.lists)
			}
			if n := sourcetest.Count(reqs, "GET"); n != c.gets || len(objs) != c.gets {
				t.Errorf("%d objects listed and %d GET requests, want %d", len(objs), n, c.gets)
			}
			if n := len(reqs) - sourcetest.Count(reqs, "LIST") - sourcetest.Count(reqs, "GET"); n != 0 {
				t.Errorf("%d other requests", n)
			}
			for _, r := range reqs {
				if strings.Contains(r.Key, "CloudTrail-") || r.Op == "GET" && !strings.Contains(r.Key, c.wantedDir) && !strings.HasPrefix(r.Key, "exports/") {
					t.Errorf("needless request %s %s", r.Op, r.Key)
				}
			}
			if t.Failed() {
				for _, r := range reqs {
					t.Logf("%s %s", r.Op, r.Key)
				}
			}
		})
	}
}

func TestS3OpenFailures(t *testing.T) {
	client, bucket := uploadTree(t, "")
	ctx := context.Background()
	const (
		denied  = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/111122223333_CloudTrail_us-east-1_20261001T0005Z_abc.json.gz"
		broken  = "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/111122223333_CloudTrail_eu-west-1_20261001T0005Z_abc.json.gz"
		flaky   = "AWSLogs/444455556666/CloudTrail/eu-west-1/2026/10/01/444455556666_CloudTrail_eu-west-1_20261001T0005Z_abc.json.gz"
		slow    = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/02/111122223333_CloudTrail_us-east-1_20261002T0005Z_abc.json.gz"
		skewed  = "AWSLogs/444455556666/CloudTrail/us-east-1/2026/10/02/444455556666_CloudTrail_us-east-1_20261002T0005Z_abc.json.gz"
		corrupt = "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/02/111122223333_CloudTrail_eu-west-1_20261002T0005Z_abc.json.gz"
		tail    = "AWSLogs/444455556666/CloudTrail/eu-west-1/2026/10/02/444455556666_CloudTrail_eu-west-1_20261002T0005Z_abc.json.gz"
		deleted = "AWSLogs/444455556666/CloudTrail/us-east-1/2026/10/01/444455556666_CloudTrail_us-east-1_20261001T0005Z_abc.json.gz"
	)
	rec := sourcetest.NewRecorder(bucket)
	gets := map[string]int{}
	rec.Alter = func(r sourcetest.Request, resp *http.Response, err error) (*http.Response, error) {
		if err != nil || r.Op != "GET" {
			return resp, err
		}
		gets[r.Key]++
		switch r.Key {
		case denied:
			return accessDenied(resp), nil
		case broken:
			// The first connection drops after 10 bytes, every other one
			// before its first.
			n := 0
			if gets[r.Key] == 1 {
				n = 10
			}
			resp.Body = &cut{rc: resp.Body, n: n}
		case flaky:
			// The first connection drops after 10 bytes; a resumed read works.
			if gets[r.Key] == 1 {
				resp.Body = &cut{rc: resp.Body, n: 10}
			}
		case slow:
			// Every connection drops after 100 bytes: each resume reads on.
			resp.Body = &cut{rc: resp.Body, n: 100}
		case skewed:
			// Every read's first connection drops after 10 bytes; the
			// resumed read is answered with other bytes than those asked
			// for.
			if resp.Request.Header.Get("Range") == "" {
				resp.Body = &cut{rc: resp.Body, n: 10}
			} else {
				resp.Header.Set("Content-Range", "bytes 0-99/100")
			}
		case tail:
			// Every byte comes, then the connection drops instead of
			// ending: the object is whole all the same.
			resp.Body = &cut{rc: resp.Body, n: int(resp.ContentLength)}
		case corrupt:
			// Every byte comes, the last one changed on the way: the SDK
			// finds that the checksum S3 keeps does not match.
			b, _ := io.ReadAll(resp.Body)
			b[len(b)-1]++
			resp.Body = struct {
				io.Reader
				io.Closer
			}{bytes.NewReader(b), resp.Body}
		}
		return resp, err
	}
	opts := sourcetest.S3Options(t)
	opts.Timeouts.Backoff = 20 * time.Millisecond // resumes that read nothing wait less
	src, err := source.NewS3(ctx, bucket, opts, rec.Option)
	if err != nil {
		t.Fatal(err)
	}
	objs := map[string]source.Object{}
	if err := src.List(ctx, trail.Scope{}, func(o source.Object) error { objs[o.Key] = o; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: aws(deleted)}); err != nil {
		t.Fatal(err)
	}
	read := func(key string) ([]byte, error) {
		o, ok := objs[key]
		if !ok {
			t.Fatalf("%s not listed", key)
		}
		rc, err := src.Open(ctx, o)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	for _, c := range []struct {
		key, want string
	}{
		{denied, "open s3://" + bucket + "/" + denied + ": "},
		{denied, "AccessDenied"},
		{deleted, "open s3://" + bucket + "/" + deleted + ": "},
		{deleted, "NoSuchKey"},
		{broken, "read s3://" + bucket + "/" + broken + " at byte 10: "},
		{broken, "connection reset"},
		{broken, "3 resumes in a row read nothing"},
		{skewed, "read s3://" + bucket + "/" + skewed + " at byte 10: "},
		{skewed, `asked for the bytes from 10, S3 answered with Content-Range "bytes 0-99/100"`},
		{corrupt, "read s3://" + bucket + "/" + corrupt + ": "},
		{corrupt, "checksum did not match"},
	} {
		_, err := read(c.key)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("read %s: error %v, want one with %q", c.key, err, c.want)
		}
	}
	for _, key := range []string{flaky, slow, tail} {
		got, err := read(key)
		if err != nil || !bytes.Equal(got, sourcetest.Content(key)) {
			t.Errorf("read of %s, its connections dropped: %d bytes, %v; want the object's %d bytes", key, len(got), err, len(sourcetest.Content(key)))
		}
	}
	if gets[slow] < len(sourcetest.Content(slow))/100 {
		t.Errorf("%d GETs of %s, 100 bytes each: too few for its %d bytes", gets[slow], slow, len(sourcetest.Content(slow)))
	}
}

// cut is a response body whose connection drops after n bytes.
type cut struct {
	rc io.ReadCloser
	n  int
}

var errReset = errors.New("read tcp: connection reset by peer")

func (c *cut) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, errReset
	}
	n, err := c.rc.Read(p[:min(len(p), c.n)])
	c.n -= n
	return n, err
}

func (c *cut) Close() error { return c.rc.Close() }

func aws(s string) *string { return &s }

func TestS3NoAccess(t *testing.T) {
	opts := sourcetest.S3Options(t)
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		bucket string
		env    map[string]string
		want   []string
	}{
		{"missing bucket", "trailscan-no-such-bucket", nil, []string{"s3://trailscan-no-such-bucket", "does not exist"}},
		{"wrong secret", "", map[string]string{"AWS_SECRET_ACCESS_KEY": "wrong"}, []string{"the secret access key is wrong", "SignatureDoesNotMatch"}},
		{"no credentials", "", map[string]string{
			"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "",
			"AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent",
			"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
			"AWS_WEB_IDENTITY_TOKEN_FILE": "",
		}, []string{"no usable AWS credentials"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			bucket := c.bucket
			if bucket == "" {
				bucket = sourcetest.NewBucket(t, sourcetest.S3Client(t))
			}
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			_, err := source.New(ctx, "s3://"+bucket+"/logs", opts)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestS3ScanFailures: objects that cannot be read are reported by their
// s3:// path with the reason, and the scan reads the others.
func TestS3ScanFailures(t *testing.T) {
	dir := t.TempDir()
	m, err := gen.Write(dir, gen.Config{Days: 1, FilesPerDay: 2, RecordsPerFile: 10})
	if err != nil {
		t.Fatal(err)
	}
	_, bucket := sourcetest.BucketOf(t, "", dir)
	ctx := context.Background()

	rec := sourcetest.NewRecorder(bucket)
	var denied, broken string // the first two objects fetched
	var mu sync.Mutex
	rec.Alter = func(r sourcetest.Request, resp *http.Response, err error) (*http.Response, error) {
		if err != nil || r.Op != "GET" {
			return resp, err
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case denied == "" || r.Key == denied:
			denied = r.Key
			return accessDenied(resp), nil
		case broken == "":
			// Its first connection drops after 10 bytes, the others
			// before their first.
			broken = r.Key
			resp.Body = &cut{rc: resp.Body, n: 10}
		case r.Key == broken:
			resp.Body = &cut{rc: resp.Body}
		}
		return resp, nil
	}
	opts := sourcetest.S3Options(t)
	opts.Timeouts.Backoff = 20 * time.Millisecond // resumes that read nothing wait less
	src, err := source.NewS3(ctx, bucket, opts, rec.Option)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := scan.Run(ctx, []source.Source{src}, scan.Config{})
	if err != nil {
		t.Fatal(err)
	}
	res := sum.Result()
	if res.FilesScanned != m.ValidFiles-2 {
		t.Errorf("%d files scanned, want all %d but 2", res.FilesScanned, m.ValidFiles)
	}
	want := map[string]string{
		"s3://" + bucket + "/" + denied: "AccessDenied",
		"s3://" + bucket + "/" + broken: "connection reset",
	}
	for _, f := range res.FilesFailed {
		if w, ok := want[f.Path]; !ok || !strings.Contains(f.Error, w) {
			t.Errorf("failed %s: %s; want %q", f.Path, f.Error, w)
		}
		delete(want, f.Path)
	}
	for p := range want {
		t.Errorf("%s not reported as failed", p)
	}
}

// TestS3Cancel: a cancelled scan stops listing and reading at once.
func TestS3Cancel(t *testing.T) {
	_, bucket := uploadTree(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src, err := source.New(ctx, "s3://"+bucket, sourcetest.S3Options(t))
	if err != nil {
		t.Fatal(err)
	}
	var objs []source.Object
	if err := src.List(ctx, trail.Scope{}, func(o source.Object) error { objs = append(objs, o); return nil }); err != nil {
		t.Fatal(err)
	}
	rc, err := src.Open(ctx, objs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := rc.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := io.ReadAll(rc); !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel: %v, want context.Canceled", err)
	}
	if _, err := src.Open(ctx, objs[1]); !errors.Is(err, context.Canceled) {
		t.Errorf("open after cancel: %v, want context.Canceled", err)
	}
	if err := src.List(ctx, trail.Scope{}, func(source.Object) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("list after cancel: %v, want context.Canceled", err)
	}
}

// accessDenied replaces resp with S3's answer to a GET the caller may not
// make.
func accessDenied(resp *http.Response) *http.Response {
	resp.Body.Close()
	return &http.Response{
		StatusCode: http.StatusForbidden, Status: "403 Forbidden", Header: http.Header{"Content-Type": {"application/xml"}},
		Body:    io.NopCloser(strings.NewReader(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)),
		Request: resp.Request,
	}
}
