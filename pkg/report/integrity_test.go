package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

// findings has an unlisted log whose path tries to inject markup and
// terminal escapes, and an invalid digest.
func findings(t *testing.T) integrity.Findings {
	t.Helper()
	l := integrity.NewLedger()
	l.AddLog("logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/111122223333_CloudTrail_us-east-1_20261001T0005Z_<script>\x1b[2J.json.gz", strings.Repeat("0", 64))
	l.AddUnreadableDigest("logs/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261001T010000Z.json.gz", errors.New("permission denied"))
	f := l.Verify(trail.Scope{}, nil)
	if len(f.Unlisted) != 1 || len(f.InvalidDigests) != 1 {
		t.Fatalf("findings %+v", f)
	}
	return f
}

// TestIntegrityReport: the table and the page open with the headline and
// list each finding, escaped; verify's report is those alone.
func TestIntegrityReport(t *testing.T) {
	f := findings(t)
	r := summarize.New().Result(summarize.WithIntegrity(f))
	verifyTable, verifyJSON := new(bytes.Buffer), new(bytes.Buffer)
	if err := Integrity(verifyTable, "table", f); err != nil {
		t.Fatal(err)
	}
	if err := Integrity(verifyJSON, "json", f); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		format string
		out    *bytes.Buffer
		want   []string
	}{
		{"table", nil, []string{"! unlisted  ", `_<script>\x1b[2J.json.gz`, "! invalid digest", "cannot be read: permission denied"}},
		{"html", nil, []string{`<p id="integrity" class="mark"><b>Not proven: 0 of 0 log files verified`, `<td class="mark">unlisted</td>`,
			`_&lt;script&gt;\x1b[2J.json.gz`, `<td class="mark">invalid digest</td>`}},
		{"verify table", verifyTable, []string{"! unlisted  ", "! invalid digest"}},
		{"verify json", verifyJSON, []string{`"integrity": {`, `"digests_read": 1,`, `"unlisted": [`}},
	} {
		t.Run(c.format, func(t *testing.T) {
			out := c.out
			if out == nil {
				out = new(bytes.Buffer)
				if err := Write(out, c.format, r); err != nil {
					t.Fatal(err)
				}
			}
			s := out.String()
			if strings.ContainsRune(s, 0x1b) || strings.Contains(s, "_<script>") && c.format == "html" {
				t.Errorf("unescaped:\n%s", s)
			}
			for _, w := range c.want {
				if !strings.Contains(s, w) {
					t.Errorf("no %q in:\n%s", w, s)
				}
			}
			if strings.Contains(c.format, "table") {
				if first, _, _ := strings.Cut(s, "\n"); first != f.Headline() {
					t.Errorf("first line %q, want the headline %q", first, f.Headline())
				}
			}
		})
	}
	if !json.Valid(verifyJSON.Bytes()) {
		t.Errorf("verify json: %s", verifyJSON)
	}
	if err := Integrity(new(bytes.Buffer), "csv", f); err == nil {
		t.Error("Integrity wrote csv")
	}
}
