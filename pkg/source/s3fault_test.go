package source_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/internal/s3fault"
	"github.com/trailscan/trailscan/internal/toxiproxy"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

// The fault tests scan an archive in the S3 test server through a proxy
// that breaks answers: toxiproxy for what networks do to TCP connections
// (stalls, delays, cuts, resets), s3fault for what S3 and broken
// connections do to HTTP answers. Each scan must end, in bounded time,
// with the exact answer for every object it read, and name every object it
// did not read, by itself or by a folder that could not be listed.

// fast are timeouts short enough for a fault test to take seconds.
var fast = source.Timeouts{Header: 300 * time.Millisecond, Stall: 300 * time.Millisecond, Object: 20 * time.Second, Backoff: 20 * time.Millisecond}

// hang bounds a scan under faults: one that runs longer is stuck.
const hang = 60 * time.Second

const (
	acct1 = "111111111111"
	acct2 = "222222222222"
)

// faultArchive is a generated archive, on disk and in a bucket of the S3
// test server.
type faultArchive struct {
	dir      string
	endpoint string
	client   *s3.Client
	bucket   string
	keys     []string // its log objects
	largest  string   // the key of the largest object
}

func newFaultArchive(t *testing.T) *faultArchive {
	t.Helper()
	a := &faultArchive{dir: t.TempDir(), endpoint: sourcetest.S3Endpoint(t), client: sourcetest.S3Client(t)}
	_, err := gen.Write(a.dir, gen.Config{
		Seed:           12,
		Days:           2,
		Accounts:       []string{acct1, acct2},
		Regions:        []string{"us-east-1", "eu-west-1"},
		FilesPerDay:    3,
		RecordsPerFile: 100,
		SupportRate:    0.1,
	})
	if err != nil {
		t.Fatal(err)
	}
	var size int64
	err = filepath.WalkDir(a.dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !source.IsLog(path) {
			return err
		}
		rel, _ := filepath.Rel(a.dir, path)
		a.keys = append(a.keys, filepath.ToSlash(rel))
		if info, err := e.Info(); err == nil && info.Size() > size {
			size, a.largest = info.Size(), filepath.ToSlash(rel)
		}
		return nil
	})
	if err != nil || len(a.keys) == 0 {
		t.Fatalf("archive of %d objects: %v", len(a.keys), err)
	}
	a.bucket = sourcetest.NewBucket(t, a.client)
	sourcetest.Upload(t, a.client, a.bucket, "", a.dir)
	return a
}

// scanned is what a scan through a faulty endpoint gave.
type scanned struct {
	res      summarize.Result
	requests int64 // HTTP requests made, retries and resumes included
}

// scan scans the archive through endpoint and checks the answer: exact
// for the objects read (the same as a local scan of just those), and every
// other object named in files_failed, by its path or by a folder above it.
func (a *faultArchive) scan(t *testing.T, endpoint string, timeouts source.Timeouts, optFns ...func(*s3.Options)) scanned {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hang)
	defer cancel()
	var requests atomic.Int64
	count := func(o *s3.Options) { o.HTTPClient = counter{o.HTTPClient, &requests} }
	src, err := source.NewS3(ctx, a.bucket, source.Options{Endpoint: endpoint, PathStyle: true, Timeouts: timeouts}, append(optFns, count)...)
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	var mu sync.Mutex
	read := map[string]bool{}
	sum, err := scan.Run(ctx, []source.Source{src}, scan.Config{Jobs: 8, Done: func(o source.Object, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err == nil {
			read[o.Key] = true
		}
	}})
	if ctx.Err() != nil {
		t.Fatalf("the scan did not end in %v", hang)
	}
	if err != nil {
		t.Fatalf("the scan failed as a whole: %v", err)
	}
	res := sum.Result()

	for _, key := range a.keys {
		if read[key] {
			continue
		}
		named := slices.ContainsFunc(res.FilesFailed, func(f summarize.FileError) bool {
			p := strings.TrimPrefix(f.Path, "s3://"+a.bucket+"/")
			return p == key || strings.HasSuffix(p, "/") && strings.HasPrefix(key, p) || p == ""
		})
		if !named {
			t.Errorf("%s was neither read nor named in files_failed", key)
		}
	}

	local, err := source.NewDir(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := scan.Run(ctx, []source.Source{local}, scan.Config{Select: func(o source.Object) bool { return read[o.Key] }})
	if err != nil {
		t.Fatal(err)
	}
	got := res
	got.FilesFailed = nil
	gotJSON := jsonOf(t, got)
	gotJSON = bytes.ReplaceAll(gotJSON, []byte("s3://"+a.bucket+"/"), []byte(filepath.ToSlash(a.dir)+"/"))
	if wantJSON := jsonOf(t, want.Result()); !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("the result of the %d objects read differs from a local scan of them:\n got %s\nwant %s", len(read), gotJSON, wantJSON)
	}
	return scanned{res: res, requests: requests.Load()}
}

func jsonOf(t *testing.T, r summarize.Result) []byte {
	t.Helper()
	r.FilesFailed = nil
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// counter counts the HTTP requests of an S3 client.
type counter struct {
	next interface {
		Do(*http.Request) (*http.Response, error)
	}
	n *atomic.Int64
}

func (c counter) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.Do(r)
}

