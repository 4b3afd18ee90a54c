package inflate

// pathReader is a Reader that decodes one way, named for the tests.
type pathReader struct {
	name string
	*Reader
}

// pathReaders returns a Reader for each way of decoding this CPU runs: the
// assembly fast loop (where there is one), the Go fast loop, and the exact
// decoder alone. The tests run every stream through each.
func pathReaders() []pathReader {
	rs := []pathReader{{"go", &Reader{loop: loopGo}}, {"exact", &Reader{loop: loopExact}}}
	if haveAsm {
		rs = append([]pathReader{{"asm", &Reader{loop: loopBest}}}, rs...)
	}
	return rs
}
