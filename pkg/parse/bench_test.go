package parse_test

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/filter"
	"github.com/trailscan/trailscan/pkg/parse"
)

// generatedDocs is the decompressed content of generated log files, about
// size bytes of ordinary CloudTrail records.
func generatedDocs(b testing.TB, size int64) [][]byte {
	dir := b.TempDir()
	cfg, err := gen.Config{Seed: 1}.Sized(size)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := gen.Write(dir, cfg); err != nil {
		b.Fatal(err)
	}
	var docs [][]byte
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json.gz") || strings.Contains(p, "CloudTrail-") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		doc, err := io.ReadAll(zr)
		docs = append(docs, doc)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return docs
}

// BenchmarkReader parses generated documents from memory, without
// inflating them: the parser's own speed. cpuMB/s counts CPU time rather
// than wall time, which other processes on a busy machine distort.
// Candidates reads as a scan does: transient, with the details of the
// records filter.Candidate accepts only.
func BenchmarkReader(b *testing.B) {
	docs := generatedDocs(b, 8<<20)
	var size int64
	for _, d := range docs {
		size += int64(len(d))
	}
	for _, name := range []string{"Records", "RecordsTransient", "Candidates"} {
		for _, p := range paths {
			b.Run(name+"/"+p.label, func(b *testing.B) {
				opts := p.opts
				if name == "Candidates" {
					opts.Details = filter.Candidate
				}
				readDocs(b, docs, size, opts, name != "Records")
			})
		}
	}
}

// readDocs reads docs b.N times with one Reader, reading as opts say.
func readDocs(b *testing.B, docs [][]byte, size int64, opts parse.Options, transient bool) {
	b.SetBytes(size)
	b.ReportAllocs()
	var br bytes.Reader
	d := parse.NewReader(&br, opts)
	var records int64
	cpu0 := cpuTime()
	for b.Loop() {
		records = countRecords(b, d, &br, docs, transient)
	}
	if records == 0 {
		b.Fatal("no records read")
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "cpuMB/s")
	}
}

// countRecords reads each of docs through d and br, lending transient
// events when transient says so, and returns how many records they held.
func countRecords(tb testing.TB, d *parse.Reader, br *bytes.Reader, docs [][]byte, transient bool) int64 {
	read := d.Records
	if transient {
		read = d.RecordsTransient
	}
	var records int64
	for _, doc := range docs {
		br.Reset(doc)
		d.Reset(br)
		n, err := read(func(*parse.Event) error { return nil })
		if err != nil {
			tb.Fatal(err)
		}
		records += n
	}
	return records
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
