package state

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

// TestDamagedRefused: a state file changed after it was saved is refused,
// naming it, and left as it is, whatever the change: read, an object entry
// taken out would be read and counted twice, a summary taken out would
// empty the result.
func TestDamagedRefused(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, 1, "a", record(1, 1, "AWSSupport-1", true))
	writeLog(t, dir, 1, "b", record(2, 1, "AWSSupport-1", false))
	saved := filepath.Join(t.TempDir(), "state.json")
	incremental(t, dir, saved, scan.Config{})
	good, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	checksum := regexp.MustCompile(`"checksum":"sha256:([0-9a-f]{64})",`)
	for _, tt := range []struct {
		name string
		edit func([]byte) []byte
		says string
	}{
		{"object entry removed", func(b []byte) []byte {
			return regexp.MustCompile(`"[^"]*_a\.json":\{[^{}]*\},`).ReplaceAll(b, nil)
		}, "does not match its checksum"},
		{"summary removed", func(b []byte) []byte {
			return append(b[:bytes.Index(b, []byte(`,"summary":`))], "}\n"...)
		}, "does not match its checksum"},
		{"count edited", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"files_scanned":2,`), []byte(`"files_scanned":3,`), 1)
		}, "does not match its checksum"},
		{"checksum edited", func(b []byte) []byte {
			if m := checksum.FindSubmatchIndex(b); m != nil {
				b[m[2]] = map[bool]byte{true: '1', false: '0'}[b[m[2]] == '0']
			}
			return b
		}, "does not match its checksum"},
		{"checksum removed", func(b []byte) []byte {
			return checksum.ReplaceAll(b, nil)
		}, "has no checksum"},
		{"cut short", func(b []byte) []byte { return b[:len(b)/2] }, "unexpected end of JSON"},
		{"rewritten by a JSON tool", func(b []byte) []byte {
			var out bytes.Buffer
			json.Indent(&out, b, "", "  ")
			return out.Bytes()
		}, "not where trailscan writes it"},
		{"made format 1, checksum and all", func(b []byte) []byte {
			return bytes.Replace(b, []byte(fmt.Sprintf(`"version":%d,`, Version)), []byte(`"version":1,`), 1)
		}, "format 1 never had"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sp := filepath.Join(t.TempDir(), "state.json")
			edited := tt.edit(bytes.Clone(good))
			if bytes.Equal(edited, good) {
				t.Fatal("the edit changed nothing: the test proves nothing")
			}
			if err := os.WriteFile(sp, edited, 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := Scan(context.Background(), sp, sources(t, dir), scan.Config{})
			var damaged *DamagedError
			if !errors.As(err, &damaged) || damaged.Path != sp || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Scan: %v, want a *DamagedError for %s saying %q", err, sp, tt.says)
			}
			if now, _ := os.ReadFile(sp); !bytes.Equal(now, edited) {
				t.Error("the refused state file was rewritten")
			}
		})
	}
}

// TestSavedStateRead: what Save writes, Load reads back as it was,
// including text that JSON escapes or that is not UTF-8, and an empty
// state.
func TestSavedStateRead(t *testing.T) {
	odd := New([]string{"logs/<a>&b"}, trail.Scope{Since: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Accounts: []string{acct}})
	odd.Objects["logs/\xff.json"] = Object{Size: 3, ETag: `"e\u2028"`, ModTime: time.Date(2026, 10, 1, 2, 3, 4, 5, time.UTC)}
	sum := summarize.New()
	sum.AddCall(summarize.Call{Event: summarize.Event{ID: "e1", Time: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}, UserAgent: "a <b> & \x00\xfe", File: "logs/\xff.json"})
	sum.FilesScanned = 1
	odd.Summary = sum.Snapshot()
	for _, tt := range []struct {
		name string
		st   *State
	}{
		{"empty", New(nil, trail.Scope{})},
		{"escaped and not UTF-8", odd},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sp := filepath.Join(t.TempDir(), "state.json")
			if err := tt.st.Save(sp); err != nil {
				t.Fatal(err)
			}
			once, err := Load(sp)
			if err != nil {
				t.Fatalf("Load what Save wrote: %v", err)
			}
			// Strings that are not UTF-8 are saved as JSON can hold them;
			// from then on they are kept exactly.
			if err := once.Save(sp); err != nil {
				t.Fatal(err)
			}
			twice, err := Load(sp)
			if err != nil {
				t.Fatalf("Load what Save wrote: %v", err)
			}
			if !reflect.DeepEqual(once, twice) {
				t.Errorf("saved and read again:\n got %+v\nwant %+v", twice, once)
			}
		})
	}
}

// TestNotFileRefused: a state path that exists and is not a regular file
// is refused at once: a named pipe with no writer would block the run for
// ever, beyond Ctrl-C.
func TestNotFileRefused(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, 1, "a", record(1, 1, "AWSSupport-1", true))
	for _, tt := range []struct {
		name string
		make func(t *testing.T) string
		kind string
	}{
		{"named pipe", namedPipe, "named pipe"},
		{"directory", func(t *testing.T) string { return t.TempDir() }, "directory"},
		{"device", func(t *testing.T) string { return os.DevNull }, "device"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.make(t)
			done := make(chan error, 1)
			go func() {
				_, err := Load(p)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, ErrNotFile) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tt.kind) {
					t.Errorf("Load(%s): %v, want ErrNotFile naming it a %s", p, err, tt.kind)
				}
			case <-time.After(time.Minute):
				t.Fatalf("Load(%s) is still waiting after a minute", p)
			}
		})
	}
}

// TestSecondRunRefused: a run started while another holds the state fails
// at once, naming the process that holds it; once that run has ended, the
// next starts.
func TestSecondRunRefused(t *testing.T) {
	dir, sp := t.TempDir(), filepath.Join(t.TempDir(), "state.json")
	writeLog(t, dir, 1, "a", record(1, 1, "AWSSupport-1", true))
	first := held{Source: sources(t, dir)[0], opened: make(chan struct{}), release: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, _, err := Scan(context.Background(), sp, []source.Source{first}, scan.Config{Jobs: 1})
		done <- err
	}()
	<-first.opened
	_, _, err := Scan(context.Background(), sp, sources(t, dir), scan.Config{})
	var locked *LockedError
	if !errors.As(err, &locked) || locked.Path != sp || locked.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("a second run while the first reads: %v, want a *LockedError for %s naming pid %d", err, sp, os.Getpid())
	}
	close(first.release)
	if err := <-done; err != nil {
		t.Fatalf("the first run: %v", err)
	}
	resumes(t, "after the first run", dir, sp, 0)
}

// held is a source whose first Open says it has begun and waits for
// release: a run that holds its state for as long as a test needs.
type held struct {
	source.Source
	opened, release chan struct{}
}

func (s held) Open(ctx context.Context, o source.Object) (io.ReadCloser, error) {
	close(s.opened)
	<-s.release
	return s.Source.Open(ctx, o)
}
