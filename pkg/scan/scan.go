package scan

import (
	"bufio"
	"context"
	"io"
	"runtime"
	"sync/atomic"

	"github.com/trailscan/trailscan/pkg/trail"

	"golang.org/x/sync/errgroup"

	"github.com/trailscan/trailscan/pkg/filter"
	"github.com/trailscan/trailscan/pkg/inflate"
	"github.com/trailscan/trailscan/pkg/parse"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// Decoder reads one decompressed log document; parse.Records is the one
// trailscan uses.
type Decoder func(io.Reader, func(*parse.Event) error) (int64, error)

// Config is what a scan reads and keeps.
type Config struct {
	Jobs   int         // objects read at once; 0: one per CPU
	Scope  trail.Scope // events outside it are not counted
	Decode Decoder     // nil: parse.Records' reading, by a parse.Reader per worker
	// Select, when set, keeps only the objects it returns true for (a
	// shard's share, or what an incremental run has not read yet).
	Select func(source.Object) bool
	// Done, when set, is called after each object is read or has failed,
	// from one goroutine at a time.
	Done func(o source.Object, err error)
	// Progress, when set, is updated as the scan goes.
	Progress *Progress
}

// Progress counts a scan's work so far; read it with the atomic loads.
type Progress struct {
	Listed      atomic.Int64 // objects found
	ListingDone atomic.Bool
	// Total, when not 0, is how many objects the scan will read, counted
	// ahead by CountAhead while the listing itself is held back by the
	// workers.
	Total   atomic.Int64
	Done    atomic.Int64 // objects read or failed
	Bytes   atomic.Int64 // stored bytes read
	Matched atomic.Int64 // Support calls found, before deduplication
}

// CountAhead counts the objects a scan with cfg will read, for progress,
// when that is cheap: local sources only, and no Select (which may skip
// most of them). It returns when the count is done or ctx is.
func CountAhead(ctx context.Context, srcs []source.Source, cfg Config) {
	if cfg.Select != nil || cfg.Progress == nil {
		return
	}
	for _, src := range srcs {
		if _, local := src.(*source.Dir); !local {
			return
		}
	}
	var n int64
	for _, src := range srcs {
		if src.List(ctx, cfg.Scope, func(source.Object) error { n++; return nil }) != nil {
			return
		}
	}
	cfg.Progress.Total.Store(n)
}

type job struct {
	src source.Source
	obj source.Object
}

// Run scans every object of srcs that may hold events in cfg.Scope. A file
// that cannot be read is recorded in the summary and the scan goes on; the
// error is for a source that cannot be listed, or a cancelled ctx.
func Run(ctx context.Context, srcs []source.Source, cfg Config) (*summarize.Summary, error) {
	jobs := cfg.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	if cfg.Progress == nil {
		cfg.Progress = new(Progress)
	}
	parent := ctx
	g, ctx := errgroup.WithContext(ctx)
	queue := make(chan job, 4*jobs)
	g.Go(func() error {
		defer close(queue)
		defer cfg.Progress.ListingDone.Store(true)
		return list(ctx, srcs, cfg, queue)
	})
	var done chan doneMsg
	if cfg.Done != nil {
		done = make(chan doneMsg, jobs)
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			for m := range done {
				cfg.Done(m.obj, m.err)
			}
		}()
		defer func() { <-finished }()
	}
	workers := make([]*worker, jobs)
	for i := range workers {
		w := newWorker(cfg, done)
		workers[i] = w
		g.Go(func() error {
			for j := range queue {
				if err := ctx.Err(); err != nil {
					return err
				}
				w.read(ctx, j)
			}
			return nil
		})
	}
	err := g.Wait()
	if done != nil {
		close(done)
	}
	if err == nil {
		// Workers end quietly once the queue is closed: a cancel that
		// came after the last object was queued shows only here.
		err = parent.Err()
	}
	if err != nil {
		return nil, err
	}
	sum := summarize.New()
	for _, w := range workers {
		sum.Merge(w.sum)
	}
	return sum, nil
}

