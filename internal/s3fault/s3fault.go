// Package s3fault is an S3 endpoint for tests: a reverse proxy in front of
// a real S3 server that breaks some answers the way S3 and networks do,
// with 503 SlowDown, refusals, bodies cut or stalled part way, answers
// that never come, and a server that ignores Range; and that can wait
// before each answer, as a real region does and a server on loopback
// does not. It counts what it serves, and how much at once.
//
// The proxy forwards requests as they come, Host header included, so the
// client's SigV4 signature still verifies at the server.
package s3fault

import (
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Op is the kind of S3 request a fault applies to.
type Op int

const (
	Any  Op = iota
	List    // ListObjectsV2
	Get     // GetObject
)

// Action is what a fault does to a request.
type Action int

const (
	// SlowDown answers 503 SlowDown without asking the server.
	SlowDown Action = iota + 1
	// Deny answers 403 AccessDenied without asking the server.
	Deny
	// Hang never answers: the connection is held open, silent, until the
	// client gives up.
	Hang
	// Cut closes the connection after After bytes of the body; the
	// Content-Length announced the whole body.
	Cut
	// Truncate ends the body cleanly after After bytes, as a complete
	// answer without a Content-Length (chunked).
	Truncate
	// Stall sends After bytes of the body, then nothing more, holding the
	// connection open until the client gives up.
	Stall
	// IgnoreRange answers a GET with a Range as a server that does not
	// know ranges would: 200 and the whole object. It needs Config.Origin.
	IgnoreRange
)

var actionNames = map[Action]string{
	SlowDown: "SlowDown", Deny: "Deny", Hang: "Hang", Cut: "Cut",
	Truncate: "Truncate", Stall: "Stall", IgnoreRange: "IgnoreRange",
}

func (a Action) String() string { return actionNames[a] }

// Fault is one way of breaking answers, and which answers it breaks.
type Fault struct {
	Do Action
	On Op
	// Key, when set, limits the fault to the requests for an object key,
	// or a listing of a prefix, that starts with Key.
	Key string
	// Rate is the chance that a request the fault applies to gets it:
	// 1 for every one.
	Rate float64
	// After is how many bytes of the body Cut, Truncate and Stall send.
	After int64
	// Times, when not 0, is how often the fault is done at most for each
	// key or listed prefix.
	Times int
}

// Config is what a Proxy forwards to and breaks.
type Config struct {
	Upstream string // the S3 server's URL
	Faults   []Fault
	Seed     uint64 // for the choices Rate makes
	// Origin reads objects from the server for IgnoreRange, which cannot
	// forward the client's request without its Range (the signature
	// covers it).
	Origin *s3.Client
	// Delay is how long each request waits before it is answered or
	// forwarded: S3's time to first byte, tens of milliseconds in a
	// region, which a server on loopback does not have.
	Delay time.Duration
}

// Load is what a proxy has served, by kind of request (Any: the others).
type Load struct {
	Requests map[Op]int
	// Peak is the most requests in flight at once.
	Peak map[Op]int
	// Busy is the time requests were in flight, added up: over a time T,
	// Busy/T requests were in flight on average.
	Busy map[Op]time.Duration
}

// Proxy is a running fault-injecting endpoint.
type Proxy struct {
	URL string

	cfg   Config
	srv   *httptest.Server
	rp    *httputil.ReverseProxy
	done  chan struct{}
	close sync.Once

	mu    sync.Mutex
	rnd   *rand.Rand
	times map[timesKey]int
	count map[Action]int
	load  Load
	now   map[Op]int // in flight
}

type timesKey struct {
	fault int
	key   string
}

// Start starts a proxy on a loopback port.
func Start(cfg Config) (*Proxy, error) {
	u, err := url.Parse(cfg.Upstream)
	if err != nil {
		return nil, fmt.Errorf("s3fault: upstream %q: %w", cfg.Upstream, err)
	}
	for _, f := range cfg.Faults {
		if f.Do == IgnoreRange && cfg.Origin == nil {
			return nil, errors.New("s3fault: IgnoreRange needs Config.Origin")
		}
	}
	p := &Proxy{
		cfg:   cfg,
		done:  make(chan struct{}),
		rnd:   rand.New(rand.NewPCG(cfg.Seed, 0x5eed)),
		times: map[timesKey]int{},
		count: map[Action]int{},
		now:   map[Op]int{},
	}
	p.ResetLoad()
	// As many idle connections to the server as the clients keep to the
	// proxy: the default of 2 would dial one for most requests.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns, transport.MaxIdleConnsPerHost = 1024, 1024
	p.rp = &httputil.ReverseProxy{
		// SetURL would set the Host header to the server's; SigV4 signed
		// the proxy's.
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.Out.Host = r.In.Host
		},
		Transport:     transport,
		FlushInterval: -1, // every byte the server sends, as it comes: cuts fall where asked
		// The failures it would log are the ones it was asked for.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	return p, nil
}

// Close stops the proxy, releasing the connections it holds.
func (p *Proxy) Close() {
	p.close.Do(func() { close(p.done) })
	p.srv.CloseClientConnections()
	p.srv.Close()
}

// Count returns how often the proxy has done a.
func (p *Proxy) Count(a Action) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count[a]
}

