package inflate

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"

	"github.com/trailscan/trailscan/internal/gen"
)

// benchMiB is the uncompressed size of the benchmark's archive: log files
// of about 256 KB, as trailscan's own benchmark corpus, written by
// internal/gen (klauspost/compress level 1). $TRAILSCAN_INFLATE_BENCH_DIR
// keeps it between runs, for libdeflate-gunzip to time the same files.
const benchMiB = 96

type benchFile struct {
	gz   []byte
	size int64 // inflated
}

var benchCorpus = sync.OnceValues(func() ([]benchFile, error) {
	dir := os.Getenv("TRAILSCAN_INFLATE_BENCH_DIR")
	if dir == "" {
		tmp, err := os.MkdirTemp("", "inflate-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if _, err := os.Stat(filepath.Join(dir, "complete")); err != nil {
		cfg, err := gen.Config{Seed: 1}.Sized(benchMiB << 20)
		if err != nil {
			return nil, err
		}
		if _, err := gen.Write(filepath.Join(dir, "archive"), cfg); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "complete"), nil, 0o644); err != nil {
			return nil, err
		}
	}
	var files []benchFile
	err := filepath.WalkDir(filepath.Join(dir, "archive"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json.gz") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		zr, err := kgzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return err
		}
		n, err := io.Copy(io.Discard, zr)
		if err != nil {
			return err
		}
		files = append(files, benchFile{data, n})
		return nil
	})
	return files, err
})

// BenchmarkInflate inflates the archive's files, each through a bufio.Reader
// as the scan reads them, into a 256 KiB buffer as the parser reads.
func BenchmarkInflate(b *testing.B) {
	files, err := benchCorpus()
	if err != nil {
		b.Fatal(err)
	}
	var total, packed int64
	for _, f := range files {
		total += f.size
		packed += int64(len(f.gz))
	}
	b.Logf("%d files, %d MB inflated, %d MB gzip", len(files), total>>20, packed>>20)

	type reader interface {
		io.Reader
		Reset(io.Reader) error
	}
	decoders := []struct {
		name string
		new  func(io.Reader) (reader, error)
	}{
		{"klauspost", func(r io.Reader) (reader, error) { return kgzip.NewReader(r) }},
		{"stdlib", func(r io.Reader) (reader, error) { return gzip.NewReader(r) }},
		{"inflate", func(r io.Reader) (reader, error) { return NewReader(r) }},
	}
	for _, d := range decoders {
		b.Run(d.name, func(b *testing.B) {
			b.SetBytes(total)
			buf := make([]byte, 256<<10)
			br := bufio.NewReaderSize(nil, 64<<10)
			var zr reader
			cpu := cpuTime()
			for b.Loop() {
				for _, f := range files {
					br.Reset(bytes.NewReader(f.gz))
					var err error
					if zr == nil {
						zr, err = d.new(br)
					} else {
						err = zr.Reset(br)
					}
					if err != nil {
						b.Fatal(err)
					}
					n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{zr}, buf)
					if err != nil || n != f.size {
						b.Fatalf("inflated %d bytes of %d: %v", n, f.size, err)
					}
				}
			}
			if cpu := cpuTime() - cpu; cpu > 0 {
				b.ReportMetric(float64(total)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
			}
		})
	}
}
