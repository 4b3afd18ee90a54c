package parse_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/trailscan/trailscan/pkg/parse"
)

// BenchmarkShapes reads the same generated records delivered, one a line,
// and as lookup-events pages (each record in a string), transient as a
// scan reads them: MB/s is of each shape's own bytes.
func BenchmarkShapes(b *testing.B) {
	docs := generatedDocs(b, 8<<20)
	shapes := map[string][][]byte{"delivered": docs}
	for _, doc := range docs {
		var d struct{ Records []json.RawMessage }
		if err := json.Unmarshal(doc, &d); err != nil {
			b.Fatal(err)
		}
		var lines, page bytes.Buffer
		page.WriteString("{\n    \"Events\": [\n")
		for i, r := range d.Records {
			lines.Write(r)
			lines.WriteByte('\n')
			q, _ := json.Marshal(string(r))
			if i > 0 {
				page.WriteString(",\n")
			}
			page.WriteString(`        {"EventId": "x", "ReadOnly": "true", "CloudTrailEvent": `)
			page.Write(q)
			page.WriteString("}")
		}
		page.WriteString("\n    ]\n}\n")
		shapes["lines"] = append(shapes["lines"], lines.Bytes())
		shapes["lookup-events"] = append(shapes["lookup-events"], page.Bytes())
	}
	for _, name := range []string{"delivered", "lines", "lookup-events"} {
		var size int64
		for _, d := range shapes[name] {
			size += int64(len(d))
		}
		b.Run(name, func(b *testing.B) {
			readDocs(b, shapes[name], size, parse.Options{}, true)
		})
	}
}
