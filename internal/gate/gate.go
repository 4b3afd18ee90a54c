package gate

import (
	"context"
	"sync"
)

// Gate lets at most Limit goroutines in at once. Lowering the limit lets
// no one new in until enough have left; no one is put out.
type Gate struct {
	mu    sync.Mutex
	limit int
	in    int
	// room is closed, and replaced, when someone may now enter.
	room chan struct{}
}

// New returns a gate of limit (at least 1).
func New(limit int) *Gate {
	return &Gate{limit: max(limit, 1), room: make(chan struct{})}
}

// Enter waits until there is room, or ctx is done.
func (g *Gate) Enter(ctx context.Context) error {
	for {
		g.mu.Lock()
		if g.in < g.limit {
			g.in++
			g.mu.Unlock()
			return nil
		}
		room := g.room
		g.mu.Unlock()
		select {
		case <-room:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Leave makes room for one more.
func (g *Gate) Leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.in--
	g.wake()
}

// SetLimit changes the limit (to at least 1).
func (g *Gate) SetLimit(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n = max(n, 1)
	if n > g.limit {
		g.wake()
	}
	g.limit = n
}

// Limit is how many may be in at once.
func (g *Gate) Limit() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit
}

// In is how many are in.
func (g *Gate) In() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.in
}

func (g *Gate) wake() {
	close(g.room)
	g.room = make(chan struct{})
}
