package source_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/s3fault"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

// BenchmarkS3SlowDown scans one archive from the S3 test server through
// s3fault answering 0%, 10% and 30% of all requests (listings, reads) with
// 503 SlowDown, with the default timeouts and backoff, and reports the
// seconds of each scan and how much longer than the scan without
// throttling it took (x10%, x30%). Throttling should cost about the
// requests it refuses (1/(1-p): x1.1, x1.4), not waits of seconds.
//
//	eval "$(.ci/s3server.sh start)"
//	go test -run '^$' -bench S3SlowDown -benchtime 3x ./pkg/source
func BenchmarkS3SlowDown(b *testing.B) {
	endpoint := sourcetest.S3Endpoint(b)
	_, m, bucket := benchBucket(b, 8, 100)
	ctx := context.Background()

	rates := []float64{0, 0.1, 0.3}
	srcs := make([]source.Source, len(rates))
	for i, rate := range rates {
		p, err := s3fault.Start(s3fault.Config{Upstream: endpoint, Seed: uint64(i), Faults: []s3fault.Fault{{Do: s3fault.SlowDown, Rate: rate}}})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(p.Close)
		if srcs[i], err = source.NewS3(ctx, bucket, source.Options{Endpoint: p.URL, PathStyle: true}); err != nil {
			b.Fatal(err)
		}
	}
	took := make([]time.Duration, len(rates))
	for b.Loop() {
		for i, src := range srcs {
			start := time.Now()
			sum, err := scan.Run(ctx, []source.Source{src}, scan.Config{Jobs: 8})
			took[i] += time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			if res := sum.Result(); res.FilesScanned != m.ValidFiles || len(res.FilesFailed) != 0 || res.EventsMatched != len(m.SupportEventIDs) {
				b.Fatalf("%.0f%% SlowDown: %d files, %d failed, %d Support events; want %d files and %d events",
					100*rates[i], res.FilesScanned, len(res.FilesFailed), res.EventsMatched, m.ValidFiles, len(m.SupportEventIDs))
			}
		}
	}
	n := float64(b.N)
	for i, rate := range rates {
		b.ReportMetric(took[i].Seconds()/n, fmt.Sprintf("s-%.0f%%", 100*rate))
		if i > 0 {
			b.ReportMetric(took[i].Seconds()/took[0].Seconds(), fmt.Sprintf("x%.0f%%", 100*rate))
		}
	}
}
