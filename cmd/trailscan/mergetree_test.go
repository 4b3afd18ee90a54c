package main

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/trailscan/trailscan/pkg/report"
)

// TestMergeTree: 16 shards merged as 4 groups of 4 with merge --part, then
// the 4 groups, print byte for byte what one merge of the 16 prints, in
// every format, and what one scan prints. A shard in two groups is refused.
func TestMergeTree(t *testing.T) {
	archive, err := filepath.Abs(sample)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var shards []string
	for i := range 16 {
		part := fmt.Sprintf("part-%02d.json", i)
		// The sample holds damaged files: a shard that meets one exits 3.
		if code, _, stderr := inDir(t, dir, "scan", "-q", "--shard", fmt.Sprintf("%d/16", i), "-f", "json", "-o", part, archive); code != exitOK && code != exitPartial {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
		shards = append(shards, part)
	}
	var groups []string
	for g := range 4 {
		args := []string{"merge", "-q", "--part", "-f", "json", "-o", fmt.Sprintf("group-%d.json", g)}
		for i := g; i < 16; i += 4 {
			args = append(args, shards[i])
		}
		if code, _, stderr := inDir(t, dir, args...); code != exitOK && code != exitPartial {
			t.Fatalf("group %d: exit %d: %s", g, code, stderr)
		}
		groups = append(groups, fmt.Sprintf("group-%d.json", g))
	}
	for _, f := range report.Formats {
		wantCode, want, wantErr := inDir(t, dir, append([]string{"merge", "-f", f}, shards...)...)
		code, got, stderr := inDir(t, dir, append([]string{"merge", "-f", f}, groups...)...)
		if code != wantCode || stderr != wantErr || code != exitPartial {
			t.Errorf("-f %s: exit %d, stderr %q; want %d, %q, the damaged files", f, code, stderr, wantCode, wantErr)
		}
		if got != want || len(want) < 1000 {
			t.Errorf("-f %s: the merge of the groups differs from one merge of the shards:%s", f, firstDiff(got, want))
		}
		if f == "table" {
			if _, full, _ := inDir(t, dir, "scan", "-q", archive); got != full {
				t.Errorf("the merge of the groups differs from one scan:%s", firstDiff(got, full))
			}
		}
	}
	// Shard 4 is in group 0; given again in another group, it is refused.
	if code, _, _ := inDir(t, dir, "merge", "-q", "--part", "-f", "json", "-o", "again.json", shards[4], shards[5]); code != exitOK && code != exitPartial {
		t.Fatalf("group of shards 4 and 5: exit %d", code)
	}
	code, _, stderr := inDir(t, dir, "merge", groups[0], "again.json", groups[2], groups[3])
	if want := "trailscan: error: group-0.json and again.json both hold shard 4/16: a shard merged twice would count its files twice\n"; code != exitFailed || stderr != want {
		t.Errorf("overlapping groups: exit %d, stderr %q; want 1, %q", code, stderr, want)
	}
}
