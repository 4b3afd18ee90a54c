package report

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/trailscan/trailscan/pkg/summarize"
)

// CSV writes one section of r, whole, one row per item: by default the
// main table (one row per service and action, or with r.Groups one per
// group); see Section for the others. Every value goes through cell.
func CSV(w io.Writer, r summarize.Result, opts ...Option) error {
	s := sectionNamed(r, optionsOf(opts).section)
	var cols []int
	var head []string
	for i, c := range s.cols {
		if c.in&inCSV != 0 {
			cols, head = append(cols, i), append(head, c.name)
		}
	}
	cw := csv.NewWriter(w)
	for i, h := range head {
		head[i] = cell(h)
	}
	cw.Write(head)
	line := make([]string, len(cols))
	for _, r := range s.rows {
		for i, c := range cols {
			line[i] = cell(r.cells[c])
		}
		cw.Write(line)
	}
	cw.Flush()
	return cw.Error()
}

// cell keeps a spreadsheet from reading a logged string as a formula.
// Control characters are escaped as in the table: CSV often ends up on a
// terminal too.
func cell(s string) string {
	s = Clean(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
