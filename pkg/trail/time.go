package trail

import (
	"errors"
	"strconv"
	"time"
)

// eventTimeLayouts are the forms an eventTime arrives in: CloudTrail's
// own (RFC 3339, UTC, seconds), RFC 3339 with an offset or a fraction as
// exports rewrite it, and the "YYYY-MM-DD HH:MM:SS[.fraction]" of SIEM and
// data-lake exports, which is UTC.
var eventTimeLayouts = []struct {
	layout string
	utc    bool // no zone in the text: it is UTC
}{
	{time.RFC3339Nano, false}, // also reads RFC 3339 without a fraction
	{"2006-01-02 15:04:05.999999999", true},
	{"2006-01-02T15:04:05.999999999", true},
	{"2006-01-02 15:04:05.999999999Z07:00", false},
}

// ErrNoTime is returned by EventTime for an empty (absent or null) time.
var ErrNoTime = errors.New("no eventTime")

// EventTime reads an event's eventTime in any of the forms CloudTrail and
// the exports of its events write, and returns it in UTC.
func EventTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, ErrNoTime
	}
	// The common case, first and cheapest.
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	for _, l := range eventTimeLayouts {
		var t time.Time
		var err error
		if l.utc {
			t, err = time.ParseInLocation(l.layout, s, time.UTC)
		} else {
			t, err = time.Parse(l.layout, s)
		}
		if err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, &TimeError{Text: s}
}

// TimeError is an eventTime in no known form.
type TimeError struct{ Text string }

func (e *TimeError) Error() string {
	return "eventTime " + quote(e.Text) + " is not a time (want RFC 3339, or YYYY-MM-DD HH:MM:SS in UTC)"
}

// quote bounds and escapes a value from a log before it reaches a message.
func quote(s string) string {
	const limit = 64
	if len(s) > limit {
		s = s[:limit] + "..."
	}
	return strconv.QuoteToASCII(s)
}
