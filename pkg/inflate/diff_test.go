package inflate

import (
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"testing"

	kflate "github.com/klauspost/compress/flate"
	kgzip "github.com/klauspost/compress/gzip"
)

// result is what a reader made of a stream: its output and the error that
// ended it (nil for a clean end).
type result struct {
	out []byte
	err error
}

// readAll reads r with reads of size chunk.
func readAll(r io.Reader, chunk int) result {
	var res result
	buf := make([]byte, chunk)
	for {
		n, err := r.Read(buf)
		res.out = append(res.out, buf[:n]...)
		if err == io.EOF {
			return res
		}
		if err != nil {
			res.err = err
			return res
		}
	}
}

// reference is what klauspost/compress/gzip makes of data, read from a
// bufio.Reader as trailscan does.
func reference(data []byte) result {
	zr, err := kgzip.NewReader(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		return result{err: err}
	}
	return readAll(zr, 256<<10)
}

// ours is what a Reader makes of data, and whether it departed from
// klauspost/compress on purpose (see Reader.stale).
func ours(z *Reader, src io.Reader, chunk int) (result, bool) {
	if err := z.Reset(src); err != nil {
		return result{err: err}, z.stale
	}
	res := readAll(z, chunk)
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

// check compares a Reader with klauspost/compress on data, reading it
// whole and in small pieces.
func check(t testing.TB, z *Reader, name string, data []byte) {
	t.Helper()
	want := reference(data)
	got, stale := ours(z, bytes.NewReader(data), 256<<10)
	compare(t, name, want, got, stale)
	got, stale = ours(z, &chunked{data: data, sizes: []int{1, 7, 300, 4096, 3}}, 1000)
	compare(t, name+" (chunked)", want, got, stale)
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

func TestQuick(t *testing.T) {
	z := new(Reader)
	for _, level := range []int{-2, 0, 1, 6, 9} {
		var buf bytes.Buffer
		w, _ := kgzip.NewWriterLevel(&buf, level)
		for i := range 20000 {
			fmt.Fprintf(w, `{"eventID":"%08x","n":%d,"name":"event %d"},`, i*2654435761, i, i%97)
		}
		w.Close()
		check(t, z, fmt.Sprint("level ", level), buf.Bytes())
	}
}
