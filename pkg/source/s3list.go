package source

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/trailscan/trailscan/internal/gate"
	"github.com/trailscan/trailscan/pkg/trail"
)

const (
	// Listings in flight start at maxListings, are halved when S3 says
	// SlowDown (down to minListings), and grow back by one for each window
	// of listings that went through. Each listing is a round trip: side by
	// side, the accounts and regions of an organization are listed in a
	// few round trips, not one after another. A listing holds up to a
	// thousand keys, some 300 KB: 64 are at most 20 MB.
	minListings = 2
	maxListings = 64
	// fewDays is how many owned day folders a shard lists by name without
	// first trying its whole window in one request (see probe).
	fewDays = 1
	// lookAhead is how many pages ahead a shard weighs reading on a
	// page at a time against naming its days (see pageOn).
	lookAhead = 4
	// directDays is the widest window, in days, whose day folders a shard
	// names without looking for them: past it (or with no end to the
	// window) it lists the year and month folders first, so as not to
	// name years of days that hold nothing.
	directDays = 366
	// dayFolder is how a day folder is named below its region.
	dayFolder = "2006/01/02/"
)

// list finds the objects below root that f can want, and that share owns
// when set. When f is a trail.Scope, a listing of logs, it makes as few
// requests and round trips as the CloudTrail layout allows:
//
//   - Above the regions, folders are listed a level at a time with a "/"
//     delimiter (the root's AWSLogs/ beside the root), except where the
//     layout says what is there: an account
//     folder holds CloudTrail/ (the others are digests, Insights and other
//     services' logs), which is listed without listing the account; the
//     accounts of an organization folder and the regions of a CloudTrail/
//     folder are taken from q when it names them.
//   - For a window with no start (all time), an account's
//     CloudTrail/ folder is first asked for in one request without a
//     delimiter: a quiet account's regions are all in the answer, found
//     and listed at once (see sweep); a busy account's first regions are
//     taken from it, and the others listed as below.
//   - A region is listed without a delimiter, a thousand keys a request:
//     whole when q wants all time, else only its window, from the first
//     day folder that can hold it (StartAfter) to the first key past the
//     last: a one-day window costs a request a region however many years
//     it keeps, and a wide one a request per thousand objects in it, not
//     one per year, month and day folder.
//   - With a share, a region's day folders are listed by name, only those
//     the share owns, so that the copies of a sharded scan list them once
//     between them, not each of them all; but a window in which it owns
//     more than one day is first tried in one request, which in a quiet
//     region holds it all, and whose days a page says whether reading on
//     a page at a time costs less than naming the rest (see probe).
//
// Other Folders (digests') are listed a level at a time, except the
// folders f covers, each listed whole.
//
// Folders are listed many at once, as many as throttling allows (see
// gate.Window), so objects come in no particular order; fn is called from
// one goroutine at a time. A folder that cannot be listed, after the SDK's
// tries, is passed to fn as an Object with Err set, and the others are
// listed still.
func (s *s3Bucket) list(ctx context.Context, root string, f Folders, share Share, fn func(Object) error) error {
	return s.listing(ctx, f, share, nil, fn, func(l *lister) []task { return l.top(root) })
}

// listing runs a lister of f, share and found (see lister) for fn, from
// the tasks that start makes.
func (s *s3Bucket) listing(ctx context.Context, f Folders, share Share, found *found, fn func(Object) error, start func(*lister) []task) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	l := &lister{
		s: s, ctx: ctx, cancel: cancel, f: f, share: share, found: found, fn: fn,
		gate:   gate.New(maxListings),
		window: gate.NewWindow(minListings, maxListings, maxListings),
	}
	l.q, l.logs = f.(trail.Scope)
	l.first, l.last = deliveryDays(l.q)
	l.more = sync.NewCond(&l.mu)
	stop := context.AfterFunc(ctx, func() { l.finish(context.Cause(ctx)) })
	defer stop()
	l.tasks = start(l)
	var wg sync.WaitGroup
	for range maxListings {
		wg.Go(l.work)
	}
	wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// top plans the listing of the root folder.
