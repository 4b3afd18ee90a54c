package parse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// unquoteWay is one way to hand a string to the unquoter.
type unquoteWay struct {
	scalar   bool // the word-at-a-time code, not the vector code
	noAVX512 bool // the AVX2 code, where the CPU has AVX-512 too
	small    bool // reads of 1 to 160 bytes (past most of any padding), not of a whole buffer: the vector code, which writes whole blocks, then reads up to 64 bytes less than that, or nothing
	// cut, when not 0, is where in the string the scanner's buffer ends:
	// plain bytes padded after the opening quote move the rest there.
	cut int
}

func (w unquoteWay) String() string {
	return fmt.Sprintf("scalar %v, no AVX-512 %v, small reads %v, buffer cut at %d", w.scalar, w.noAVX512, w.small, w.cut)
}

// unquote decodes the JSON string in by the unquoter, as way says, and
// returns what it decoded after any padding, and the offset in in of an
// error, which is given at that offset too.
func unquote(in []byte, way unquoteWay) (string, int64, error) {
	pad := 0
	if way.cut > 0 {
		pad = bufSize - way.cut
		in = append(append(append(unquoteIn[:0], in[0]), bytes.Repeat([]byte{'p'}, pad)...), in[1:]...)
		unquoteIn = in
	}
	s := &unquoteScanner
	s.reset(bytes.NewReader(in))
	if _, err := s.next(); err != nil {
		return "", 0, err
	}
	var u unquoter
	u.reset(s)
	u.scalar, u.noAVX512 = way.scalar, way.noAVX512
	var out []byte
	padded := 0
	buf := unquoteBuf[:]
	var err error
	for k := 0; err == nil; k++ {
		p := buf
		if way.small && padded >= pad-100 {
			p = buf[:1+k*7%160]
		}
		var n int
		n, err = u.Read(p)
		// The padding is counted, not kept.
		skip := min(n, pad-padded)
		if bytes.Count(p[:skip], []byte{'p'}) != skip {
			return "", 0, fmt.Errorf("lost the padding: %q", p[:skip])
		}
		padded += skip
		out = append(out, p[skip:n]...)
	}
	if err == io.EOF {
		err = nil
	}
	if padded < pad {
		return "", 0, fmt.Errorf("lost the padding: %d bytes of %d, %v", padded, pad, err)
	}
	var at int64
	if se := (*SyntaxError)(nil); errors.As(err, &se) {
		at = se.Offset - int64(pad)
		err = &SyntaxError{Offset: at, Msg: se.Msg}
	}
	return string(out), at, err
}

// The buffers of unquote, kept from one call to the next.
var (
	unquoteScanner scanner
	unquoteBuf     [bufSize]byte
	unquoteIn      []byte
)

// unquoteCodes is each code to decode with: AVX-512, AVX2, none.
var unquoteCodes = []unquoteWay{{}, {noAVX512: true}, {scalar: true}}

// unquoteReads is each way to read, with the buffer cut nowhere.
func unquoteReads() []unquoteWay {
	var ways []unquoteWay
	for _, code := range unquoteCodes {
		for _, small := range []bool{false, true} {
			code.small = small
			ways = append(ways, code)
		}
	}
	return ways
}

// unquoteWays is each way to read, with the buffer cut nowhere and at
// each byte of in from from to to, and those either side.
func unquoteWays(in []byte, from, to int) []unquoteWay {
	var ways []unquoteWay
	for _, w := range unquoteReads() {
		ways = append(ways, w)
		for cut := max(from-1, 1); cut <= min(to+1, len(in)); cut++ {
			w.cut = cut
			ways = append(ways, w)
		}
	}
	return ways
}

func TestUnquote(t *testing.T) {
	for _, in := range []string{
		`""`, `"abc"`, `"\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\"`, `"\ud800"`, `"\ud800x"`, `"\ud800\ud800\udc00"`,
		`"\udc00"`, `"\ud800\n"`, "\"caf\xc3\xa9 \xff \xe0\x80\x80 \xf0\x90\x80\"", `"` + strings.Repeat("a\\u0041", 1000) + `"`,
		`"\q"`, `"\u12"`, "\"a\x01\"", `"abc`,
	} {
		for _, way := range unquoteWays([]byte(in), 1, min(len(in), 40)) {
			checkUnquote(t, []byte(in), way)
		}
	}
}

