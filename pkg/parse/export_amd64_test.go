package parse

// SetVector turns the vector indexer off (or back on, where the CPU has
// it), as on a CPU without it, and returns a function that restores it.
func SetVector(on bool) (restore func()) {
	was := vector
	vector = on && Vector
	return func() { vector = was }
}
