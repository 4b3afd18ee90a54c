package report

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/summarize"
)

var (
	//go:embed report.html.tmpl
	htmlSource string
	// pageScript sorts and filters the tables; pageStyle lays the page
	// out. The page's Content-Security-Policy lets these two run, by their
	// hashes, and nothing else: even a value that escaping missed could
	// neither run nor restyle the page.
	//go:embed report.js
	pageScript string
	//go:embed report.css
	pageStyle string
)

// htmlTemplate is parsed once. html/template escapes every value by its
// context (text, attribute, URL, script): each string in a report comes from
// logs that anyone with API access can write to.
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"wrap": wrap,
	"time": summarize.Format,
}).Parse(htmlSource))

// HTML writes r as one self-contained page: no request leaves it when it
// is opened, and it holds no script or style from anywhere else. Its
// tables sort on a click on a column's head and filter as the reader
// types; below 640 pixels each row becomes a card, so that a phone need
// not scroll sideways.
func HTML(w io.Writer, r summarize.Result) error {
	r, err := cleaned(r)
	if err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	d := htmlData{
		Facts: factsOf(r), Chart: chartOf(r), Sections: htmlSections(r),
		Script: template.JS(pageScript), Style: template.CSS(pageStyle),
		ScriptHash: hash(pageScript), StyleHash: hash(pageStyle), Integrity: r.Integrity,
	}
	if err := htmlTemplate.Execute(w, d); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

type htmlData struct {
	Facts                 []fact
	Chart                 chart
	Sections              []htmlSection
	Script                template.JS
	Style                 template.CSS
	ScriptHash, StyleHash string
	Integrity             *integrity.Findings
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}

// htmlSection is a section as the page shows it: every row, and the
// columns the page shows.
type htmlSection struct {
	Name, Title string
	Heads       []htmlCell
	Rows        []htmlRow
}

type htmlRow struct {
	Hot   bool
	Cells []htmlCell
}

type htmlCell struct {
	Label, Text, Class string
}

// classes are the styles of each kind of column; the script sorts
// columns of class "n" as numbers.
var classes = map[kind]string{text: "", code: "code", number: "n", moment: "t"}

func htmlSections(r summarize.Result) []htmlSection {
	var out []htmlSection
	for _, s := range sectionsOf(r) {
		h := htmlSection{Name: s.name, Title: s.title}
		var idx []int
		for i, c := range s.cols {
			if c.in&inHTML != 0 {
				idx = append(idx, i)
				h.Heads = append(h.Heads, htmlCell{Label: c.label, Class: classes[c.kind]})
			}
		}
		for _, row := range s.rows {
			hr := htmlRow{Hot: row.hot}
			for j, i := range idx {
				hr.Cells = append(hr.Cells, htmlCell{Label: h.Heads[j].Label, Text: row.cells[i], Class: h.Heads[j].Class})
			}
			h.Rows = append(h.Rows, hr)
		}
		out = append(out, h)
	}
	return out
}

// wrap escapes s and lets the browser break it only where a reader would.
// A word (between spaces) of at most keepWord characters never breaks,
// not even after a hyphen. A longer word, such as a session name, a path
// or an ARN, may break after the punctuation of names and paths
// (- / : . _ , = @) and, where a stretch between those is longer than
// longStretch, between the words of a camel-case name, before a number,
// or failing those every longStretch characters. A cell then never breaks
// inside a name that fits, and never forces the page wider than a phone.
func wrap(s string) template.HTML {
	var b strings.Builder
	for i, word := range strings.Split(s, " ") {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch {
		case utf8.RuneCountInString(word) > keepWord:
			for word != "" {
				j := strings.IndexAny(word, punctuation)
				if j < 0 {
					writeStretch(&b, word)
					break
				}
				writeStretch(&b, word[:j])
				b.WriteString(template.HTMLEscapeString(word[j : j+1]))
				if word = word[j+1:]; word != "" {
					b.WriteString("<wbr>")
				}
			}
		case strings.Contains(word, "-"): // where browsers break on their own
			b.WriteString(`<span class="nb">` + template.HTMLEscapeString(word) + `</span>`)
		default:
			b.WriteString(template.HTMLEscapeString(word))
		}
	}
	return template.HTML(b.String())
}

const (
	// keepWord is the longest word kept whole: a time as the result
	// writes it.
	keepWord = len("2006-01-02T15:04:05Z")
	// longStretch is the longest stretch of a longer word kept whole:
	// about 120 pixels in the page's fixed-width font.
	longStretch = 16
	// punctuation is where a long word may break: after any of these (all
	// ASCII, so one byte each).
	punctuation = "-/:._,=@"
)

func writeStretch(b *strings.Builder, s string) {
	rs := []rune(s)
	// Only a name in camel case has words to break between: a hex ID
	// has none, though letters follow digits in it.
	camel := strings.ContainsFunc(s, unicode.IsUpper)
	run := 0 // characters since the last place to break
	for i, r := range rs {
		if len(rs) > longStretch && run > 0 && (camel && wordStarts(rs, i) || run >= longStretch) {
			b.WriteString("<wbr>")
			run = 0
		}
		b.WriteString(template.HTMLEscapeString(string(r)))
		run++
	}
}

// wordStarts reports whether a word of a name starts at rs[i]: Function
// in GetFunction, or 20150331 in Configuration20150331 (but not the 2 of
// v2).
func wordStarts(rs []rune, i int) bool {
	prev, r := rs[i-1], rs[i]
	next := i+1 < len(rs) && unicode.IsDigit(rs[i+1])
	return unicode.IsLower(prev) && unicode.IsUpper(r) || unicode.IsLetter(prev) && unicode.IsDigit(r) && next
}

// cleaned returns a deep copy of r with every string passed through Clean.
// html/template stops markup; Clean also makes visible what a browser
// would silently obey, such as a bidirectional override that reorders a
// cell so that it reads as something else.
func cleaned[T any](r T) (T, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return r, err
	}
	var c T
	if err := json.Unmarshal(b, &c); err != nil {
		return r, err
	}
	cleanStrings(reflect.ValueOf(&c).Elem())
	return c, nil
}

func cleanStrings(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(Clean(v.String()))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			cleanStrings(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			cleanStrings(v.Index(i))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			cleanStrings(v.Elem())
		}
	}
}
