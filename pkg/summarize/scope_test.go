package summarize

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestFilesOutOfScopeKept: the count of files that held nothing in scope
// goes through a snapshot (a state file, a shard's part) and a merge, so
// that an incremental run or a merge judges the whole scan; it is left
// out where it is 0, as every snapshot written before it was.
func TestFilesOutOfScopeKept(t *testing.T) {
	for _, c := range []struct {
		name    string
		out     int
		written string // in the snapshot's and the result's JSON; "" for absent
	}{
		{"none", 0, ""},
		{"some", 2, `"files_out_of_scope":2`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := sampleSummary()
			s.FilesOutOfScope = c.out
			sn, _ := json.Marshal(s.Snapshot())
			res, _ := json.Marshal(s.Result())
			for what, b := range map[string][]byte{"snapshot": sn, "result": res} {
				if has := strings.Contains(string(b), `"files_out_of_scope"`); has != (c.written != "") || !strings.Contains(string(b), c.written) {
					t.Errorf("%s: want %q in %s", what, c.written, b)
				}
			}
			got := readSnapshot(t, sn)
			got.Merge(s)
			if want := 2 * c.out; got.FilesOutOfScope != want || got.Result().FilesOutOfScope != want {
				t.Errorf("read back and merged with itself: %d files out of scope (result %d), want %d", got.FilesOutOfScope, got.Result().FilesOutOfScope, want)
			}
		})
	}
}
