package state

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/internal/signedtest"
	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/trail"
)

// TestVerifyCumulative: runs of a state that verify build one ledger. A
// first run that finds the last day's digests not yet written (as on a
// live trail) cannot verify that day's logs; the next run reads only the
// new digests, and proves what a single run of everything proves.
func TestVerifyCumulative(t *testing.T) {
	a := signedtest.New(t, gen.Config{Seed: 5, Days: 2, FilesPerDay: 2, RecordsPerFile: 5})
	dir, keys := a.Dir, a.Keys(t)
	verify := func(l *integrity.Ledger) integrity.Findings { return l.Verify(trail.Scope{}, keys) }

	whole := scan.Config{Ledger: integrity.NewLedger()}
	if _, err := scan.Run(context.Background(), sources(t, dir), whole); err != nil {
		t.Fatal(err)
	}
	want := verify(whole.Ledger)
	if want.Failed() || want.LogsVerified == 0 {
		t.Fatalf("the archive does not verify: %s", want.Headline())
	}

	// Hold back the digests of the last day's hours.
	day := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail-Digest", "us-east-1", "2026", "10", "02")
	held := filepath.Join(t.TempDir(), "held")
	entries, err := os.ReadDir(day)
	if err != nil || len(entries) == 0 {
		t.Fatalf("%d digests on the last day: %v", len(entries), err)
	}
	if err := os.Rename(day, held); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	first := scan.Config{Ledger: integrity.NewLedger()}
	if _, _, err := Scan(context.Background(), path, sources(t, dir), first); err != nil {
		t.Fatal(err)
	}
	if f := verify(first.Ledger); f.LogsVerified >= want.LogsVerified || f.Failed() && len(f.Unlisted) == 0 {
		t.Errorf("first run: %s", f.Headline())
	}

	if err := os.Rename(held, day); err != nil {
		t.Fatal(err)
	}
	second := scan.Config{Ledger: integrity.NewLedger()}
	_, stats, err := Scan(context.Background(), path, sources(t, dir), second)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Read != len(entries) {
		t.Errorf("second run read %d objects, want the %d new digests", stats.Read, len(entries))
	}
	got, _ := json.Marshal(verify(second.Ledger))
	if w, _ := json.Marshal(want); string(got) != string(w) {
		t.Errorf("cumulative:\n%s\nsingle run:\n%s", got, w)
	}
}

// TestVerifyMismatch: a state made verifying is refused to a run that does
// not, and the reverse: one would lack the hashes of the other's logs.
func TestVerifyMismatch(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, 1, "20261001T0105Z_a", record(1, 1, "AWSSupport-a", true))
	for _, c := range []struct {
		name        string
		first, then *integrity.Ledger
	}{
		{"made verifying", integrity.NewLedger(), nil},
		{"made without", nil, integrity.NewLedger()},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if _, _, err := Scan(context.Background(), path, sources(t, dir), scan.Config{Ledger: c.first}); err != nil {
				t.Fatal(err)
			}
			_, _, err := Scan(context.Background(), path, sources(t, dir), scan.Config{Ledger: c.then})
			if m, ok := errors.AsType[*MismatchError](err); !ok || !strings.Contains(m.What, "--verify") {
				t.Errorf("second run: %v, want a mismatch of --verify", err)
			}
		})
	}
}
