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
	"slices"

	"github.com/trailscan/trailscan/pkg/summarize"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate is parsed once. html/template escapes every value by its
// context (text, attribute, URL, script): each string in a report comes from
// logs that anyone with API access can write to.
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"short": summarize.ShortService,
	"time":  summarize.Format,
	"mark":  mark,
	"yesno": yesNo,
}).Parse(htmlSource))

// HTML writes r as one self-contained page: no request leaves it when it
// is opened, and it holds no script or style from anywhere else.
func HTML(w io.Writer, r summarize.Result) error {
	r, err := cleaned(r)
	if err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	d := htmlData{Result: r, Chart: chartOf(r.Days), Script: template.JS(pageScript), ScriptHash: scriptHash}
	if err := htmlTemplate.Execute(w, d); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

type htmlData struct {
	summarize.Result
	Chart      chart
	Script     template.JS // pageScript, ours
	ScriptHash string      // lets the page's Content-Security-Policy run it and nothing else
}

// pageScript filters the notable calls as the reader types, and marks the
// page so that a test can tell scripts ran at all. The page's
// Content-Security-Policy allows this script alone, by its hash: even a
// value that escaping missed could not run.
const pageScript = `(function () {
  document.documentElement.setAttribute("data-script", "ran");
  var f = document.getElementById("filter");
  if (!f) return;
  f.addEventListener("input", function () {
    var q = f.value.toLowerCase();
    document.querySelectorAll("#notable tbody tr").forEach(function (r) {
      r.style.display = r.textContent.toLowerCase().indexOf(q) < 0 ? "none" : "";
    });
  });
})();`

var scriptHash = func() string {
	h := sha256.Sum256([]byte(pageScript))
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}()

// chart is a stacked bar chart of Support calls per day by account, laid
// out here so that the page needs no script to draw it.
type chart struct {
	Width, Height int
	Bars          []bar
	Days          []axisLabel
	Ticks         []axisLabel
	Legend        []legendItem
}

type bar struct {
	X, Y, W, H   int
	Fill, Title  string
	Day, Account string
	Calls        int
}

type axisLabel struct {
	X, Y int
	Text string
}

type legendItem struct {
	Account, Fill string
}

// palette is colour-blind friendly (Okabe-Ito); accounts beyond it repeat.
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

const (
	chartLeft   = 48
	chartTop    = 10
	chartPlot   = 200 // height of the plot area
	chartBottom = 40
	maxBarWidth = 40
)

func chartOf(days []summarize.Day) chart {
	var dayNames, accounts []string
	total := map[string]int{}
	for _, d := range days {
		dayNames = append(dayNames, d.Day)
		accounts = append(accounts, d.Account)
		total[d.Day] += d.Calls
	}
	dayNames = slices.Compact(slices.Sorted(slices.Values(dayNames)))
	accounts = slices.Compact(slices.Sorted(slices.Values(accounts)))
	peak := 0
	for _, n := range total {
		peak = max(peak, n)
	}
	c := chart{Height: chartTop + chartPlot + chartBottom}
	if len(dayNames) == 0 {
		return c
	}
	step := max(min(maxBarWidth+8, 900/len(dayNames)), 3)
	barW := max(step*4/5, 2)
	c.Width = chartLeft + step*len(dayNames) + 10
	colour := map[string]string{}
	for i, a := range accounts {
		colour[a] = palette[i%len(palette)]
		c.Legend = append(c.Legend, legendItem{Account: a, Fill: colour[a]})
	}
	x := map[string]int{}
	labelEvery := max(1, (len(dayNames)+11)/12)
	for i, d := range dayNames {
		x[d] = chartLeft + i*step
		if i%labelEvery == 0 {
			c.Days = append(c.Days, axisLabel{X: x[d] + barW/2, Y: chartTop + chartPlot + 14, Text: d[5:]})
		}
	}
	for _, t := range []int{0, peak / 2, peak} {
		c.Ticks = append(c.Ticks, axisLabel{X: chartLeft - 6, Y: chartTop + chartPlot - t*chartPlot/max(peak, 1) + 4, Text: fmt.Sprint(t)})
	}
	stacked := map[string]int{} // calls already drawn per day
	for _, d := range days {    // in day, then account order
		below := stacked[d.Day]
		stacked[d.Day] += d.Calls
		y0 := chartTop + chartPlot - below*chartPlot/peak
		y1 := chartTop + chartPlot - stacked[d.Day]*chartPlot/peak
		c.Bars = append(c.Bars, bar{
			X: x[d.Day], Y: y1, W: barW, H: max(y0-y1, 1), Fill: colour[d.Account],
			Title: fmt.Sprintf("%s, account %s: %d calls", d.Day, d.Account, d.Calls),
			Day:   d.Day, Account: d.Account, Calls: d.Calls,
		})
	}
	return c
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
