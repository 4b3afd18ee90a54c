package trail

import (
	"strconv"
	"strings"
	"time"
)

// Layout is what a key says about the logs below it, as far as the key
// goes: AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/.
type Layout struct {
	Org     string // o-xxxx for organization trails, else ""
	Account string
	Region  string
	Year    int
	Month   time.Month
	Day     int
}

// ParseLayout reads the layout levels of a key or key prefix. It reports
// false when the key holds no AWSLogs/ACCOUNT/CloudTrail/ path.
func ParseLayout(key string) (Layout, bool) {
	segs := strings.Split(strings.Trim(key, "/"), "/")
	i := len(segs) - 1
	for i >= 0 && segs[i] != "AWSLogs" {
		i--
	}
	if i < 0 {
		return Layout{}, false
	}
	rest := segs[i+1:]
	var l Layout
	if len(rest) > 0 && strings.HasPrefix(rest[0], "o-") {
		l.Org, rest = rest[0], rest[1:]
	}
	if len(rest) == 0 || !IsAccountID(rest[0]) {
		return Layout{}, false
	}
	l.Account = rest[0]
	if len(rest) > 1 && rest[1] != "CloudTrail" {
		return Layout{}, false
	}
	if len(rest) > 2 {
		l.Region = rest[2]
	}
	nums := []*int{&l.Year, (*int)(&l.Month), &l.Day}
	limits := []int{9999, 12, 31}
	for j, p := range nums {
		if len(rest) <= 3+j {
			break
		}
		n, err := strconv.Atoi(rest[3+j])
		if err != nil || n < 1 || n > limits[j] {
			// Not a date folder: no date levels, so never excluded by time.
			l.Year, l.Month, l.Day = 0, 0, 0
			break
		}
		*p = n
	}
	return l, true
}

// span is the time of the deliveries below a date folder (a year, a month
// or a day); dated is false above the date levels.
func (l Layout) span() (start, end time.Time, dated bool) {
	switch {
	case l.Day != 0:
		start = time.Date(l.Year, l.Month, l.Day, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 0, 1), true
	case l.Month != 0:
		start = time.Date(l.Year, l.Month, 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 1, 0), true
	case l.Year != 0:
		start = time.Date(l.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(1, 0, 0), true
	}
	return time.Time{}, time.Time{}, false
}

// Excludes reports whether no object below the folder dir (a slash-separated
// key prefix, with or without a trailing slash) can be a log with events in
// s. Digest and Insight folders are always excluded; a folder outside the
// CloudTrail layout never is. Listing too much costs time, never a wrong
// answer: the scan still checks every event.
func (s Scope) Excludes(dir string) bool {
	for seg := range strings.SplitSeq(strings.Trim(dir, "/"), "/") {
		if seg == "CloudTrail-Digest" || seg == "CloudTrail-Insight" {
			return true
		}
	}
	l, ok := ParseLayout(dir)
	if !ok {
		return false
	}
	if l.Account != "" && !s.HasAccount(l.Account) || l.Region != "" && !s.HasRegion(l.Region) {
		return true
	}
	start, end, dated := l.span()
	return dated && !s.delivered(start, end)
}

// Covers reports whether s wants every log below the layout folder dir, a
// region folder or one of its date folders: then one listing without a
// delimiter, a thousand keys a page, costs less than a listing per day.
// Nothing but date folders sits below a region, so this never reaches
// into a digest or Insight folder.
func (s Scope) Covers(dir string) bool {
	l, ok := ParseLayout(dir)
	if !ok || l.Region == "" {
		return false
	}
	start, end, dated := l.span()
	if !dated { // the region: all time
		return !s.Windowed()
	}
	return (s.Since.IsZero() || !s.Since.After(start)) &&
		(s.Until.IsZero() || !s.Until.Add(LateDelivery).Before(end))
}

// IsAccountID reports whether a is an AWS account ID: twelve digits.
func IsAccountID(a string) bool {
	if len(a) != 12 {
		return false
	}
	for _, c := range a {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// IsRegion reports whether r has the form of an AWS region name: two or
// more lower-case words and a number, joined by hyphens (us-east-1,
// us-gov-west-1, eu-isoe-west-1). It checks the form, not that the region
// exists: new regions open every year.
func IsRegion(r string) bool {
	words := strings.Split(r, "-")
	if len(words) < 3 {
		return false
	}
	for i, w := range words {
		if w == "" {
			return false
		}
		last := i == len(words)-1
		for _, c := range w {
			if last && (c < '0' || c > '9') || !last && (c < 'a' || c > 'z') {
				return false
			}
		}
	}
	return true
}
