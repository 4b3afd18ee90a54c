package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/trailscan/trailscan/pkg/atomicfile"
	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

// Version is the state format this code writes. A newer one is refused:
// an older trailscan cannot know what it would lose by rewriting it. An
// older one is read (see readV1) and saved in this one.
//
// Format 1 held the summary in a form of its own; format 2 holds the one
// serialised summary, summarize.Snapshot, that shard parts hold too.
const Version = 2

// State is what an incremental run keeps between runs.
type State struct {
	Version int         `json:"version"`
	Sources []string    `json:"sources"`
	Scope   trail.Scope `json:"scope"` // a state made with one scope means nothing for another
	// Objects are the objects read so far (or that failed), by path.
	Objects map[string]Object `json:"objects"`
	// Summary is the cumulative result of every object read so far.
	Summary summarize.Snapshot `json:"summary"`
	// Ledger is, for a state of scans that verify their logs, the hashes
	// and digests of every object read so far (see verifying).
	Ledger *integrity.Ledger `json:"integrity,omitempty"`
}

// Object is what identifies the version of an object that was read: a
// new version (another size, ETag or modification time) is read again.
type Object struct {
	Size    int64     `json:"size"`
	ETag    string    `json:"etag,omitempty"`
	ModTime time.Time `json:"mtime,omitzero"`
	Failed  bool      `json:"failed,omitempty"` // read again next run
}

func objectOf(o source.Object) Object {
	return Object{Size: o.Size, ETag: o.ETag, ModTime: o.ModTime.UTC()}
}

func (a Object) same(b Object) bool {
	return a.Size == b.Size && a.ETag == b.ETag && a.ModTime.Equal(b.ModTime)
}

// New returns an empty state for a scan of sources within scope.
func New(sources []string, scope trail.Scope) *State {
	return &State{
		Version: Version, Sources: canonical(sources), Scope: scope,
		Objects: map[string]Object{}, Summary: summarize.New().Snapshot(),
	}
}

// MismatchError is a state file that belongs to another scan.
type MismatchError struct {
	Path, What string
	Have, Want any
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("state %s was made for another %s (%v, not %v)", e.Path, e.What, e.Have, e.Want)
}

// DamagedError is a state file that does not hold what trailscan saved:
// edited by hand or damaged. Read anyway, it could count objects twice or
// lose the result, and say nothing.
type DamagedError struct {
	Path string
	Err  error // what is wrong with it
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("state %s was edited or damaged: %v", e.Path, e.Err)
}

func (e *DamagedError) Unwrap() error { return e.Err }

// ErrNotFile is a state path that exists and is not a regular file: a
// named pipe would block the run for ever, and a device or a directory
// holds no state.
var ErrNotFile = errors.New("not a regular file")