// failure is an object or folder a scan must name in files_failed, by its
// key, with a reason that says why.
type failure struct {
	key, why string
}

// checkFailed checks that res names exactly want as failed.
func checkFailed(t *testing.T, bucket string, res summarize.Result, want []failure) {
	t.Helper()
	left := slices.Clone(want)
	for _, f := range res.FilesFailed {
		key := strings.TrimPrefix(f.Path, "s3://"+bucket+"/")
		i := slices.IndexFunc(left, func(w failure) bool { return w.key == key })
		if i < 0 {
			t.Errorf("failed %s: %s; want it read", f.Path, f.Error)
			continue
		}
		if !strings.Contains(f.Error, left[i].why) {
			t.Errorf("failed %s: %s; want a reason with %q", f.Path, f.Error, left[i].why)
		}
		left = slices.Delete(left, i, i+1)
	}
	for _, w := range left {
		t.Errorf("%s not named in files_failed", w.key)
	}
}

// TestS3Faults scans through s3fault: each fault, the way S3 or a broken
// connection gives it, ends in the exact answer, or in the exact answer
// for all but the objects and folders named as failed.
func TestS3Faults(t *testing.T) {
	a := newFaultArchive(t)
	// An account's folder is never listed, only its CloudTrail/ folder.
	prefix2 := "AWSLogs/" + acct2 + "/CloudTrail/"
	prefix1 := "AWSLogs/" + acct1 + "/CloudTrail/"
	for _, c := range []struct {
		name     string
		faults   []s3fault.Fault
		timeouts *source.Timeouts // nil: fast
		// unchecked reads objects as if S3 held no checksum of them, as
		// of objects written before it kept one for each: the SDK checks
		// a checksum, when there is one, as it reads the whole object.
		unchecked bool
		// failed are the failures the scan must report; anyFailed, when
		// set, allows folders that could not be listed, with this reason.
		failed    []failure
		anyFailed string
	}{
		{name: "503 SlowDown on 30% of requests",
			faults: []s3fault.Fault{{Do: s3fault.SlowDown, Rate: 0.3}}},
		{name: "503 SlowDown on 80% of listings",
			faults:    []s3fault.Fault{{Do: s3fault.SlowDown, On: s3fault.List, Key: "AWSLogs/", Rate: 0.8}},
			anyFailed: "SlowDown"},
		{name: "listings cut part way",
			faults: []s3fault.Fault{{Do: s3fault.Cut, On: s3fault.List, After: 100, Rate: 1, Times: 2}}},
		{name: "listings ended early",
			faults: []s3fault.Fault{{Do: s3fault.Truncate, On: s3fault.List, After: 60, Rate: 1, Times: 2}}},
		{name: "listings empty",
			faults: []s3fault.Fault{{Do: s3fault.Truncate, On: s3fault.List, After: 0, Rate: 1, Times: 2}}},
		{name: "listings that never come",
			faults: []s3fault.Fault{{Do: s3fault.Hang, On: s3fault.List, Key: "AWSLogs/", Rate: 1, Times: 1}}},
		{name: "listings stalled",
			faults: []s3fault.Fault{{Do: s3fault.Stall, On: s3fault.List, Key: "AWSLogs/", After: 100, Rate: 1, Times: 1}}},
		{name: "a folder refused",
			faults: []s3fault.Fault{{Do: s3fault.Deny, On: s3fault.List, Key: prefix2, Rate: 1}},
			failed: []failure{{prefix2, "AccessDenied"}}},
		{name: "a folder throttled past its retries",
			faults: []s3fault.Fault{{Do: s3fault.SlowDown, On: s3fault.List, Key: prefix1, Rate: 1}},
			failed: []failure{{prefix1, "SlowDown"}}},
		{name: "bodies cut part way",
			faults: []s3fault.Fault{{Do: s3fault.Cut, On: s3fault.Get, After: 1000, Rate: 1, Times: 1}}},
		{name: "every body cut after 1000 bytes",
			faults: []s3fault.Fault{{Do: s3fault.Cut, On: s3fault.Get, After: 1000, Rate: 1}}},
		{name: "bodies ended early",
			faults:    []s3fault.Fault{{Do: s3fault.Truncate, On: s3fault.Get, After: 1000, Rate: 1, Times: 1}},
			unchecked: true},
		{name: "bodies stalled",
			faults: []s3fault.Fault{{Do: s3fault.Stall, On: s3fault.Get, After: 1000, Rate: 1, Times: 1}}},
		{name: "answers that never come",
			faults: []s3fault.Fault{{Do: s3fault.Hang, Rate: 0.2}}},
		{name: "a server that ignores Range",
			faults: []s3fault.Fault{
				{Do: s3fault.Cut, On: s3fault.Get, After: 1000, Rate: 1, Times: 1},
				{Do: s3fault.IgnoreRange, On: s3fault.Get, Rate: 1},
			}},
		{name: "an object that never answers",
			faults: []s3fault.Fault{{Do: s3fault.Hang, On: s3fault.Get, Key: a.largest, Rate: 1}},
			failed: []failure{{a.largest, "no answer"}}},
		{name: "an object stalled for good",
			faults: []s3fault.Fault{{Do: s3fault.Stall, On: s3fault.Get, Key: a.largest, After: 0, Rate: 1}},
			failed: []failure{{a.largest, "no data"}}},
		{name: "an object too slow to finish",
			faults:   []s3fault.Fault{{Do: s3fault.Stall, On: s3fault.Get, Key: a.largest, After: 1000, Rate: 1}},
			timeouts: &source.Timeouts{Header: fast.Header, Stall: fast.Stall, Object: time.Second, Backoff: fast.Backoff},
			failed:   []failure{{a.largest, "time limit"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // the faults cost waits, not work
			p, err := s3fault.Start(s3fault.Config{Upstream: a.endpoint, Faults: c.faults, Seed: 1, Origin: a.client})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			timeouts := fast
			if c.timeouts != nil {
				timeouts = *c.timeouts
			}
			var optFns []func(*s3.Options)
			if c.unchecked {
				optFns = append(optFns, func(o *s3.Options) { o.ResponseChecksumValidation = awsv2.ResponseChecksumValidationWhenRequired })
			}
			got := a.scan(t, p.URL, timeouts, optFns...)
			for _, f := range c.faults {
				if p.Count(f.Do) == 0 {
					t.Errorf("no %s done: the test tests nothing", f.Do)
				}
			}
			if c.anyFailed != "" {
				for _, f := range got.res.FilesFailed {
					if !strings.HasSuffix(f.Path, "/") || !strings.Contains(f.Error, c.anyFailed) {
						t.Errorf("failed %s: %s; want only folders, failed with %s", f.Path, f.Error, c.anyFailed)
					}
				}
				return
			}
			checkFailed(t, a.bucket, got.res, c.failed)
		})
	}
}

// TestS3Toxics scans through toxiproxy, which breaks TCP connections as
// networks do: each ends in the exact answer.
func TestS3Toxics(t *testing.T) {
	tp := toxiproxy.FromEnv(t)
	a := newFaultArchive(t)
	u, err := url.Parse(a.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	clean := a.scan(t, a.endpoint, fast)
	checkFailed(t, a.bucket, clean.res, nil)
	for _, c := range []struct {
		name  string
		toxic toxiproxy.Toxic
	}{
		{"20% of connections stalled",
			toxiproxy.Toxic{Type: "timeout", Stream: "downstream", Toxicity: 0.2, Attributes: map[string]any{"timeout": 0}}},
		{"20% of connections slower than the header timeout",
			toxiproxy.Toxic{Type: "latency", Stream: "downstream", Toxicity: 0.2, Attributes: map[string]any{"latency": 2000}}},
		{"every connection closed after 8 KB",
			toxiproxy.Toxic{Type: "limit_data", Stream: "downstream", Toxicity: 1, Attributes: map[string]any{"bytes": 8000}}},
		{"30% of connections reset",
			toxiproxy.Toxic{Type: "reset_peer", Stream: "downstream", Toxicity: 0.3, Attributes: map[string]any{"timeout": 0}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := tp.Proxy(t, u.Host)
			p.Add(t, c.toxic)
			// Faults cost requests: a scan that made no more than a clean
			// one met none. Toxics fall on connections by chance, and a
			// scan opens few: a scan that met none is done again.
			var got scanned
			for range 5 {
				got = a.scan(t, p.URL(), fast)
				checkFailed(t, a.bucket, got.res, nil)
				if got.requests > clean.requests || t.Failed() {
					break
				}
			}
			if got.requests <= clean.requests {
				t.Errorf("%d requests, as many as a clean scan's %d: the toxic did nothing in 5 scans", got.requests, clean.requests)
			}
		})
	}
}

// TestS3Throttles: the source counts every 503 SlowDown it was answered,
// each tried again, which is what the scan slows down by.
func TestS3Throttles(t *testing.T) {
	_, bucket := uploadTree(t, "")
	p, err := s3fault.Start(s3fault.Config{Upstream: sourcetest.S3Endpoint(t), Seed: 3, Faults: []s3fault.Fault{{Do: s3fault.SlowDown, Rate: 0.3}}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	opts := sourcetest.S3Options(t)
	opts.Endpoint, opts.Timeouts = p.URL, fast
	src, err := source.NewS3(ctx, bucket, opts)
	if err != nil {
		t.Fatal(err)
	}
	err = src.List(ctx, trail.Scope{}, func(o source.Object) error {
		rc, err := src.Open(ctx, o)
		if err != nil {
			return err
		}
		defer rc.Close()
		if b, err := io.ReadAll(rc); err != nil || !bytes.Equal(b, sourcetest.Content(o.Key)) {
			t.Errorf("read %s: %d bytes, %v", o.Key, len(b), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := src.Throttles(), int64(p.Count(s3fault.SlowDown)); got != want || want == 0 {
		t.Errorf("Throttles() = %d, want the proxy's %d SlowDown answers", got, want)
	}
}
