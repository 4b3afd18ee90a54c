package state

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// A state file carries a checksum of its content, so that an edited or
// damaged file is refused: without it, an object entry taken out is read
// and counted twice, and a summary taken out empties the result, with
// nothing to tell.
//
// The checksum is the file's first member, "checksum":"sha256:HEX", where
// HEX is the SHA-256 of the file without that member: the bytes json.Marshal
// wrote for the State, its opening brace included. It is taken over the
// bytes as written, not over a re-encoding of what is read, so that a field
// a later format adds cannot make an earlier file look changed, and so that
// every byte counts (Go's decoder ignores unknown keys, matches keys in any
// case, and keeps the last of two alike).
const checksumPrefix = `{"checksum":"sha256:`

// checksumLen is the length of a header.
const checksumLen = len(checksumPrefix) + 2*sha256.Size + len(`",`)

// header is what goes in place of body's opening brace, so that body
// carries its checksum as its first member.
func header(body []byte) []byte {
	sum := sha256.Sum256(body)
	out := make([]byte, 0, checksumLen)
	out = append(out, checksumPrefix...)
	out = hex.AppendEncode(out, sum[:])
	return append(out, `",`...)
}

// verify checks the checksum of b, a state file. hasChecksum says whether
// b has a checksum member at all, which verify cannot tell when it is not
// where header puts it.
func verify(b []byte, hasChecksum bool) error {
	if !hasChecksum {
		return errors.New("it has no checksum")
	}
	if len(b) < checksumLen || !bytes.HasPrefix(b, []byte(checksumPrefix)) || string(b[checksumLen-2:checksumLen]) != `",` {
		return errors.New("its checksum is not where trailscan writes it: the file was rewritten")
	}
	want := b[len(checksumPrefix) : checksumLen-2]
	h := sha256.New()
	h.Write([]byte{'{'})
	h.Write(b[checksumLen:])
	if got := hex.AppendEncode(nil, h.Sum(nil)); !bytes.Equal(got, want) {
		return errors.New("its content does not match its checksum")
	}
	return nil
}
