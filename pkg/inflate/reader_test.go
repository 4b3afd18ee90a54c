package inflate

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func gz(t testing.TB, data string) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write([]byte(data))
	w.Close()
	return buf.Bytes()
}

// TestRead checks what the Reader makes of streams, against what they
// are, not against another decoder.
func TestRead(t *testing.T) {
	hello := gz(t, "hello, hello, hello")
	world := gz(t, " world")
	lit, dist := fixedLitCodes, fixedDistCodes
	far := gzipMember(new(bitWriter).bits(1, 1).bits(1, 2).code(lit['a']).code(lit['b']).match(lit, dist, 3, 3).code(lit[256]).bytes())
	type3 := gzipMember(new(bitWriter).bits(1, 1).bits(3, 2).bytes())
	badCRC := append([]byte{}, hello...)
	badCRC[len(badCRC)-8] ^= 1
	badSize := append([]byte{}, hello...)
	badSize[len(badSize)-1] ^= 1
	tests := []struct {
		name    string
		data    []byte
		out     string
		err     error // from Read, or from NewReader when newErr
		newErr  bool
		corrupt int64 // a CorruptInputError at this offset, if not 0
	}{
		{name: "one member", data: hello, out: "hello, hello, hello"},
		{name: "two members", data: append(append([]byte{}, hello...), world...), out: "hello, hello, hello world"},
		{name: "empty member", data: gz(t, ""), out: ""},
		{name: "empty input", data: nil, err: io.EOF, newErr: true},
		{name: "short header", data: hello[:5], err: io.ErrUnexpectedEOF, newErr: true},
		{name: "bad magic", data: append([]byte{0x1f, 0x8c}, hello[2:]...), err: gzip.ErrHeader, newErr: true},
		{name: "cut in the data", data: hello[:15], out: "hell", err: io.ErrUnexpectedEOF},
		{name: "cut in the trailer", data: hello[:len(hello)-3], out: "hello, hello, hello", err: io.ErrUnexpectedEOF},
		{name: "bad CRC", data: badCRC, out: "hello, hello, hello", err: gzip.ErrChecksum},
		{name: "bad size", data: badSize, out: "hello, hello, hello", err: gzip.ErrChecksum},
		{name: "trailing garbage", data: append(append([]byte{}, hello...), "0123456789"...), out: "hello, hello, hello", err: gzip.ErrHeader},
		{name: "trailing bytes", data: append(append([]byte{}, hello...), 0, 0), out: "hello, hello, hello", err: io.ErrUnexpectedEOF},
		{name: "distance too far", data: far, out: "ab", corrupt: 4},
		{name: "block type 3", data: type3, corrupt: 1},
	}
	for _, z := range pathReaders() {
		for _, tt := range tests {
			t.Run(z.name+"/"+tt.name, func(t *testing.T) {
				err := z.Reset(bytes.NewReader(tt.data))
				if tt.newErr {
					if err != tt.err {
						t.Fatalf("Reset: %v, want %v", err, tt.err)
					}
					return
				}
				if err != nil {
					t.Fatalf("Reset: %v", err)
				}
				out, err := io.ReadAll(z)
				if string(out) != tt.out {
					t.Errorf("read %q, want %q", out, tt.out)
				}
				var ce flate.CorruptInputError
				switch {
				case tt.corrupt != 0:
					if !errors.As(err, &ce) || int64(ce) != tt.corrupt {
						t.Errorf("error %v, want corrupt input before offset %d", err, tt.corrupt)
					}
				case err != tt.err:
					t.Errorf("error %v, want %v", err, tt.err)
				}
			})
		}
	}
}

// TestReadErrors checks that the underlying reader's errors come through
// after the bytes read before them.
func TestReadErrors(t *testing.T) {
	data := gz(t, string(jsonLike(100<<10, 4)))
	boom := errors.New("boom")
	for _, z := range pathReaders() {
		for _, tt := range []struct {
			name string
			tail io.Reader // after the first half of the stream
			err  error
		}{
			{"error", iotest.ErrReader(boom), boom},
			{"no progress", empty{}, io.ErrNoProgress},
			{"bad count", liar{}, errCount},
		} {
			t.Run(z.name+"/"+tt.name, func(t *testing.T) {
				if err := z.Reset(io.MultiReader(bytes.NewReader(data[:len(data)/2]), tt.tail)); err != nil {
					t.Fatal(err)
				}
				out, err := io.ReadAll(z)
				if err != tt.err {
					t.Errorf("error %v, want %v", err, tt.err)
				}
				if want := jsonLike(100<<10, 4); len(out) == 0 || !bytes.HasPrefix(want, out) {
					t.Errorf("read %d bytes, not a prefix of the data", len(out))
				}
			})
		}
	}
}

// empty reads nothing, forever.
type empty struct{}

func (empty) Read([]byte) (int, error) { return 0, nil }

// liar claims more than it was asked for.
type liar struct{}

func (liar) Read(p []byte) (int, error) { return len(p) + 1, nil }

// TestBoundedMemory inflates a bomb, 64 MiB from 64 KiB, and a multi-member
// stream, checking that neither a Reset nor reading allocates: the memory
// is the Reader's, whatever the stream.
func TestBoundedMemory(t *testing.T) {
	var bomb bytes.Buffer
	w, _ := flate.NewWriter(&bomb, flate.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 64 {
		w.Write(zeros)
	}
	w.Close()
	data := gzipMember(bomb.Bytes())
	if len(data) > 1<<20 {
		t.Fatalf("bomb of %d bytes", len(data))
	}
	multi := bytes.Repeat(gz(t, "many members"), 1000)

	z := new(Reader)
	buf := make([]byte, 256<<10)
	src := bytes.NewReader(nil)
	// Wrapped, so that io.CopyBuffer uses buf.
	dst, r := io.Writer(struct{ io.Writer }{io.Discard}), io.Reader(struct{ io.Reader }{z})
	for _, tt := range []struct {
		name string
		data []byte
		size int64
	}{
		{"bomb", data, 64 << 20},
		{"members", multi, 12000},
	} {
		var n int64
		allocs := testing.AllocsPerRun(2, func() {
			src.Reset(tt.data)
			if err := z.Reset(src); err != nil {
				t.Fatal(err)
			}
			var err error
			n, err = io.CopyBuffer(dst, r, buf)
			if err != nil {
				t.Fatal(err)
			}
		})
		if n != tt.size || allocs != 0 {
			t.Errorf("%s: inflated %d bytes, want %d, with %v allocations", tt.name, n, tt.size, allocs)
		}
	}
}
