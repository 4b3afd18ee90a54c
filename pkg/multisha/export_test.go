package multisha

// The limits the tests probe the edges of.
const (
	ChunkSize = chunkSize
	MaxLaned  = maxLaned
	Lanes     = lanes
)

// Way is one way a Pool can hash.
type Way struct {
	Name string
	New  func() *Pool
	// Lanes is whether Jobs wait for the lanes; otherwise each is hashed
	// as it ends.
	Lanes bool
}

// Ways are the ways of hashing this CPU runs, each to be held equal to
// crypto/sha256: crypto/sha256 itself, the lanes with blocksGo, and the
// lanes with the vector kernel where there is one.
func Ways() []Way {
	ways := []Way{
		{"crypto/sha256", func() *Pool { return newPool(nil) }, false},
		{"lanes in Go", func() *Pool { return newPool(blocksGo) }, true},
	}
	if vectorKernel != nil {
		ways = append(ways, Way{"AVX-512", func() *Pool { return newPool(vectorKernel) }, true})
	}
	return ways
}
