package source

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNamedDays: a copy names the days of a region's runs, and those
// from the discovery's day to its own, once each, within the window, in
// runs it can name (see nameable).
func TestNamedDays(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	run := func(from, to time.Time) DayRun { return DayRun{from, to} }
	archive := []DayRun{run(day(2026, 9, 1), day(2026, 10, 2))}
	at := day(2026, 12, 2).Add(10 * time.Hour)
	tests := []struct {
		name        string
		runs        []DayRun
		at, now     time.Time
		first, last time.Time
		want        []DayRun
	}{
		{"made after the archive's last day", archive, at, at.Add(time.Hour), time.Time{}, time.Time{},
			[]DayRun{archive[0], run(day(2026, 12, 2), day(2026, 12, 2))}},
		{"listed days after", archive, at, at.AddDate(0, 0, 3), time.Time{}, time.Time{},
			[]DayRun{archive[0], run(day(2026, 12, 2), day(2026, 12, 5))}},
		{"made on the archive's last day", archive, day(2026, 10, 2).Add(time.Hour), day(2026, 10, 4), time.Time{}, time.Time{},
			[]DayRun{run(day(2026, 9, 1), day(2026, 10, 4))}},
		{"made the day after it", archive, day(2026, 10, 3), day(2026, 10, 3), time.Time{}, time.Time{},
			[]DayRun{run(day(2026, 9, 1), day(2026, 10, 3))}},
		{"a copy's clock behind", archive, at, at.AddDate(0, 0, -2), time.Time{}, time.Time{},
			[]DayRun{archive[0], run(day(2026, 12, 2), day(2026, 12, 2))}},
		{"a region with no day", nil, at, at, time.Time{}, time.Time{},
			[]DayRun{run(day(2026, 12, 2), day(2026, 12, 2))}},
		{"runs apart", []DayRun{run(day(2026, 7, 1), day(2026, 7, 31)), archive[0]}, at, at, time.Time{}, time.Time{},
			[]DayRun{run(day(2026, 7, 1), day(2026, 7, 31)), archive[0], run(day(2026, 12, 2), day(2026, 12, 2))}},
		{"a window with a start", archive, at, at, day(2026, 9, 20), time.Time{},
			[]DayRun{run(day(2026, 9, 20), day(2026, 10, 2)), run(day(2026, 12, 2), day(2026, 12, 2))}},
		{"a window with an end", archive, at, at, time.Time{}, day(2026, 9, 10),
			[]DayRun{run(day(2026, 9, 1), day(2026, 9, 10))}},
		{"a window after the runs", archive, at, at, day(2026, 12, 3), time.Time{}, nil},
		{"years of days", []DayRun{run(day(2024, 1, 1), day(2025, 12, 31))}, day(2026, 1, 1), day(2026, 1, 1), time.Time{}, time.Time{},
			[]DayRun{run(day(2024, 1, 1), day(2024, 12, 31)), run(day(2025, 1, 1), day(2026, 1, 1))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := namedDays(tt.runs, tt.at, tt.now, tt.first, tt.last)
			if !slices.Equal(got, tt.want) {
				t.Errorf("namedDays = %v, want %v", text(got), text(tt.want))
			}
			for _, r := range got {
				if !nameableDays(r.From, r.To) {
					t.Errorf("%v: a run a copy cannot name", text([]DayRun{r}))
				}
			}
		})
	}
}

func text(runs []DayRun) string {
	var s []string
	for _, r := range runs {
		b, _ := r.MarshalText()
		s = append(s, string(b))
	}
	return fmt.Sprint(s)
}

// TestDayRunText: a run of days reads back as written; one of another
// form, or backwards, is refused.
func TestDayRunText(t *testing.T) {
	tests := []struct {
		in, wantErr string
	}{
		{"2026/09/30", ""},
		{"2026/09/01-2026/10/02", ""},
		{"2026/9/30", "want YYYY/MM/DD"},
		{"2026/09", "want YYYY/MM/DD"},
		{"2026/10/02-2026/09/01", "first to last"},
		{"2026/09/01-", "want YYYY/MM/DD"},
		{"", "want YYYY/MM/DD"},
	}
	for _, tt := range tests {
		var r DayRun
		err := r.UnmarshalText([]byte(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: %v, want an error containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if b, _ := r.MarshalText(); err != nil || string(b) != tt.in {
			t.Errorf("%q reads back as %q (%v)", tt.in, b, err)
		}
	}
}