func (l *lister) top(root string) []task {
	tasks := l.plan(root, true)
	if lv, _ := levelOf(root); l.logs && lv == outside {
		// Where a trail is, AWSLogs/ is most often right below: listed
		// beside the root rather than after it, a round trip sooner. When
		// there is none, it cost one request.
		guess := root + "AWSLogs/"
		l.guessed = guess
		tasks = append(tasks, l.plan(guess, false)...)
	}
	return tasks
}

// lister is one List call: the folders left to list, and the workers that
// list them.
type lister struct {
	s      *s3Bucket
	ctx    context.Context
	cancel context.CancelCauseFunc
	f      Folders
	// q is f when logs are listed: then the layout says where they are.
	q     trail.Scope
	logs  bool
	share Share
	// first and last are the delivery days q can want; zero when the
	// window has no start or no end.
	first, last time.Time
	// guessed is the AWSLogs/ folder below the root, listed from the
	// start: not again when the root's listing names it.
	guessed string
	// found, when set, is a discovery (see discover): the region folders
	// are recorded in it, not listed.
	found  *found
	gate   *gate.Gate
	window *gate.Window

	mu    sync.Mutex
	more  *sync.Cond // a task was added, or the listing ended
	tasks []task     // a stack: deeper folders first, so objects come early
	busy  int        // tasks being done
	err   error      // why the listing ended early: fn's error, or ctx's

	emitMu sync.Mutex
	fn     func(Object) error
	stop   error // fn's first error: no call after it
}

// how is how a folder is listed.
type how uint8

const (
	byLevel how = iota // with the "/" delimiter: its objects, and its folders to plan
	whole              // every key below it, a thousand a request
	span               // the keys of its day folders from..to
	days               // its day folders from..to that the share owns, each whole
	probe              // its day folders from..to in one request, if they fit; else by day
	sweep              // an account's CloudTrail/ in one request, if it fits; else by region
)

type task struct {
	how    how
	prefix string
	// after, for a listing by level, is the key it starts after.
	after string
	// region is the region folder of a dated prefix, layout what it says.
	region   string
	layout   trail.Layout
	from, to time.Time // days, inclusive; zero: unbounded
	// inDays is set when only the keys in its day folders are listed:
	// the discovery listed from holds the others (see found.naming).
	inDays bool
}

func (l *lister) work() {
	for {
		t, ok := l.next()
		if !ok {
			return
		}
		err := l.do(t)
		l.mu.Lock()
		l.busy--
		ended := l.busy == 0 && len(l.tasks) == 0
		l.mu.Unlock()
		if err != nil {
			l.finish(err)
		} else if ended {
			l.more.Broadcast()
		}
	}
}

// next takes a task, waiting while others may still add some.
func (l *lister) next() (task, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.tasks) == 0 && l.busy > 0 && l.err == nil {
		l.more.Wait()
	}
	if l.err != nil || len(l.tasks) == 0 {
		return task{}, false
	}
	t := l.tasks[len(l.tasks)-1]
	l.tasks = l.tasks[:len(l.tasks)-1]
	l.busy++
	return t, true
}

func (l *lister) add(ts ...task) {
	l.mu.Lock()
	l.tasks = append(l.tasks, ts...)
	l.mu.Unlock()
	for range ts {
		l.more.Signal()
	}
}

// finish ends the listing early with err, unless it already ended.
func (l *lister) finish(err error) {
	l.mu.Lock()
	if l.err == nil {
		l.err = err
		l.cancel(err)
	}
	l.mu.Unlock()
	l.more.Broadcast()
}

func (l *lister) emit(o Object) error {
	l.emitMu.Lock()
	defer l.emitMu.Unlock()
	if l.stop == nil {
		l.stop = l.fn(o)
	}
	return l.stop
}

// failed reports a folder that could not be listed, in full: the scan
// names it, and goes on with the others. Only a scan that is stopped
// stops the listing.
func (l *lister) failed(prefix string, err error) error {
	err = fmt.Errorf("list s3://%s/%s: %w", l.s.bucket, prefix, err)
	if l.ctx.Err() != nil {
		return err
	}
	return l.emit(Object{Key: prefix, Path: "s3://" + l.s.bucket + "/" + prefix, Err: err})
}

