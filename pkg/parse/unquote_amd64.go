package parse

//go:noescape
func unquoteAVX512(dst, src *byte, blocks int) (read, written int)

// unquoteBlocks decodes src into dst 64 bytes at a time, while a block
// holds only plain ASCII and escapes that drop their backslash (\" \\ \/),
// and returns how many bytes it read and wrote; an escape cut by the end
// of the last block it decodes is left unread. dst has room for src.
// Only where hasAVX512.
func unquoteBlocks(dst, src []byte) (read, written int) {
	blocks := min(len(src), len(dst)) / 64
	if blocks == 0 {
		return 0, 0
	}
	_, _ = dst[blocks*64-1], src[blocks*64-1]
	return unquoteAVX512(&dst[0], &src[0], blocks)
}
