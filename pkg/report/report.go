package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trailscan/trailscan/pkg/summarize"
)

// Formats are the names Write accepts.
var Formats = []string{"table", "json", "csv", "html"}

// Sections are the names Section accepts, in the order the table prints
// them after the summary: the main table (services and actions, or the
// groups of --by), sessions, notable calls, Support authorization events,
// and the files that could not be read.
var Sections = func() []string {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.name
	}
	return names
}()

// An Option changes what Write writes.
type Option func(*options)

type options struct {
	all     bool
	section string // "" for every section
}

// All makes the table print every row of every section. Without it each
// section shows its first rows and says how many more there are; JSON,
// CSV and HTML always hold every row.
func All() Option { return func(o *options) { o.all = true } }

// Section chooses the one section that CSV writes (by default "main") and
// that the table prints (by default all of them, after the summary).
// JSON and HTML always hold every section.
func Section(name string) (Option, error) {
	if !slices.Contains(Sections, name) {
		return nil, fmt.Errorf("unknown section %q (want one of %s)", name, strings.Join(Sections, ", "))
	}
	return func(o *options) { o.section = name }, nil
}

func optionsOf(opts []Option) options {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// Write writes r in the named format.
func Write(w io.Writer, format string, r summarize.Result, opts ...Option) error {
	switch format {
	case "table":
		return Table(w, r, opts...)
	case "json":
		return JSON(w, r)
	case "csv":
		return CSV(w, r, opts...)
	case "html":
		return HTML(w, r)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// JSON writes r as indented JSON.
func JSON(w io.Writer, r summarize.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Clean makes a logged string safe to print on a terminal: control and
// other unprintable characters (escape sequences, bidirectional overrides)
// and invalid UTF-8 are written as Go escapes, never raw.
func Clean(s string) string {
	if printable(s) {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

// printable reports whether Clean leaves s as it is.
func printable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
