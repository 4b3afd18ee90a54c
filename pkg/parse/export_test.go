package parse

// SetFastPath turns the fast path on or off, for the tests that drive the
// slow path alone, and returns a function that restores it.
func SetFastPath(on bool) (restore func()) {
	was := fastPath
	fastPath = on
	return func() { fastPath = was }
}

// SetVector turns the vector indexer off (or back on, where the CPU has
// it), for the tests that drive indexGeneric, and returns a function that
// restores it.
func SetVector(on bool) (restore func()) {
	was := vector
	vector = on && hasVector
	return func() { vector = was }
}

// FastRecords is the number of records d has read by the fast path.
func (d *Reader) FastRecords() int64 { return d.fast }
