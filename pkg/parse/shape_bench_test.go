package parse_test

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

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
