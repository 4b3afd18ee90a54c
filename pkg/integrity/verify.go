package integrity

import (
	"cmp"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/trailscan/trailscan/pkg/trail"
)

// Verify checks the digests and logs in l for the scope of a scan, with
// keys (nil: signatures are not checked, and say so) and returns what they
// prove.
//
// A digest is verified when it is readable, where it says it is, its hash
// is the previousDigestHashValue of each digest after it, and its
// signature verifies: the one in its S3 metadata, and the
// previousDigestSignature of each digest after it. Without keys, a digest
// is verified when a digest after it confirms its hash. A digest with no
// signature to check (a local copy's newest) is unsigned, not verified.
//
// Only the digests of sc's accounts and regions that end in the window of
// the logs sc reads are reported on; only the logs of folders sc reads are
// listed or missing.
func (l *Ledger) Verify(sc trail.Scope, keys *Keys) Findings {
	return l.VerifyPart(sc, keys, Part{})
}

// Part is the part of a scan that a ledger holds when it is not the whole
// (a merge that lacks some shards). The zero Part is the whole.
type Part struct {
	// Covers says what part, for Findings.Covers: "shards 0/3, 2/3 of 3".
	Covers string
	// Owns reports whether the file at path is in the part: read by it
	// if it is there. It is asked of files the ledger lacks, at the path
	// the scan would have found them: the path of a file read beside
	// them, with their name from AWSLogs/ on.
	Owns func(path string) bool
}

// VerifyPart is Verify for a ledger that holds only part of a scan. What
// the rest read is not known, so only the files the part owns are missing,
// only the hours of the digests it owns are chain gaps (the absent
// digest's hour alone: those before it may be the rest's), and no log in
// the CloudTrail layout is unlisted (the digest that would list it may be
// the rest's).
func (l *Ledger) VerifyPart(sc trail.Scope, keys *Keys, part Part) Findings {
	l.mu.Lock()
	defer l.mu.Unlock()
	v := verification{sc: sc, keys: keys, part: part, f: Findings{SignaturesChecked: keys != nil, Covers: part.Covers}}
	v.from, v.to = window(sc)
	v.digests(l.digests)
	v.logs(l.logs)
	v.sort()
	return v.f
}

type verification struct {
	sc       trail.Scope
	keys     *Keys
	part     Part
	from, to time.Time
	entries  []*entry            // by path
	byName   map[string][]*entry // every digest read, by name
	chains   map[string][]*entry // readable digests by chain, by end time
	f        Findings
}

// entry is one digest being checked.
type entry struct {
	path, name string
	d          *digest
	key        DigestKey
	named      bool // key holds what the path says
	start, end time.Time
	problems   []string
	next       []*entry // digests whose predecessor it is
	signed     bool     // a signature was there to check
	verified   bool
}

func (e *entry) file() *digestFile { return e.d.File }

func (v *verification) digests(ds map[string]*digest) {
	v.byName, v.chains = map[string][]*entry{}, map[string][]*entry{}
	for _, p := range slices.Sorted(maps.Keys(ds)) {
		e := &entry{path: p, name: Name(p), d: ds[p]}
		e.key, e.named = ParseDigestKey(p)
		e.end = e.key.End
		if f := e.file(); f != nil {
			// Both parsed when the digest was added.
			e.start, _ = time.Parse(time.RFC3339, f.Start)
			e.end, _ = time.Parse(time.RFC3339, f.End)
			if e.named {
				c := e.key.chain()
				v.chains[c] = append(v.chains[c], e)
			}
		}
		v.entries = append(v.entries, e)
		v.byName[e.name] = append(v.byName[e.name], e)
	}
	for _, c := range v.chains {
		slices.SortFunc(c, func(a, b *entry) int { return a.end.Compare(b.end) })
	}
	var gaps []*entry
	for _, e := range v.entries {
		f := e.file()
		if f == nil {
			continue
		}
		for _, o := range v.byName[e.name] {
			if o != e && o.file() != nil && o.d.SHA256 != e.d.SHA256 {
				e.problems = append(e.problems, "another copy, "+o.path+", has other content")
			}
		}
		if Name(f.Object) != e.name {
			e.problems = append(e.problems, "not where it says it is: its digestS3Object is "+quote(f.Object))
		}
		if f.PrevObject == nil {
			continue // the first of its chain
		}
		prev := v.byName[Name(*f.PrevObject)]
		if len(prev) == 0 && e.named && len(e.problems) == 0 && v.owns(e.path, *f.PrevObject) {
			// A digest out of place says nothing of its neighbours': the
			// gap it leaves is found from the digest after it.
			gaps = append(gaps, e)
		}
		for _, p := range prev {
			p.next = append(p.next, e)
		}
	}
	for _, e := range v.entries {
		if e.file() != nil {
			v.check(e)
		}
	}
	for _, e := range v.entries {
		if v.reports(e) {
			v.report(e)
		}
	}
	for _, e := range gaps {
		if v.reports(e) {
			v.gap(e)
		}
	}
}

