package source_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

// BenchmarkS3VsLocal scans one generated archive from disk and from the
// S3 test server on loopback, and reports both throughputs (uncompressed
// log bytes per second) and how much longer the S3 scan takes
// (s3/local). TRAILSCAN_BENCH_FILES sets the log files per account, region
// and day (default 16: about 37 MB of logs), TRAILSCAN_BENCH_JOBS the
// files read at once (default: one per CPU, as trailscan scan does).
//
//	eval "$(.ci/s3server.sh start)"
//	go test -run '^$' -bench S3VsLocal -benchtime 5x ./pkg/source
func BenchmarkS3VsLocal(b *testing.B) {
	files := 16
	if s := os.Getenv("TRAILSCAN_BENCH_FILES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("TRAILSCAN_BENCH_FILES=%s: %v", s, err)
		}
		files = n
	}
	endpoint := sourcetest.S3Endpoint(b)
	dir, m, bucket := benchBucket(b, files, 200)
	ctx := context.Background()
	local, err := source.NewDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	remote, err := source.NewS3(ctx, bucket, source.Options{Endpoint: endpoint, PathStyle: true})
	if err != nil {
		b.Fatal(err)
	}

	run := func(src source.Source) time.Duration {
		start := time.Now()
		jobs, _ := strconv.Atoi(os.Getenv("TRAILSCAN_BENCH_JOBS"))
		sum, err := scan.Run(ctx, []source.Source{src}, scan.Config{Jobs: jobs})
		d := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		res := sum.Result()
		if res.FilesScanned != m.ValidFiles || res.EventsMatched != len(m.SupportEventIDs) || len(res.FilesFailed) != 0 {
			b.Fatalf("%s: %d files, %d Support events, %d failures; want %d files and %d events",
				src, res.FilesScanned, res.EventsMatched, len(res.FilesFailed), m.ValidFiles, len(m.SupportEventIDs))
		}
		return d
	}
	var tLocal, tS3 time.Duration
	n := 0
	for b.Loop() {
		tLocal += run(local)
		tS3 += run(remote)
		n++
	}
	mb := float64(m.Bytes) * float64(n) / 1e6
	b.ReportMetric(mb/tLocal.Seconds(), "local-MB/s")
	b.ReportMetric(mb/tS3.Seconds(), "s3-MB/s")
	b.ReportMetric(tS3.Seconds()/tLocal.Seconds(), "s3/local")
}

// benchBucket writes an archive of two accounts in two regions over two
// days, filesPerDay files of records each a day, and uploads it to a new
// bucket.
func benchBucket(b *testing.B, filesPerDay, records int) (dir string, m gen.Manifest, bucket string) {
	b.Helper()
	dir = b.TempDir()
	m, err := gen.Write(dir, gen.Config{
		Seed:           1,
		Days:           2,
		Accounts:       []string{"111111111111", "222222222222"},
		Regions:        []string{"us-east-1", "eu-west-1"},
		FilesPerDay:    filesPerDay,
		RecordsPerFile: records,
	})
	if err != nil {
		b.Fatal(err)
	}
	_, bucket = sourcetest.BucketOf(b, "", dir)
	return dir, m, bucket
}