// Load returns what the proxy has served since it started, or since
// ResetLoad.
func (p *Proxy) Load() Load {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Load{Requests: maps.Clone(p.load.Requests), Peak: maps.Clone(p.load.Peak), Busy: maps.Clone(p.load.Busy)}
}

// ResetLoad forgets what Load counted; the requests in flight still count
// towards Peak.
func (p *Proxy) ResetLoad() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.load = Load{Requests: map[Op]int{}, Peak: maps.Clone(p.now), Busy: map[Op]time.Duration{}}
}

// served counts a request of op from its start; the function it returns
// counts its end.
func (p *Proxy) served(op Op) (end func()) {
	start := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.load.Requests[op]++
	p.now[op]++
	p.load.Peak[op] = max(p.load.Peak[op], p.now[op])
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.now[op]--
		p.load.Busy[op] += time.Since(start)
	}
}

// request is what the proxy knows of an S3 request (path-style).
type request struct {
	op          Op
	bucket, key string // key: the object's, or the prefix listed
}

func parse(r *http.Request) request {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodGet && q.Has("list-type"):
		return request{op: List, bucket: bucket, key: q.Get("prefix")}
	case r.Method == http.MethodGet && key != "":
		return request{op: Get, bucket: bucket, key: key}
	}
	return request{op: Any, bucket: bucket, key: key}
}

// choose returns the faults a request gets.
func (p *Proxy) choose(rq request, ranged bool) []Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Fault
	for i, f := range p.cfg.Faults {
		if f.On != Any && f.On != rq.op || !strings.HasPrefix(rq.key, f.Key) {
			continue
		}
		if f.Do == IgnoreRange && !ranged {
			continue
		}
		k := timesKey{i, rq.key}
		if f.Times > 0 && p.times[k] >= f.Times {
			continue
		}
		if p.rnd.Float64() >= f.Rate {
			continue
		}
		p.times[k]++
		p.count[f.Do]++
		out = append(out, f)
	}
	return out
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	rq := parse(r)
	defer p.served(rq.op)()
	if p.cfg.Delay > 0 {
		t := time.NewTimer(p.cfg.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-p.done:
			return
		}
	}
	ranged := r.Header.Get("Range") != ""
	faults := p.choose(rq, ranged)
	bw := &bodyWriter{w: w, r: r, done: p.done}
	var ignoreRange bool
	for _, f := range faults {
		switch f.Do {
		case SlowDown:
			writeError(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
			return
		case Deny:
			writeError(w, http.StatusForbidden, "AccessDenied", "Access Denied")
			return
		case Hang:
			select {
			case <-r.Context().Done():
			case <-p.done:
			}
			return
		case Cut, Truncate, Stall:
			if bw.fault == 0 {
				bw.fault, bw.left = f.Do, f.After
			}
		case IgnoreRange:
			ignoreRange = true
		}
	}
	if ignoreRange {
		p.whole(bw, r, rq)
		return
	}
	p.rp.ServeHTTP(bw, r)
}

// whole answers a ranged GET with the whole object, as a server that
// ignores Range does, honouring If-Match.
func (p *Proxy) whole(w *bodyWriter, r *http.Request, rq request) {
	in := &s3.GetObjectInput{Bucket: &rq.bucket, Key: &rq.key}
	if m := r.Header.Get("If-Match"); m != "" {
		in.IfMatch = &m
	}
	out, err := p.cfg.Origin.GetObject(r.Context(), in)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "InternalError", err.Error())
		return
	}
	defer out.Body.Close()
	h := w.Header()
	if out.ETag != nil {
		h.Set("ETag", *out.ETag)
	}
	if out.ContentLength != nil {
		h.Set("Content-Length", strconv.FormatInt(*out.ContentLength, 10))
	}
	h.Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	io.Copy(w, out.Body)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>s3fault</RequestId></Error>`, code, msg)
}

// bodyWriter passes an answer on, and breaks its body after left bytes
// as fault says (0: not at all).
type bodyWriter struct {
	w     http.ResponseWriter
	r     *http.Request
	done  <-chan struct{}
	fault Action
	left  int64
}

var errBroken = errors.New("s3fault: body broken on purpose")

func (b *bodyWriter) Header() http.Header { return b.w.Header() }

func (b *bodyWriter) WriteHeader(status int) {
	if b.fault == Truncate {
		b.w.Header().Del("Content-Length")
	}
	b.w.WriteHeader(status)
}

func (b *bodyWriter) Write(p []byte) (int, error) {
	if b.fault == 0 || int64(len(p)) <= b.left {
		b.left -= int64(len(p))
		return b.w.Write(p)
	}
	n, err := b.w.Write(p[:max(b.left, 0)])
	b.left -= int64(n)
	if err != nil {
		return n, err
	}
	if b.fault == Truncate {
		// The rest is dropped; the body ends when the server's does,
		// chunked, as if whole.
		return len(p), nil
	}
	b.Flush()
	if b.fault == Stall {
		select {
		case <-b.r.Context().Done():
		case <-b.done:
		}
	}
	// The reverse proxy closes the connection on a failed write.
	return n, errBroken
}

func (b *bodyWriter) Flush() {
	if f, ok := b.w.(http.Flusher); ok {
		f.Flush()
	}
}
