// Package inflate reads gzip streams with a DEFLATE decoder built the way
// the fastest ones are (libdeflate's design): a 64-bit bit buffer refilled
// a word at a time, decode tables whose one lookup gives a literal, or a
// length or distance with its extra bits, and match copies a word at a
// time. On amd64 with BMI2 the loop that decodes most of the data is in
// assembly, beside the same loop in Go for other CPUs.
//
// Its Reader is a drop-in for klauspost/compress/gzip's in what it reads
// and how it fails: the same output, and the same errors after the same
// bytes of output, for every input. The errors are compress/gzip's
// ErrHeader and ErrChecksum (which klauspost/compress/gzip's are),
// compress/flate's CorruptInputError at the offset klauspost/compress
// gives, io.ErrUnexpectedEOF, io.EOF for an empty stream, or the
// underlying reader's error. Two departures, both on corrupt input:
// a block whose code for code lengths, or for distances, has no codeword at
// all is corrupt when the code is used, where klauspost/compress decodes
// with whatever table an earlier block or file left; and a reader that
// returns an invalid count is an error here, a panic in bufio.
//
// Memory is bounded whatever the input: the Reader holds a 32 KiB window,
// a fixed output buffer and a fixed input buffer, and reads ahead of what
// it has decoded, so the underlying reader is left past the end of the
// stream.
package inflate
