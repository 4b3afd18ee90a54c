package parse

// Vector reports whether this CPU indexes buffers, so that the fast path
// runs.
var Vector = vector

// FastRecords is the number of records d has read by the fast path.
func (d *Reader) FastRecords() int64 { return d.fast }