// plan says how to list the folder prefix, or what to list instead. The
// root is listed whatever q says of it, as a local directory is.
func (l *lister) plan(prefix string, root bool) []task {
	if !l.logs {
		if !root && l.f.Covers(prefix) {
			return []task{{how: whole, prefix: prefix}}
		}
		return []task{{how: byLevel, prefix: prefix}}
	}
	lv, lay := levelOf(prefix)
	var named []string // the folders to list instead of prefix
	switch {
	case lv == account:
		named = []string{prefix + "CloudTrail/"}
	case lv == org && len(l.q.Accounts) > 0:
		for _, a := range l.q.Accounts {
			named = append(named, prefix+a+"/CloudTrail/")
		}
	case lv == cloudTrail && len(l.q.Regions) > 0:
		for _, r := range l.q.Regions {
			named = append(named, prefix+r+"/")
		}
	case lv == cloudTrail && l.wide():
		return []task{{how: sweep, prefix: prefix}}
	case lv >= region && l.found != nil:
		return l.walk(prefix, lv, lay)
	case lv >= region && !(root && l.q.Excludes(prefix)):
		return l.dated(prefix, lv, lay)
	default:
		return []task{{how: byLevel, prefix: prefix}}
	}
	var ts []task
	for _, dir := range named {
		if !l.q.Excludes(dir) {
			ts = append(ts, l.plan(dir, false)...)
		}
	}
	return ts
}

// dated plans a region folder or one of its date folders.
func (l *lister) dated(prefix string, lv level, lay trail.Layout) []task {
	first, last := folderDays(lv, lay)
	t := task{prefix: prefix, region: regionFolder(prefix, lv), layout: lay,
		from: later(l.first, first), to: earlier(l.last, last)}
	if !t.from.IsZero() && !t.to.IsZero() && t.from.After(t.to) {
		return nil
	}
	switch {
	case l.share == nil && t.from.Equal(first) && t.to.Equal(last): // q wants all of it
		t.how = whole
	case l.share == nil:
		t.how = span
	case lv == month || lv == day:
		t.how = days
	case lv == year:
		// Found below a region too full to probe: its months say which
		// days to name.
		t.how = byLevel
	case !nameable(t):
		t.how = probe
	default:
		return l.named(t)
	}
	return []task{t}
}

// named plans a share's listing of the days of t, a window with both
// ends: none when it owns none, by name when it owns few, else probed.
func (l *lister) named(t task) []task {
	switch n := l.owned(t, fewDays+1); {
	case n == 0:
		return nil
	case n <= fewDays:
		t.how = days
	default:
		t.how = probe
	}
	return []task{t}
}

// walk records, for a discovery, the region of the dated folder prefix;
// where the copies are to name their days from the months, it lists the
// region and its years by level to find them (see AccountFolder.Days),
// and the keys beside their date folders, which no day folder named
// holds, are the discovery's: those a listing of the region's window,
// from its first day folder to the key past its last, would reach.
func (l *lister) walk(prefix string, lv level, lay trail.Layout) []task {
	dir := regionFolder(prefix, lv)
	l.found.region(dir)
	switch {
	case !l.found.naming():
	case lv == region || lv == year:
		return []task{{how: byLevel, prefix: prefix, region: dir}}
	default:
		l.found.dated(dir, lay)
	}
	return nil
}

// wide reports whether an account's CloudTrail/ folder is swept (see
// sweep): only when q's window has no start, since the sweep's first page
// holds the account's oldest days, which any window with a start, in an
// archive older than it, does not want: there the request would be one
// wasted per account and copy.
func (l *lister) wide() bool {
	return l.first.IsZero()
}

// nameable reports whether a shard names the days of t without looking
// for them first: a window with an end at both sides, and not too wide.
func nameable(t task) bool { return nameableDays(t.from, t.to) }

func nameableDays(from, to time.Time) bool {
	return !from.IsZero() && !to.IsZero() && dayCount(from, to) <= directDays
}

