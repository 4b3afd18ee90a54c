package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/trailscan/trailscan/pkg/summarize"
)

// chart is a stacked bar chart of Support calls per day by account, laid
// out here so that the page needs no script to draw it. The page scales
// it down to fit a narrow screen.
type chart struct {
	Width, Height int
	Left, Base    int // where the axes meet
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
	Label, Fill string
}

// palette is colour-blind friendly (Okabe-Ito). With more accounts than
// colours, the busiest keep one each and the rest share otherFill: a
// colour used twice would say two accounts are one.
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

const (
	otherFill    = "#999999"
	chartWidth   = 640
	chartLeft    = 44
	chartRight   = 8
	chartTop     = 10
	chartPlot    = 200 // height of the plot area
	chartBottom  = 24
	maxChartDays = 400 // a window longer than this is drawn from its first to its last call only
)

// chartOf draws r.Days over every day of the window, days without calls
// included: a gap in the bars is a day without Support calls, not a day
// left out.
func chartOf(r summarize.Result) chart {
	c := chart{Left: chartLeft, Base: chartTop + chartPlot, Height: chartTop + chartPlot + chartBottom}
	days := windowDays(r)
	if len(days) == 0 {
		return c
	}
	step := max((chartWidth-chartLeft-chartRight)/len(days), 1)
	barW := max(step*4/5, 1)
	c.Width = chartLeft + step*len(days) + chartRight

	label, legend := colours(r.Days)
	c.Legend = legend
	perDay := map[string]int{}
	calls := map[[2]string]int{} // day, series label
	for _, d := range r.Days {
		perDay[d.Day] += d.Calls
		calls[[2]string{d.Day, label[d.Account]}] += d.Calls
	}
	peak := 0
	for _, n := range perDay {
		peak = max(peak, n)
	}
	tick := niceStep(peak, 4)
	top := max(tick*((peak+tick-1)/tick), 1)
	for v := 0; v <= top; v += tick {
		c.Ticks = append(c.Ticks, axisLabel{X: chartLeft - 6, Y: c.Base - v*chartPlot/top, Text: fmt.Sprint(v)})
	}

	labelEvery := max(1, (len(days)+11)/12)
	for i, day := range days {
		x := chartLeft + i*step
		if i%labelEvery == 0 {
			c.Days = append(c.Days, axisLabel{X: x + barW/2, Y: c.Base + 16, Text: day[5:]})
		}
		below := 0
		for _, item := range legend {
			n := calls[[2]string{day, item.Label}]
			if n == 0 {
				continue
			}
			y0 := c.Base - below*chartPlot/top
			below += n
			y1 := c.Base - below*chartPlot/top
			c.Bars = append(c.Bars, bar{
				X: x, Y: y1, W: barW, H: max(y0-y1, 1), Fill: item.Fill,
				Title: fmt.Sprintf("%s, %s: %d calls", day, item.Label, n),
				Day:   day, Account: item.Label, Calls: n,
			})
		}
	}
	return c
}

// windowDays is every UTC day from the first to the last, of the calls
// and of the scope the scan was given when the result says it.
func windowDays(r summarize.Result) []string {
	var first, last time.Time
	for _, d := range r.Days {
		t, err := time.Parse(time.DateOnly, d.Day)
		if err != nil {
			continue
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	if first.IsZero() {
		return nil
	}
	from, to := first, last
	if r.Scan != nil {
		if s := r.Scan.Scope.Since; !s.IsZero() && s.Before(from) {
			from = s.UTC().Truncate(24 * time.Hour)
		}
		if u := r.Scan.Scope.Until; !u.IsZero() && u.After(to.Add(24*time.Hour)) {
			to = u.UTC().Add(-time.Nanosecond).Truncate(24 * time.Hour)
		}
	}
	if to.Sub(from) > maxChartDays*24*time.Hour {
		from, to = first, last
	}
	var days []string
	for t := from; !t.After(to) && len(days) <= maxChartDays; t = t.AddDate(0, 0, 1) {
		days = append(days, t.Format(time.DateOnly))
	}
	return days
}

// colours gives each account a colour in the legend, busiest first; with
// more accounts than the palette has colours, the last colour becomes "N
// other accounts". label maps each account to its series in the legend.
func colours(days []summarize.Day) (label map[string]string, legend []legendItem) {
	total := map[string]int{}
	for _, d := range days {
		total[d.Account] += d.Calls
	}
	accounts := make([]string, 0, len(total))
	for a := range total {
		accounts = append(accounts, a)
	}
	slices.SortFunc(accounts, func(a, b string) int { return cmp.Or(cmp.Compare(total[b], total[a]), cmp.Compare(a, b)) })
	label = map[string]string{}
	own := accounts
	if len(accounts) > len(palette) {
		own = accounts[:len(palette)-1]
	}
	for i, a := range own {
		label[a] = a
		legend = append(legend, legendItem{Label: a, Fill: palette[i]})
	}
	if rest := accounts[len(own):]; len(rest) > 0 {
		other := fmt.Sprintf("%d other accounts", len(rest))
		for _, a := range rest {
			label[a] = other
		}
		legend = append(legend, legendItem{Label: other, Fill: otherFill})
	}
	return label, legend
}

// niceStep is the step between about n ticks up to peak: 1, 2 or 5 times
// a power of ten, so that every tick is a round number.
func niceStep(peak, n int) int {
	raw := max(1, (peak+n-1)/n)
	for mag := 1; ; mag *= 10 {
		for _, m := range []int{1, 2, 5} {
			if m*mag >= raw {
				return m * mag
			}
		}
	}
}
