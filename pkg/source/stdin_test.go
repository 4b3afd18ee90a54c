package source_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/trail"
)

// TestStdin: a stream is one object, listed whatever the scope asks,
// named "-" as a source and "(stdin)" as a file; its bytes are read once,
// as they came; a second open is an error that names it.
func TestStdin(t *testing.T) {
	ctx := context.Background()
	src := source.NewStdin(strings.NewReader(`{"Records":[]}`))
	if src.String() != "-" {
		t.Errorf("String() = %q, want -", src.String())
	}
	outside := trail.Scope{Accounts: []string{"999988887777"}, Since: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	var objs []source.Object
	for range 2 { // listing does not read: a second listing finds it too
		if err := src.List(ctx, outside, func(o source.Object) error { objs = append(objs, o); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if len(objs) != 2 || objs[0] != objs[1] || objs[0].Path != "(stdin)" || objs[0].Key != "-" || objs[0].Err != nil {
		t.Fatalf("listed %+v, want one object (stdin) each time", objs)
	}
	rc, err := src.Open(ctx, objs[0])
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(b) != `{"Records":[]}` {
		t.Errorf("read %q, %v", b, err)
	}
	if _, err := src.Open(ctx, objs[0]); err == nil || !strings.Contains(err.Error(), "open (stdin): ") {
		t.Errorf("second open: %v, want an error naming (stdin)", err)
	}
}

// TestStdinStalled: a read waiting on a writer that sends nothing ends
// when ctx is done, as a scan stopped by Ctrl-C must.
func TestStdinStalled(t *testing.T) {
	stalled, w := io.Pipe() // nothing is ever written
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	src := source.NewStdin(stalled)
	var obj source.Object
	if err := src.List(ctx, trail.Scope{}, func(o source.Object) error { obj = o; return nil }); err != nil {
		t.Fatal(err)
	}
	rc, err := src.Open(ctx, obj)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	done := make(chan error, 1)
	go func() {
		_, err := rc.Read(make([]byte, 10))
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("read after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a read of a stalled stream did not end in 10 s after its context was cancelled")
	}
}
