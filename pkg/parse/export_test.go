package parse

// Vector reports whether this CPU indexes buffers, so that the fast path
// runs.
var Vector = vector

// FastRecords is the number of records d has read by the fast path.
func (d *Reader) FastRecords() int64 { return d.fast }

// IndexBlocks is indexBlocks, for the benchmarks, and Indexers names the
// indexers this CPU runs by its noAVX512 argument.
var (
	IndexBlocks = indexBlocks
	Indexers    = indexers
)

// QuoteSlack is the room past the last quote IndexBlocks needs.
const QuoteSlack = quoteSlack
