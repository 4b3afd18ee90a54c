package scan_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/trail"
)

// TestFilesOutOfScope: a file read whole counts as out of scope when none
// of its events, of any caller, is in the scope; an empty file is too.
// When every file read is, the scan had nothing to look at.
func TestFilesOutOfScope(t *testing.T) {
	dir := t.TempDir()
	for name, doc := range map[string]string{
		// Outside the layout: no folder is left out, every event is checked.
		"a.json": `{"Records":[` + record("111122223333", "us-east-1", "2026-10-01T10:00:00Z") + `,` + record("444455556666", "eu-west-1", "2026-10-03T10:00:00Z") + `]}`,
		"b.json": `{"Records":[` + record("444455556666", "eu-west-1", "2026-10-02T10:00:00Z") + `]}`,
		"c.json": `{"Records":[]}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	day := func(d int) time.Time { return time.Date(2026, 10, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name  string
		scope trail.Scope
		out   int
	}{
		{"everything", trail.Scope{}, 1},
		{"one account", trail.Scope{Accounts: []string{"111122223333"}}, 2},
		{"the other account", trail.Scope{Accounts: []string{"444455556666"}}, 1},
		{"a region no event is in", trail.Scope{Regions: []string{"ap-south-1"}}, 3},
		{"a day", trail.Scope{Since: day(2), Until: day(3)}, 2},
		{"after the last event", trail.Scope{Since: day(4)}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, dir, scan.Config{Scope: c.scope})
			if r.FilesScanned != 3 || r.FilesOutOfScope != c.out {
				t.Errorf("files scanned %d, out of scope %d; want 3 and %d", r.FilesScanned, r.FilesOutOfScope, c.out)
			}
		})
	}
}

// record is an event of someone other than Support.
func record(account, region, at string) string {
	return `{"eventTime":"` + at + `","eventSource":"ec2.amazonaws.com","eventName":"DescribeVpcs","awsRegion":"` + region +
		`","recipientAccountId":"` + account + `","eventID":"` + account + at + `","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::` + account + `:user/alice"}}`
}
