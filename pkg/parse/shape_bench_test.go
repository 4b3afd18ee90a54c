package parse_test

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/parse"
)

// BenchmarkShapes reads the same generated records delivered, one a line,
// as lookup-events pages and as CloudWatch Logs subscription payloads
// (each record in a string), and as a CloudWatch Logs export, transient
// as a scan reads them: MB/s is of each shape's own bytes.
func BenchmarkShapes(b *testing.B) {
	docs := generatedDocs(b, 8<<20)
	for _, shape := range []string{"delivered", "ndjson", "lookup", "cwl-subscription", "cwl-export"} {
		var in [][]byte
		var size int64
		for _, doc := range docs {
			out, err := gen.Reshape(doc, shape)
			if err != nil {
				b.Fatal(err)
			}
			in = append(in, out)
			size += int64(len(out))
		}
		b.Run(shape, func(b *testing.B) {
			readDocs(b, in, size, parse.Options{}, true)
		})
	}
}

// BenchmarkShapesRatio reads the records of BenchmarkShapes delivered,
// as lookup-events pages and as subscription payloads, each in turn in
// every op, and reports what a byte of each shape that holds its records
// in strings costs over a byte of delivered files (at most 1.5x is the
// aim). It takes the least time each shape took in an op: other work on
// the machine only lengthens a read, and BenchmarkShapes reads one shape
// after another, under whatever load each meets.
func BenchmarkShapesRatio(b *testing.B) {
	docs := generatedDocs(b, 8<<20)
	shapes := []string{"delivered", "lookup", "cwl-subscription"}
	in := make([][][]byte, len(shapes))
	size := make([]int64, len(shapes))
	for k, shape := range shapes {
		for _, doc := range docs {
			out, err := gen.Reshape(doc, shape)
			if err != nil {
				b.Fatal(err)
			}
			in[k] = append(in[k], out)
			size[k] += int64(len(out))
		}
	}
	best := make([]time.Duration, len(shapes))
	var br bytes.Reader
	d := parse.NewReader(&br, parse.Options{})
	for b.Loop() {
		for k := range shapes {
			start := time.Now()
			if countRecords(b, d, &br, in[k], true) == 0 {
				b.Fatal("no records read")
			}
			if t := time.Since(start); best[k] == 0 || t < best[k] {
				best[k] = t
			}
		}
	}
	perByte := func(k int) float64 { return float64(best[k]) / float64(size[k]) }
	for k := 1; k < len(shapes); k++ {
		b.ReportMetric(perByte(k)/perByte(0), shapes[k]+"/delivered")
	}
}

// BenchmarkDetect finds the shape of each generated file written in each
// shape, from its first buffer as a Reader does: ns/op is per file.
func BenchmarkDetect(b *testing.B) {
	docs := generatedDocs(b, 8<<20)
	for _, shape := range []string{"delivered", "ndjson", "eventbridge", "lookup", "cwl-subscription", "cwl-export"} {
		var prefixes [][]byte
		for _, doc := range docs {
			out, err := gen.Reshape(doc, shape)
			if err != nil {
				b.Fatal(err)
			}
			prefixes = append(prefixes, out[:min(len(out), 256<<10)])
		}
		b.Run(shape, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if !parse.Recognized(prefixes[i%len(prefixes)]) {
					b.Fatalf("a %s file is not recognized", shape)
				}
			}
		})
	}
}

// BenchmarkUnquote decodes the same generated records written as one JSON
// string, as lookup-events holds each: MB/s is of the string as written,
// the decoding alone of what BenchmarkShapes/lookup-events reads.
func BenchmarkUnquote(b *testing.B) {
	var recs []byte
	for _, doc := range generatedDocs(b, 8<<20) {
		recs = append(recs, doc...)
	}
	in, err := json.Marshal(string(recs))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	out := make([]byte, 256<<10)
	var br bytes.Reader
	cpu0 := cpuTime()
	for b.Loop() {
		br.Reset(in)
		u, err := parse.Unquoter(&br)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := u.Read(out); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(len(in))*float64(b.N)/1e6/cpu.Seconds(), "cpuMB/s")
	}
}
