package parse

// SetFastPath turns the fast path on or off, for the tests that drive the
// slow path alone, and returns a function that restores it.
func SetFastPath(on bool) (restore func()) {
	was := fastPath
	fastPath = on
	return func() { fastPath = was }
}

// Vector reports whether this CPU indexes buffers, so that the fast path
// runs.
var Vector = vector

// FastRecords is the number of records d has read by the fast path.
func (d *Reader) FastRecords() int64 { return d.fast }
