package source

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"
)

// Discovery is what a listing of logs finds before it reaches the day
// folders: the accounts' CloudTrail/ folders and their regions, and the
// logs outside them. Each copy of a sharded scan finds the same, with
// the same requests (3 and one an account, in an organization trail),
// which it can instead take from one discovery made for them all (see
// Location.Discover and Location.UseDiscovery). Its JSON names are a
// contract: trailscan plan writes them.
type Discovery struct {
	Accounts []AccountFolder `json:"accounts"`
	// Others are the logs found above the day folders: outside the
	// layout (beside AWSLogs/, say), loose in a CloudTrail/ folder, or,
	// where the copies name their days from Days, beside the date
	// folders of a region, a year, or its newest month.
	Others []Listed `json:"others,omitempty"`
	// WalkedAt, set when the accounts' Days are, is when the walk of the
	// regions' date folders began: a day folder that appeared since can
	// only be of a day from then on, and the copies name those too.
	WalkedAt time.Time `json:"walked_at,omitzero"`
}

// AccountFolder is an account's CloudTrail/ folder under one trail's
// prefix (an account trail's and an organization trail's are two), and
// the regions found in it.
type AccountFolder struct {
	Folder  string   `json:"folder"`  // its key, ending in CloudTrail/
	Regions []string `json:"regions"` // the names of its region folders
	// Sweep is set when a listing for all time asks for the whole folder
	// in one request, rather than for each region: all its objects came
	// in one listing page, and the copies' requests for it, one each,
	// are no more than the days they would name in it (see Days).
	Sweep bool `json:"sweep,omitempty"`
	// Days, when set, are for a window whose days a copy cannot name from
	// the window alone (no start, no end, or over a year): for each
	// region (by its name; none for one with no day in scope) the runs of
	// days in which its day folders are, each a run of whole month folders
	// but for the newest, which ends at the region's newest day folder. A
	// copy names its own days in them, so that N copies list each day
	// folder once between them, where each would list every region.
	Days map[string][]DayRun `json:"days,omitzero"`
}

// DayRun is a run of days, written "2026/09/30", or "2026/09/01-2026/10/02"
// for more than one.
type DayRun struct {
	From, To time.Time // its first and last days
}

const runDay = "2006/01/02"

func (r DayRun) MarshalText() ([]byte, error) {
	if r.From.Equal(r.To) {
		return []byte(r.From.Format(runDay)), nil
	}
	return []byte(r.From.Format(runDay) + "-" + r.To.Format(runDay)), nil
}

func (r *DayRun) UnmarshalText(b []byte) error {
	from, to, run := strings.Cut(string(b), "-")
	if !run {
		to = from
	}
	var err error
	if r.From, err = time.Parse(runDay, from); err == nil {
		r.To, err = time.Parse(runDay, to)
	}
	if err != nil || r.To.Before(r.From) {
		return fmt.Errorf("day run %q: want YYYY/MM/DD or YYYY/MM/DD-YYYY/MM/DD, first to last", b)
	}
	return nil
}

// Listed is a listed object, as a discovery keeps it.
type Listed struct {
	Key     string    `json:"key"`
	Size    int64     `json:"size"`
	ETag    string    `json:"etag,omitempty"`
	ModTime time.Time `json:"modified"`
}

// A Discoverer is a Source whose discovery can be made once and then
// used by other listings of the same location, as a *Location's can.
type Discoverer interface {
	Source
	Discover(ctx context.Context, q trail.Scope, shards int) (*Discovery, error)
	UseDiscovery(d *Discovery) error
}

var _ Discoverer = (*Location)(nil)

// Regions counts the region folders d holds.
func (d *Discovery) Regions() int {
	n := 0
	for _, a := range d.Accounts {
		n += len(a.Regions)
	}
	return n
}

