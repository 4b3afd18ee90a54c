package parse

//go:noescape
func unquoteAVX512(dst, src *byte, n int) (read, written int)

//go:noescape
func unquoteAVX2(dst, src *byte, n int, shuffles *[256]uint64) (read, written int)

// unquoteVector reports whether unquoteBlocks runs here.
var unquoteVector = hasAVX512 || hasAVX2

// unquoteBlocks decodes src into dst 64 bytes at a time, for as long as
// src holds plain ASCII and escapes that drop their backslash (\" \\ \/),
// and returns how many bytes it read and wrote: it stops at the first
// byte of anything else (the closing quote), and leaves an escape cut by
// the end of src unread. It writes whole blocks of 64 bytes, so that it
// reads no more than len(dst)-64 bytes. With AVX-512 unless noAVX512
// says not to, else AVX2; only where unquoteVector.
func unquoteBlocks(dst, src []byte, noAVX512 bool) (read, written int) {
	n := min(len(src), len(dst)-64)
	if n <= 0 {
		return 0, 0
	}
	_, _ = dst[n+63], src[n-1]
	if hasAVX512 && !noAVX512 {
		return unquoteAVX512(&dst[0], &src[0], n)
	}
	// The AVX2 code loads whole blocks, the last one past n: it stops at
	// the last whole one where src's array ends sooner.
	if cap(src) < n+64 {
		if n &^= 63; n == 0 {
			return 0, 0
		}
	}
	return unquoteAVX2(&dst[0], &src[0], n, &unquoteShuffles)
}

// unquoteShuffles holds, for each set of the eight bytes of a group that
// are kept (a bit each, the first byte's lowest), the PSHUFB pattern that
// packs them at the front: unquoteAVX2 compresses with it.
var unquoteShuffles = func() (t [256]uint64) {
	for m := range t {
		k := 0
		for b := range 8 {
			if m&(1<<b) != 0 {
				t[m] |= uint64(b) << (8 * k)
				k++
			}
		}
		for ; k < 8; k++ {
			t[m] |= 0x80 << (8 * k)
		}
	}
	return t
}()
