package parse

import (
	"fmt"
	"io"
)

// Vector reports whether this CPU indexes buffers, so that the fast path
// runs.
var Vector = vector

// FastRecords is the number of records d has read by the fast path.
func (d *Reader) FastRecords() int64 { return d.fast }

// Unquoter reads the contents of the JSON string at the start of r,
// decoded, as a record in a string is read.
func Unquoter(r io.Reader) (io.Reader, error) {
	var s scanner
	s.reset(r)
	if c, err := s.next(); err != nil || c != '"' {
		return nil, fmt.Errorf("not a string: %q, %v", c, err)
	}
	u := &unquoter{}
	u.reset(&s)
	return u, nil
}

// IndexBlocks is indexBlocks, for the benchmarks, and Indexers names the
// indexers this CPU runs by its noAVX512 argument.
var (
	IndexBlocks = indexBlocks
	Indexers    = indexers
)

// QuoteSlack is the room past the last quote IndexBlocks needs.
const QuoteSlack = quoteSlack
