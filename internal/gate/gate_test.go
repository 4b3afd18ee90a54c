package gate

import (
	"context"
	"errors"
	"sync"
	"testing"
)

func TestGate(t *testing.T) {
	ctx := context.Background()
	g := New(2)
	for range 2 {
		if err := g.Enter(ctx); err != nil {
			t.Fatal(err)
		}
	}
	full, cancel := context.WithCancel(ctx)
	cancel()
	if err := g.Enter(full); !errors.Is(err, context.Canceled) {
		t.Fatalf("Enter of a full gate with a cancelled ctx: %v, want context.Canceled", err)
	}

	// A raised limit lets a waiter in; a lowered one keeps the next out
	// until enough have left.
	entered := make(chan struct{})
	go func() {
		g.Enter(ctx)
		close(entered)
	}()
	g.SetLimit(3)
	<-entered
	if in := g.In(); in != 3 {
		t.Fatalf("%d in, want 3", in)
	}
	g.SetLimit(1)
	g.Leave()
	g.Leave()
	if err := g.Enter(full); err == nil {
		t.Fatal("entered with 1 in and a limit of 1")
	}
	g.Leave()
	if err := g.Enter(full); err != nil {
		t.Fatalf("Enter of an empty gate: %v", err)
	}
	if g.Limit() != 1 || g.In() != 1 {
		t.Fatalf("limit %d, %d in; want 1 and 1", g.Limit(), g.In())
	}
	g.SetLimit(0)
	if g.Limit() != 1 {
		t.Errorf("SetLimit(0) left a limit of %d, want 1", g.Limit())
	}
}

// TestGateBounds: however many try, no more than the limit are in at once.
func TestGateBounds(t *testing.T) {
	g := New(3)
	var mu sync.Mutex
	in, most := 0, 0
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			g.Enter(context.Background())
			mu.Lock()
			in++
			most = max(most, in)
			mu.Unlock()
			mu.Lock()
			in--
			mu.Unlock()
			g.Leave()
		})
	}
	wg.Wait()
	if most > 3 || most < 1 {
		t.Errorf("%d in at once, want 1 to 3", most)
	}
}

func TestWindow(t *testing.T) {
	for _, c := range []struct {
		name   string
		steps  string // o: a success, x: an overload
		inUse  int    // in flight at each overload
		lo, hi int
		want   int
	}{
		{"starts at its start", "", 100, 2, 200, 64},
		{"overload halves", "x", 100, 2, 200, 32},
		{"halves the load in flight if less", "x", 10, 2, 200, 5},
		{"a burst halves once", "xxxx", 100, 2, 200, 32},
		{"again after a window of successes", "x" + repeat('o', 32) + "x", 100, 2, 200, 16},
		{"never below its minimum", "x" + repeat('o', 32) + "x" + repeat('o', 16) + "x", 100, 10, 200, 10},
		{"grows by one a window", "x" + repeat('o', 33), 100, 2, 200, 33},
		{"never above its maximum", repeat('o', 1000), 100, 2, 70, 70},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := NewWindow(c.lo, 64, c.hi)
			for _, s := range c.steps {
				if s == 'x' {
					w.Overloaded(c.inUse)
				} else {
					w.Ok()
				}
			}
			if got := w.Size(); got != c.want {
				t.Errorf("size %d, want %d", got, c.want)
			}
		})
	}
}

func repeat(c byte, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return string(b)
}
