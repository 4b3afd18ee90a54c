package evidence

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// Opener opens an object of the source named from (its String), as stored
// (gzip or not).
type Opener func(ctx context.Context, from string, o source.Object) (io.ReadCloser, error)

// Write writes the record of each call to w, one per line, in the order
// of calls (Summary.Calls gives time order, then event ID). A record is
// copied byte for byte, except that line breaks between its JSON tokens
// become spaces, so that each record stays on one line (JSON strings cannot
// hold a raw line break, so no value changes). It returns how many records
// it wrote, and a *MissedError when some files could not be read again:
// every other record is still written.
//
// Records are first copied file by file, in offset order, to a temporary
// spool file, then from there to w in the order asked for: each file is
// read once, and memory does not grow with the records' size.
func Write(ctx context.Context, w io.Writer, calls []summarize.Call, open Opener) (int, error) {
	spool, err := os.CreateTemp("", "trailscan-evidence-*")
	if err != nil {
		return 0, fmt.Errorf("write evidence: %w", err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()

	type span struct{ at, n int64 }
	type file struct{ path, from string } // from: the source's String
	spans := make([]span, len(calls))
	byFile := map[file][]int{}
	for i, c := range calls {
		f := file{c.File, c.Source}
		byFile[f] = append(byFile[f], i)
	}
	files := slices.SortedFunc(maps.Keys(byFile), func(a, b file) int {
		return cmp.Or(cmp.Compare(a.path, b.path), cmp.Compare(a.from, b.from))
	})
	out := &oneLine{w: bufio.NewWriterSize(spool, 64<<10)}
	var at int64
	var missed MissedError
	for _, k := range files {
		idx, f := byFile[k], k.path
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(calls[a].Offset, calls[b].Offset) })
		o := source.Object{Path: f, Key: calls[idx[0]].Key}
		err := copySpans(ctx, k.from, o, open, out, func(yield func(off, n int64, embedded bool) (int64, error)) error {
			for _, i := range idx {
				if calls[i].Length <= 0 {
					return fmt.Errorf("event %s: where its record lies in %s is not known", calls[i].ID, f)
				}
				n, err := yield(calls[i].Offset, calls[i].Length, calls[i].Embedded)
				if err != nil {
					return fmt.Errorf("event %s: %w", calls[i].ID, err)
				}
				spans[i] = span{at, n}
				at += n
			}
			return nil
		})
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		// The file is gone or changed since the scan: its records are left
		// out, said so, and the others still written. What it left in the
		// spool is skipped over.
		for _, i := range idx {
			if spans[i].n == 0 {
				missed.Events++
			}
		}
		missed.Files = append(missed.Files, summarize.FileError{Path: f, Error: err.Error()})
		if err := out.w.Flush(); err != nil {
			return 0, fmt.Errorf("write evidence: spool: %w", err)
		}
		if at, err = spool.Seek(0, io.SeekCurrent); err != nil {
			return 0, fmt.Errorf("write evidence: spool: %w", err)
		}
	}
	if err := out.w.Flush(); err != nil {
		return 0, fmt.Errorf("write evidence: spool: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	written := 0
	for _, s := range spans {
		if s.n == 0 {
			continue // its file could not be read again
		}
		written++
		if _, err := io.Copy(bw, io.NewSectionReader(spool, s.at, s.n)); err != nil {
			return 0, fmt.Errorf("write evidence: %w", err)
		}
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("write evidence: %w", err)
	}
	if len(missed.Files) > 0 {
		return written, &missed
	}
	return written, nil
}

// MissedError reports records Write could not copy because their files
// could not be read again after the scan (deleted or changed since): the
// evidence holds every other record.
type MissedError struct {
	Events int
	Files  []summarize.FileError
}

func (e *MissedError) Error() string {
	return fmt.Sprintf("evidence incomplete: records left out: %d, files that could not be read again: %d (first: %s)",
		e.Events, len(e.Files), e.Files[0].Error)
}

// copySpans opens o of the source from, inflates it, and copies the spans
// that each yields, which come in offset order, saying how many bytes each
// became: an embedded span is a JSON string holding the record, and the
// record is what is copied.
func copySpans(ctx context.Context, from string, o source.Object, open Opener, w io.Writer, spans func(yield func(off, n int64, embedded bool) (int64, error)) error) error {
	rc, err := open(ctx, from, o)
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("evidence: read %s: %w", o.Path, err)
		}
		defer gz.Close()
		r = gz
	}
	var pos int64
	err = spans(func(off, n int64, embedded bool) (int64, error) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if off < pos {
			return 0, fmt.Errorf("record at %d overlaps the one before", off)
		}
		if _, err := io.CopyN(io.Discard, r, off-pos); err != nil {
			return 0, fmt.Errorf("read %s: %w", o.Path, err)
		}
		pos = off + n
		if embedded {
			return copyEmbedded(w, r, n, o.Path, off)
		}
		if _, err := io.CopyN(w, r, n); err != nil {
			return 0, fmt.Errorf("read %s: %w", o.Path, err)
		}
		return n, nil
	})
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	return nil
}

// copyEmbedded copies the record held in the JSON string of n bytes that
// r gives next, decoded. Only a matching record is decoded, so holding
// one is fine.
func copyEmbedded(w io.Writer, r io.Reader, n int64, path string, off int64) (int64, error) {
	raw := make([]byte, n)
	if _, err := io.ReadFull(r, raw); err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	var rec string
	if err := json.Unmarshal(raw, &rec); err != nil {
		return 0, fmt.Errorf("read %s: the string at byte %d: %w", path, off, err)
	}
	if _, err := io.WriteString(w, rec); err != nil {
		return 0, err
	}
	return int64(len(rec)), nil
}

// oneLine turns line breaks into spaces as they pass.
type oneLine struct {
	w   *bufio.Writer
	buf []byte
}

func (o *oneLine) Write(p []byte) (int, error) {
	o.buf = append(o.buf[:0], p...)
	for i, c := range o.buf {
		if c == '\n' || c == '\r' {
			o.buf[i] = ' '
		}
	}
	return o.w.Write(o.buf)
}

// OpenFrom returns the Opener that opens each object through the one of
// srcs it was listed from, which each call names (summarize.Call.Source).
// A call that does not name its source, kept by an older trailscan, can
// only be opened when there is one source.
func OpenFrom(srcs []source.Source) Opener {
	byName := make(map[string]source.Source, len(srcs))
	for _, s := range srcs {
		byName[s.String()] = s
	}
	return func(ctx context.Context, from string, o source.Object) (io.ReadCloser, error) {
		src, ok := byName[from]
		switch {
		case !ok && from == "" && len(srcs) == 1:
			src = srcs[0]
		case !ok && from == "":
			return nil, fmt.Errorf("open %s: which of the %d sources it was read from is not recorded (by the trailscan that read it)", o.Path, len(srcs))
		case !ok:
			return nil, fmt.Errorf("open %s: it was read from %s, not one of the sources given", o.Path, from)
		}
		return src.Open(ctx, o)
	}
}
