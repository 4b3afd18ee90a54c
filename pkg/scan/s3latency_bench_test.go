package scan_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/internal/s3fault"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

// latencyArchives are the organization trails BenchmarkS3Latency scans,
// uploaded without the account trails gen writes beside them.
var latencyArchives = []struct {
	name  string
	cfg   gen.Config
	flags []string // what is scanned of it
}{
	// A day of 10 accounts in 2 regions: 95 files of about 9 KB in each
	// region, and 2 small ones around midnight in the first: 1,920.
	{"org-day", gen.Config{
		Seed: 1, Days: 1, Accounts: accounts(10), Regions: []string{"us-east-1", "eu-west-1"},
		FilesPerDay: 95, RecordsPerFile: 28, OrgID: "o-latency001", Prefix: "account", OrgPrefix: "org",
	}, nil},
	// 5 days of 40 accounts in 3 regions (2,800 files), scanned for one
	// day: its folder and the next (late deliveries), 1,120 files.
	{"org-window", gen.Config{
		Seed: 2, Days: 5, Accounts: accounts(40), Regions: []string{"us-east-1", "eu-west-1", "ap-southeast-2"},
		FilesPerDay: 4, RecordsPerFile: 28, OrgID: "o-latency002", Prefix: "account", OrgPrefix: "org",
	}, []string{"--since", "2026-10-03", "--until", "2026-10-04"}},
}

func accounts(n int) []string {
	a := make([]string, n)
	for i := range a {
		a[i] = fmt.Sprintf("%012d", 300000000000+i*1000003)
	}
	return a
}

// latencies are the times to first byte the proxy adds: none, and a
// region's, from fast to slow.
var latencies = []time.Duration{0, 10 * time.Millisecond, 30 * time.Millisecond, 100 * time.Millisecond}

// BenchmarkS3Latency scans from the S3 test server through s3fault, which
// waits before each answer as an AWS region does (S3's time to first
// byte), with trailscan's defaults, in a child process. For each archive
// and latency it reports the seconds of a scan (s/scan), the objects read
// a second (objects/s), the GETs in flight on average and at most, as the
// proxy counts them (GETs, GETs-max), how much longer than the same scan
// with no latency, run just before it (x0ms: latency is what is measured,
// not the load of a shared machine), and the child's peak RSS. Every
// scan's answer must be byte-identical to a local scan's of the same
// objects, but for what was asked and where the files were.
//
//	eval "$(.ci/s3server.sh start)"
//	go test -run '^$' -bench S3Latency -benchtime 3x ./pkg/scan
func BenchmarkS3Latency(b *testing.B) {
	endpoint := sourcetest.S3Endpoint(b)
	if _, err := trailscanBinary(); err != nil {
		b.Fatal(err)
	}
	client := sourcetest.S3Client(b)
	proxies := make([]*s3fault.Proxy, len(latencies))
	for i, d := range latencies {
		p, err := s3fault.Start(s3fault.Config{Upstream: endpoint, Delay: d})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(p.Close)
		proxies[i] = p
	}
	for _, a := range latencyArchives {
		root := b.TempDir()
		if _, err := gen.Write(root, a.cfg); err != nil {
			b.Fatal(err)
		}
		dir := filepath.Join(root, a.cfg.OrgPrefix)
		bucket := sourcetest.NewBucket(b, client)
		sourcetest.Upload(b, client, bucket, "", dir)
		local := scanChild(b, 0, dir, a.flags...)
		scanS3 := func(p *s3fault.Proxy) childRun {
			r := scanChild(b, 0, "s3://"+bucket, append(slices.Clone(a.flags), "--endpoint-url", p.URL, "--path-style")...)
			if err := sameAnswer(r.json, local.json, "s3://"+bucket+"/", filepath.ToSlash(dir)+"/"); err != nil {
				b.Fatalf("%s through %s: %v", a.name, p.URL, err)
			}
			return r
		}
		for i, d := range latencies {
			b.Run(fmt.Sprintf("%s/ttfb=%v", a.name, d), func(b *testing.B) {
				var secs, base, gets, peak, rss float64
				for b.Loop() {
					if i > 0 {
						base += scanS3(proxies[0]).secs
					}
					proxies[i].ResetLoad()
					r := scanS3(proxies[i])
					load := proxies[i].Load()
					secs += r.secs
					gets += load.Busy[s3fault.Get].Seconds() / r.secs
					peak = max(peak, float64(load.Peak[s3fault.Get]))
					rss = max(rss, r.rssMB)
				}
				if i == 0 {
					base = secs
				}
				n := float64(b.N)
				files, _ := local.result["files_scanned"].(float64)
				b.ReportMetric(secs/n, "s/scan")
				b.ReportMetric(files*n/secs, "objects/s")
				b.ReportMetric(gets/n, "GETs")
				b.ReportMetric(peak, "GETs-max")
				b.ReportMetric(secs/base, "x0ms")
				b.ReportMetric(rss, "maxRSS_MB")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// sameAnswer reports how an S3 scan's JSON differs from a local scan's of
// the same objects, byte for byte, but for the query (what was asked,
// where, when) and the prefixes of the paths of files.
func sameAnswer(remote, local []byte, remotePrefix, localPrefix string) error {
	var r, l map[string]json.RawMessage
	if err := json.Unmarshal(bytes.ReplaceAll(remote, []byte(remotePrefix), []byte(localPrefix)), &r); err != nil {
		return err
	}
	if err := json.Unmarshal(local, &l); err != nil {
		return err
	}
	delete(r, "query")
	delete(l, "query")
	for k, lv := range l {
		if rv, ok := r[k]; !ok || !bytes.Equal(rv, lv) {
			return fmt.Errorf("%q differs from the local scan's:\n%.300s\nlocal:\n%.300s", k, rv, lv)
		}
	}
	if len(r) != len(l) {
		return fmt.Errorf("%d fields, the local scan's %d", len(r), len(l))
	}
	if bytes.Contains(local, []byte(`"files_scanned":0`)) {
		return fmt.Errorf("nothing scanned")
	}
	return nil
}
