package inflate

import (
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"

	kflate "github.com/klauspost/compress/flate"
	kgzip "github.com/klauspost/compress/gzip"
)

// result is what a reader made of a stream: its output and the error that
// ended it (nil for a clean end).
type result struct {
	out []byte
	err error
}

// readAll reads r with reads of size chunk (at most 256 KiB). The output
// is valid until the next call with the same want.
func readAll(r io.Reader, chunk int, want bool) result {
	i := 0
	if want {
		i = 1
	}
	res := result{out: outputs[i][:0]}
	for {
		if len(res.out) == cap(res.out) {
			res.out = append(res.out, 0)[:len(res.out)]
		}
		n, err := r.Read(res.out[len(res.out):cap(res.out)][:min(chunk, cap(res.out)-len(res.out))])
		res.out = res.out[:len(res.out)+n]
		if err == io.EOF {
			break
		}
		if len(res.out) >= readLimit && err == nil {
			res.out = res.out[:readLimit]
			res.err = errLimit
			break
		}
		if err != nil {
			res.err = err
			break
		}
	}
	outputs[i] = res.out
	return res
}

// readLimit is where readAll stops: the fuzzer's bombs would otherwise
// take seconds each.
var readLimit = 1 << 30

var errLimit = errors.New("read limit")

// outputs are readAll's buffers, for klauspost/compress and for the Reader.
var outputs [2][]byte

// reference is what klauspost/compress/gzip makes of data, read from a
// bufio.Reader as trailscan does.
func reference(data []byte) result {
	zr, err := kgzip.NewReader(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		return result{err: err}
	}
	return readAll(zr, 256<<10, true)
}

// ours is what a Reader makes of data, and whether it departed from
// klauspost/compress on purpose (see Reader.stale).
func ours(z *Reader, src io.Reader, chunk int) (result, bool) {
	if err := z.Reset(src); err != nil {
		return result{err: err}, z.stale
	}
	res := readAll(z, chunk, false)
	return res, z.stale
}

// compare fails t unless got is want, allowing the one departure: a
// corrupt error where klauspost/compress decodes with a stale table, after
// the same output.
func compare(t testing.TB, name string, want, got result, stale bool) {
	t.Helper()
	if stale {
		var ce flate.CorruptInputError
		if !errors.As(got.err, &ce) || !bytes.HasPrefix(want.out, got.out) {
			t.Fatalf("%s: stale-table departure: got %d bytes, %v; klauspost %d bytes, %v", name, len(got.out), got.err, len(want.out), want.err)
		}
		return
	}
	if !sameError(want.err, got.err) {
		t.Fatalf("%s: error %v (%T), klauspost %v (%T); output %d bytes, klauspost %d", name, got.err, got.err, want.err, want.err, len(got.out), len(want.out))
	}
	if !bytes.Equal(want.out, got.out) {
		i := 0
		for i < len(want.out) && i < len(got.out) && want.out[i] == got.out[i] {
			i++
		}
		t.Fatalf("%s: output %d bytes, klauspost %d; first difference at %d", name, len(got.out), len(want.out), i)
	}
}

func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	var ka, kb kflate.CorruptInputError
	if errors.As(a, &ka) || errors.As(b, &kb) {
		return errors.As(a, &ka) && errors.As(b, &kb) && ka == kb
	}
	return a == b || a.Error() == b.Error()
}

// check compares each Reader with klauspost/compress on data, reading it
// whole and in small pieces.
func check(t testing.TB, rs []pathReader, name string, data []byte) {
	t.Helper()
	want := reference(data)
	against(t, rs, name, want, func() io.Reader { return bytes.NewReader(data) }, 256<<10)
	against(t, rs, name+" (chunked)", want, func() io.Reader { return &chunked{data: data, sizes: []int{1, 7, 300, 4096, 3}} }, 1000)
}

// against compares what each Reader makes of the stream src returns, read
// in reads of chunk, with want.
func against(t testing.TB, rs []pathReader, name string, want result, src func() io.Reader, chunk int) {
	t.Helper()
	for _, r := range rs {
		got, stale := ours(r.Reader, src(), chunk)
		compare(t, name+" ["+r.name+"]", want, got, stale)
	}
}

// chunked returns data in reads of the sizes given, in turn.
type chunked struct {
	data  []byte
	sizes []int
	i     int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.data), c.sizes[c.i%len(c.sizes)])
	c.i++
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// TestDifferential compares each Reader with klauspost/compress on every
// test stream, whole, cut and corrupted, and with a reader that fails.
func TestDifferential(t *testing.T) {
	rs := pathReaders()
	streams := append(validStreams(t), crafted()...)
	for _, s := range streams {
		check(t, rs, s.name, s.data)
	}
	// The sweep below runs the fast loops only: the exact decoder alone
	// has read every whole stream above, and in the sweep it decodes every
	// cut end and bad codeword anyway, where the fast loops stop. Running
	// it alone too would double the sweep's time.
	var sweep []pathReader
	for _, r := range rs {
		if r.loop != loopExact {
			sweep = append(sweep, r)
		}
	}
	errBoom := errors.New("boom")
	for _, s := range streams {
		n := len(s.data)
		if n > 16<<10 {
			continue
		}
		// Every offset of small streams; of the others, the first and last
		// bytes and some in between.
		var offsets []int
		for i := range n {
			if n <= 2<<10 || i < 64 || i >= n-64 || i%(n/64) == 0 {
				offsets = append(offsets, i)
			}
		}
		data := make([]byte, n)
		for _, i := range offsets {
			cut := s.data[:i]
			against(t, sweep, fmt.Sprintf("%s cut at %d", s.name, i), reference(cut), func() io.Reader { return bytes.NewReader(cut) }, 4096)

			copy(data, s.data)
			data[i] ^= 1 << (i % 8)
			against(t, sweep, fmt.Sprintf("%s bit %d of byte %d flipped", s.name, i%8, i), reference(data), func() io.Reader { return bytes.NewReader(data) }, 4096)

			data[i] = ^s.data[i]
			against(t, sweep, fmt.Sprintf("%s byte %d inverted", s.name, i), reference(data), func() io.Reader { return bytes.NewReader(data) }, 4096)

			if n <= 2<<10 {
				failing := func() io.Reader { return io.MultiReader(bytes.NewReader(cut), iotest.ErrReader(errBoom)) }
				against(t, sweep, fmt.Sprintf("%s failing at %d", s.name, i), reference2(failing()), failing, 4096)
			}
		}
	}
}

// reference2 is reference for a reader.
func reference2(r io.Reader) result {
	zr, err := kgzip.NewReader(bufio.NewReader(r))
	if err != nil {
		return result{err: err}
	}
	return readAll(zr, 256<<10, true)
}

var fuzzReaders = pathReaders()

// FuzzInflate compares each Reader with klauspost/compress on any input.
func FuzzInflate(f *testing.F) {
	for _, s := range append(validStreams(f), crafted()...) {
		if len(s.data) <= 64<<10 {
			f.Add(s.data)
		}
	}
	for i := range 8 {
		random := make([]byte, 10+i*100)
		rand.NewChaCha8([32]byte{byte(i)}).Read(random)
		f.Add(random)
		f.Add(append([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0}, random...))
	}
	readLimit = 16 << 20
	f.Cleanup(func() { readLimit = 1 << 30 })
	f.Fuzz(func(t *testing.T, data []byte) {
		against(t, fuzzReaders, "fuzz", reference(data), func() io.Reader { return bytes.NewReader(data) }, 4096)
	})
}
