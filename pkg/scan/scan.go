package scan

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"

	"golang.org/x/sync/errgroup"

	"github.com/trailscan/trailscan/pkg/filter"
	"github.com/trailscan/trailscan/pkg/inflate"
	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/multisha"
	"github.com/trailscan/trailscan/pkg/parse"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// Config is what a scan reads and keeps.
type Config struct {
	// Jobs is the most objects read at once: asked for, waiting to be
	// decoded, or being decoded; and no more are decoded at once than
	// there are CPUs. 0: as many as keep every CPU decoding, chosen as the
	// scan goes (see Run), up to MaxInFlight.
	Jobs  int
	Scope trail.Scope // events outside it are not counted
	// Parse is how each worker's parse.Reader reads: the zero Options is
	// how trailscan reads, and tests choose a path with it. Its Details
	// is the scan's own, filter.Candidate.
	Parse parse.Options
	// Select, when set, keeps only the objects it returns true for (a
	// shard's share, or what an incremental run has not read yet).
	Select func(source.Object) bool
	// Share, when set, is the day folders of a shard's share: a source
	// that can (a source.ShareLister) lists only those. Select still
	// chooses among what is listed.
	Share source.Share
	// Done, when set, is called after each object is read or has failed,
	// from one goroutine at a time.
	Done func(o source.Object, err error)
	// Progress, when set, is updated as the scan goes.
	Progress *Progress
	// HashOnly reads each log's bytes for the Ledger and none of its
	// events, as trailscan verify does.
	HashOnly bool
	// Ledger, when set, is fed what verifying the logs needs (see
	// verify.go): the hash of each log read, and the digests in scope.
	Ledger *integrity.Ledger

	// records, when set, reads each decompressed document in place of a
	// parse.Reader: the hook, set by the tests' WithRecords, that holds a
	// scan to internal/reference.
	records func(io.Reader, func(*parse.Event) error) (int64, error)
}

// Progress counts a scan's work so far; read it with the atomic loads.
// The zero value is ready.
type Progress struct {
	Listed      atomic.Int64 // objects found, to be read
	ListedBytes atomic.Int64 // their stored size
	ListingDone atomic.Bool
	// Total and TotalBytes, when Total is not 0, are how many objects the
	// scan will read and their stored size, counted ahead by CountAhead
	// while the listing itself is held back by the workers.
	Total      atomic.Int64
	TotalBytes atomic.Int64
	Done       atomic.Int64 // objects read or failed
	Bytes      atomic.Int64 // stored bytes read
	Inflated   atomic.Int64 // bytes read once decompressed: what is parsed
	// Matched counts the distinct Support calls found, by event ID: the
	// account trail's and the organization trail's copies of a call are
	// one call.
	Matched atomic.Int64

	mu   sync.Mutex
	seen map[string]struct{} // the event IDs Matched counts
}

// found counts the calls not found before.
func (p *Progress) found(calls []summarize.Call) {
	if len(calls) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen == nil {
		p.seen = map[string]struct{}{}
	}
	for _, c := range calls {
		if _, ok := p.seen[c.ID]; !ok {
			p.seen[c.ID] = struct{}{}
			p.Matched.Add(1)
		}
	}
}

// CountAhead counts the objects a scan with cfg will read, and their
// size, for progress. It lists every source a second time, beside the
// scan's own listing: on S3 that is one request per thousand objects,
// against the thousand the scan makes to read them. cfg.Select, when set,
// is called for each object, so it must only choose (a shard's does); an
// incremental run's, which records what it saw, must not be given here.
// It returns when the count is done or ctx is, and counts nothing unless
// it could list everything.
func CountAhead(ctx context.Context, srcs []source.Source, cfg Config) {
	if cfg.Progress == nil {
		return
	}
	var n, size int64
	for _, src := range srcs {
		count := func(o source.Object) error {
			if cfg.Select == nil || cfg.Select(o) {
				n, size = n+1, size+o.Size
			}
			return nil
		}
		if listLogs(ctx, src, cfg, count) != nil || cfg.Ledger != nil && listDigests(ctx, src, cfg.Scope, count) != nil {
			return
		}
	}
	cfg.Progress.TotalBytes.Store(size)
	cfg.Progress.Total.Store(n)
}

type job struct {
	src    source.Source
	obj    source.Object
	digest bool          // a digest for cfg.Ledger, not a log, opened by its reader
	rc     io.ReadCloser // a log opened, or why not
	err    error
}

