package scan_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
)

// TestHostile feeds files built to exhaust a scanner: each must end in a
// reported error, without holding its inflated size in memory.
func TestHostile(t *testing.T) {
	const size = 64 << 20 // inflated bytes of each file
	tests := []struct {
		name             string
		head, fill, tail string
		wantErr          string
	}{
		{"endless whitespace", `{"Records":[`, " ", "", "unexpected end of JSON input"},
		{"deep nesting", `{"Records":[{"a":`, "[", "", "exceeded max depth"},
		{"zero bomb", ``, "\x00", "", "not a JSON object"},
		{"endless string", `{"Records":[{"eventName":"`, "A", "", "unexpected end of JSON input"},
		{"huge kept string", `{"Records":[{"eventName":"`, "A", `"}]}`, "longer than"},
		{"endless skipped string", `{"Records":[{"responseElements":"`, "A", "", "unexpected end of JSON input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeGzip(t, filepath.Join(dir, "x.json.gz"), tt.head, tt.fill, tt.tail, size)
			src, err := source.NewDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			sum, err := scan.Run(context.Background(), []source.Source{src}, scan.Config{Jobs: 1})
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			r := sum.Result()
			if len(r.FilesFailed) != 1 || !strings.Contains(r.FilesFailed[0].Error, tt.wantErr) {
				t.Fatalf("failed files %+v, want one failing with %q", r.FilesFailed, tt.wantErr)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
				t.Errorf("allocated %d MiB to reject a %d MiB file", alloc>>20, size>>20)
			}
		})
	}
}

// writeGzip writes head, fill repeated up to n bytes, and tail, gzipped.
func writeGzip(t *testing.T, path, head, fill, tail string, n int) {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	io.WriteString(zw, head)
	chunk := strings.Repeat(fill, 1<<20)
	for written := len(head); written < n; written += len(chunk) {
		io.WriteString(zw, chunk)
	}
	io.WriteString(zw, tail)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
