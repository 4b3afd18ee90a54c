package parse_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/parse"
)

// detectEdges are first bytes that only a reader written by hand could
// read otherwise than encoding/json's Decoder: escapes and invalid UTF-8
// in keys, space anywhere, keys at the end of the prefix, values cut or
// wrong just before a key that decides, nesting at the limit, detail-types
// written every way.
func detectEdges() [][]byte {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	edges := []string{
		`{"Rec\u006frds":[`, `{"\u0052ecords"`, `{"Records"`, `{"Records" `, `{"Records" x`, `{"x":1,"Records"`,
		`{"Records\ud800":[]}`, "{\"Records\xff\":[]}", "{\"\xffeventID\":1}", `{"Ev\u0065nts":[]}`, `{"message\u0054ype":1}`,
		`{"x":1 "Records":[]}`, `{"x":1,,"Records":[]}`, `{,"Records":[]}`, `{"x":1,}`, `{"x"}`, `{"x":}`, `{1:2,"Records":[]}`,
		`{"x":tru,"Records":[]}`, `{"x":nul`, `{"x":nullx,"Records":[]}`, `{"x":true"Records":[]}`, `{"x":falsey}`,
		`{"x":[1,2,{"a":[true,false,null,"s",-0.5e-3]}],"Records":[]}`, `{"x":[1 2],"Records":[]}`, `{"x":[1,],"Records":[]}`,
		`{"x":{"a" 1},"Records":[]}`, `{"x":{"a":1,},"Records":[]}`, `{"x":{"a":1]},"Records":[]}`, `{"x":[}],"Records":[]}`,
		`{"x":"\q","Records":[]}`, "{\"x\":\"a\x01\",\"Records\":[]}", "{\"x\":\"\xff\xfe\",\"Records\":[]}", `{"x":"\u12","Records":[]}`,
		`{"x":01,"Records":[]}`, `{"x":-,"Records":[]}`, `{"x":1.5E+3,"Records":[]}`, `{"x":1.e3,"Records":[]}`, `{"x":1e,"Records":[]}`,
		`{"x":-01}`, `{"x":.5,"Records":[]}`, `{"x":+1,"Records":[]}`, `{"x":1x,"Records":[]}`, `{"x":12`, `{"x":1.`, `{"x":"a"`, `{"x":"a`,
		`{"x":` + deep(10000) + `,"Records":[]}`, `{"x":` + deep(10001) + `,"Records":[]}`,
		`{"x":` + strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000) + `,"Records":[]}`,
		`{"x":` + strings.Repeat(`[{"a":`, 5001) + "1" + strings.Repeat("}]", 5001) + `,"Records":[]}`,
		`{"detail-type":"AWS API Call via CloudTrai\u006c","detail":{}}`, `{"detail-type":1,"detail":{}}`, `{"detail-type":null,"detail":{}}`,
		"{\"detail-type\" : \n\"x via CloudTrail\" ,\"detail\":{}}", "{\"detail-type\":\"\xff via CloudTrail\",\"detail\":{}}",
		"{\"detail-type\":\"via CloudTrai\xff\",\"detail\":{}}", `{"detail-type":"via CloudTrail\ud800","detail":{}}`, `{"detail-type":"via CloudTrail"`,
		`{"detail":{},"detail-type":"x via CloudTrail","detail-type":"y"}`, `{"detail":{},"detail-type":"y","detail-type":"x via CloudTrail"}`,
		`{"detail":{},"detail-type":"x via CloudTrail","detail-type":"y`, `{"detail":{},"detail-type":"x via CloudTrail","detail-type":[]}`,
		`{"detail-type":"via CloudTrail","detail":`, `{"detail-type":"\"via CloudTrail","detail":1}`, `{"detail-type":"","detail":1}`,
		`{"eventID"`, "\t{\n\"eventID\"\r:\n1 ,\"eventName\" : \"x\" }", `{"eventID":1,"Records":2}`, `{"eventID":1,"detail":2,"detail-type":3}`,
		`[ {"eventID":1}]`, `[1]`, `[]`, `[{"Records":1,"eventID":2}]`, `[{"eventID":2,"Records":1}]`, `[[{"eventID":1}]]`, `[ `, `[`,
		`2026-10-01T00:00:00Z {"eventID":"x"}`, `2026 {"eventID":1}`, `2026-10-01T00:00:00.000Z {"detail-type":"x via CloudTrail","detail":{}}`,
		`2026-10-01T00:00:00Z  {"eventID":"x"}`, `2026-10-01T00:00:00Z {"eventID"`, `2026-10-01T00:00:00Z {"Records":[]}`, `1 {`,
		"\xef\xbb\xbf{\"Records\":[]}", "\xef\xbb\xbf\xef\xbb\xbf{\"Records\":[]}", "\x00{\"Records\":[]}", " \v{\"Records\":[]}", "",
	}
	var ins [][]byte
	for _, e := range edges {
		ins = append(ins, []byte(e))
	}
	return ins
}

// TestDetectAsDecoder holds the detector to the one it replaced, written
// on encoding/json's Decoder, on the first bytes of every shape and the
// edge cases, each cut at every byte of its start, and each with bytes
// changed at random.
func TestDetectAsDecoder(t *testing.T) {
	ins := append(shapeSeeds(), detectEdges()...)
	for _, shape := range []string{"delivered", "ndjson", "array", "eventbridge", "lookup", "lookup-jsonl", "cwl-subscription", "cwl-export"} {
		for _, doc := range generatedDocs(t, 1<<20)[:3] {
			out, err := gen.Reshape(doc, shape)
			if err != nil {
				t.Fatal(err)
			}
			ins = append(ins, out[:min(len(out), 64<<10)])
		}
	}
	r := rand.New(rand.NewPCG(3, 5))
	const alphabet = "{}[],:\"\\ \t\n0123456789-+.eEtrufalsn\x00\x1f\x7f\xff\xef\xbb\xbf"
	for _, in := range ins {
		for cut := range min(len(in), 4000) + 1 {
			checkDetect(t, in[:cut])
		}
		checkDetect(t, in)
		for range 300 {
			m := bytes.Clone(in[:min(len(in), 3000)])
			for range 1 + r.IntN(3) {
				if len(m) == 0 {
					break
				}
				at := r.IntN(len(m))
				switch c := alphabet[r.IntN(len(alphabet))]; r.IntN(3) {
				case 0:
					m[at] = c
				case 1:
					m = append(m[:at], m[at+1:]...)
				default:
					m = append(m[:at], append([]byte{c}, m[at:]...)...)
				}
			}
			checkDetect(t, m)
		}
	}
}

func FuzzDetectAsDecoder(f *testing.F) {
	for _, in := range append(shapeSeeds(), detectEdges()...) {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkDetect(t, in) })
}

func checkDetect(t *testing.T, in []byte) {
	t.Helper()
	sh, ok := parse.DetectShape(in)
	wsh, wok := parse.DetectByDecoder(in)
	if sh != wsh || ok != wok {
		t.Fatalf("on %q: %v %v, by the Decoder %v %v", in, sh, ok, wsh, wok)
	}
}
