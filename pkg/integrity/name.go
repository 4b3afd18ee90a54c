package integrity

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"
)

// Name is what a file is matched by: its key or path from the last AWSLogs/
// folder on, slash-separated, without a final ".gz" (a download may have
// inflated it; the hashes are of the uncompressed content anyway). A path
// with no AWSLogs/ folder is its own name, and matches no digest's.
func Name(path string) string {
	p := filepath.ToSlash(path)
	for end := len(p); ; {
		i := strings.LastIndex(p[:end], "AWSLogs/")
		switch {
		case i < 0:
			return strings.TrimSuffix(p, ".gz")
		case i == 0 || p[i-1] == '/':
			return strings.TrimSuffix(p[i:], ".gz")
		}
		end = i
	}
}

// Place is the account and region a log file's or a digest's path names,
// or "" for what it does not name.
func Place(path string) (account, region string) {
	if k, ok := ParseDigestKey(path); ok {
		return k.Account, k.Region
	}
	l, _ := trail.ParseLayout(Name(path))
	return l.Account, l.Region
}

// DigestKey is what a digest's key says:
// [PREFIX/]AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOMEREGION_YYYYMMDDTHHMMSSZ[_backfill].json.gz
type DigestKey struct {
	Org, Account, Region string
	Trail, HomeRegion    string
	End                  time.Time // the end of the hour it covers
	Backfill             bool      // backfill digests form a chain of their own
}

// chain names the chain the digest belongs to.
func (k DigestKey) chain() string {
	return strings.Join([]string{k.Org, k.Account, k.Region, k.Trail, k.HomeRegion, strconv.FormatBool(k.Backfill)}, "/")
}

// ParseDigestKey reads a digest's key or path, and reports false if it is
// not one.
func ParseDigestKey(key string) (DigestKey, bool) {
	segs := strings.Split(Name(key), "/")
	if len(segs) > 0 && segs[0] == "AWSLogs" && len(segs) > 1 && strings.HasPrefix(segs[1], "o-") {
		segs = append(segs[:1:1], segs[2:]...)
	}
	// AWSLogs ACCOUNT CloudTrail-Digest REGION YYYY MM DD FILE
	if len(segs) != 8 || segs[0] != "AWSLogs" || segs[2] != "CloudTrail-Digest" {
		return DigestKey{}, false
	}
	l, ok := digestLayout(key)
	if !ok || l.Day == 0 {
		return DigestKey{}, false
	}
	k := DigestKey{Org: l.Org, Account: l.Account, Region: l.Region}
	file, ok := strings.CutSuffix(segs[7], ".json")
	if !ok {
		return DigestKey{}, false
	}
	file, k.Backfill = strings.CutSuffix(file, "_backfill")
	rest, ok := strings.CutPrefix(file, k.Account+"_CloudTrail-Digest_"+k.Region+"_")
	const stampLen = len("20060102T150405Z")
	if !ok || len(rest) < stampLen+1 || rest[len(rest)-stampLen-1] != '_' {
		return DigestKey{}, false
	}
	end, err := time.Parse("20060102T150405Z", rest[len(rest)-stampLen:])
	if err != nil {
		return DigestKey{}, false
	}
	k.End = end
	// The trail's name may hold underscores; the home region cannot.
	i := strings.LastIndexByte(rest[:len(rest)-stampLen-1], '_')
	if i <= 0 {
		return DigestKey{}, false
	}
	k.Trail, k.HomeRegion = rest[:i], rest[i+1:len(rest)-stampLen-1]
	if !trail.IsRegion(k.HomeRegion) || !trail.IsRegion(k.Region) {
		return DigestKey{}, false
	}
	return k, true
}

// digestLayout reads the layout levels of a digest key or folder, which
// are those of the logs' layout with CloudTrail-Digest for CloudTrail.
func digestLayout(key string) (trail.Layout, bool) {
	segs := strings.Split(strings.Trim(filepath.ToSlash(key), "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i] == "CloudTrail-Digest" {
			segs[i] = "CloudTrail"
			return trail.ParseLayout(strings.Join(segs, "/"))
		}
	}
	return trail.Layout{}, false
}

// digestLag is how long after a log file's delivery the digest listing it
// may end: an hour for the digest's span, and time for it to be late.
const digestLag = 2 * time.Hour

// window is the span of digest end times a scan of sc needs: the digests
// that list the logs of every date folder it reads (those of the days from
// Since to Until and the late-delivery margin). Zero bounds are open.
func window(sc trail.Scope) (from, to time.Time) {
	const day = 24 * time.Hour
	if !sc.Since.IsZero() {
		from = sc.Since.UTC().Truncate(day)
	}
	if !sc.Until.IsZero() {
		last := sc.Until.UTC().Add(trail.LateDelivery)
		to = last.Truncate(day)
		if !to.Equal(last) {
			to = to.Add(day)
		}
		to = to.Add(digestLag)
	}
	return from, to
}

func inWindow(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || !t.After(to))
}

// WantsDigest reports whether a scan of sc needs the digest at key: one of
// its accounts and regions, ending in the window of the logs it reads. It
// reports false for a key that is no digest's.
func WantsDigest(sc trail.Scope, key string) bool {
	k, ok := ParseDigestKey(key)
	if !ok || !sc.HasAccount(k.Account) || !sc.HasRegion(k.Region) {
		return false
	}
	from, to := window(sc)
	return inWindow(k.End, from, to)
}

// ExcludesDigestDir reports whether no digest a scan of sc needs is below
// dir, a folder of the digests' layout
// (AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/): a
// listing of digests skips it. A folder outside that layout is never
// excluded.
func ExcludesDigestDir(sc trail.Scope, dir string) bool {
	l, ok := digestLayout(dir)
	if !ok {
		return false
	}
	if l.Account != "" && !sc.HasAccount(l.Account) || l.Region != "" && !sc.HasRegion(l.Region) {
		return true
	}
	var start, end time.Time
	switch {
	case l.Day != 0:
		start = time.Date(l.Year, l.Month, l.Day, 0, 0, 0, 0, time.UTC)
		end = start.AddDate(0, 0, 1)
	case l.Month != 0:
		start = time.Date(l.Year, l.Month, 1, 0, 0, 0, 0, time.UTC)
		end = start.AddDate(0, 1, 0)
	case l.Year != 0:
		start = time.Date(l.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		end = start.AddDate(1, 0, 0)
	default:
		return false
	}
	from, to := window(sc)
	return !from.IsZero() && !end.After(from) || !to.IsZero() && start.After(to)
}

// logTime is the delivery time in a log file's name
// (..._YYYYMMDDTHHMMZ_UNIQUE.json.gz), and false if it has none.
func logTime(name string) (time.Time, bool) {
	file := name[strings.LastIndexByte(name, '/')+1:]
	parts := strings.Split(file, "_")
	if len(parts) < 2 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T1504Z", parts[len(parts)-2])
	return t, err == nil
}

// quote bounds and escapes a value from a digest before it reaches a
// message.
func quote(s string) string {
	const limit = 96
	if len(s) > limit {
		s = s[:limit] + "..."
	}
	return strconv.QuoteToASCII(s)
}
