package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// damaged writes a log file no reader can read whole. Its records are all
// ordinary, so the Support truth does not depend on how much of a damaged
// file a reader salvages before it fails.
func (w *worker) damaged(dir string, c *Config, j job, o *output) error {
	r := j.rng(c.Seed)
	s := newScope(c, j.acct, j.region, j.day)
	from := r.within(s.day, 24*time.Hour-fiveMinutes)
	recs := make([]made, max(5, c.RecordsPerFile))
	for i := range recs {
		recs[i] = (&recGen{rng: r, s: s, t: r.within(from, fiveMinutes)}).ordinaryCall()
	}
	sortByTime(recs)
	lines, err := marshalAll(r, recs)
	if err != nil {
		return err
	}
	doc := bytes.Clone(document(&w.buf, lines))
	var b []byte
	switch j.kind {
	case truncated:
		// An interrupted download: the gzip trailer and more are missing.
		z := w.compressed(doc)
		b = z[:len(z)*3/5]
	case garbled:
		// A disk error: a run of NUL bytes, invalid anywhere in JSON.
		copy(doc[len(doc)/2:], bytes.Repeat([]byte{0}, 64))
		b = w.compressed(doc)
	default:
		b = w.compressed([]byte(`{"foo":1}`))
	}
	deliver := delivery(r, from)
	key := logKey(trailRoot(c.Prefix, "", j.acct), j.acct, j.region, deliver, r.alnum(16), gzipped)
	o.damaged = append(o.damaged, key)
	if c.Digests && j.kind != foreign {
		// CloudTrail delivered it whole: the damage came after.
		o.list(trailRoot(c.Prefix, "", j.acct), j.region, key, document(&w.buf, lines), deliver, recs)
	}
	return writeRaw(dir, key, b)
}

// digests writes a day's CloudTrail-Digest files for the account in each
// trail. Digests are JSON objects without Records: not events.
func (w *worker) digests(dir string, c *Config, j job, o *output) error {
	r := j.rng(c.Seed)
	s := newScope(c, j.acct, j.region, j.day)
	trails := []struct{ root, name string }{{trailRoot(c.Prefix, "", j.acct), "management-events"}}
	if c.inOrg(j.acct) {
		trails = append(trails, struct{ root, name string }{trailRoot(c.OrgPrefix, c.OrgID, j.acct), "org-trail"})
	}
	for _, t := range trails {
		// Real digests are hourly; two a day are enough to be skipped.
		for h := 5; h < 24; h += 12 {
			end := s.day.Add(time.Duration(h+1) * time.Hour)
			deliver := end.Add(time.Duration(r.between(60, 900)) * time.Second)
			doc, err := json.Marshal(digest(r, s, t.root, t.name, end))
			if err != nil {
				return fmt.Errorf("gen: encode digest: %w", err)
			}
			key := t.root + "/CloudTrail-Digest/" + j.region + "/" + deliver.Format("2006/01/02") + "/" +
				j.acct + "_CloudTrail-Digest_" + j.region + "_" + t.name + "_" + j.region + "_" + deliver.Format("20060102T150405Z") + ".json.gz"
			if err := writeRaw(dir, key, w.compressed(doc)); err != nil {
				return err
			}
			o.digests++
		}
	}
	return nil
}

func digest(r *rng, s *scope, root, trail string, end time.Time) obj {
	bucket := "cloudtrail-logs-" + s.account
	logs := []obj{}
	for range r.IntN(3) {
		logs = append(logs, obj{"s3Bucket": bucket, "s3Object": root + "/CloudTrail/" + s.region + "/" + end.Format("2006/01/02") + "/" +
			s.account + "_CloudTrail_" + s.region + "_" + end.Format("20060102T1504Z") + "_" + r.alnum(16) + ".json.gz",
			"hashValue": r.hex(64), "hashAlgorithm": "SHA-256",
			"newestEventTime": stamp(end.Add(-time.Minute)), "oldestEventTime": stamp(end.Add(-time.Hour))})
	}
	return obj{
		"awsAccountId": s.account, "digestStartTime": stamp(end.Add(-time.Hour)), "digestEndTime": stamp(end),
		"digestS3Bucket": bucket, "digestS3Object": root + "/CloudTrail-Digest/" + s.region + "/" + end.Format("2006/01/02") + "/" + trail + ".json.gz",
		"digestPublicKeyFingerprint": r.hex(32), "digestSignatureAlgorithm": "SHA256withRSA",
		"newestEventTime": stamp(end.Add(-time.Minute)), "oldestEventTime": stamp(end.Add(-time.Hour)),
		"previousDigestS3Bucket": bucket, "previousDigestHashValue": r.hex(64), "previousDigestHashAlgorithm": "SHA-256",
		"previousDigestSignature": r.hex(512), "logFiles": logs,
	}
}

// insights writes a day's CloudTrail-Insight file: Insights events about
// unusual call rates. Some carry a Support-role userIdentity, which real
// Insights events do not, so that a scanner counting them is caught.
func (w *worker) insights(dir string, c *Config, j job, o *output) error {
	r := j.rng(c.Seed)
	s := newScope(c, j.acct, j.region, j.day)
	start := r.within(s.day.Add(time.Hour), 20*time.Hour)
	var recs []obj
	for i := range r.between(1, 2) {
		shared := r.uuid()
		a := supportActions[r.IntN(6)]
		for k, state := range []string{"Start", "End"} {
			t := start.Add(time.Duration(i*90+k*30) * time.Minute)
			g := &recGen{rng: r, s: s, t: t}
			rec := insightRecord(g, a, state, shared)
			if k == 0 || i == 0 {
				rec["userIdentity"] = g.supportCaller(0).id
			}
			recs = append(recs, rec)
		}
	}
	doc, err := json.Marshal(obj{"Records": recs})
	if err != nil {
		return fmt.Errorf("gen: encode insight: %w", err)
	}
	deliver := start.Add(3*time.Hour + time.Duration(r.IntN(900))*time.Second)
	key := trailRoot(c.Prefix, "", j.acct) + "/CloudTrail-Insight/" + j.region + "/" + deliver.Format("2006/01/02") + "/" +
		j.acct + "_CloudTrail-Insight_" + j.region + "_" + deliver.Format("20060102T1504Z") + "_" + r.alnum(16) + ".json.gz"
	o.insights++
	return writeRaw(dir, key, w.compressed(doc))
}

func insightRecord(g *recGen, a action, state, shared string) obj {
	avg := float64(g.between(20, 400)) / 100
	attribution := func(attr, value string) obj {
		return obj{"attribute": attr,
			"insight":  []obj{{"value": value, "average": avg}},
			"baseline": []obj{{"value": value, "average": 0.01}}}
	}
	return obj{
		"eventVersion": "1.08", "eventTime": stamp(g.t), "awsRegion": g.s.region, "eventID": g.uuid(),
		"eventType": "AwsCloudTrailInsight", "recipientAccountId": g.s.account, "sharedEventID": shared,
		"insightDetails": obj{
			"state": state, "eventSource": a.source(), "eventName": a.name, "insightType": "ApiCallRateInsight",
			"insightContext": obj{
				"statistics": obj{"baseline": obj{"average": 0.01}, "insight": obj{"average": avg}, "insightDuration": 30},
				"attributions": []obj{
					attribution("userIdentityArn", g.s.assumedARN(supportRole, g.s.sessionAt(g.t).name)),
					attribution("userAgent", supportService),
					attribution("errorCode", "null"),
				},
			},
		},
		"eventCategory": "Insight",
	}
}
