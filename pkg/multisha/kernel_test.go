package multisha

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// k256 holds SHA-256's round constants, as blocks_amd64.s does.
var k256 = [64]uint32{
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}

// blocksGo is the kernel written plainly, lane after lane, as FIPS 180-4
// states it: the reference the vector kernel is held to, and what the
// tests run the lanes with on any CPU.
func blocksGo(state *[8][lanes]uint32, ptrs *[lanes]*byte, n int) {
	for i := range lanes {
		msg := unsafe.Slice(ptrs[i], n*64)
		var h [8]uint32
		for w := range h {
			h[w] = state[w][i]
		}
		for ; len(msg) > 0; msg = msg[64:] {
			var w [64]uint32
			for t := range 16 {
				w[t] = binary.BigEndian.Uint32(msg[4*t:])
			}
			for t := 16; t < 64; t++ {
				s0 := bits.RotateLeft32(w[t-15], -7) ^ bits.RotateLeft32(w[t-15], -18) ^ w[t-15]>>3
				s1 := bits.RotateLeft32(w[t-2], -17) ^ bits.RotateLeft32(w[t-2], -19) ^ w[t-2]>>10
				w[t] = w[t-16] + s0 + w[t-7] + s1
			}
			a, b, c, d, e, f, g, hh := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
			for t := range 64 {
				t1 := hh + (bits.RotateLeft32(e, -6) ^ bits.RotateLeft32(e, -11) ^ bits.RotateLeft32(e, -25)) + (e&f ^ ^e&g) + k256[t] + w[t]
				t2 := (bits.RotateLeft32(a, -2) ^ bits.RotateLeft32(a, -13) ^ bits.RotateLeft32(a, -22)) + (a&b ^ a&c ^ b&c)
				a, b, c, d, e, f, g, hh = t1+t2, a, b, c, d+t1, e, f, g
			}
			for w, v := range [8]uint32{a, b, c, d, e, f, g, hh} {
				h[w] += v
			}
		}
		for w := range h {
			state[w][i] = h[w]
		}
	}
}

// TestKernel holds the vector kernel to blocksGo from random states over
// random blocks, each lane reading its own buffer.
func TestKernel(t *testing.T) {
	if vectorKernel == nil {
		t.Skip("no vector kernel on this CPU")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 7, 64} {
		var state [8][lanes]uint32
		for w := range state {
			for i := range state[w] {
				state[w][i] = rng.Uint32()
			}
		}
		var ptrs [lanes]*byte
		for i := range ptrs {
			buf := make([]byte, n*64)
			for k := range buf {
				buf[k] = byte(rng.Uint32())
			}
			ptrs[i] = &buf[0]
		}
		want := state
		blocksGo(&want, &ptrs, n)
		vectorKernel(&state, &ptrs, n)
		if state != want {
			t.Errorf("%d blocks: state\n%x\nwant\n%x", n, state, want)
		}
	}
}

// BenchmarkKernel runs the vector kernel alone, over blocks that stay in
// a core's L2 (4 KiB a lane) and over more than it holds (64 KiB a lane,
// 5 MiB in all, about what a scan queues for the lanes): the same speed
// in both says the kernel waits on its arithmetic, not on memory.
func BenchmarkKernel(b *testing.B) {
	if vectorKernel == nil {
		b.Skip("no vector kernel on this CPU")
	}
	const sets = 5 // the buffers the lanes cycle through
	for _, size := range []int{4 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, 7))
			bufs := make([][]byte, lanes)
			for i := range bufs {
				bufs[i] = make([]byte, sets*size)
				for k := range bufs[i] {
					bufs[i][k] = byte(rng.Uint32())
				}
			}
			ptrsOf := func(set int) *[lanes]*byte {
				var ptrs [lanes]*byte
				for i := range ptrs {
					ptrs[i] = &bufs[i][set*size]
				}
				return &ptrs
			}
			var state, want [8][lanes]uint32
			b.SetBytes(int64(lanes * size))
			for i := 0; b.Loop(); i++ {
				vectorKernel(&state, ptrsOf(i%sets), size/64)
			}
			state = [8][lanes]uint32{}
			vectorKernel(&state, ptrsOf(0), size/64)
			blocksGo(&want, ptrsOf(0), size/64)
			if state != want {
				b.Fatalf("state %x, want %x", state, want)
			}
		})
	}
}
