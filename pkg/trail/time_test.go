package trail_test

import (
	"errors"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"
)

func TestEventTime(t *testing.T) {
	want := time.Date(2026, 10, 5, 3, 1, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-10-05T03:01:00Z", want, true},
		{"2026-10-05T05:01:00+02:00", want, true},
		{"2026-10-05T03:01:00.000Z", want, true},
		{"2026-10-05T03:01:00.5Z", want.Add(500 * time.Millisecond), true},
		{"2026-10-05 03:01:00.000000000", want, true},
		{"2026-10-05 03:01:00", want, true},
		{"2026-10-05T03:01:00", want, true},
		{"2026-10-05 05:01:00+02:00", want, true},
		{"05/10/2026 03:01", time.Time{}, false},
		{"2026-13-05T03:01:00Z", time.Time{}, false},
		{"yesterday", time.Time{}, false},
	} {
		got, err := trail.EventTime(c.in)
		if (err == nil) != c.ok || !got.Equal(c.want) || c.ok && got.Location() != time.UTC {
			t.Errorf("EventTime(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
	if _, err := trail.EventTime(""); !errors.Is(err, trail.ErrNoTime) {
		t.Errorf("EventTime(\"\") = %v, want ErrNoTime", err)
	}
}

func BenchmarkEventTime(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := trail.EventTime("2026-10-05T03:01:00Z"); err != nil {
			b.Fatal(err)
		}
	}
}
