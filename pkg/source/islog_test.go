package source_test

import (
	"testing"

	"github.com/trailscan/trailscan/pkg/source"
)

func TestIsLog(t *testing.T) {
	for _, c := range []struct {
		name string
		want bool
	}{
		{"AWSLogs/1/CloudTrail/us-east-1/2026/10/01/1_CloudTrail_us-east-1_20261001T0005Z_abc.json.gz", true},
		{"export.json", true},
		{"events.jsonl", true},
		{"events.jsonl.gz", true},
		{"events.ndjson", true},
		{"events.ndjson.gz", true},
		{"notes.txt", false},
		{"events.gz", false},
		{"events.jsonl.bak", false},
		{"events.json.gz.tmp", false},
		{"jsonl", false},
	} {
		if got := source.IsLog(c.name); got != c.want {
			t.Errorf("IsLog(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}
