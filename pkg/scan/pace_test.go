package scan

import (
	"context"
	"testing"
	"time"
)

func TestInFlight(t *testing.T) {
	for _, c := range []struct {
		decoders   int
		wait, work time.Duration
		want       int
	}{
		{2, 0, time.Millisecond, 2},
		{2, 20 * time.Microsecond, time.Millisecond, 3}, // a local disk: one ahead
		{1, time.Millisecond, time.Millisecond, 3},
		{2, 30 * time.Millisecond, time.Millisecond, 2 + 90},
		{2, 100 * time.Millisecond, 2 * time.Millisecond, 2 + 150},
		{4, 30 * time.Millisecond, 10 * time.Millisecond, 4 + 18},
		{2, 10 * time.Millisecond, 0, 2 + 30000}, // decoding not timed yet: as many as allowed
	} {
		if got := inFlight(c.decoders, c.wait, c.work); got != c.want {
			t.Errorf("inFlight(%d, %v, %v) = %d, want %d", c.decoders, c.wait, c.work, got, c.want)
		}
	}
}

// TestPacer plays objects through a pacer, the gate always full: each
// answer waits wait (or, after the first queued, slower), each
// decode takes work, and throttled are the decodes after which the
// storage has said SlowDown once more.
func TestPacer(t *testing.T) {
	for _, c := range []struct {
		name       string
		most       int
		wait, work time.Duration
		decodes    int
		throttled  []int
		want       int
		queued     int
		slower     time.Duration
	}{
		{"latency raises it", 256, 30 * time.Millisecond, time.Millisecond, 100, nil, 92, 0, 0},
		{"within -j", 16, 30 * time.Millisecond, time.Millisecond, 100, nil, 16, 0, 0},
		{"within the memory bound", MaxInFlight, time.Second, time.Millisecond, 100, nil, MaxInFlight, 0, 0},
		{"fast storage keeps it low", 256, 20 * time.Microsecond, time.Millisecond, 100, nil, 3, 0, 0},
		{"SlowDown halves it", 256, 30 * time.Millisecond, time.Millisecond, 100, []int{99}, 46, 0, 0},
		{"a burst of SlowDown halves it once", 256, 30 * time.Millisecond, time.Millisecond, 100, []int{96, 97, 98, 99}, 46, 0, 0},
		{"then grows back by one a window", 256, 30 * time.Millisecond, time.Millisecond, 148, []int{99}, 47, 0, 0},
		{"never below the decoders", 4, 30 * time.Millisecond, time.Millisecond, 21, []int{10, 20}, 2, 0, 0},
		// A server that answered in 1 ms until it had 32 requests at once,
		// then in 200 ms: its queue, not latency to hide.
		{"a queue does not raise it", 256, time.Millisecond, time.Millisecond, 200, nil, 14, 32, 200 * time.Millisecond},
		// The same, for longer than two floor windows: latency now.
		{"a latency that stays is taken in", 256, time.Millisecond, time.Millisecond, 12000, nil, 256, 32, 200 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			var throttles int64
			p := newPacer(2, c.most, func() int64 { return throttles })
			ctx := context.Background()
			clock := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
			p.now = func() time.Time { return clock }
			opened := 0
			for i := range c.decodes {
				clock = clock.Add(c.work)
				// Fill the gate, as a scan's openers do.
				for p.gate.In() < p.gate.Limit() {
					if err := p.gate.Enter(ctx); err != nil {
						t.Fatal(err)
					}
					if opened++; c.queued > 0 && opened > c.queued {
						p.opened(c.slower)
					} else {
						p.opened(c.wait)
					}
				}
				for _, at := range c.throttled {
					if at == i {
						throttles++
					}
				}
				p.decoded(c.work)
			}
			if got := p.gate.Limit(); got != c.want {
				t.Errorf("limit %d, want %d", got, c.want)
			}
		})
	}
}