// owned counts the days of t the share owns, up to most.
func (l *lister) owned(t task, most int) int {
	n := 0
	for d := t.from; !d.After(t.to) && n < most; d = d.AddDate(0, 0, 1) {
		if l.owns(t, d) {
			n++
		}
	}
	return n
}

func (l *lister) owns(t task, d time.Time) bool {
	day := t.layout
	day.Year, day.Month, day.Day = d.Date()
	return l.share == nil || l.share(day)
}

func (l *lister) do(t task) error {
	switch t.how {
	case whole:
		return l.keys(t.prefix, "", "", nil)
	case span:
		after, stop := l.bounds(t)
		return l.keys(t.prefix, after, stop, nil)
	case days:
		return l.days(t)
	case probe:
		return l.probe(t)
	case sweep:
		return l.sweep(t)
	}
	return l.byLevel(t)
}

// bounds are the keys a listing of t's days starts after and stops at.
func (l *lister) bounds(t task) (after, stop string) {
	if !t.from.IsZero() {
		after = strings.TrimSuffix(t.region+t.from.Format(dayFolder), "/")
	}
	if !t.to.IsZero() {
		stop = strings.TrimSuffix(t.region+t.to.AddDate(0, 0, 1).Format(dayFolder), "/")
	}
	return after, stop
}

func (l *lister) byLevel(t task) error {
	in := &s3.ListObjectsV2Input{Prefix: &t.prefix, Delimiter: aws.String("/")}
	if t.after != "" {
		in.StartAfter = &t.after
	}
	// A discovery's walk of a region keeps the keys beside its date
	// folders that a listing of the region's window reaches (see walk).
	walked := func(string) bool { return true }
	if l.found != nil && t.region != "" {
		after, stop := l.bounds(task{region: t.region, from: l.first, to: l.last})
		walked = func(key string) bool { return key > after && (stop == "" || key < stop) }
	}
	return l.pages(in, func(page *s3.ListObjectsV2Output) (bool, error) {
		for _, o := range page.Contents {
			if !walked(aws.ToString(o.Key)) {
				continue
			}
			if err := l.emit(l.s.object(aws.ToString(o.Key), o.Size, o.ETag, o.LastModified)); err != nil {
				return false, err
			}
		}
		var next []task
		for _, cp := range page.CommonPrefixes {
			if dir := aws.ToString(cp.Prefix); dir != l.guessed && !l.f.Excludes(dir) && owns(l.share, dir) {
				next = append(next, l.plan(dir, false)...)
			}
		}
		l.add(next...)
		return true, nil
	})
}

// keys lists the keys below prefix, after the key after ("" for all) and
// before the key stop ("" for all), that keep says to (nil for all).
func (l *lister) keys(prefix, after, stop string, keep func(key string) bool) error {
	in := &s3.ListObjectsV2Input{Prefix: &prefix}
	if after != "" {
		in.StartAfter = &after
	}
	return l.pages(in, func(page *s3.ListObjectsV2Output) (bool, error) {
		done, err := l.emitKeys(page.Contents, stop, keep)
		return !done && err == nil, err
	})
}

// emitKeys emits the listed objs, in order, before the key stop ("" for
// all), that keep says to (nil for all), and reports whether it reached
// stop.
func (l *lister) emitKeys(objs []types.Object, stop string, keep func(key string) bool) (bool, error) {
	for _, o := range objs {
		key := aws.ToString(o.Key)
		if stop != "" && key >= stop {
			return true, nil
		}
		if keep != nil && !keep(key) {
			continue
		}
		if err := l.emit(l.s.object(key, o.Size, o.ETag, o.LastModified)); err != nil {
			return false, err
		}
	}
	return false, nil
}

// days lists the first day folder of t the share owns, and leaves the
// days after it to another lister.
func (l *lister) days(t task) error {
	d := t.from
	for !d.After(t.to) && !l.owns(t, d) {
		d = d.AddDate(0, 0, 1)
	}
	if d.After(t.to) {
		return nil
	}
	if d.Before(t.to) {
		rest := t
		rest.from = d.AddDate(0, 0, 1)
		l.add(rest)
	}
	return l.keys(t.region+d.Format(dayFolder), "", "", nil)
}