// reports says whether e is in the scope reported on. A digest whose path
// says nothing is reported: it was read as one.
func (v *verification) reports(e *entry) bool {
	return !e.named || v.sc.HasAccount(e.key.Account) && v.sc.HasRegion(e.key.Region) && inWindow(e.key.End, v.from, v.to)
}

// check verifies e's hash against the digests after it, and its
// signatures.
func (v *verification) check(e *entry) {
	f := e.file()
	type sig struct{ where, value string }
	var sigs []sig
	if e.d.Signature != "" {
		sigs = append(sigs, sig{"its S3 metadata", e.d.Signature})
	}
	for _, n := range e.next {
		if *n.file().PrevHash != e.d.SHA256 {
			e.problems = append(e.problems, "its SHA-256 is not the previousDigestHashValue of the next digest, "+n.path)
		}
		sigs = append(sigs, sig{"the previousDigestSignature of " + n.path, *n.file().PrevSignature})
	}
	e.signed = len(sigs) > 0
	if v.keys != nil && e.signed {
		pub, err := v.keys.find(f.Fingerprint, e.end, e.key.Backfill)
		if err != nil {
			e.problems = append(e.problems, err.Error())
		} else {
			prev := "null"
			if f.PrevSignature != nil {
				prev = *f.PrevSignature
			}
			signedString := f.End + "\n" + f.Bucket + "/" + f.Object + "\n" + e.d.SHA256 + "\n" + prev
			for _, s := range sigs {
				if err := verify(pub, signedString, s.value); err != nil {
					e.problems = append(e.problems, "the signature in "+s.where+" does not verify")
				}
			}
		}
	}
	confirmed := e.signed
	if v.keys == nil {
		confirmed = len(e.next) > 0
	}
	e.verified = len(e.problems) == 0 && confirmed
}

func (v *verification) report(e *entry) {
	v.f.DigestsRead++
	switch {
	case e.file() == nil:
		v.f.InvalidDigests = append(v.f.InvalidDigests, InvalidDigest{e.path, e.d.Error})
	case len(e.problems) > 0:
		v.f.InvalidDigests = append(v.f.InvalidDigests, InvalidDigest{e.path, strings.Join(e.problems, "; ")})
	case !e.signed:
		reason := "newest digest of its chain; its signature is in S3 metadata"
		if c := v.chains[e.key.chain()]; e.named && c[len(c)-1] != e {
			reason = "the digest after it is absent; its signature is in S3 metadata"
		}
		v.f.Unsigned = append(v.f.Unsigned, UnsignedDigest{e.path, reason})
	}
	if e.verified {
		v.f.DigestsVerified++
		if len(e.file().Logs) == 0 {
			v.f.EmptyHours++
		}
	}
}

// gap reports the hours before e that its absent predecessor covered. The
// predecessor's key says when it ended; an hourly chain's gap runs back to
// the latest digest of the chain read, so that consecutive absent digests
// are one gap. Backfill digests are sparse: only the absent one's hour is
// known.
func (v *verification) gap(e *entry) {
	end := e.start
	if k, ok := ParseDigestKey(*e.file().PrevObject); ok {
		end = k.End
	}
	if !v.from.IsZero() && end.Before(v.from) {
		return // before the window: not read, not lost
	}
	from := end.Add(-time.Hour)
	if !e.key.Backfill && v.part.Owns == nil {
		if !v.from.IsZero() {
			from = v.from
		}
		for _, o := range v.chains[e.key.chain()] {
			if o.end.After(end) {
				break
			}
			from = o.end
		}
	}
	if from.Before(v.from) {
		from = v.from
	}
	v.f.ChainGaps = append(v.f.ChainGaps, ChainGap{Account: e.key.Account, Region: e.key.Region, From: from, Until: end, Digest: e.path})
}

// listing is one log file a digest lists.
type listing struct {
	e   *entry
	log listedLog
}

