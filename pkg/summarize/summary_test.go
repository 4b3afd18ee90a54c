package summarize

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/trailscan/trailscan/pkg/parse"
)

// TestIntern checks that a call made from a transient event keeps its strings
// when the event's memory is reused, and shares the repeated ones.
func TestIntern(t *testing.T) {
	buf := []byte("evt-1ec2.amazonaws.comDescribeInstances")
	str := func(i, j int) string { return unsafe.String(&buf[i], j-i) }
	strs := Interner{}
	var calls []Call
	for range 2 {
		ev := parse.Event{EventID: str(0, 5), EventSource: str(5, 22), EventName: str(22, len(buf))}
		c := NewCall(&ev, "f")
		c.Intern(strs)
		calls = append(calls, c)
	}
	for i := range buf {
		buf[i] = 'x'
	}
	for _, c := range calls {
		if c.ID != "evt-1" || c.Service != "ec2.amazonaws.com" || c.Action != "DescribeInstances" {
			t.Fatalf("after the event's memory was reused: %+v", c)
		}
	}
	if unsafe.StringData(calls[0].Service) != unsafe.StringData(calls[1].Service) {
		t.Error("the service is not shared between calls")
	}
}

// TestCallsOrder checks Calls against a plain sort by inOrder: time, then
// event ID, zero times and sub-second times included.
func TestCallsOrder(t *testing.T) {
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	times := []time.Time{{}, base, base.Add(time.Nanosecond), base.Add(-time.Hour), base.AddDate(-3000, 0, 0)}
	s := New()
	var want []Call
	for i := range 40 {
		c := Call{Event: Event{ID: fmt.Sprintf("e%d", (i*7)%40), Time: times[i%len(times)]}, File: "f"}
		s.AddCall(c)
		want = append(want, c)
	}
	slices.SortFunc(want, func(a, b Call) int { return inOrder(a.Time, a.ID, b.Time, b.ID) })
	if got := s.Calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("Calls() = %v\nwant %v", got, want)
	}
}