// Load reads the state at path. A missing file is an error that
// errors.Is(err, fs.ErrNotExist) recognizes; a newer version is refused,
// and so is a file that is not regular (ErrNotFile) or whose checksum does
// not match its content (*DamagedError).
func Load(path string) (*State, error) {
	b, err := readRegular(path)
	if err != nil {
		return nil, err
	}
	var probe struct {
		Version  int    `json:"version"`
		Checksum string `json:"checksum"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, &DamagedError{Path: path, Err: err}
	}
	var s State
	switch probe.Version {
	case Version:
		if err := verify(b, probe.Checksum != ""); err != nil {
			return nil, &DamagedError{Path: path, Err: err}
		}
		err = json.Unmarshal(b, &s)
	case 1:
		// Format 1 had no checksum: one that has one was made from a
		// later format by hand.
		if probe.Checksum != "" {
			return nil, &DamagedError{Path: path, Err: errors.New("it has a checksum, which format 1 never had")}
		}
		s, err = readV1(b)
	case 0:
		return nil, fmt.Errorf("read state %s: it has no format version: it is not a trailscan state", path)
	default:
		return nil, fmt.Errorf("read state %s: format version %d is not one this trailscan reads (1 to %d)", path, probe.Version, Version)
	}
	if err != nil {
		return nil, &DamagedError{Path: path, Err: err}
	}
	if s.Objects == nil {
		s.Objects = map[string]Object{}
	}
	if _, err := s.Summary.Summary(); err != nil {
		return nil, &DamagedError{Path: path, Err: err}
	}
	return &s, nil
}

// readRegular reads the file at path, which must be a regular file. It is
// opened without waiting for a writer, so that a named pipe is refused,
// not waited on.
func readRegular(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("state %s is a %s: %w", path, kind(st.Mode()), ErrNotFile)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	return b, nil
}

// kind names what a file that is not regular is.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// Check refuses a state made for other sources or another scope.
func (s *State) Check(path string, sources []string, scope trail.Scope) error {
	if want := canonical(sources); !slices.Equal(s.Sources, want) {
		return &MismatchError{Path: path, What: "source", Have: s.Sources, Want: want}
	}
	if !s.Scope.Equal(scope) {
		return &MismatchError{Path: path, What: "scope (--since, --until, --account, --region)", Have: s.Scope.String(), Want: scope.String()}
	}
	return nil
}

// afterTemp is called between writing the new state and renaming it into
// place; tests make it fail to show that a crash there loses nothing.
var afterTemp = func() error { return nil }

// Save writes s to path atomically (see atomicfile): a run killed at any
// moment leaves the previous state whole. The file carries a checksum of
// its content (see header), which Load checks. The state is readable by its
// owner only, as it names every object of the archive.
func (s *State) Save(path string) error {
	f, err := atomicfile.Create(path, 0o600)
	if err != nil {
		return fmt.Errorf("write state %s: %w", path, err)
	}
	defer f.Abort()
	body, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("write state %s: %w", path, err)
	}
	body = append(body, '\n')
	if _, err := f.Write(header(body)); err != nil {
		return fmt.Errorf("write state %s: %w", path, err)
	}
	if _, err := f.Write(body[1:]); err != nil {
		return fmt.Errorf("write state %s: %w", path, err)
	}
	if err := afterTemp(); err != nil {
		return fmt.Errorf("write state %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("write state %s: %w", path, err)
	}
	return nil
}

func canonical(xs []string) []string {
	out := slices.Compact(slices.Sorted(slices.Values(xs)))
	if out == nil {
		out = []string{}
	}
	return out
}

// run follows one scan against a state: which objects it skipped, read,
// found changed. Select and Done are called from different goroutines.
type run struct {
	st      *State
	ledger  *integrity.Ledger // this run's, when verifying
	mu      sync.Mutex
	listed  map[string]bool
	read    map[string]Object // read this run, or failed
	changed []string          // read before, successfully, and now different
}

func newRun(st *State) *run {
	return &run{st: st, listed: map[string]bool{}, read: map[string]Object{}}
}

// selectFn keeps the objects that next keeps and that the state has not
// read in this version.
func (r *run) selectFn(next func(source.Object) bool) func(source.Object) bool {
	return func(o source.Object) bool {
		if next != nil && !next(o) {
			return false
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.listed[o.Path] = true
		old, ok := r.st.Objects[o.Path]
		switch {
		case !ok || old.Failed:
			return true
		case old.same(objectOf(o)):
			return false
		}
		r.changed = append(r.changed, o.Path)
		return true
	}
}

func (r *run) done(o source.Object, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	obj := objectOf(o)
	obj.Failed = err != nil
	r.read[o.Path] = obj
}

// apply merges a run's summary into the state and returns the cumulative
// summary. Every object read this run first loses its old failure, then
// gains the run's outcome.
func (r *run) apply(sum *summarize.Summary) (*summarize.Summary, error) {
	cum, err := r.st.Summary.Summary()
	if err != nil {
		return nil, err
	}
	for path, obj := range r.read {
		cum.Forget(path)
		r.st.Objects[path] = obj
	}
	cum.Merge(sum)
	r.st.Summary = cum.Snapshot()
	if r.ledger != nil {
		r.st.Ledger.Merge(r.ledger)
	}
	return cum, nil
}
