package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

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
	if err := Integrity(new(bytes.Buffer), "xml", f); err == nil {
		t.Error("Integrity wrote xml")
	}
}

// TestIntegrityCSV: one row per finding, each value kept from being read
// as a formula; a clean archive is the header alone.
func TestIntegrityCSV(t *testing.T) {
	const (
		log    = "logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/111122223333_CloudTrail_us-east-1_20261001T0005Z_a.json.gz"
		digest = "logs/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261001T010000Z.json.gz"
	)
	head := []string{"kind", "path", "digest", "reason", "account", "region", "from", "until"}
	from, until := time.Date(2026, 10, 1, 13, 0, 0, 0, time.UTC), time.Date(2026, 10, 1, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		f    integrity.Findings
		want [][]string
	}{
		{"clean", integrity.Findings{}, [][]string{head}},
		{"every kind", integrity.Findings{
			Altered:        []integrity.LogFinding{{Path: log, Digest: digest}},
			Missing:        []integrity.LogFinding{{Path: "s3://b/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/m.json.gz", Digest: digest}},
			Unlisted:       []integrity.LogFinding{{Path: "=HYPERLINK(\"http://x\")"}},
			InvalidDigests: []integrity.InvalidDigest{{Path: digest, Error: "-1 bytes: cannot be read"}},
			ChainGaps:      []integrity.ChainGap{{Account: "111122223333", Region: "us-east-1", From: from, Until: until, Digest: digest}},
			Unsigned:       []integrity.UnsignedDigest{{Path: digest, Reason: "newest digest of its chain"}},
		}, [][]string{
			head,
			{"altered", log, digest, "", "111122223333", "us-east-1", "", ""},
			{"missing", "s3://b/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/m.json.gz", digest, "", "111122223333", "us-east-1", "", ""},
			{"unlisted", "'=HYPERLINK(\"http://x\")", "", "", "", "", "", ""},
			{"invalid_digest", digest, "", "'-1 bytes: cannot be read", "111122223333", "us-east-1", "", ""},
			{"chain_gap", "", digest, "its predecessor is absent", "111122223333", "us-east-1", "2026-10-01T13:00:00Z", "2026-10-01T15:00:00Z"},
			{"unsigned", digest, "", "newest digest of its chain", "111122223333", "us-east-1", "", ""},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := Integrity(&out, "csv", c.f); err != nil {
				t.Fatal(err)
			}
			got, err := csv.NewReader(&out).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, c.want, slices.Equal) {
				t.Errorf("rows:\n%q\nwant:\n%q", got, c.want)
			}
		})
	}
}
