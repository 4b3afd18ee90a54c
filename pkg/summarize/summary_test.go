package summarize

import (
	"testing"
	"unsafe"

	"github.com/trailscan/trailscan/pkg/parse"
)

// TestOwn checks that a call made from a transient event keeps its strings
// when the event's memory is reused, and shares the repeated ones.
func TestOwn(t *testing.T) {
	buf := []byte("evt-1ec2.amazonaws.comDescribeInstances")
	str := func(i, j int) string { return unsafe.String(&buf[i], j-i) }
	strs := Strings{}
	var calls []Call
	for range 2 {
		ev := parse.Event{EventID: str(0, 5), EventSource: str(5, 22), EventName: str(22, len(buf))}
		c := NewCall(&ev, "f")
		c.Own(strs)
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