// Run scans every object of srcs that may hold events in cfg.Scope. A file
// that cannot be read is recorded in the summary and the scan goes on; the
// error is for a source that cannot be listed, or a cancelled ctx.
//
// Objects are asked for ahead of the decoders, one per CPU (or
// cfg.Jobs, if fewer), so that a source whose answers take long to start,
// as S3's do, keeps them busy all the same: see pacer for how many are in
// flight.
func Run(ctx context.Context, srcs []source.Source, cfg Config) (*summarize.Summary, error) {
	decoders, most := runtime.NumCPU(), MaxInFlight
	if cfg.Jobs > 0 {
		decoders, most = min(decoders, cfg.Jobs), cfg.Jobs
	}
	if cfg.Progress == nil {
		cfg.Progress = new(Progress)
	}
	p := newPacer(decoders, most, throttles(srcs))
	parent := ctx
	g, ctx := errgroup.WithContext(ctx)
	queue := make(chan job, 4*decoders)
	g.Go(func() error {
		defer close(queue)
		defer cfg.Progress.ListingDone.Store(true)
		return list(ctx, srcs, cfg, queue)
	})
	// An object is opened, then waits for a decoder. ready is not
	// buffered: an object opened holds its place in the gate until a
	// decoder is done with it.
	ready := make(chan job)
	g.Go(func() error {
		var opening sync.WaitGroup
		defer close(ready)
		defer opening.Wait()
		for j := range queue {
			if err := p.gate.Enter(ctx); err != nil {
				return err
			}
			opening.Go(func() { p.open(ctx, j, ready) })
		}
		return nil
	})
	var done chan doneMsg
	if cfg.Done != nil {
		done = make(chan doneMsg, decoders)
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			for m := range done {
				cfg.Done(m.obj, m.err)
			}
		}()
		defer func() { <-finished }()
	}
	hashes := multisha.NewPool() // of the logs, with cfg.Ledger
	workers := make([]*worker, decoders)
	for i := range workers {
		w := newWorker(cfg, done, hashes)
		workers[i] = w
		g.Go(func() error {
			for j := range ready {
				if err := ctx.Err(); err != nil {
					p.drop(j)
					return err
				}
				start := time.Now()
				w.read(ctx, j)
				p.decoded(time.Since(start))
			}
			return nil
		})
	}
	err := g.Wait()
	// The hashes still in the pool are the ledger's before anyone reads
	// it, a stopped scan's too: each log Done saw read has its hash.
	hashes.Flush()
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

// throttles is how many requests the sources' storage has refused as too
// many, so far.
func throttles(srcs []source.Source) func() int64 {
	var ts []source.Throttler
	for _, src := range srcs {
		if t, ok := src.(source.Throttler); ok {
			ts = append(ts, t)
		}
	}
	return func() int64 {
		var n int64
		for _, t := range ts {
			n += t.Throttles()
		}
		return n
	}
}

type doneMsg struct {
	obj source.Object
	err error
}