// probe asks for t's days in one request, for a shard: in a region that
// keeps little, that one answer holds them all, and the shard takes its
// own days from it, where naming them would have cost a request each. An
// answer that does not reach the window's end holds its first days whole,
// but for the last it reaches: the shard takes its own among those, and
// then either reads on a page at a time, when the pages ahead hold more
// days each than the shard owns in as many (see pageOn), or names the
// rest of its days from there (or, with no end to name, or too many days,
// drops the answer and finds them by level).
func (l *lister) probe(t task) error {
	after, stop := l.bounds(t)
	in := &s3.ListObjectsV2Input{Prefix: &t.prefix}
	if after != "" {
		in.StartAfter = &after
	}
	keep := func(key string) bool { return owns(l.share, key) }
	if t.inDays {
		keep = func(key string) bool { return inDay(key) && owns(l.share, key) }
	}
	paging := false
	return l.pages(in, func(page *s3.ListObjectsV2Output) (bool, error) {
		keys := page.Contents
		if n := len(keys); !paging && aws.ToBool(page.IsTruncated) && (stop == "" || n == 0 || aws.ToString(keys[n-1].Key) < stop) {
			paging = l.pageOn(t, keys)
			if !paging {
				rest, ok := l.after(t, keys)
				if !ok {
					t.how = byLevel
					l.add(t)
					return false, nil
				}
				stop = strings.TrimSuffix(t.region+rest.from.Format(dayFolder), "/")
				l.add(rest)
			}
		}
		done, err := l.emitKeys(keys, stop, keep)
		return paging && !done && err == nil, err
	})
}

// pageOn reports whether reading on through t's keys after a page of
// them costs fewer requests than naming the share's days from the last
// key's day on (or finding them by level first, with no end to name): a
// page that spans many days says that the next do too, and the pages of
// the next lookAhead pages' days are weighed against the days the share
// owns among them.
func (l *lister) pageOn(t task, keys []types.Object) bool {
	if len(keys) == 0 {
		return false
	}
	first, ok := keyDay(keys[0])
	last, ok2 := keyDay(keys[len(keys)-1])
	if !ok || !ok2 || !last.After(first) {
		return false // a day or less a page: naming days costs no more
	}
	perPage := dayCount(first, last) - 1
	rest := t
	rest.from, rest.to = last, last.AddDate(0, 0, lookAhead*perPage-1)
	if !t.to.IsZero() && t.to.Before(rest.to) {
		rest.to = t.to
	}
	pages := (dayCount(rest.from, rest.to) + perPage - 1) / perPage
	naming := 0
	if !nameable(t) {
		naming = 2 // the region and a year, listed to find the months
	}
	return pages <= naming+l.owned(rest, pages)
}

// inDay reports whether key is in a day folder.
func inDay(key string) bool {
	l, ok := trail.ParseLayout(key)
	return ok && l.Day != 0
}

// keyDay is the delivery day of a listed key, from its day folder.
func keyDay(o types.Object) (time.Time, bool) {
	l, ok := trail.ParseLayout(aws.ToString(o.Key))
	if !ok || l.Day == 0 {
		return time.Time{}, false
	}
	return time.Date(l.Year, l.Month, l.Day, 0, 0, 0, 0, time.UTC), true
}

// after is what is left of t's days to name after a page of its keys: the
// day of the last key on, when there is an end to name.
func (l *lister) after(t task, keys []types.Object) (task, bool) {
	if !nameable(t) || len(keys) == 0 {
		return task{}, false
	}
	last, ok := keyDay(keys[len(keys)-1])
	if !ok {
		return task{}, false
	}
	t.how, t.from = days, last
	return t, true
}

