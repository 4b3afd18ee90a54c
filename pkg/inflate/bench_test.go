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
// internal/gen (klauspost/compress level 1). The benchmark also reads them
// gzipped again at compress/gzip's default level 6, closer to CloudTrail's
// own files. $TRAILSCAN_INFLATE_BENCH_DIR keeps both between runs (in
// archive/ and level6/), for libdeflate-gunzip to time the same files.
const benchMiB = 96

type benchFile struct {
	gz   []byte
	size int64 // inflated
}

type benchCorpora struct{ gen, level6 []benchFile }

var benchCorpus = sync.OnceValues(func() (benchCorpora, error) {
	var c benchCorpora
	dir := os.Getenv("TRAILSCAN_INFLATE_BENCH_DIR")
	if dir == "" {
		tmp, err := os.MkdirTemp("", "inflate-bench-")
		if err != nil {
			return c, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if _, err := os.Stat(filepath.Join(dir, "complete")); err != nil {
		if err := writeCorpora(dir); err != nil {
			return c, err
		}
	}
	read := func(sub string) ([]benchFile, error) {
		var files []benchFile
		err := eachLog(filepath.Join(dir, sub), func(_ string, data []byte, zr io.Reader) error {
			n, err := io.Copy(io.Discard, zr)
			files = append(files, benchFile{data, n})
			return err
		})
		return files, err
	}
	var err error
	if c.gen, err = read("archive"); err != nil {
		return c, err
	}
	c.level6, err = read("level6")
	return c, err
})

// writeCorpora writes the archive in dir/archive, and its log files at
// level 6 in dir/level6.
func writeCorpora(dir string) error {
	cfg, err := gen.Config{Seed: 1}.Sized(benchMiB << 20)
	if err != nil {
		return err
	}
	if _, err := gen.Write(filepath.Join(dir, "archive"), cfg); err != nil {
		return err
	}
	err = eachLog(filepath.Join(dir, "archive"), func(p string, _ []byte, zr io.Reader) error {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if _, err := io.Copy(zw, zr); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(dir, "archive"), p)
		out := filepath.Join(dir, "level6", rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, buf.Bytes(), 0o644)
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "complete"), nil, 0o644)
}

// eachLog calls f with each log file below dir, its path, its bytes and a
// reader of them inflated.
func eachLog(dir string, f func(p string, data []byte, zr io.Reader) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
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
		return f(p, data, zr)
	})
}

// reader is a gzip decoder that BenchmarkInflate resets from file to file.
type reader interface {
	io.Reader
	Reset(io.Reader) error
}

type benchDecoder struct {
	name string
	new  func(io.Reader) (reader, error)
}

// BenchmarkInflate inflates the archive's files, each through a bufio.Reader
// as the scan reads them, into a 256 KiB buffer as the parser reads.
func BenchmarkInflate(b *testing.B) {
	c, err := benchCorpus()
	if err != nil {
		b.Fatal(err)
	}
	for _, corpus := range []struct {
		name  string
		files []benchFile
	}{{"gen", c.gen}, {"level6", c.level6}} {
		b.Run(corpus.name, func(b *testing.B) { benchInflate(b, corpus.files) })
	}
}

func benchInflate(b *testing.B, files []benchFile) {
	var total, packed int64
	for _, f := range files {
		total += f.size
		packed += int64(len(f.gz))
	}
	b.Logf("%d files, %d MB inflated, %d MB gzip", len(files), total>>20, packed>>20)

	decoders := []benchDecoder{
		{"klauspost", func(r io.Reader) (reader, error) { return kgzip.NewReader(r) }},
		{"stdlib", func(r io.Reader) (reader, error) { return gzip.NewReader(r) }},
		{"inflate", func(r io.Reader) (reader, error) { return NewReader(r) }},
	}
	if haveAsm {
		// What fastAsm is for: the Reader with the Go loop instead.
		decoders = append(decoders, benchDecoder{"inflate-go", func(r io.Reader) (reader, error) {
			z := &Reader{loop: loopGo}
			return z, z.Reset(r)
		}})
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
