package source

import (
	"context"
	"errors"
	"io"
	"sync"
)

// Stdin is the SOURCE that names standard input; stdinPath is how the
// one log read from it is shown where files are named.
const (
	Stdin     = "-"
	stdinPath = "(stdin)"
)

// errReadOnce is a stream opened a second time: what it held was
// consumed the first time.
var errReadOnce = errors.New("a stream can be read only once")

// NewStdin returns the source of one log read from r, a stream such as
// standard input: listed as one object whatever the scope (the user named
// it), gzip or not as any object is, and read once.
func NewStdin(r io.Reader) *Location {
	return &Location{name: Stdin, driver: &stream{r: r}, below: Stdin, single: true}
}

// stream is the driver of one object read from a stream: its key is
// Stdin.
type stream struct {
	mu     sync.Mutex
	r      io.Reader
	opened bool
}

func (s *stream) stat(ctx context.Context, key string) (Object, error) {
	return Object{Key: key, Path: stdinPath}, nil
}

func (s *stream) list(ctx context.Context, prefix string, q Folders, share Share, fn func(Object) error) error {
	o, _ := s.stat(ctx, Stdin)
	return fn(o)
}

func (s *stream) open(ctx context.Context, o Object) (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opened {
		return nil, errReadOnce
	}
	s.opened = true
	return readUntilDone(ctx, s.r), nil
}

// readUntilDone reads r in a goroutine of its own, so that a read waiting
// on a writer that has stalled still ends when ctx is done: a read from a
// pipe such as standard input cannot be interrupted, and would keep
// Ctrl-C and SIGTERM from stopping the scan. The goroutine ends at its
// next read once the reader is closed.
func readUntilDone(ctx context.Context, r io.Reader) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, r)
		pw.CloseWithError(err)
	}()
	// Closing the writing end is what ends a read waiting on the pipe.
	stop := context.AfterFunc(ctx, func() { pw.CloseWithError(ctx.Err()) })
	return &untilDone{PipeReader: pr, stop: stop}
}

type untilDone struct {
	*io.PipeReader
	stop func() bool
}

func (u *untilDone) Close() error {
	u.stop()
	return u.PipeReader.Close()
}

// openMeta is open: a stream has no metadata.
func (s *stream) openMeta(ctx context.Context, o Object) (io.ReadCloser, map[string]string, error) {
	rc, err := s.open(ctx, o)
	return rc, nil, err
}
