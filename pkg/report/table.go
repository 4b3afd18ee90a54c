package report

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/trailscan/trailscan/pkg/summarize"
)

const (
	// tableWidth is the widest line the table prints: a terminal of 100
	// columns shows every line whole.
	tableWidth = 100
	// tableRows is how many rows of each section the table prints without
	// All: about a screen per section.
	tableRows = 15
	gap       = 2 // spaces between columns
	// minuteWidth is a time as the table shows it, to the minute.
	minuteWidth = len("2006-01-02 15:04")
)

// moreHint ends a section the table did not print whole.
const moreHint = "(see --all, -f json, -f html)"

// Table writes r for a person, no line wider than 100 columns: first a
// summary (whether the result is complete, totals, the busiest services),
// then each section, its first rows only unless All is given, ending with
// how many more there are. Times are UTC, to the minute. Cells too long to
// fit are cut, with "…"; JSON, CSV and HTML keep them whole.
func Table(w io.Writer, r summarize.Result, opts ...Option) error {
	o := optionsOf(opts)
	var b bytes.Buffer
	if o.section != "" {
		writeSection(&b, sectionNamed(r, o.section), o.all)
	} else {
		if f := r.Integrity; f != nil {
			// Whether the answer is proven opens the report, whole: it
			// is the one line a reader must not lose to the width.
			b.WriteString(Clean(f.Headline()) + "\n")
		}
		writeFacts(&b, factsOf(r))
		for _, s := range sectionsOf(r) {
			if len(s.rows) > 0 {
				b.WriteByte('\n')
				writeSection(&b, s, o.all)
			}
		}
		if err := writeFindings(&b, r.Integrity); err != nil {
			return err
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func writeFacts(b *bytes.Buffer, facts []fact) {
	keyWidth := 0
	for _, f := range facts {
		keyWidth = max(keyWidth, len(f.Key)+1)
	}
	for _, f := range facts {
		line := fmt.Sprintf("%-*s  %s", keyWidth, f.Key+":", fit(f.Value, tableWidth-keyWidth-gap, false))
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
}

// (the first tableRows, or the section's own number, unless all) and,
// when some are left out, how many.
func writeSection(b *bytes.Buffer, s section, all bool) {
	limit := cmp.Or(s.tableRows, tableRows)
	// A tail saying "1 more" would take the line the row needs.
	cut := !all && len(s.rows) > limit+1
	title := s.title
	if cut && s.keeps != "" {
		title += "; shown: " + s.keeps
	}
	b.WriteString(fit(title, tableWidth, false))
	b.WriteByte('\n')
	shown := make([]int, len(s.rows))
	for i := range shown {
		shown[i] = i
	}
	if cut && s.rank != nil {
		shown = slices.Sorted(slices.Values(s.rank[:limit]))
	} else if cut {
		shown = shown[:limit]
	}
	var cols []column
	var idx []int // of cols in s.cols
	for i, c := range s.cols {
		if c.in&inTable != 0 && (!c.sparse || slices.ContainsFunc(shown, func(r int) bool { return s.rows[r].cells[i] != "" })) {
			cols, idx = append(cols, c), append(idx, i)
		}
	}
	cells := make([][]string, 0, len(shown)+1)
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = strings.ToUpper(c.label)
	}
	cells = append(cells, head)
	for _, r := range shown {
		line := make([]string, len(cols))
		for i, c := range cols {
			line[i] = tableCell(c, s.rows[r].cells[idx[i]])
		}
		cells = append(cells, line)
	}
	widths := layout(cols, cells)
	for row, line := range cells {
		var l strings.Builder
		for i, c := range cols {
			cell := line[i]
			if row > 0 {
				cell = fit(cell, widths[i], c.keepEnd)
			}
			if i > 0 {
				l.WriteString(strings.Repeat(" ", gap))
			}
			pad := strings.Repeat(" ", max(widths[i]-textWidth(cell), 0))
			if c.kind == number {
				l.WriteString(pad + cell)
			} else {
				l.WriteString(cell + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	if n := len(s.rows) - len(shown); n > 0 {
		fmt.Fprintf(b, "... %d more %s\n", n, moreHint)
	}
}

// tableCell is how the table shows a value: a time to the minute, or a
// dash for none.
func tableCell(c column, v string) string {
	if c.sparse && v == "" {
		return "-"
	}
	if c.kind == moment {
		if v == "" {
			return "-"
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t.UTC().Format("2006-01-02 15:04")
		}
	}
	return v
}

// layout gives each column the width of its widest cell, then narrows
// the widest column that may be cut, one column at a time, until a line
// fits in tableWidth or no column may be cut further.
func layout(cols []column, cells [][]string) []int {
	widths := make([]int, len(cols))
	least := make([]int, len(cols))
	for i, c := range cols {
		least[i] = textWidth(cells[0][i])
		switch {
		case c.cut > 0:
			least[i] = max(least[i], c.cut)
		case c.kind == moment:
			least[i] = max(least[i], minuteWidth)
		default: // counts: never cut
			least[i] = 0
		}
	}
	for _, line := range cells {
		for i, cell := range line {
			widths[i] = max(widths[i], textWidth(Clean(cell)))
		}
	}
	total := gap * (len(cols) - 1)
	for _, w := range widths {
		total += w
	}
	for total > tableWidth {
		j := -1
		for i, w := range widths {
			if least[i] > 0 && w > least[i] && (j < 0 || w > widths[j]) {
				j = i
			}
		}
		if j < 0 {
			break
		}
		widths[j]--
		total--
	}
	return widths
}

// fit is s as Clean writes it, cut to at most width columns with "…"
// where something was left out: at the end, or at the start if keepEnd.
// It never cuts inside a character or inside the escape Clean writes for
// one, so that what is left reads as it would have whole.
func fit(s string, width int, keepEnd bool) string {
	c := Clean(s)
	if textWidth(c) <= width {
		return c
	}
	quoted := !printable(s)
	var units []string // what Clean writes for each character of s, in the order taken
	used := 0
	for rest := s; rest != ""; {
		var size int
		if keepEnd {
			_, size = utf8.DecodeLastRuneInString(rest)
		} else {
			_, size = utf8.DecodeRuneInString(rest)
		}
		var ch string
		if keepEnd {
			ch, rest = rest[len(rest)-size:], rest[:len(rest)-size]
		} else {
			ch, rest = rest[:size], rest[size:]
		}
		if quoted {
			// Go quotes each character on its own, so the pieces join up to
			// what Clean writes for the whole.
			q := strconv.QuoteToGraphic(ch)
			ch = q[1 : len(q)-1]
		}
		w := textWidth(ch)
		if used+w > width-1 { // leave a column for "…"
			break
		}
		units, used = append(units, ch), used+w
	}
	if keepEnd {
		for i, j := 0, len(units)-1; i < j; i, j = i+1, j-1 {
			units[i], units[j] = units[j], units[i]
		}
		return "…" + strings.Join(units, "")
	}
	return strings.Join(units, "") + "…"
}

// textWidth is the number of terminal columns s takes, roughly as
// terminals count them: two for East Asian wide characters and most
// emoji, none for combining marks.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me):
		case wide(r):
			n += 2
		default:
			n++
		}
	}
	return n
}

func wide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x1100 && r <= 0x115f) || // Hangul Jamo initials
		(r >= 0x2e80 && r <= 0xa4cf) || // CJK radicals to Yi
		(r >= 0xf900 && r <= 0xfaff) || // CJK compatibility ideographs
		(r >= 0xfe30 && r <= 0xfe4f) || // CJK compatibility forms
		(r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6) || // fullwidth forms
		(r >= 0x1f300 && r <= 0x1f64f) || (r >= 0x1f900 && r <= 0x1f9ff) // emoji
}