func list(ctx context.Context, srcs []source.Source, cfg Config, queue chan<- job) error {
	q := cfg.Scope
	for _, src := range srcs {
		digest := false
		queued := func(o source.Object) error {
			if cfg.Select != nil && !cfg.Select(o) {
				return nil
			}
			cfg.Progress.Listed.Add(1)
			cfg.Progress.ListedBytes.Add(o.Size)
			select {
			case queue <- job{src: src, obj: o, digest: digest}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err := listLogs(ctx, src, cfg, queued); err != nil {
			return err
		}
		if cfg.Ledger != nil {
			digest = true
			if err := listDigests(ctx, src, q, queued); err != nil {
				return err
			}
		}
	}
	return nil
}

// listLogs lists the logs of src in cfg's scope, only the day folders of
// cfg.Share where src can leave out the others.
func listLogs(ctx context.Context, src source.Source, cfg Config, fn func(source.Object) error) error {
	if sl, ok := src.(source.ShareLister); ok && cfg.Share != nil {
		return sl.ListShare(ctx, cfg.Scope, cfg.Share, fn)
	}
	return src.List(ctx, cfg.Scope, fn)
}

// worker reads objects one at a time, reusing its buffers.
type worker struct {
	cfg   Config
	sum   *summarize.Summary
	done  chan<- doneMsg
	br    *bufio.Reader
	gz    *inflate.Reader
	head  []byte        // the first bytes of a probe
	rd    *parse.Reader // reused from file to file
	obj   source.Object // the object being read
	from  string        // the String of obj's source
	calls []summarize.Call
	auths []summarize.Authorization
	cases []summarize.CaseCall
	strs  summarize.Interner // the strings of the calls kept
	// inflated counts the decompressed bytes of the object being read.
	inflated inflatedCounter
	hash     *integrity.Hasher // with cfg.Ledger
	hashes   *multisha.Pool    // the scan's, that hash computes in
	// record counts the records of the object being read, and failed
	// holds its Support records that cannot be counted.
	record int64
	failed []summarize.RecordError
	// inScope is whether the object being read has held an event in
	// cfg.Scope yet: one is enough, so the rest are not checked.
	inScope bool
}

func newWorker(cfg Config, done chan<- doneMsg, hashes *multisha.Pool) *worker {
	w := &worker{cfg: cfg, sum: summarize.New(), done: done, br: bufio.NewReaderSize(nil, 64<<10), strs: summarize.Interner{}, hashes: hashes}
	w.inflated.n = &cfg.Progress.Inflated
	return w
}

func (w *worker) read(ctx context.Context, j job) {
	err := j.obj.Err
	switch {
	case j.digest:
		err = w.digest(ctx, j) // a digest's failure is the ledger's
	case err == nil:
		err = w.object(ctx, j)
	}
	if ctx.Err() != nil {
		return // not a bad file: the scan is being stopped
	}
	if errors.Is(err, errNotOurs) {
		err = nil // read, and found to be no CloudTrail file: not a failure
	} else if err != nil && !j.digest {
		w.sum.Fail(j.obj.Path, err)
	}
	w.cfg.Progress.Done.Add(1)
	if w.done != nil {
		w.done <- doneMsg{j.obj, err}
	}
}

func (w *worker) object(ctx context.Context, j job) error {
	w.inScope = false
	rc, err := j.rc, j.err
	if err != nil {
		return err
	}
	defer rc.Close()
	r, err := w.decompress(ctx, rc)
	if err == nil && j.obj.Probe {
		r, err = w.probe(r)
	} else if err != nil && j.obj.Probe {
		err = errNotOurs // a .gz that is no gzip stream
	}
	if err != nil {
		return err
	}
	w.inflated.r = r
	r = &w.inflated
	w.obj, w.from, w.calls, w.auths, w.cases = j.obj, j.src.String(), w.calls[:0], w.auths[:0], w.cases[:0]
	w.record, w.failed = 0, w.failed[:0]
	if w.cfg.Ledger != nil {
		r = w.hashing(r)
	}
	var n int64
	switch {
	case w.cfg.records != nil:
		n, err = w.cfg.records(r, w.event)
	case w.cfg.HashOnly:
		// Nothing decodes: addLog's Sum reads it all.
	default:
		// Transient events: the many records that do not match cost no
		// allocation; event copies the few that do.
		if w.rd == nil {
			// Only the records event may keep need their details.
			opts := w.cfg.Parse
			opts.Details = filter.Candidate
			w.rd = parse.NewReader(r, opts)
		} else {
			w.rd.Reset(r)
		}
		n, err = w.rd.RecordsTransient(w.event)
	}
	if w.cfg.Ledger != nil {
		err = w.addLog(j.obj, err)
	}
	if err != nil {
		return err
	}
	w.sum.AddFile(n, w.calls, w.auths, w.failed...)
	for _, c := range w.cases {
		w.sum.AddCaseCall(c)
	}
	if !w.inScope {
		w.sum.FilesOutOfScope++
	}
	w.cfg.Progress.found(w.calls)
	return nil
}

// errNotOurs is what reading a probe (source.Object.Probe) that holds no
// CloudTrail records returns: the file is someone else's, neither scanned
// nor failed.
var errNotOurs = errors.New("no CloudTrail records")

// probeSize is how much of a probe shows whether it holds CloudTrail
// records: more than the first keys of any record need.
const probeSize = 64 << 10

// probe reads the first bytes of a probe's decompressed stream and
// returns the whole stream if they show CloudTrail records, errNotOurs if
// they do not. Only a file that shows them and then fails is a failed
// file: a .tar.gz, a CloudWatch Logs export of another log group, is not.
func (w *worker) probe(r io.Reader) (io.Reader, error) {
	if w.head == nil {
		w.head = make([]byte, probeSize)
	}
	// A read error is met again, and reported at its offset, by the
	// parser that reads on: the stream's errors stay.
	n, _ := io.ReadFull(r, w.head)
	head := w.head[:n]
	if !parse.Recognized(head) {
		return nil, errNotOurs
	}
	return io.MultiReader(bytes.NewReader(head), r), nil
}

// decompress reads rc, counted for progress, and inflates it when it is
// gzip, recognized by its magic number rather than the name: downloads
// sometimes store a .json.gz already inflated.
func (w *worker) decompress(ctx context.Context, rc io.Reader) (io.Reader, error) {
	w.br.Reset(&counter{ctx: ctx, r: rc, n: &w.cfg.Progress.Bytes})
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
	w.record++
	if !w.inScope {
		w.inScope = filter.InScope(w.cfg.Scope, ev)
	}
	support := filter.Support(ev)
	if !support && !filter.Authorization(ev) && filter.CaseOf(ev) == "" && !filter.PermitCall(ev) {
		return nil
	}
	// Whether it is in scope is not asked first: the fields that say so
	// may be the ones that cannot be read.
	if err := filter.Unreadable(ev); err != nil {
		w.failed = append(w.failed, summarize.RecordError{Path: w.obj.Path, Record: w.record, Error: err.Error()})
		return nil
	}
	switch {
	case support:
		if filter.InScope(w.cfg.Scope, ev) {
			call := summarize.NewCall(ev, w.obj.Path)
			call.Key, call.Source = w.obj.Key, w.from
			call.Intern(w.strs)
			w.calls = append(w.calls, call)
		}
	case filter.Authorization(ev):
		if filter.InScope(w.cfg.Scope, ev) {
			c := ev.Clone()
			w.auths = append(w.auths, summarize.NewAuthorization(&c, w.obj.Path))
		}
	case filter.CaseOf(ev) != "" || filter.PermitCall(ev):
		if filter.InScope(w.cfg.Scope, ev) {
			c := ev.Clone()
			w.cases = append(w.cases, summarize.NewCaseCall(&c, w.obj.Path))
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

// inflatedCounter counts the bytes read from a decompressed document.
type inflatedCounter struct {
	r io.Reader
	n *atomic.Int64
}

func (c *inflatedCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
