package parse

// SetFastPath turns the fast path on or off, for the tests that drive the
// slow path alone, and returns a function that restores it.
func SetFastPath(on bool) (restore func()) {
	was := fastPath
	fastPath = on
	return func() { fastPath = was }
}

// Vector reports whether this CPU indexes buffers in vector code.
var Vector = vector
