package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/pkg/diff"
)

// TestDiffGolden compares two hand-made reports, last month's (partial: a
// file could not be read) and this month's (with an action name that tries
// to inject markup and terminal escapes), in each format.
func TestDiffGolden(t *testing.T) {
	var reports []diff.Report
	for _, name := range []string{"diff-old.json", "diff-new.json"} {
		f, err := os.Open(filepath.Join(goldenDir, name))
		if err != nil {
			t.Fatal(err)
		}
		r, err := diff.Read(name, f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, r)
	}
	d := diff.Compare(reports[0], reports[1])
	for _, format := range DiffFormats {
		var b bytes.Buffer
		if err := WriteDiff(&b, format, d); err != nil {
			t.Fatal(err)
		}
		golden(t, "diff."+format, b.Bytes())
	}
}

// TestDiffTableCut: the table shows the first rows of a long section and
// says how many more JSON and HTML hold; those show them all.
func TestDiffTableCut(t *testing.T) {
	var d diff.Diff
	for i := range diffRows + 5 {
		d.NewActions = append(d.NewActions, diff.Action{Service: "ec2.amazonaws.com", Action: fmt.Sprintf("Action%02d", i), Count: 1})
	}
	for _, c := range []struct {
		format     string
		rows, more int
	}{{"table", diffRows, 1}, {"json", diffRows + 5, 0}, {"html", diffRows + 5, 0}} {
		var b bytes.Buffer
		if err := WriteDiff(&b, c.format, d); err != nil {
			t.Fatal(err)
		}
		if got := len(regexp.MustCompile(`Action\d\d`).FindAllString(b.String(), -1)); got != c.rows {
			t.Errorf("%s: %d actions shown, want %d", c.format, got, c.rows)
		}
		if got := strings.Count(b.String(), "... 5 more (see -f json, -f html)"); got != c.more {
			t.Errorf("%s: %d cut notes, want %d", c.format, got, c.more)
		}
	}
	if err := WriteDiff(&bytes.Buffer{}, "csv", d); err == nil {
		t.Error("a comparison written as CSV")
	}
}