// TestUnquoteBoundaries puts each token at every offset from the start of
// the string, so that it falls across each edge of a word and of a vector
// block, with a block or more of the common case after it, and cuts the
// buffer at each of its bytes.
func TestUnquoteBoundaries(t *testing.T) {
	plain := strings.Repeat("abcdefgh", 20)
	for _, tok := range []string{
		`\"`, `\\`, `\/`, `\\\"`, `\\\\\"`, `\"\"\"\"`, `\\\\\\\\`, `\":\"`, `\"\",\"`,
		`\n`, `\t\r\b\f`, `\u0041`, `\u00e9`, `\u2028`, `\ud83d\ude00`, `\ud800`, `\udc00\u0041`, `\ud800\"`,
		"é", "日本", "\U0001f600", "\xff", "\xe2\x82", "\xf0\x90\x80\"", "\x7f",
		`\"é`, `\\é`, `\"\x01`, `\"` + "\"", `\\` + "\"",
		`\q`, `\u12x4`, `\u`, "\x01", "\x1f", "\t", `\` + "\xff",
	} {
		for k := range 72 {
			in := `"` + plain[:k] + tok + plain + tok + plain[:3] + `"`
			for _, way := range unquoteReads() {
				checkUnquote(t, []byte(in), way)
			}
		}
		in := `"` + plain[:8] + tok + plain + `"`
		for _, way := range unquoteWays([]byte(in), 9, 9+len(tok)) {
			checkUnquote(t, []byte(in), way)
		}
	}
}

// TestUnquoteErrorOffset holds the offset of each kind of invalid string
// to the byte that is wrong.
func TestUnquoteErrorOffset(t *testing.T) {
	plain := strings.Repeat("abcdefgh", 20)
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{`"ab\q"`, 4},
		{`"ab\u12x4"`, 7},
		{"\"ab\x01\"", 3},
		{`"` + plain + `\"\q"`, int64(len(plain)) + 4},
		{"\"" + plain + "\\\"\x01\"", int64(len(plain)) + 3},
		{`"` + plain + `\"`, int64(len(plain)) + 3},
	} {
		for _, way := range unquoteWays([]byte(tc.in), int(tc.want)-3, int(tc.want)+3) {
			_, at, err := unquote([]byte(tc.in), way)
			if err == nil || at != tc.want {
				t.Errorf("%q, %v: error %v at %d, want one at %d", tc.in, way, err, at, tc.want)
			}
		}
	}
}

func FuzzUnquote(f *testing.F) {
	for _, in := range []string{`"\ud83d\ude00\u00e9"`, "\"\xff\xe2\x82\"", `"\ud800\"x"`, `"` + strings.Repeat(`ab\"cd\\`, 20) + `"`} {
		f.Add([]byte(in), uint16(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, cut uint16) {
		if len(in) == 0 || in[0] != '"' {
			return
		}
		for _, way := range unquoteReads() {
			checkUnquote(t, in, way)
			way.cut = 1 + int(cut)%len(in)
			checkUnquote(t, in, way)
		}
	})
}

// checkUnquote holds the unquoter, reading in as way says, to
// encoding/json on a string token, and the offset of an error to the one
// of the plainest way.
func checkUnquote(t *testing.T, in []byte, way unquoteWay) {
	t.Helper()
	got, gat, gerr := unquote(in, way)
	// The unquoter stops at the closing quote, as a decoder of the first
	// value does.
	var raw json.RawMessage
	var want string
	werr := json.NewDecoder(bytes.NewReader(in)).Decode(&raw)
	if werr == nil {
		werr = json.Unmarshal(raw, &want)
	}
	if (gerr != nil) != (werr != nil) {
		t.Fatalf("on %q, %v: unquoter error %v, encoding/json error %v", in, way, gerr, werr)
	}
	if gerr == nil && got != want {
		t.Fatalf("on %q, %v: unquoter %q, encoding/json %q", in, way, got, want)
	}
	if gerr != nil {
		_, at, err := unquote(in, unquoteWay{scalar: true, small: true})
		if gerr.Error() != err.Error() {
			t.Fatalf("on %q, %v: error %v at %d, read byte by byte %v at %d", in, way, gerr, gat, err, at)
		}
	}
}

// TestUnquoteBlocksTight: where src's array ends with src, the AVX2 code,
// which loads whole blocks, reads none past it, and so decodes no further
// than its last whole block.
func TestUnquoteBlocksTight(t *testing.T) {
	if !hasAVX2 {
		t.Skip("this CPU has no AVX2")
	}
	dst := make([]byte, 1024)
	for _, in := range []string{strings.Repeat(`ab\"cd\\ef`, 30), strings.Repeat("a", 130), `abc\"` + strings.Repeat("x", 59) + `\n` + strings.Repeat("y", 100)} {
		slack := append(make([]byte, 0, len(in)+64), in...)
		r, w := unquoteBlocks(dst, slack, true)
		want := string(dst[:w])
		tight := []byte(in)[:len(in):len(in)]
		tr, tw := unquoteBlocks(dst, tight, true)
		if tr > len(in)&^63 || tr > r || string(dst[:tw]) != want[:tw] {
			t.Errorf("%q: read %d, wrote %q; with room past the end, read %d, wrote %q", in, tr, dst[:tw], r, want)
		}
	}
}
