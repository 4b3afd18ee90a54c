package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

const acct = "111122223333"

// record is one CloudTrail record: a Support call when session is set,
// someone else's call otherwise.
func record(id int, day int, session string, readOnly bool) string {
	who := `{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"}`
	if session != "" {
		who = fmt.Sprintf(`{"type":"AssumedRole","arn":"arn:aws:sts::%[1]s:assumed-role/AWSServiceRoleForSupport/%[2]s","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::%[1]s:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport","userName":"AWSServiceRoleForSupport"}}}`, acct, session)
	}
	return fmt.Sprintf(`{"eventTime":"2026-10-%02dT01:02:%02dZ","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","recipientAccountId":"%s","eventID":"ev-%04d","readOnly":%t,"userIdentity":%s}`,
		day, id%60, acct, id, readOnly, who)
}

// writeLog writes a log file of day holding records, under dir.
func writeLog(t *testing.T, dir string, day int, name string, records ...string) string {
	t.Helper()
	p := filepath.Join(dir, "AWSLogs", acct, "CloudTrail", "us-east-1", "2026", "10", fmt.Sprintf("%02d", day), acct+"_CloudTrail_us-east-1_"+name+".json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(`{"Records":[`+strings.Join(records, ",")+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sources(t *testing.T, dir string) []source.Source {
	s, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return []source.Source{s}
}

func full(t *testing.T, dir string, cfg scan.Config) summarize.Snapshot {
	t.Helper()
	sum, err := scan.Run(context.Background(), sources(t, dir), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sum.Snapshot()
}

func incremental(t *testing.T, dir, statePath string, cfg scan.Config) (summarize.Snapshot, Stats) {
	t.Helper()
	sum, stats, err := Scan(context.Background(), statePath, sources(t, dir), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sum.Snapshot(), stats
}

func sameAsFull(t *testing.T, step string, got, want summarize.Snapshot) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: incremental result differs from a full scan:\n got %+v\nwant %+v", step, got, want)
	}
}

// resumes checks that the next run with the state at sp reads read objects
// of dir, and gives what a full scan of dir gives.
func resumes(t *testing.T, step, dir, sp string, read int) {
	t.Helper()
	got, stats := incremental(t, dir, sp, scan.Config{})
	if stats.Read != read {
		t.Errorf("%s: read %d objects, want %d", step, stats.Read, read)
	}
	sameAsFull(t, step, got, full(t, dir, scan.Config{}))
}

// TestIdentity: N incremental runs over a growing archive give what one
// full scan of it gives, including a late delivery, a duplicate delivery,
// a damaged file that is later repaired, and an unchanged archive.
func TestIdentity(t *testing.T) {
	dir, sp := t.TempDir(), filepath.Join(t.TempDir(), "state.json")
	cfg := scan.Config{Jobs: 2}
	steps := []struct {
		name    string
		add     func()
		read    int
		changed bool
	}{
		{"first", func() {
			writeLog(t, dir, 1, "a", record(1, 1, "AWSSupport-1", true), record(2, 1, "", true))
			writeLog(t, dir, 1, "b", record(3, 1, "AWSSupport-1", false))
		}, 2, false},
		{"late and duplicate delivery, damaged file", func() {
			writeLog(t, dir, 2, "c", record(4, 1, "AWSSupport-2", true), record(1, 1, "AWSSupport-1", true))
			p := writeLog(t, dir, 2, "d", record(5, 2, "AWSSupport-2", true))
			os.Truncate(p, 40)
		}, 2, false},
		{"unchanged but for the damaged file, tried again", func() {}, 1, false},
		{"repaired", func() {
			writeLog(t, dir, 2, "d", record(5, 2, "AWSSupport-2", true), record(6, 2, "AWSSupport-2", true))
		}, 1, false},
		{"new day", func() {
			writeLog(t, dir, 3, "e", record(7, 3, "AWSSupport-3", true))
		}, 1, false},
		{"unchanged", func() {}, 0, false},
	}
	for _, s := range steps {
		s.add()
		got, stats := incremental(t, dir, sp, cfg)
		sameAsFull(t, s.name, got, full(t, dir, cfg))
		if stats.Read != s.read || stats.Rescanned != s.changed {
			t.Errorf("%s: read %d objects (rescan %v), want %d (%v)", s.name, stats.Read, stats.Rescanned, s.read, s.changed)
		}
	}
}

// TestChangedObject: an object read before that has changed makes the run
// read everything again, and the result is still a full scan's.
func TestChangedObject(t *testing.T) {
	dir, sp := t.TempDir(), filepath.Join(t.TempDir(), "state.json")
	writeLog(t, dir, 1, "a", record(1, 1, "AWSSupport-1", true))
	writeLog(t, dir, 1, "b", record(2, 1, "AWSSupport-1", true))
	incremental(t, dir, sp, scan.Config{})
	writeLog(t, dir, 1, "b", record(3, 1, "AWSSupport-1", true), record(4, 1, "", true))
	got, stats := incremental(t, dir, sp, scan.Config{})
	if !stats.Rescanned || stats.Changed != 1 {
		t.Errorf("stats = %+v, want a rescan for 1 changed object", stats)
	}
	sameAsFull(t, "changed", got, full(t, dir, scan.Config{}))
}

// TestCrashBeforeRename: a run that dies after writing the temporary file
// and before renaming it leaves the previous state byte for byte, and the
// next run neither loses nor double-counts anything.
func TestCrashBeforeRename(t *testing.T) {
	dir, sp := t.TempDir(), filepath.Join(t.TempDir(), "state.json")
	writeLog(t, dir, 1, "a", record(1, 1, "AWSSupport-1", true))
	incremental(t, dir, sp, scan.Config{})
	before, err := os.ReadFile(sp)
	if err != nil {
		t.Fatal(err)
	}
	writeLog(t, dir, 1, "b", record(2, 1, "AWSSupport-1", true))
	crash := errors.New("killed")
	afterTemp = func() error { return crash }
	_, _, err = Scan(context.Background(), sp, sources(t, dir), scan.Config{})
	afterTemp = func() error { return nil }
	if !errors.Is(err, crash) {
		t.Fatalf("Scan: %v, want the injected crash", err)
	}
	after, _ := os.ReadFile(sp)
	if !bytes.Equal(before, after) {
		t.Error("the state changed although the run died before renaming")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(sp), ".state.json.tmp*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	resumes(t, "after crash", dir, sp, 1) // the new one
}

// killedWhileReading is a source whose process is killed, by cancel, as
// soon as it has opened an object.
type killedWhileReading struct {
	source.Source
	cancel context.CancelFunc
}

func (s killedWhileReading) Open(ctx context.Context, o source.Object) (io.ReadCloser, error) {
	rc, err := s.Source.Open(ctx, o)
	s.cancel()
	return rc, err
}

// TestCrashMidScan: a run stopped while reading saves nothing.
func TestCrashMidScan(t *testing.T) {
	dir, sp := t.TempDir(), filepath.Join(t.TempDir(), "state.json")
	writeLog(t, dir, 1, "a", record(1, 1, "AWSSupport-1", true))
	incremental(t, dir, sp, scan.Config{})
	before, _ := os.ReadFile(sp)
	for i := range 5 {
		writeLog(t, dir, 2, fmt.Sprint("n", i), record(10+i, 2, "AWSSupport-2", true))
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopping := []source.Source{killedWhileReading{sources(t, dir)[0], cancel}}
	if _, _, err := Scan(ctx, sp, stopping, scan.Config{Jobs: 1}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Scan: %v, want context.Canceled", err)
	}
	if after, _ := os.ReadFile(sp); !bytes.Equal(before, after) {
		t.Error("a stopped run changed the state")
	}
	resumes(t, "after stop", dir, sp, 5)
}

func TestRefused(t *testing.T) {
	dir, sp := t.TempDir(), filepath.Join(t.TempDir(), "state.json")
	writeLog(t, dir, 1, "a", record(1, 1, "AWSSupport-1", true))
	incremental(t, dir, sp, scan.Config{})
	var mismatch *MismatchError

	if _, _, err := Scan(context.Background(), sp, sources(t, t.TempDir()), scan.Config{}); !errors.As(err, &mismatch) || mismatch.What != "source" {
		t.Errorf("another source: err = %v, want a source mismatch", err)
	}
	other := scan.Config{Scope: trail.Scope{Since: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}}
	if _, _, err := Scan(context.Background(), sp, sources(t, dir), other); !errors.As(err, &mismatch) || !strings.Contains(mismatch.What, "scope") {
		t.Errorf("another scope: err = %v, want a scope mismatch", err)
	}
	b, _ := os.ReadFile(sp)
	newer := fmt.Sprintf(`"version":%d,`, Version+1)
	os.WriteFile(sp, bytes.Replace(b, []byte(fmt.Sprintf(`"version":%d,`, Version)), []byte(newer), 1), 0o644)
	if _, _, err := Scan(context.Background(), sp, sources(t, dir), scan.Config{}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("version %d", Version+1)) {
		t.Errorf("newer version: err = %v, want a refusal", err)
	}
}

// TestChangedAndGone: a rescan forced by a changed object counts only what
// is still there, and says how many objects it dropped.
func TestChangedAndGone(t *testing.T) {
	dir, sp := t.TempDir(), filepath.Join(t.TempDir(), "state.json")
	writeLog(t, dir, 1, "a", record(1, 1, "AWSSupport-1", true))
	writeLog(t, dir, 1, "b", record(2, 1, "AWSSupport-1", true))
	gone := writeLog(t, dir, 1, "c", record(3, 1, "AWSSupport-1", true))
	incremental(t, dir, sp, scan.Config{})
	os.Remove(gone)
	writeLog(t, dir, 1, "b", record(4, 1, "AWSSupport-1", true))
	got, stats := incremental(t, dir, sp, scan.Config{})
	if !stats.Rescanned || stats.Dropped != 1 {
		t.Errorf("stats = %+v, want a rescan that dropped 1 object", stats)
	}
	sameAsFull(t, "changed and gone", got, full(t, dir, scan.Config{}))
}

// TestReadsFormat1 reads testdata/v1.state.json, written by the last
// release of format 1 from this directory:
//
//	trailscan scan --state testdata/v1.state.json --since 2026-10-02 --until 2026-10-04 \
//	    --region eu-west-1,us-east-1 --account 459474012442,139967081385 ../../testdata/sample/archive
//
// Its summary must be what a full scan gives, and a run with it must save
// it in the current format.
func TestReadsFormat1(t *testing.T) {
	const archive = "../../testdata/sample/archive"
	b, err := os.ReadFile("testdata/v1.state.json")
	if err != nil {
		t.Fatal(err)
	}
	sp := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(sp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := scan.Config{Scope: trail.Scope{
		Since:    time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC),
		Until:    time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC),
		Accounts: []string{"459474012442", "139967081385"},
		Regions:  []string{"eu-west-1", "us-east-1"},
	}}
	want := full(t, archive, cfg)
	if len(want.Calls) == 0 || len(want.Authorizations) == 0 || len(want.Failed) == 0 {
		t.Fatalf("the scope holds %d calls, %d authorizations, %d failed files: the test proves nothing", len(want.Calls), len(want.Authorizations), len(want.Failed))
	}
	st, err := Load(sp)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Check(sp, []string{archive}, cfg.Scope); err != nil {
		t.Fatal(err)
	}
	sum, err := st.Summary.Summary()
	if err != nil {
		t.Fatal(err)
	}
	// Format 1 did not count the files that held nothing in scope: as
	// read, it has none, which never makes a scan look empty.
	asRead := want
	asRead.FilesOutOfScope = 0
	// Nor did it keep error messages, what calls touched, or the Support
	// API calls naming a case.
	asRead.Calls = make([]summarize.Call, len(want.Calls))
	for i, c := range want.Calls {
		c.ErrorMessage = ""
		c.Resources, c.ResourcesMore = nil, 0
		c.RequestParameters, c.RequestParametersCut, c.RequestParametersBytes = "", false, 0
		asRead.Calls[i] = c
	}
	asRead.CaseCalls = nil
	sameAsFull(t, "format 1 as read", sum.Snapshot(), asRead)
	// The objects' modification times are the checkout's, so the run may
	// read everything again; either way the result is the full scan's.
	got, _ := incremental(t, archive, sp, cfg)
	sameAsFull(t, "format 1 after a run", got, want)
	saved, err := Load(sp)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != Version {
		t.Errorf("saved in format %d, want %d", saved.Version, Version)
	}
}
