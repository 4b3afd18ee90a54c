package parse

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// unquote decodes the JSON string in by the unquoter, from a reader that
// gives one byte a read, so that every token is cut by a fill.
func unquote(in []byte) (string, error) {
	var s scanner
	s.reset(iotest.OneByteReader(bytes.NewReader(in)))
	if _, err := s.next(); err != nil {
		return "", err
	}
	var u unquoter
	u.reset(&s)
	out, err := io.ReadAll(&u)
	return string(out), err
}

func TestUnquote(t *testing.T) {
	for _, in := range []string{
		`""`, `"abc"`, `"\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\"`, `"\ud800"`, `"\ud800x"`, `"\ud800\ud800\udc00"`,
		`"\udc00"`, `"\ud800\n"`, "\"caf\xc3\xa9 \xff \xe0\x80\x80 \xf0\x90\x80\"", `"` + strings.Repeat("a\\u0041", 1000) + `"`,
		`"\q"`, `"\u12"`, "\"a\x01\"", `"abc`,
	} {
		fuzzUnquote(t, []byte(in))
	}
}

func FuzzUnquote(f *testing.F) {
	for _, in := range []string{`"\ud83d\ude00\u00e9"`, "\"\xff\xe2\x82\"", `"\ud800\"x"`} {
		f.Add([]byte(in))
	}
	f.Fuzz(fuzzUnquote)
}

// fuzzUnquote holds the unquoter to encoding/json on a string token.
func fuzzUnquote(t *testing.T, in []byte) {
	if len(in) == 0 || in[0] != '"' {
		return
	}
	got, gerr := unquote(in)
	// The unquoter stops at the closing quote, as a decoder of the first
	// value does.
	var raw json.RawMessage
	var want string
	werr := json.NewDecoder(bytes.NewReader(in)).Decode(&raw)
	if werr == nil {
		werr = json.Unmarshal(raw, &want)
	}
	if (gerr != nil) != (werr != nil) {
		t.Fatalf("on %q: unquoter error %v, encoding/json error %v", in, gerr, werr)
	}
	if gerr == nil && got != want {
		t.Fatalf("on %q: unquoter %q, encoding/json %q", in, got, want)
	}
}

