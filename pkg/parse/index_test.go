package parse

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// naiveIndex is what the indexers must return, written for clarity: a
// quote is escaped when an odd run of backslashes precedes it.
func naiveIndex(b []byte) (quotes, escapeBlocks []int32) {
	for p, c := range b {
		if p%64 == 0 {
			for _, c := range b[p : p+64] {
				if c == '\\' || c < 0x20 {
					escapeBlocks = append(escapeBlocks, int32(p/64))
					break
				}
			}
		}
		if c != '"' {
			continue
		}
		run := 0
		for j := p - 1; j >= 0 && b[j] == '\\'; j-- {
			run++
		}
		if run%2 == 0 {
			quotes = append(quotes, int32(p))
		}
	}
	return quotes, escapeBlocks
}

// indexers are the vector indexers this CPU runs, each named by the
// noAVX512 argument of indexBlocks that chooses it.
func indexers() map[string]bool {
	m := map[string]bool{}
	if hasAVX512 {
		m["AVX-512"] = false
	}
	if hasAVX2 {
		m["AVX2"] = true
	}
	if hasNEON {
		m["NEON"] = false
	}
	return m
}

func checkIndex(t *testing.T, b []byte, noAVX512 bool) {
	t.Helper()
	b = b[:len(b)/64*64]
	wantQ, wantS := naiveIndex(b)
	quotes := make([]int32, len(b)+quoteSlack)
	escapeBlocks := make([]int32, len(b)/64+1)
	high := make([]uint64, len(b)/64)
	nq, ns := indexBlocks(b, quotes, escapeBlocks, high, noAVX512)
	gotQ, gotS := quotes[:nq], escapeBlocks[:ns]
	if len(gotQ)+len(wantQ) > 0 && !reflect.DeepEqual(gotQ, wantQ) || len(gotS)+len(wantS) > 0 && !reflect.DeepEqual(gotS, wantS) {
		t.Fatalf("on %q:\nquotes   %v\nwant     %v\nspecials %v\nwant     %v", b, gotQ, wantQ, gotS, wantS)
	}
	for k, w := range high {
		for j := range 64 {
			if want := b[k*64+j] >= 0x80; want != (w>>j&1 == 1) {
				t.Fatalf("on %q: high bit %d is %v, want %v", b, k*64+j, !want, want)
			}
		}
	}
}

// TestIndex checks each vector indexer against the naive definition, on
// blocks dense with quotes, backslashes (runs across block edges included)
// and control characters.
func TestIndex(t *testing.T) {
	if !vector {
		t.Skip("no vector indexer on this CPU")
	}
	alphabets := []string{`"\a`, `"\\\\\\\\a`, "\"\\x\x01\x1f \x80\xff", `"`, `\`, `ab"cd`, "a\"\xc3\xa9bc"}
	for name, noAVX512 := range indexers() {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			for round := range 3000 {
				abc := alphabets[round%len(alphabets)]
				b := make([]byte, 64*(1+rng.IntN(8)))
				for i := range b {
					b[i] = abc[rng.IntN(len(abc))]
				}
				checkIndex(t, b, noAVX512)
			}
		})
	}
}

// TestIndexBlocks checks each vector indexer on documents made to take each
// of its ways through the blocks: the AVX2 indexer reads plain pairs of
// blocks at once and the others one block at a time.
func TestIndexBlocks(t *testing.T) {
	if !vector {
		t.Skip("no vector indexer on this CPU")
	}
	plain := strings.Repeat("a", 64)
	cases := []struct {
		name   string
		blocks []string // each padded with a to 64 bytes
	}{
		{"one block", []string{`"a"`}},
		{"plain pairs", []string{`{"a":"b"}`, `"c"`, `"d":`, `"e"`}},
		{"an odd count of blocks", []string{`"a"`, `"b"`, `"c"`}},
		{"more than ten quotes in a block", []string{strings.Repeat(`"a`, 32), strings.Repeat(`""`, 32), strings.Repeat(`"`, 11), strings.Repeat(`"bc`, 21)}},
		{"an escape carried into a plain pair", []string{plain, plain[:63] + `\`, `"a"`, `"b"`}},
		{"a backslash in the second block of a pair", []string{`"a"`, `"\"b"`, `"c"`, `"d"`}},
		{"a control character in the first block of a pair", []string{"\"a\n\"", `"b"`, `"c"`, `"d"`}},
		{"bytes of 0x80 and above alone", []string{"\"\xc3\xa9\"", `"b"`, `"c"`, "\"\xff\""}},
		{"bytes of 0x80 and above and a backslash", []string{"\"\xc3\xa9\"", `"\\"`}},
	}
	for _, c := range cases {
		var b []byte
		for _, blk := range c.blocks {
			b = append(b, blk...)
			b = append(b, plain[:(64-len(b)%64)%64]...)
		}
		for name, noAVX512 := range indexers() {
			t.Run(c.name+"/"+name, func(t *testing.T) { checkIndex(t, b, noAVX512) })
		}
	}
}

func FuzzIndex(f *testing.F) {
	f.Add([]byte(`{"a":"b\"c\\","d":"\\\"e"}`))
	if !vector {
		f.Skip("no vector indexer on this CPU")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		b = append(b, make([]byte, 64)...)
		for _, noAVX512 := range indexers() {
			checkIndex(t, b, noAVX512)
		}
	})
}

// TestASCII checks scanner.ascii on every range of a buffer with a few
// bytes of 0x80 and above.
func TestASCII(t *testing.T) {
	if !vector {
		t.Skip("no vector indexer on this CPU")
	}
	s := scanner{indexing: true}
	s.reset(nil)
	b := s.buf[:300]
	for i := range b {
		b[i] = 'a'
	}
	b[70], b[130], b[191], b[192] = 0x80, 0xff, 0xc3, 0xa9
	s.n = len(b)
	s.index(len(b))
	for i := 0; i < len(b); i++ {
		for j := i + 1; j <= len(b); j++ {
			want := !bytes.ContainsFunc(b[i:j], func(r rune) bool { return r >= 0x80 })
			if got := s.ascii(i, j); got != want {
				t.Fatalf("ascii(%d, %d) = %v, want %v", i, j, got, want)
			}
		}
	}
}
