package gen

import "time"

const fiveMinutes = 5 * time.Minute

// decoyRate is the share of ordinary files' records that are look-alikes.
const decoyRate = 0.04

// edgeOrdinary is the number of ordinary records in each midnight file.
const edgeOrdinary = 5

// edgeRecords is the number of records in a day's two midnight files; it
// must agree with records.
var edgeRecords = (1 + 2 + len(decoys) + edgeOrdinary) + (1 + 3 + 2 + edgeOrdinary)

// records makes the records of a log job and says when the file is
// delivered. Its events span at most six minutes from a time from, and
// the file is delivered 6 to 12 minutes after from (3 more for the
// organization trail's copy). So every event is before its file's key time
// and at most 15 minutes older: a scan reading one folder past a time
// range's end finds all the range's events.
func records(r *rng, s *scope, j job) ([]made, time.Time) {
	var recs []made
	add := func(t time.Time, k kind) {
		g := &recGen{rng: r, s: s, t: t}
		recs = append(recs, g.make(k))
	}
	var deliver time.Time
	switch j.kind {
	case edgeStart:
		add(s.day, support) // the first second of the day
		for _, k := range append([]kind{supportNoContext, supportNoIssuer}, decoys...) {
			switch k {
			case authzCreated: // a request, then its approval
				add(r.within(s.day, 2*time.Minute), k)
			case authzChanged:
				add(r.within(s.day.Add(3*time.Minute), 2*time.Minute), k)
			default:
				add(r.within(s.day, fiveMinutes), k)
			}
		}
		addOrdinary(r, s.day, fiveMinutes, edgeOrdinary, add)
		deliver = delivery(r, s.day)
	case edgeEnd:
		next := s.day.AddDate(0, 0, 1)
		from := next.Add(-6 * time.Minute)
		add(next.Add(-time.Second), support) // the last second of the day
		for range 3 {
			add(r.within(from, 6*time.Minute), support)
		}
		recs = append(recs, forcedSupport(r, s, r.within(from, 6*time.Minute))...)
		addOrdinary(r, from, 6*time.Minute, edgeOrdinary, add)
		deliver = r.within(next, 6*time.Minute) // after midnight: the next day's folder
	case emptyLog:
		deliver = r.within(s.day, 24*time.Hour)
	case caseLog:
		return caseRecords(r, s)
	default:
		from := r.within(s.day, 24*time.Hour-fiveMinutes)
		n := max(1, s.c.RecordsPerFile*r.between(25, 175)/100)
		for range n {
			add(r.within(from, fiveMinutes), chooseKind(r, s.c.SupportRate))
		}
		deliver = delivery(r, from)
	}
	sortByTime(recs)
	return recs, deliver
}

// delivery is when a file whose events start at from is delivered.
func delivery(r *rng, from time.Time) time.Time {
	return r.within(from.Add(6*time.Minute), 6*time.Minute)
}

func addOrdinary(r *rng, from time.Time, span time.Duration, n int, add func(time.Time, kind)) {
	for range n {
		add(r.within(from, span), ordinary)
	}
}

// forcedSupport is a Support write and a failed Support call, so that each
// day has both whatever the rates.
func forcedSupport(r *rng, s *scope, t time.Time) []made {
	g := &recGen{rng: r, s: s, t: t}
	write := g.supportCallOf(supportAction("GenerateCredentialReport"), 0, false)
	failed := g.supportCallOf(g.regional(supportActions), 0, true)
	return []made{write, failed}
}

// chooseKind draws the kind of a record of an ordinary log file.
func chooseKind(r *rng, supportRate float64) kind {
	x := r.Float64()
	switch {
	case x < supportRate:
		switch y := r.IntN(100); {
		case y < 4:
			return supportNoContext
		case y < 8:
			return supportNoIssuer
		}
		return support
	case x < supportRate+decoyRate:
		for {
			// Authorization events come only in the midnight files, as a
			// day's request and its approval.
			if k := pick(r, decoys); k != authzCreated && k != authzChanged {
				return k
			}
		}
	}
	return ordinary
}

// supportAction returns the Support action named name.
func supportAction(name string) action {
	for _, a := range supportActions {
		if a.name == name {
			return a
		}
	}
	panic("gen: no Support action " + name)
}
