package gate

import "sync"

// Window is a limit on requests in flight that backs off when the server
// says it is overloaded (S3's 503 SlowDown), as TCP's congestion window
// does at a lost packet: halved at once, then grown by one for each
// window's worth of requests that went through, up to its maximum. A
// burst of refusals, which many requests in flight see together, halves
// it once.
type Window struct {
	mu       sync.Mutex
	size     float64
	min, max int
	// sinceCut counts the successes since the last halving; another
	// comes only after a window's worth of them.
	sinceCut int
}

// NewWindow returns a window of size start, kept between lo and hi.
func NewWindow(lo, start, hi int) *Window {
	lo = max1(lo)
	hi = max(hi, lo)
	return &Window{size: float64(clamp(start, lo, hi)), min: lo, max: hi, sinceCut: hi}
}

// Size is the current limit.
func (w *Window) Size() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return int(w.size)
}

// Ok counts a request that went through, and returns the new size.
func (w *Window) Ok() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sinceCut++
	w.size = min(w.size+1/w.size, float64(w.max))
	return int(w.size)
}

// Overloaded halves the window, or the load in flight if that is less,
// unless it was halved less than a window's worth of requests ago; it
// returns the new size.
func (w *Window) Overloaded(inFlight int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sinceCut < int(w.size) {
		return int(w.size)
	}
	w.sinceCut = 0
	w.size = float64(max(w.min, min(int(w.size), max1(inFlight))/2))
	return int(w.size)
}

func max1(n int) int { return max(n, 1) }

func clamp(n, lo, hi int) int { return min(max(n, lo), hi) }
