package inflate

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

type loopTables struct {
	name string
	lt   *[llSize]uint32
	dt   *[dSize]uint32
}

// testTables are decode tables for the fast loops to run with: the fixed
// codes, the codes of a compressor's dynamic block, and codes as deep as
// DEFLATE allows (subtables in both).
func testTables(t *testing.T) []loopTables {
	ts := []loopTables{{"fixed", &fixedLit, &fixedDist}}

	z := &Reader{loop: loopExact}
	gz := compress(jsonLike(64<<10, 9), func(w io.Writer) (io.WriteCloser, error) { return kgzip.NewWriterLevel(w, 6) })
	if err := z.Reset(bytes.NewReader(gz)); err != nil {
		t.Fatal(err)
	}
	if err := z.block(); err != nil || z.lt != &z.lit {
		t.Fatalf("the stream does not open with a dynamic block: %v", err)
	}
	dynamic := loopTables{"dynamic", new([llSize]uint32), new([dSize]uint32)}
	*dynamic.lt, *dynamic.dt = z.lit, z.dist

	// Every symbol, in an order that leaves none of the kinds all short
	// or all long.
	var litSyms, distSyms []int
	for s := range maxLit {
		litSyms = append(litSyms, (s*97+13)%maxLit)
	}
	for s := range maxDist {
		distSyms = append(distSyms, (s*7+3)%maxDist)
	}
	deep := loopTables{"deep", new([llSize]uint32), new([dSize]uint32)}
	if !build(deep.lt[:], deepLengths(maxLit, litSyms), litlenResults[:], llBits).ok ||
		!build(deep.dt[:], deepLengths(maxDist, distSyms), distResults[:], dBits).ok {
		t.Fatal("deep codes are not complete")
	}
	return append(ts, dynamic, deep)
}

// TestFastLoops runs fastAsm and fastGo from the same states and checks
// that they end in the same one, having written the same bytes, past the
// output too: fastAsm is to do exactly what fastGo does. The states are
// random bits read with each code, from anywhere in the input and output
// buffers and near their ends, with matches allowed to reach back to
// anywhere from nothing to the whole buffer.
func TestFastLoops(t *testing.T) {
	if !haveAsm {
		t.Skip("no assembly loop on this CPU")
	}
	r := rand.New(rand.NewPCG(1, 2))
	in := new([inSize + 8]byte)
	for i := range in {
		in[i] = byte(r.Uint32())
	}
	outAsm, outGo := new([outSize + 8]byte), new([outSize + 8]byte)
	for i := range outGo {
		outGo[i] = byte(r.Uint32())
	}
	*outAsm = *outGo

	// near returns a value in [0, end), near its end or anywhere.
	near := func(end uint) uint {
		if r.IntN(2) == 0 {
			return end - 1 - uint(r.IntN(int(min(end, 600))))
		}
		return uint(r.IntN(int(end)))
	}
	var stops, runs int
	for _, tb := range testTables(t) {
		for i := range 3000 {
			inEnd := uint(inSize - fastIn)
			if i%3 == 0 {
				inEnd = 1 + uint(r.IntN(inSize-fastIn))
			}
			ip, op := near(inEnd), near(outLimit)
			var lo uint
			switch i % 4 {
			case 1:
				lo = op
			case 2:
				lo = op - uint(r.IntN(int(min(op, 40000))+1))
			}
			bl := uint(r.IntN(57))
			bb := r.Uint64() & (1<<bl - 1)

			opA, posA, stopA := fastAsm(in, outAsm, tb.lt, tb.dt, ip, op, lo, inEnd, bb, bl)
			opG, posG, stopG := fastGo(in, outGo, tb.lt, tb.dt, ip, op, lo, inEnd, bb, bl)
			state := fmt.Sprintf("%s, case %d: from ip %d op %d lo %d inEnd %d bl %d", tb.name, i, ip, op, lo, inEnd, bl)
			if opA != opG || posA != posG || stopA != stopG {
				t.Fatalf("%s: asm ends at op %d bit %d stopped %v, go at op %d bit %d stopped %v", state, opA, posA, stopA, opG, posG, stopG)
			}
			if *outAsm != *outGo {
				j := 0
				for outAsm[j] == outGo[j] {
					j++
				}
				t.Fatalf("%s: output differs at %d (op %d to %d)", state, j, op, opG)
			}
			if stopG {
				stops++
			} else {
				runs++
			}
		}
	}
	if stops == 0 || runs == 0 {
		t.Errorf("%d stops and %d runs to the end: the states are not varied enough", stops, runs)
	}
}