func (v *verification) logs(read map[string]string) {
	seen := map[string][]string{} // paths by name
	for _, p := range slices.Sorted(maps.Keys(read)) {
		n := Name(p)
		seen[n] = append(seen[n], p)
	}
	listed := map[string][]listing{}    // in scope, by name
	anywhere := map[string]bool{}       // listed by any digest read
	newest := map[[3]string]time.Time{} // end of the newest digest, by org, account and region
	for _, e := range v.entries {
		f := e.file()
		if f == nil {
			continue
		}
		if e.named {
			k := [3]string{e.key.Org, e.key.Account, e.key.Region}
			if e.end.After(newest[k]) {
				newest[k] = e.end
			}
		}
		for _, lf := range f.Logs {
			n := Name(lf.Object)
			anywhere[n] = true
			if v.reports(e) && !v.sc.Excludes(path.Dir(n)) && (len(seen[n]) > 0 || v.owns(e.path, lf.Object)) {
				listed[n] = append(listed[n], listing{e, lf})
			}
		}
	}
	v.f.LogsListed = len(listed)
	for _, n := range slices.Sorted(maps.Keys(listed)) {
		ls := listed[n]
		paths := seen[n]
		if len(paths) == 0 {
			v.f.Missing = append(v.f.Missing, LogFinding{"s3://" + ls[0].log.Bucket + "/" + ls[0].log.Object, ls[0].e.path})
			continue
		}
		intact, proven := true, false
		for _, p := range paths {
			for _, l := range ls {
				if l.log.Hash != read[p] {
					v.f.Altered = append(v.f.Altered, LogFinding{p, l.e.path})
					intact = false
					break
				}
				proven = proven || l.e.verified
			}
		}
		if intact && proven {
			v.f.LogsVerified++
		}
	}
	for _, n := range slices.Sorted(maps.Keys(seen)) {
		if v.sc.Excludes(path.Dir(n)) {
			continue
		}
		v.f.LogsRead++
		if anywhere[n] || v.pending(n, newest) || v.part.Owns != nil && !outsideTrails(n) {
			continue
		}
		for _, p := range seen[n] {
			v.f.Unlisted = append(v.f.Unlisted, LogFinding{Path: p})
		}
	}
}

// pending reports whether the log file named n may be too recent for
// its digest to have been written: delivered after the newest digest read
// of its account and region ends (less a quarter of an hour, as the time
// in a log's name may precede its delivery), and less than digestLag
// after. A live trail always has some; a later run verifies them.
func (v *verification) pending(n string, newest map[[3]string]time.Time) bool {
	l, ok := trail.ParseLayout(n)
	t, timed := logTime(n)
	if !ok || !timed {
		return false
	}
	end := newest[[3]string{l.Org, l.Account, l.Region}]
	return !end.IsZero() && t.After(end.Add(-15*time.Minute)) && t.Before(end.Add(digestLag))
}

// owns reports whether the file whose key is the S3 key or name key, read
// or not, is the part's: where the scan would have found it, beside the
// file read at sibling.
func (v *verification) owns(sibling, key string) bool {
	if v.part.Owns == nil {
		return true
	}
	n := Name(sibling)
	base := strings.TrimSuffix(sibling, ".gz")
	p := base[:len(base)-len(n)] + Name(key)
	if len(base) < len(sibling) {
		p += ".gz"
	}
	return v.part.Owns(p)
}

// outsideTrails reports whether the log file named n is outside the
// CloudTrail layout, where no digest lists anything: unlisted whatever
// else was read. A log inside it that a part's digests do not list may be
// listed by another part's: by the digest of its hour, or by a backfill
// digest of that hour, which nothing read may point to.
func outsideTrails(n string) bool {
	_, ok := trail.ParseLayout(n)
	return !ok
}

func (v *verification) sort() {
	byPath := func(a, b LogFinding) int { return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Digest, b.Digest)) }
	slices.SortFunc(v.f.Altered, byPath)
	slices.SortFunc(v.f.Missing, byPath)
	slices.SortFunc(v.f.Unlisted, byPath)
	slices.SortFunc(v.f.InvalidDigests, func(a, b InvalidDigest) int { return cmp.Compare(a.Path, b.Path) })
	slices.SortFunc(v.f.Unsigned, func(a, b UnsignedDigest) int { return cmp.Compare(a.Path, b.Path) })
	slices.SortFunc(v.f.ChainGaps, func(a, b ChainGap) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region), a.From.Compare(b.From), cmp.Compare(a.Digest, b.Digest))
	})
	for _, l := range []*[]LogFinding{&v.f.Altered, &v.f.Missing, &v.f.Unlisted} {
		if *l == nil {
			*l = []LogFinding{}
		}
	}
	if v.f.InvalidDigests == nil {
		v.f.InvalidDigests = []InvalidDigest{}
	}
	if v.f.ChainGaps == nil {
		v.f.ChainGaps = []ChainGap{}
	}
	if v.f.Unsigned == nil {
		v.f.Unsigned = []UnsignedDigest{}
	}
}
