package parse

import "fmt"

// lookup reads a top-level object of `aws cloudtrail lookup-events`
// output whose { is at s.i: a page, {"Events":[...],"NextToken":...}, or
// one Event, as written one a line. Each Event holds its record as a
// string, CloudTrailEvent.
func (d *Reader) lookup(fn func(*Event) error, n *int64) error {
	s := &d.s
	at := s.pos()
	s.i++
	var ev *Event
	page, event := false, false
	err := s.eachMember(func(k []byte) error {
		var err error
		switch string(k) {
		case "Events":
			page = true
			err = d.wrappers("Events", "CloudTrailEvent", fn, n)
		case "CloudTrailEvent":
			event = true
			ev, err = d.embedded("CloudTrailEvent")
		default:
			err = s.skip(1)
		}
		if err == nil && page && event {
			err = fmt.Errorf("%w: the object at byte %d is both a page of events and an event", ErrNotCloudTrail, at)
		}
		return err
	})
	if err != nil || page {
		return err
	}
	return d.emit(fn, n, ev, "object", at)
}
