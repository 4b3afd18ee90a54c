package parse_test

import (
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
