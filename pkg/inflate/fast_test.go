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
func testTables(t testing.TB) []loopTables {
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

// loopState is where the fast loops start.
type loopState struct {
	ip, op, lo, inEnd uint
	bb                uint64
	bl                uint
}

// loopOutputs are an output buffer for each loop, the same before a run
// and, when the loops agree, after it.
type loopOutputs struct{ viaAsm, viaGo *[outSize + 8]byte }

// agree runs fastAsm and fastGo from s and fails t unless they end in the
// same state, having written the same bytes, past the output too. It
// returns whether they stopped before a codeword.
func (o loopOutputs) agree(t *testing.T, name string, in *[inSize + 8]byte, tb loopTables, s loopState) bool {
	t.Helper()
	opA, posA, stopA := fastAsm(in, o.viaAsm, tb.lt, tb.dt, s.ip, s.op, s.lo, s.inEnd, s.bb, s.bl)
	opG, posG, stopG := fastGo(in, o.viaGo, tb.lt, tb.dt, s.ip, s.op, s.lo, s.inEnd, s.bb, s.bl)
	if opA != opG || posA != posG || stopA != stopG {
		t.Fatalf("%s, %s codes, from %+v: asm ends at op %d bit %d stopped %v, go at op %d bit %d stopped %v", name, tb.name, s, opA, posA, stopA, opG, posG, stopG)
	}
	if *o.viaAsm != *o.viaGo {
		j := 0
		for o.viaAsm[j] == o.viaGo[j] {
			j++
		}
		t.Fatalf("%s, %s codes, from %+v: output differs at %d (op %d to %d)", name, tb.name, s, j, s.op, opG)
	}
	return stopG
}

func newLoopOutputs(r *rand.Rand) loopOutputs {
	o := loopOutputs{new([outSize + 8]byte), new([outSize + 8]byte)}
	for i := range o.viaGo {
		o.viaGo[i] = byte(r.Uint32())
	}
	*o.viaAsm = *o.viaGo
	return o
}

// TestFastLoops runs fastAsm and fastGo from the same states and checks
// that they end in the same one, having written the same bytes: fastAsm is
// to do exactly what fastGo does. The states are random bits read with
// each code, from anywhere in the input and output buffers and near their
// ends, with matches allowed to reach back to anywhere from nothing to the
// whole buffer.
func TestFastLoops(t *testing.T) {
	if !haveAsm {
		t.Skip("no assembly loop on this CPU")
	}
	r := rand.New(rand.NewPCG(1, 2))
	in := new([inSize + 8]byte)
	for i := range in {
		in[i] = byte(r.Uint32())
	}
	outs := newLoopOutputs(r)

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
			s := loopState{inEnd: inSize - fastIn}
			if i%3 == 0 {
				s.inEnd = 1 + uint(r.IntN(inSize-fastIn))
			}
			s.ip, s.op = near(s.inEnd), near(outLimit)
			switch i % 4 {
			case 1:
				s.lo = s.op
			case 2:
				s.lo = s.op - uint(r.IntN(int(min(s.op, 40000))+1))
			}
			s.bl = uint(r.IntN(57))
			s.bb = r.Uint64() & (1<<s.bl - 1)
			if outs.agree(t, fmt.Sprintf("case %d", i), in, tb, s) {
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

// FuzzFastLoops is TestFastLoops with the input and the state the fuzzer
// chooses: the input ends at inEnd, the output at op, matches may reach
// back some bytes, and bits bits of bb are in the buffer.
func FuzzFastLoops(f *testing.F) {
	if !haveAsm {
		f.Skip("no assembly loop on this CPU")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range craftedValid()[:4] {
		f.Add(s.data[10:], uint32(r.IntN(outLimit)), uint32(r.IntN(1<<16)), r.Uint64(), uint8(r.IntN(57)), uint8(r.IntN(3)))
	}
	random := make([]byte, 4096)
	rand.NewChaCha8([32]byte{5}).Read(random)
	f.Add(random, uint32(outLimit-1), uint32(window), uint64(0), uint8(0), uint8(2))
	in := new([inSize + 8]byte)
	outs := newLoopOutputs(r)
	tables := testTables(f)
	f.Fuzz(func(t *testing.T, data []byte, op, back uint32, bb uint64, bits, table uint8) {
		if len(data) == 0 || len(data) > inSize-fastIn {
			return
		}
		// What follows the input is zeros, not the last input's bytes.
		clear(in[copy(in[:], data):][:fastIn])
		s := loopState{inEnd: uint(len(data)), op: uint(op) % outLimit, bl: uint(bits) % 57}
		s.lo = s.op - min(uint(back), s.op)
		s.bb = bb & (1<<s.bl - 1)
		outs.agree(t, "fuzz", in, tables[int(table)%len(tables)], s)
	})
}
