package scan

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/trailscan/trailscan/internal/gate"
)

const (
	// MaxInFlight is the most objects a scan has in flight when
	// Config.Jobs does not say: its memory bound. An object asked for
	// costs its connection's buffers and the SDK's request, some tens of
	// KiB (its bytes wait in the kernel until a decoder reads them); 256
	// keep two CPUs decoding small objects that take 100 ms to start.
	MaxInFlight = 256
	// startInFlight is how many objects are asked for before anything is
	// measured: enough to keep two CPUs busy through the first round trip
	// of a region's latency.
	startInFlight = 64
	// headroom is how many more objects than the mean need are in flight,
	// for the answers that take longer than the mean.
	headroom = 1.5
	// tail is how much longer than the fastest answers the mean answer
	// may take and still be waited for as latency, not queueing (see
	// pacer): S3's answers spread over a few times their fastest.
	tail = 4
)

// pacer chooses how many objects are in flight, so that no decoder waits
// for bytes: by Little's law, decoders that take work to decode an object
// finish decoders/work objects a second, and each object waits wait for
// its answer before it can be decoded, so decoders·wait/work objects must
// be on their way at any time, besides those being decoded. The pacer
// measures both as the scan goes (an object's answer can take 100 ms from
// S3 and 20 µs from a disk), and lowers the limit by half when the
// storage says it gets too many requests, growing back slowly.
//
// A wait is latency, which more requests at once hide, and queueing, which
// they lengthen: a server that is busy already (on loopback, sharing the
// CPUs) answers later the more it is asked, and no sooner in all. So the
// wait counted is the mean, but at most tail times the floor, the fastest
// answers of the last seconds: a region's time to first byte, not a
// queue's.
type pacer struct {
	gate      *gate.Gate
	decoders  int
	most      int          // Config.Jobs, or MaxInFlight
	window    *gate.Window // what throttling leaves of most
	throttles func() int64
	now       func() time.Time

	mu         sync.Mutex
	wait, work mean
	floor      floor
	throttled  int64 // throttles seen
}

func newPacer(decoders, most int, throttles func() int64) *pacer {
	return &pacer{
		gate:      gate.New(min(most, max(startInFlight, decoders))),
		decoders:  decoders,
		most:      most,
		window:    gate.NewWindow(decoders, most, most),
		throttles: throttles,
		now:       time.Now,
	}
}

// open opens j's object, holding its place in the gate, and hands it to a
// decoder, or closes it when the scan stops first.
func (p *pacer) open(ctx context.Context, j job, ready chan<- job) {
	if j.obj.Err == nil && !j.digest {
		start := time.Now()
		j.rc, j.err = j.src.Open(ctx, j.obj)
		p.opened(time.Since(start))
	}
	select {
	case ready <- j:
	case <-ctx.Done():
		p.drop(j)
	}
}

// drop closes an object opened but not decoded, and gives up its place.
func (p *pacer) drop(j job) {
	if j.rc != nil {
		j.rc.Close()
	}
	p.gate.Leave()
}

func (p *pacer) opened(wait time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wait.add(wait)
	p.floor.add(p.now(), wait)
}

// decoded gives up an object's place in the gate, and sets the limit
// from what is now known.
func (p *pacer) decoded(work time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.work.add(work)
	ceiling := p.window.Ok()
	if t := p.throttles(); t > p.throttled {
		p.throttled = t
		ceiling = p.window.Overloaded(p.gate.In())
	}
	wait := min(p.wait.value(), tail*p.floor.value())
	p.gate.SetLimit(min(inFlight(p.decoders, wait, p.work.value()), ceiling))
	p.gate.Leave()

}

// inFlight is how many objects keep decoders busy when each waits wait
// for its answer and takes work to decode.
func inFlight(decoders int, wait, work time.Duration) int {
	work = max(work, time.Microsecond)
	return decoders + int(math.Ceil(float64(decoders)*headroom*float64(wait)/float64(work)))
}

// mean is a moving mean of durations, which follows a latency that
// changes during a scan within a few dozen objects.
type mean struct {
	v float64
	n int
}

func (m *mean) add(d time.Duration) {
	const weight = 1.0 / 16
	if m.n++; m.n == 1 {
		m.v = float64(d)
		return
	}
	m.v += weight * (float64(d) - m.v)
}

func (m *mean) value() time.Duration { return time.Duration(m.v) }

// floor is the shortest of the durations of the last floorWindow or so:
// the minimum of this window and the one before, as BBR keeps the
// shortest round trip of the last ten seconds. A queue that requests at
// once build does not raise it while they leave it time to drain now and
// then; a latency that grows for good is taken in within two windows.
type floor struct {
	start    time.Time // of this window
	cur, was time.Duration
}

const floorWindow = 5 * time.Second

func (f *floor) add(now time.Time, d time.Duration) {
	switch {
	case f.start.IsZero():
		f.start, f.cur, f.was = now, d, d
	case now.Sub(f.start) > floorWindow:
		f.start, f.was, f.cur = now, f.cur, d
	default:
		f.cur = min(f.cur, d)
	}
}

func (f *floor) value() time.Duration { return min(f.cur, f.was) }
