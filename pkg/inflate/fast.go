package inflate

import "encoding/binary"

// fastIn is the input the fast loop needs past its position: what one
// iteration may take, with a word's load and what klauspost/compress would
// read ahead, so that it never decodes a codeword klauspost/compress would
// stop before.
const fastIn = 32

// fast decodes literals and matches while the input holds fastIn bytes and
// out has room, the way libdeflate's fast loop does. It leaves to the exact
// decoder the end of the block and anything bad, stopping before the
// codeword: it reports whether it stopped at one.
//
// The loop is fastAsm where the CPU runs it, fastGo elsewhere: the same
// loop, written out twice because the assembly is faster (BenchmarkInflate
// times the Reader with each), and held to decode the same by
// TestFastLoops.
func (z *Reader) fast() (stopped bool) {
	if z.inLen-z.ip <= fastIn || z.op >= outLimit {
		return false // the loops would read and write out of bounds
	}
	ip, op, inEnd := uint(z.ip), uint(z.op), uint(z.inLen-fastIn)
	var pos uint
	if z.loop == loopBest && haveAsm {
		op, pos, stopped = fastAsm(&z.in, &z.out, z.lt, z.dt, ip, op, uint(z.lo), inEnd, z.bb, z.bl)
	} else {
		op, pos, stopped = fastGo(&z.in, &z.out, z.lt, z.dt, ip, op, uint(z.lo), inEnd, z.bb, z.bl)
	}
	z.op = int(op)
	// Whether the loop stopped or ran out of room, the bits from pos on
	// are still to decode: keep those of pos's byte, give back the rest.
	z.ip, z.bb, z.bl = int(pos>>3), 0, 0
	if r := pos & 7; r != 0 {
		z.bb = uint64(z.in[z.ip&inMask]) >> r
		z.bl = 8 - r
		z.ip++
	}
	return stopped
}

// fastGo is the fast loop in Go, for CPUs without fastAsm. It starts at
// byte ip of in with the bits bb, bl left by the exact decoder (bl < 64),
// and decodes while ip < inEnd and op < outLimit, matches reaching back to
// lo at most. It returns where the output ends, the bit of in where
// decoding is to go on, and whether it stopped before a codeword it
// leaves to the exact decoder.
//
// bl counts the bits in bb in its low byte only: subtracting a whole entry
// leaves its low byte right, saving the masking (libdeflate's trick).
//
// Every iteration starts with at least 56 bits in the buffer and all 64 of
// its bits valid: enough for three literals of the main table and the
// lookup of a fourth, or a length (20 bits at most), a distance (28), and
// the lookup after them.
func fastGo(in *[inSize + 8]byte, out *[outSize + 8]byte, lt *[llSize]uint32, dt *[dSize]uint32, ip, op, lo, inEnd uint, bb uint64, bl uint) (opEnd, pos uint, stopped bool) {
	var start uint // the bit where the codeword starts, to give it to the exact decoder
	bb |= loadIn(in, ip) << (bl & 63)
	ip += 7 - bl>>3&7
	bl |= 56
	e := lt[bb&llMask]
	for {
		if int32(e) < 0 {
			// Up to three literals, written out as fastAsm's three
			// LITERALs are: a loop adds a counter and its branch to the
			// commonest path, and an inlined helper makes the compiler
			// keep the bit buffer on the stack there (go1.26, see
			// -gcflags=-S).
			bb >>= e & 63
			bl -= uint(e)
			out[op&outMask] = byte(e >> 16)
			op++
			e = lt[bb&llMask]
			if int32(e) < 0 {
				bb >>= e & 63
				bl -= uint(e)
				out[op&outMask] = byte(e >> 16)
				op++
				e = lt[bb&llMask]
				if int32(e) < 0 {
					bb >>= e & 63
					bl -= uint(e)
					out[op&outMask] = byte(e >> 16)
					op++
					e = lt[bb&llMask]
				}
			}
		} else {
			start = ip<<3 - bl&63
			saved := bb
			bb >>= e & 63
			bl -= uint(e)
			if e&eExceptional != 0 {
				if e&eSubtable == 0 {
					goto stop
				}
				e = lt[(e>>16+uint32(bb)&(1<<(e>>8&15)-1))&(llSize-1)]
				saved = bb
				bb >>= e & 63
				bl -= uint(e)
				if e&eExceptional != 0 {
					goto stop
				}
				if int32(e) < 0 {
					out[op&outMask] = byte(e >> 16)
					op++
					e = lt[bb&llMask]
					goto refill
				}
			}
			length := uint(e>>16) + uint(saved&(1<<(e&63)-1)>>(e>>8&15))

			e = dt[bb&dMask]
			if e&eExceptional != 0 {
				if e&eSubtable == 0 {
					goto stop
				}
				bb >>= dBits
				bl -= dBits
				e = dt[(e>>16+uint32(bb)&(1<<(e>>8&15)-1))&(dSize-1)]
				if e&eExceptional != 0 {
					goto stop
				}
			}
			saved = bb
			bb >>= e & 63
			bl -= uint(e)
			dist := uint(e>>16) + uint(saved&(1<<(e&63)-1)>>(e>>8&15))
			if dist > op-lo {
				goto stop
			}
			// The next lookup and the refill before the copy, which
			// needs neither: they go on while it is done.
			e = lt[bb&llMask]
			bb |= loadIn(in, ip) << (bl & 63)
			ip += 7 - bl>>3&7
			bl |= 56

			src, end := op-dist, op+length
			switch {
			case dist >= 8:
				// Five words whatever the length, as libdeflate: most
				// matches are shorter, and the loop's exit is a branch
				// hard to predict.
				for {
					store64(out, op, load64(out, src))
					store64(out, op+8, load64(out, src+8))
					store64(out, op+16, load64(out, src+16))
					store64(out, op+24, load64(out, src+24))
					store64(out, op+32, load64(out, src+32))
					op += 40
					src += 40
					if op >= end {
						break
					}
				}
			case dist == 1:
				v := uint64(out[src&outMask]) * 0x0101010101010101
				for {
					store64(out, op, v)
					store64(out, op+8, v)
					store64(out, op+16, v)
					store64(out, op+24, v)
					op += 32
					if op >= end {
						break
					}
				}
			default:
				// Each word stores dist bytes right: those it loads
				// from before op.
				for {
					store64(out, op, load64(out, src))
					op += dist
					src += dist
					if op >= end {
						break
					}
				}
			}
			op = end
			goto check
		}
	refill:
		bb |= loadIn(in, ip) << (bl & 63)
		ip += 7 - bl>>3&7
		bl |= 56
	check:
		if ip >= inEnd || op >= outLimit {
			break
		}
	}

	return op, ip<<3 - bl&63, false

stop:
	return op, start, true
}

// load64 and store64 take a masked index, which the compiler proves in
// bounds of the arrays, 8 bytes longer than the mask.

func loadIn(b *[inSize + 8]byte, i uint) uint64 {
	return binary.LittleEndian.Uint64(b[i&inMask:])
}

func load64(b *[outSize + 8]byte, i uint) uint64 {
	return binary.LittleEndian.Uint64(b[i&outMask:])
}

func store64(b *[outSize + 8]byte, i uint, v uint64) {
	binary.LittleEndian.PutUint64(b[i&outMask:], v)
}
