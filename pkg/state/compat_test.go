package state

import "testing"

// TestSourceOfV1 gives the calls of a format 1 state the source evidence
// found for them then, by path.
func TestSourceOfV1(t *testing.T) {
	for _, c := range []struct {
		sources []string
		path    string
		want    string
	}{
		{[]string{"logs"}, "logs/AWSLogs/x.json.gz", "logs"},
		{[]string{"logs"}, "elsewhere/x.json.gz", "logs"},
		{[]string{"logs", "logs/old"}, "logs/old/x.json.gz", "logs/old"},
		{[]string{"logs", "logs/old"}, "logs/new/x.json.gz", "logs"},
		{[]string{"./logs/", "s3://b/logs"}, "logs/x.json.gz", "./logs/"},
		{[]string{"./logs/", "s3://b/logs"}, "s3://b/logs/x.json.gz", "s3://b/logs"},
		{[]string{"a", "b"}, "c/x.json.gz", ""},
	} {
		if got := sourceOfV1(c.sources, c.path); got != c.want {
			t.Errorf("sourceOfV1(%q, %s) = %q, want %q", c.sources, c.path, got, c.want)
		}
	}
}
