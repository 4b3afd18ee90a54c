package summarize

import "iter"

// callBlock is how many calls a block of a callStore holds.
const callBlock = 256

// callStore holds a summary's calls in blocks that never move. A slice of
// tens of thousands of calls of a few hundred bytes, grown by append,
// copies itself at each growth and leaves each old copy for the
// collector: that garbage was most of a scan's peak memory.
type callStore struct {
	blocks [][]Call
	n      int
}

func (cs *callStore) len() int { return cs.n }

// at returns the i-th call added.
func (cs *callStore) at(i int32) *Call { return &cs.blocks[i/callBlock][i%callBlock] }

// add adds c and returns its index.
func (cs *callStore) add(c Call) int32 {
	if cs.n%callBlock == 0 {
		cs.blocks = append(cs.blocks, make([]Call, 0, callBlock))
	}
	b := &cs.blocks[len(cs.blocks)-1]
	*b = append(*b, c)
	cs.n++
	return int32(cs.n - 1)
}

// all yields each call with its index, in the order they were added.
func (cs *callStore) all() iter.Seq2[int32, *Call] {
	return func(yield func(int32, *Call) bool) {
		for k, b := range cs.blocks {
			for j := range b {
				if !yield(int32(k*callBlock+j), &b[j]) {
					return
				}
			}
		}
	}
}
