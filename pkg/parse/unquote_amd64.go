package parse

//go:noescape
func unquoteAVX512(dst, src *byte, n int) (read, written int)

// unquoteBlocks decodes src into dst 64 bytes at a time, for as long as
// src holds plain ASCII and escapes that drop their backslash (\" \\ \/),
// and returns how many bytes it read and wrote: it stops at the first
// byte of anything else (the closing quote), and leaves an escape cut by
// the end of src unread. It writes whole blocks of 64 bytes, so that it
// reads no more than len(dst)-64 bytes. Only where hasAVX512.
func unquoteBlocks(dst, src []byte) (read, written int) {
	n := min(len(src), len(dst)-64)
	if n <= 0 {
		return 0, 0
	}
	_, _ = dst[n+63], src[n-1]
	return unquoteAVX512(&dst[0], &src[0], n)
}
