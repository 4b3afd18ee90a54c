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
	// Others are the logs found above the region folders: outside the
	// layout (beside AWSLogs/, say), or loose in a CloudTrail/ folder.
	Others []Listed `json:"others,omitempty"`
}

// AccountFolder is an account's CloudTrail/ folder under one trail's
// prefix (an account trail's and an organization trail's are two), and
// the regions found in it.
type AccountFolder struct {
	Folder  string   `json:"folder"`  // its key, ending in CloudTrail/
	Regions []string `json:"regions"` // the names of its region folders
	// OnePage is set when all of the folder's objects came in one
	// listing page: a listing for all time then asks for the folder in
	// one request, rather than for each region.
	OnePage bool `json:"one_page,omitempty"`
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
	Discover(ctx context.Context, q trail.Scope) (*Discovery, error)
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
// lists a day folder, what it would list them from; UseDiscovery makes
// l's listings start from it. Nil, with no request, for a location whose
// listing finds nothing first: a local directory, which is walked at no
// cost; one object; or a prefix at or below a region folder. A folder
// that cannot be listed is an error: a discovery without it would leave
// it out of every listing made from it.
func (l *Location) Discover(ctx context.Context, q trail.Scope) (*Discovery, error) {
	s, ok := l.driver.(*s3Bucket)
	if lv, _ := levelOf(l.below); !ok || l.single || lv >= region {
		return nil, nil
	}
	var others []Listed
	d, err := s.discover(ctx, l.below, q, func(o Object) error {
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
// layout) is not listed. A nil d makes them find it again. d is checked
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
// day folders, the regions found recorded rather than listed, and passes
// the objects listed meanwhile to fn.
func (s *s3Bucket) discover(ctx context.Context, root string, q trail.Scope, fn func(Object) error) (*Discovery, error) {
	f := &found{folders: map[string]*AccountFolder{}}
	err := s.listing(ctx, q, nil, f, fn, func(l *lister) []task { return l.top(root) })
	if err != nil {
		return nil, err
	}
	return f.discovery(), nil
}

// listFrom is list, for logs, from what d found: its other objects, then
// its accounts' regions, as list would have listed them once found, or an
// account's CloudTrail/ folder in one request where list sweeps it and d
// found it fits one.
func (s *s3Bucket) listFrom(ctx context.Context, d *Discovery, q trail.Scope, share Share, fn func(Object) error) error {
	for _, o := range d.Others {
		if err := fn(s.object(o.Key, &o.Size, &o.ETag, &o.ModTime)); err != nil {
			return err
		}
	}
	return s.listing(ctx, q, share, nil, fn, func(l *lister) []task {
		var tasks []task
		for _, a := range d.Accounts {
			switch {
			case q.Excludes(a.Folder):
			case a.OnePage && l.wide():
				tasks = append(tasks, task{how: sweep, prefix: a.Folder})
			default:
				for _, r := range a.Regions {
					if dir := a.Folder + r + "/"; !q.Excludes(dir) {
						tasks = append(tasks, l.plan(dir, false)...)
					}
				}
			}
		}
		return tasks
	})
}

// found is what a discovery has found so far: the region folders of
// each CloudTrail/ folder. Its methods are called from the listers.
type found struct {
	mu      sync.Mutex
	folders map[string]*AccountFolder
}

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

// onePage records that the whole of the CloudTrail/ folder dir came in
// one listing page.
func (f *found) onePage(dir string) {
	a := f.folder(dir)
	f.mu.Lock()
	a.OnePage = true
	f.mu.Unlock()
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
	d := &Discovery{Accounts: []AccountFolder{}}
	for _, dir := range slices.Sorted(maps.Keys(f.folders)) {
		if a := f.folders[dir]; len(a.Regions) > 0 {
			slices.Sort(a.Regions)
			d.Accounts = append(d.Accounts, *a)
		}
	}
	return d
}