// sweep asks for an account's CloudTrail/ folder in one request, without
// a delimiter: an account that keeps under a thousand objects is all in
// the answer, its regions found and listed in one round trip, where
// finding them and listing each would cost a request more a region. That
// is most of what a sharded scan costs: each copy must find every
// account's regions, and in a quiet account finding them is listing them.
// An answer that does not hold the whole account holds its first region
// folders whole, but for the last it reaches: the keys of those are taken
// from it, and the rest of the account, from that last region on, is
// listed as it would have been (a busy account pays one request more).
func (l *lister) sweep(t task) error {
	in := &s3.ListObjectsV2Input{Prefix: &t.prefix}
	return l.pages(in, func(page *s3.ListObjectsV2Output) (bool, error) {
		keys := page.Contents
		partial := "" // the folder of the last key, when there may be more
		if aws.ToBool(page.IsTruncated) {
			if len(keys) == 0 {
				t.how = byLevel
				l.add(t)
				return false, nil
			}
			last := aws.ToString(keys[len(keys)-1].Key)
			rest := task{how: byLevel, prefix: t.prefix, after: last}
			if i := strings.IndexByte(last[len(t.prefix):], '/'); i >= 0 {
				partial = last[:len(t.prefix)+i+1]
				// Every key below partial sorts before this one, which
				// is past them all: '0' is the byte after '/'.
				rest.after = partial[:len(partial)-1] + "0"
				if !l.f.Excludes(partial) && owns(l.share, partial) {
					l.add(l.plan(partial, false)...)
				}
			}
			l.add(rest)
		}
		if l.found != nil {
			return false, l.sweptRegions(t.prefix, keys, partial, aws.ToBool(page.IsTruncated))
		}
		// The keys at partial and past it are partial's, listed by its
		// own tasks: the page ends inside it.
		_, err := l.emitKeys(keys, partial, func(key string) bool { return l.wants(t.prefix, key) })
		return false, err
	})
}

// sweptRegions records, for a discovery, the regions whose keys a sweep
// of the CloudTrail/ folder prefix found before the folder partial, which
// its own tasks record, and the months of their day folders. A sweep that
// holds the whole folder makes it one that the copies sweep too, when
// that costs them no more than naming its days (see found.sweeps), which
// finds its keys outside the day folders again; otherwise those are kept
// with the discovery's other objects: the loose keys of the CloudTrail/
// folder, and where the copies name their days, those of its regions.
func (l *lister) sweptRegions(prefix string, keys []types.Object, partial string, truncated bool) error {
	var loose []types.Object
	for _, o := range keys {
		key := aws.ToString(o.Key)
		if partial != "" && key >= partial {
			break
		}
		i := strings.IndexByte(key[len(prefix):], '/')
		if i < 0 {
			loose = append(loose, o)
			continue
		}
		dir := key[:len(prefix)+i+1]
		if l.f.Excludes(dir) {
			continue
		}
		l.found.region(dir)
		if lay, _ := trail.ParseLayout(key); lay.Day != 0 {
			l.found.dated(dir, lay)
		} else if l.found.naming() {
			loose = append(loose, o)
		}
	}
	if !truncated && l.found.sweeps(prefix, l.first, l.last) {
		return nil
	}
	for _, o := range loose {
		if err := l.emit(l.s.object(aws.ToString(o.Key), o.Size, o.ETag, o.LastModified)); err != nil {
			return err
		}
	}
	return nil
}

// wants reports whether a listing by level from the folder prefix would
// reach key: no folder between them is excluded, or another share's.
func (l *lister) wants(prefix, key string) bool {
	for i := len(prefix); ; {
		j := strings.IndexByte(key[i:], '/')
		if j < 0 {
			return true
		}
		i += j + 1
		if dir := key[:i]; l.f.Excludes(dir) || !owns(l.share, dir) {
			return false
		}
	}
}

// pages lists in a page at a time, calling page for each until it says
// no more. A listing that fails, after the SDK's tries, is reported as a
// failed folder.
func (l *lister) pages(in *s3.ListObjectsV2Input, page func(*s3.ListObjectsV2Output) (more bool, err error)) error {
	in.Bucket, in.RequestPayer = &l.s.bucket, l.s.payer
	if l.s.pageSize > 0 {
		in.MaxKeys = &l.s.pageSize
	}
	p := s3.NewListObjectsV2Paginator(l.s.client, in)
	for p.HasMorePages() {
		out, err := l.request(p)
		if err != nil {
			return l.failed(aws.ToString(in.Prefix), err)
		}
		if more, err := page(out); err != nil || !more {
			return err
		}
	}
	return nil
}

