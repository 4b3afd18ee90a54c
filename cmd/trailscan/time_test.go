package main

import (
	"errors"
	"testing"
	"time"
)

// testClock is the time the tests' runs take for now: the day after the
// fixture archive's last.
var testClock = func() time.Time { return time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC) }

// TestParseTime: --since and --until take a time, a date (midnight UTC),
// or a duration before now, in UTC whatever the clock's zone; anything
// else is a usage error.
func TestParseTime(t *testing.T) {
	now := time.Date(2026, 10, 9, 14, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	for _, c := range []struct {
		in   string
		want time.Time // zero with ok: unbounded
		ok   bool
	}{
		{"", time.Time{}, true},
		{"2026-10-01", utc("2026-10-01T00:00:00Z"), true},
		{"2026-10-01T12:00:00+02:00", utc("2026-10-01T10:00:00Z"), true},
		{"90m", utc("2026-10-09T11:00:00Z"), true},
		{"24h", utc("2026-10-08T12:30:00Z"), true},
		{"1h30m", utc("2026-10-09T11:00:00Z"), true},
		{"7d", utc("2026-10-02T12:30:00Z"), true},
		{"0d", utc("2026-10-09T12:30:00Z"), true},
		{"yesterday", time.Time{}, false},
		{"7", time.Time{}, false},
		{"-7d", time.Time{}, false},
		{"-1h", time.Time{}, false},
		{"1.5d", time.Time{}, false},
		{"d", time.Time{}, false},
		{"7w", time.Time{}, false},
		{"99999999999d", time.Time{}, false},
	} {
		got, err := parseTime("--since", c.in, now)
		var u usageError
		switch {
		case c.ok && err != nil:
			t.Errorf("parseTime(%q): %v", c.in, err)
		case !c.ok && !errors.As(err, &u):
			t.Errorf("parseTime(%q) = %v, %v; want a usage error", c.in, got, err)
		case c.ok && (!got.Equal(c.want) || got.Location() != time.UTC):
			t.Errorf("parseTime(%q) = %v, want %v UTC", c.in, got, c.want)
		}
	}
}