type doneMsg struct {
	obj source.Object
	err error
}

func list(ctx context.Context, srcs []source.Source, cfg Config, queue chan<- job) error {
	q := cfg.Scope
	for _, src := range srcs {
		err := src.List(ctx, q, func(o source.Object) error {
			if cfg.Select != nil && !cfg.Select(o) {
				return nil
			}
			cfg.Progress.Listed.Add(1)
			select {
			case queue <- job{src, o}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// worker reads objects one at a time, reusing its buffers.
type worker struct {
	cfg   Config
	sum   *summarize.Summary
	done  chan<- doneMsg
	br    *bufio.Reader
	gz    *inflate.Reader
	rd    *parse.Reader // reused from file to file, when cfg.Decode is nil
	obj   source.Object // the object being read
	calls []summarize.Call
	auths []summarize.Authorization
	strs  summarize.Strings // the strings of the calls kept
}

func newWorker(cfg Config, done chan<- doneMsg) *worker {
	return &worker{cfg: cfg, sum: summarize.New(), done: done, br: bufio.NewReaderSize(nil, 64<<10), strs: summarize.Strings{}}
}

func (w *worker) read(ctx context.Context, j job) {
	err := j.obj.Err
	if err == nil {
		err = w.object(ctx, j)
	}
	if ctx.Err() != nil {
		return // not a bad file: the scan is being stopped
	}
	if err != nil {
		w.sum.Fail(j.obj.Path, err)
	}
	w.cfg.Progress.Done.Add(1)
	if w.done != nil {
		w.done <- doneMsg{j.obj, err}
	}
}

func (w *worker) object(ctx context.Context, j job) error {
	rc, err := j.src.Open(ctx, j.obj)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.br.Reset(&counter{ctx: ctx, r: rc, n: &w.cfg.Progress.Bytes})
	r, err := w.decompress()
	if err != nil {
		return err
	}
	w.obj, w.calls, w.auths = j.obj, w.calls[:0], w.auths[:0]
	var n int64
	if w.cfg.Decode != nil {
		n, err = w.cfg.Decode(r, w.event)
	} else {
		// Transient events: the many records that do not match cost no
		// allocation; event copies the few that do.
		if w.rd == nil {
			w.rd = parse.NewReader(r)
		} else {
			w.rd.Reset(r)
		}
		n, err = w.rd.RecordsTransient(w.event)
	}
	if err != nil {
		return err
	}
	w.sum.File(n, w.calls, w.auths)
	w.cfg.Progress.Matched.Add(int64(len(w.calls)))
	return nil
}

// decompress inflates gzip, recognized by its magic number rather than the
// name: downloads sometimes store a .json.gz already inflated.
func (w *worker) decompress() (io.Reader, error) {
	magic, _ := w.br.Peek(2)
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return w.br, nil
	}
	var err error
	if w.gz == nil {
		w.gz, err = inflate.NewReader(w.br)
	} else {
		err = w.gz.Reset(w.br)
	}
	if err != nil {
		return nil, err
	}
	return w.gz, nil
}

// event keeps a file's matches aside until the file is read whole: the
// events of a file that fails part way are not counted. ev's strings may
// be transient (see parse.Reader.RecordsTransient): what is kept is cloned
// or interned.
func (w *worker) event(ev *parse.Event) error {
	switch {
	case filter.Support(ev):
		if filter.InScope(w.cfg.Scope, ev) {
			call := summarize.NewCall(ev, w.obj.Path)
			call.Key = w.obj.Key
			call.Own(w.strs)
			w.calls = append(w.calls, call)
		}
	case filter.Authorization(ev):
		if filter.InScope(w.cfg.Scope, ev) {
			c := ev.Clone()
			w.auths = append(w.auths, summarize.NewAuthorization(&c, w.obj.Path))
		}
	}
	return nil
}

// counter counts stored bytes for progress, and stops a long read when the
// scan is cancelled.
type counter struct {
	ctx context.Context
	r   io.Reader
	n   *atomic.Int64
}

func (c *counter) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