// Discover finds, with the requests a listing of q's logs makes before it
// lists a day folder, what it would list them from, for shards copies;
// UseDiscovery makes l's listings start from it. For more than one copy,
// and a window whose days a copy cannot name from the window alone, it
// also lists each region's year folders to find its months, and its
// newest month to find its newest day (a request for the region, one a
// year and one more), so that the copies name their own days in them:
// each day folder is listed once between them, where each copy would
// list every region (see AccountFolder.Days). Nil, with no request, for a
// location whose listing finds nothing first: a local directory, which
// is walked at no cost; one object; or a prefix at or below a region
// folder. A folder that cannot be listed is an error: a discovery without
// it would leave it out of every listing made from it.
func (l *Location) Discover(ctx context.Context, q trail.Scope, shards int) (*Discovery, error) {
	s, ok := l.driver.(*s3Bucket)
	if lv, _ := levelOf(l.below); !ok || l.single || lv >= region {
		return nil, nil
	}
	var others []Listed
	d, err := s.discover(ctx, l.below, q, shards, func(o Object) error {
		switch {
		case o.Err != nil:
			return o.Err
		case keepLog(&o):
			others = append(others, Listed{Key: o.Key, Size: o.Size, ETag: o.ETag, ModTime: o.ModTime})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("discover %s: %w", l, err)
	}
	slices.SortFunc(others, func(a, b Listed) int { return strings.Compare(a.Key, b.Key) })
	d.Others = others
	return d, nil
}

// UseDiscovery makes l's listings of logs start from d, as Discover made
// it for the same scope, rather than find it again: they list no folder
// above the regions. What appeared since d was made outside the day
// folders of its regions (an account, a region, a log outside the
// layout) is not listed; nor, where d holds days, a day folder that
// appeared since, of a day before its walk, outside them (CloudTrail
// names a day folder by the day it delivers to it: only a copy from
// elsewhere makes one). A nil d makes them find it again. d is checked
// to belong below l, as one read from a file may not.
func (l *Location) UseDiscovery(d *Discovery) error {
	if d == nil {
		l.known = nil
		return nil
	}
	if lv, _ := levelOf(l.below); l.single || lv >= region {
		return fmt.Errorf("%s: a discovery is of a prefix above the region folders", l)
	}
	if _, ok := l.driver.(*s3Bucket); !ok {
		return fmt.Errorf("%s: a discovery is of an S3 location; a local one is walked whole", l)
	}
	for _, a := range d.Accounts {
		if lv, _ := levelOf(a.Folder); lv != cloudTrail || !strings.HasPrefix(a.Folder, l.below) || !strings.HasSuffix(a.Folder, "/CloudTrail/") {
			return fmt.Errorf("%s: discovery: %q is not an account's CloudTrail/ folder below it", l, a.Folder)
		}
		for _, r := range a.Regions {
			if r == "" || strings.Contains(r, "/") {
				return fmt.Errorf("%s: discovery: %q in %s is not a region folder's name", l, r, a.Folder)
			}
		}
		if a.Days != nil && d.WalkedAt.IsZero() {
			return fmt.Errorf("%s: discovery: days of %s, but not when they were found", l, a.Folder)
		}
		for r, runs := range a.Days {
			if !slices.Contains(a.Regions, r) {
				return fmt.Errorf("%s: discovery: days of %q, which is not a region of %s", l, r, a.Folder)
			}
			for _, run := range runs {
				if run.To.Before(run.From) {
					return fmt.Errorf("%s: discovery: days of %s in %s run backwards", l, r, a.Folder)
				}
			}
		}
	}
	for _, o := range d.Others {
		if !strings.HasPrefix(o.Key, l.below) || len(o.Key) == len(l.below) {
			return fmt.Errorf("%s: discovery: object %q is not below it", l, o.Key)
		}
	}
	l.known = d
	return nil
}

// discover lists below root what a listing of q's logs lists before the
// day folders, for shards copies, the regions found recorded rather than
// listed (and their days, when the copies are to name them), and passes
// the objects listed meanwhile to fn.
func (s *s3Bucket) discover(ctx context.Context, root string, q trail.Scope, shards int, fn func(Object) error) (*Discovery, error) {
	f := &found{shards: shards, folders: map[string]*AccountFolder{}}
	if first, last := deliveryDays(q); shards > 1 && !nameableDays(first, last) {
		f.at = time.Now().UTC().Truncate(time.Second)
		f.months, f.newest = map[string]map[time.Time]bool{}, map[string]time.Time{}
	}
	err := s.listing(ctx, q, nil, f, fn, func(l *lister) []task { return l.top(root) })
	if err == nil && f.naming() {
		err = s.listing(ctx, q, nil, f, fn, func(*lister) []task { return f.unended() })
	}
	if err != nil {
		return nil, err
	}
	return f.discovery(), nil
}

// listFrom is list, for logs, from what d found: its other objects, then
// its accounts' regions, as list would have listed them once found, or an
// account's CloudTrail/ folder in one request where list sweeps it and d
// says to; where d holds a region's days, the share's among them.
func (s *s3Bucket) listFrom(ctx context.Context, d *Discovery, q trail.Scope, share Share, fn func(Object) error) error {
	for _, o := range d.Others {
		if err := fn(s.object(o.Key, &o.Size, &o.ETag, &o.ModTime)); err != nil {
			return err
		}
	}
	now := time.Now()
	return s.listing(ctx, q, share, nil, fn, func(l *lister) []task {
		var tasks []task
		for _, a := range d.Accounts {
			switch {
			case q.Excludes(a.Folder):
			case a.Sweep && l.wide():
				tasks = append(tasks, task{how: sweep, prefix: a.Folder})
			default:
				for _, r := range a.Regions {
					switch dir := a.Folder + r + "/"; {
					case q.Excludes(dir):
					case a.Days != nil:
						tasks = append(tasks, l.inRuns(dir, a.Days[r], d.WalkedAt, now)...)
					default:
						tasks = append(tasks, l.plan(dir, false)...)
					}
				}
			}
		}
		return tasks
	})
}

// inRuns plans a share's listing of the region folder dir from its runs
// of days, found at the time at: the days it owns in them, and in those
// from at's day to now's, in which a day folder may have appeared since,
// named or probed as in a window with both ends, from the first it owns
// to the last: a run starts and ends with whole months, whose days at
// either end are more often another share's than a window's. The
// region's keys outside its day folders are the discovery's.
func (l *lister) inRuns(dir string, runs []DayRun, at, now time.Time) []task {
	_, lay := levelOf(dir)
	var tasks []task
	for _, r := range namedDays(runs, at, now, l.first, l.last) {
		t := task{prefix: dir, region: dir, layout: lay, from: r.From, to: r.To, inDays: true}
		for !t.from.After(t.to) && !l.owns(t, t.from) {
			t.from = t.from.AddDate(0, 0, 1)
		}
		for !t.to.Before(t.from) && !l.owns(t, t.to) {
			t.to = t.to.AddDate(0, 0, -1)
		}
		if !t.from.After(t.to) {
			tasks = append(tasks, l.named(t)...)
		}
	}
	return tasks
}

// namedDays are the days a copy names in a region of the runs of days
// runs, found at the time at, listing at the time now: those of the runs,
// and those from at's day to now's; within first..last (zero: open at
// that end), in runs of at most directDays.
func namedDays(runs []DayRun, at, now, first, last time.Time) []DayRun {
	since := at.UTC().Truncate(24 * time.Hour)
	all := append([]DayRun{{since, later(since, now.UTC().Truncate(24*time.Hour))}}, runs...)
	slices.SortFunc(all, func(a, b DayRun) int { return a.From.Compare(b.From) })
	var joined []DayRun
	for _, r := range all {
		r.From, r.To = later(first, r.From), earlier(last, r.To)
		if r.From.After(r.To) {
			continue
		}
		if n := len(joined); n > 0 && !r.From.After(joined[n-1].To.AddDate(0, 0, 1)) {
			joined[n-1].To = later(joined[n-1].To, r.To)
			continue
		}
		joined = append(joined, r)
	}
	var out []DayRun
	for _, r := range joined {
		for !r.From.After(r.To) {
			end := earlier(r.To, r.From.AddDate(0, 0, directDays-1))
			out = append(out, DayRun{r.From, end})
			r.From = end.AddDate(0, 0, 1)
		}
	}
	return out
}

// found is what a discovery has found so far: the region folders of
// each CloudTrail/ folder, and their days when the copies are to name
// them. Its methods are called from the listers.
type found struct {
	shards int // how many copies list from the discovery
	// at, when set, is when the walk of the date folders began; months
	// are the month folders found, and newest the newest day folder, by
	// region folder.
	at time.Time

	mu      sync.Mutex
	folders map[string]*AccountFolder
	months  map[string]map[time.Time]bool
	newest  map[string]time.Time
}

// naming reports whether the copies name their days from what is found:
// then the date folders are walked, and the logs beside them kept with
// the discovery.
func (f *found) naming() bool { return !f.at.IsZero() }

// region records the region folder dir.
func (f *found) region(dir string) {
	i := strings.LastIndexByte(strings.TrimSuffix(dir, "/"), '/')
	a := f.folder(dir[:i+1])
	f.mu.Lock()
	defer f.mu.Unlock()
	if r := dir[i+1 : len(dir)-1]; !slices.Contains(a.Regions, r) {
		a.Regions = append(a.Regions, r)
	}
}

// dated records, when the copies name their days, the month of lay (a
// month or a day) in the region folder dir, and its day.
func (f *found) dated(dir string, lay trail.Layout) {
	if !f.naming() {
		return
	}
	m := time.Date(lay.Year, lay.Month, 1, 0, 0, 0, 0, time.UTC)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.months[dir] == nil {
		f.months[dir] = map[time.Time]bool{}
	}
	f.months[dir][m] = true
	if day := m.AddDate(0, 0, lay.Day-1); lay.Day != 0 && day.After(f.newest[dir]) {
		f.newest[dir] = day
	}
}

// unended are the listings, by level, of the newest month of each region
// whose newest day is not known, to find it.
func (f *found) unended() []task {
	f.mu.Lock()
	defer f.mu.Unlock()
	var tasks []task
	for dir, months := range f.months {
		if m := slices.MaxFunc(slices.Collect(maps.Keys(months)), time.Time.Compare); f.newest[dir].Before(m) {
			tasks = append(tasks, task{how: byLevel, prefix: dir + m.Format(monthPrefix), region: dir})
		}
	}
	return tasks
}

const monthPrefix = "2006/01/"

// sweeps records whether the copies sweep the CloudTrail/ folder dir,
// all of whose objects came in one listing page, its regions and days
// recorded: when their requests for it, one each, are no more than the
// days they would name in it between them (days first..last).
func (f *found) sweeps(dir string, first, last time.Time) bool {
	a := f.folder(dir)
	f.mu.Lock()
	defer f.mu.Unlock()
	a.Sweep = len(a.Regions) > 0 && (!f.naming() || f.shards <= f.named(dir, a.Regions, first, last))
	return a.Sweep
}

// named counts the days the copies would name in the regions of the
// CloudTrail/ folder dir, when the walk began. f.mu is held.
func (f *found) named(dir string, regions []string, first, last time.Time) int {
	n := 0
	for _, r := range regions {
		for _, d := range namedDays(f.runs(dir+r+"/"), f.at, f.at, first, last) {
			n += dayCount(d.From, d.To)
		}
	}
	return n
}

// runs are the runs of days of the region folder dir: its runs of
// months, the newest ending at its newest day folder. f.mu is held.
func (f *found) runs(dir string) []DayRun {
	var runs []DayRun
	for _, m := range slices.SortedFunc(maps.Keys(f.months[dir]), time.Time.Compare) {
		if n := len(runs); n > 0 && runs[n-1].To.AddDate(0, 0, 1).Equal(m) {
			runs[n-1].To = m.AddDate(0, 1, -1)
			continue
		}
		runs = append(runs, DayRun{From: m, To: m.AddDate(0, 1, -1)})
	}
	if n := len(runs); n > 0 && !f.newest[dir].Before(runs[n-1].To.AddDate(0, 0, 1-runs[n-1].To.Day())) {
		runs[n-1].To = f.newest[dir]
	}
	return runs
}

func (f *found) folder(dir string) *AccountFolder {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.folders[dir]
	if a == nil {
		a = &AccountFolder{Folder: dir}
		f.folders[dir] = a
	}
	return a
}

// discovery is what was found, in key order; a folder with no region
// holds nothing to list.
func (f *found) discovery() *Discovery {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := &Discovery{Accounts: []AccountFolder{}, WalkedAt: f.at}
	for _, dir := range slices.Sorted(maps.Keys(f.folders)) {
		a := f.folders[dir]
		if len(a.Regions) == 0 {
			continue
		}
		slices.Sort(a.Regions)
		if f.naming() {
			a.Days = map[string][]DayRun{}
			for _, r := range a.Regions {
				if runs := f.runs(dir + r + "/"); len(runs) > 0 {
					a.Days[r] = runs
				}
			}
		}
		d.Accounts = append(d.Accounts, *a)
	}
	return d
}
