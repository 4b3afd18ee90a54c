package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/pkg/source"
)

// TestWriteShapes: evidence from each shape is the record on one line;
// from a lookup-events or subscription payload string, the record decoded.
func TestWriteShapes(t *testing.T) {
	dir := t.TempDir()
	inner := strings.ReplaceAll(rec("x", "2026-10-01T00:00:01Z", `,"requestParameters":{"p":"a\"b\\/é\n"}`), `,"eventSource"`, ",\n  \"eventSource\"")
	q, _ := json.Marshal(inner)
	q2, _ := json.Marshal(rec("y", "2026-10-01T00:00:02Z", ""))
	q5, _ := json.Marshal(strings.Replace(rec("v", "2026-10-01T00:00:05Z", ""), `,"eventSource"`, ",\r\n\t\"eventSource\"", 1))
	files := map[string]string{
		"a-lookup.json":  "{\n  \"Events\": [\n    {\"EventId\": \"x\", \"CloudTrailEvent\": " + string(q) + "},\n    {\"CloudTrailEvent\": " + string(q2) + "}\n  ]\n}\n",
		"b-bridge.jsonl": `{"version":"0","detail-type":"AWS API Call via CloudTrail","detail":` + rec("z", "2026-10-01T00:00:03Z", "") + `,"region":"us-east-1"}` + "\n",
		"c-lines.ndjson": rec("w", "2026-10-01T00:00:04Z", "") + "\n" + rec("x", "2026-10-01T00:00:01Z", "") + "\n",
		"d-cwl.json": `{"messageType":"CONTROL_MESSAGE","logEvents":[{"message":"CWL CONTROL MESSAGE"}]}` +
			`{"messageType":"DATA_MESSAGE","owner":"111122223333","logEvents":[{"id":"1","timestamp":1790812805000,"message":` + string(q5) + `}]}`,
		"e-export.jsonl": "2026-10-01T00:00:06.000Z " + rec("u", "2026-10-01T00:00:06Z", "") + "\n",
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, sum := scanDir(t, dir)
	var out bytes.Buffer
	n, err := Write(context.Background(), &out, sum.Calls(), OpenFrom([]source.Source{src}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		strings.ReplaceAll(inner, "\n", " "), // x, from a-lookup.json, first in sort order
		rec("y", "2026-10-01T00:00:02Z", ""),
		rec("z", "2026-10-01T00:00:03Z", ""),
		rec("w", "2026-10-01T00:00:04Z", ""),
		strings.Replace(rec("v", "2026-10-01T00:00:05Z", ""), `,"eventSource"`, ",  \t\"eventSource\"", 1),
		rec("u", "2026-10-01T00:00:06Z", ""),
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if n != len(want) || strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("wrote %d records:\n%s\nwant:\n%s", n, out.String(), strings.Join(want, "\n"))
	}
}