// request asks for the next page, through the gate, and adapts the gate
// to whether S3 said SlowDown meanwhile.
func (l *lister) request(p *s3.ListObjectsV2Paginator) (*s3.ListObjectsV2Output, error) {
	if err := l.gate.Enter(l.ctx); err != nil {
		return nil, err
	}
	before := l.s.throttled.Load()
	out, err := p.NextPage(l.ctx)
	inFlight := l.gate.In()
	l.gate.Leave()
	switch {
	case l.s.throttled.Load() > before:
		l.gate.SetLimit(l.window.Overloaded(inFlight))
	case err == nil:
		l.gate.SetLimit(l.window.Ok())
	}
	return out, err
}

// level is how deep a key prefix reaches into the CloudTrail layout.
type level uint8

const (
	outside    level = iota // not in the layout, or below a day folder
	awsLogs                 // .../AWSLogs/
	org                     // .../AWSLogs/o-ORGID/
	account                 // .../AWSLogs/[o-ORGID/]ACCOUNT/
	cloudTrail              // .../ACCOUNT/CloudTrail/
	region                  // .../CloudTrail/REGION/
	year                    // .../REGION/YYYY/
	month                   // .../REGION/YYYY/MM/
	day                     // .../REGION/YYYY/MM/DD/
)

// levelOf says which level of the layout the folder prefix is, and what
// its key says.
func levelOf(prefix string) (level, trail.Layout) {
	segs := strings.Split(strings.Trim(prefix, "/"), "/")
	i := len(segs) - 1
	for i >= 0 && segs[i] != "AWSLogs" {
		i--
	}
	if i < 0 || prefix == "" {
		return outside, trail.Layout{}
	}
	rest := segs[i+1:]
	if len(rest) == 0 {
		return awsLogs, trail.Layout{}
	}
	if strings.HasPrefix(rest[0], "o-") {
		if rest = rest[1:]; len(rest) == 0 {
			return org, trail.Layout{}
		}
	}
	l, ok := trail.ParseLayout(prefix)
	if !ok {
		return outside, trail.Layout{}
	}
	switch {
	case len(rest) == 1:
		return account, l
	case len(rest) == 2:
		return cloudTrail, l
	case len(rest) == 3:
		return region, l
	case len(rest) == 4 && l.Year != 0:
		return year, l
	case len(rest) == 5 && l.Month != 0:
		return month, l
	case len(rest) == 6 && l.Day != 0:
		return day, l
	}
	return outside, l
}

// regionFolder is the region folder of a dated folder.
func regionFolder(prefix string, lv level) string {
	for range lv - region {
		prefix = prefix[:strings.LastIndex(strings.TrimSuffix(prefix, "/"), "/")+1]
	}
	return prefix
}

// folderDays are the first and last days of a date folder; zero for a
// region, which holds them all.
func folderDays(lv level, l trail.Layout) (first, last time.Time) {
	switch lv {
	case year:
		first = time.Date(l.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(1, 0, -1)
	case month:
		first = time.Date(l.Year, l.Month, 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(0, 1, -1)
	case day:
		first = time.Date(l.Year, l.Month, l.Day, 0, 0, 0, 0, time.UTC)
		return first, first
	}
	return time.Time{}, time.Time{}
}

// deliveryDays are the first and last days whose folders can hold events
// in q's window, as trail.Scope.Excludes judges day folders: the window's
// days, and those up to trail.LateDelivery after it. Zero when the
// window is open at that end.
func deliveryDays(q trail.Scope) (first, last time.Time) {
	if !q.Since.IsZero() {
		first = q.Since.UTC().Truncate(24 * time.Hour)
	}
	if !q.Until.IsZero() {
		last = q.Until.Add(trail.LateDelivery - time.Nanosecond).UTC().Truncate(24 * time.Hour)
	}
	return first, last
}

// later and earlier are the tighter of two bounds, zero being none.
func later(a, b time.Time) time.Time {
	if a.IsZero() || b.After(a) {
		return b
	}
	return a
}

func earlier(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

func dayCount(from, to time.Time) int { return int(to.Sub(from).Hours()/24) + 1 }
