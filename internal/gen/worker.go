package gen

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

// output is what one job wrote, merged into the Manifest in plan order.
type output struct {
	valid, digests, insights int
	damaged                  []string
	records, events, bytes   int64
	first, last              time.Time
	support, authz           []Event
	cases                    []caseEvent
	listed                   []listed // for the digests, with Config.Digests
}

// worker holds the buffers a goroutine reuses from job to job.
type worker struct {
	gz  *gzip.Writer
	buf bytes.Buffer
}

// level is the compression level of the archive's files. Level 1 is about
// three times as fast as CloudTrail's level 6 and leaves the reading side,
// what the archive is for, unchanged.
const level = gzip.BestSpeed

func newWorker() *worker {
	gz, _ := gzip.NewWriterLevel(nil, level) // level is valid: no error
	return &worker{gz: gz}
}

func (w *worker) do(dir string, c *Config, j job, o *output) error {
	switch j.kind {
	case truncated, garbled, foreign:
		return w.damaged(dir, c, j, o)
	case digests:
		return w.digests(dir, c, j, o)
	case insights:
		return w.insights(dir, c, j, o)
	}
	return w.logFile(dir, c, j, o)
}

// logFile writes a log file of the account trail and, if the organization
// trail logs the account, its copy there: the same events in another
// order, delivered a little later under another name.
func (w *worker) logFile(dir string, c *Config, j job, o *output) error {
	r := j.rng(c.Seed)
	s := newScope(c, j.acct, j.region, j.day)
	recs, deliver := records(r, s, j)
	lines, err := marshalAll(r, recs)
	if err != nil {
		return err
	}
	for _, m := range recs {
		o.add(m)
	}
	o.events += int64(len(recs))
	unique := r.alnum(16)
	key := logKey(trailRoot(c.Prefix, "", j.acct), j.acct, j.region, deliver, unique, j.enc)
	key = c.keyOf(c.Prefix, key, j, deliver, unique)
	doc, err := w.writeLog(dir, key, lines, j.enc, c.Shape, o)
	if err != nil {
		return err
	}
	if c.Digests {
		o.list(trailRoot(c.Prefix, "", j.acct), j.region, key, doc, deliver, recs)
	}
	if !c.inOrg(j.acct) {
		return nil
	}
	if len(lines) > 0 {
		k := r.IntN(len(lines))
		lines = append(lines[k:], lines[:k]...)
	}
	deliver = deliver.Add(time.Duration(r.IntN(180)) * time.Second) // a little later

	unique = r.alnum(16)
	key = logKey(trailRoot(c.OrgPrefix, c.OrgID, j.acct), j.acct, j.region, deliver, unique, j.enc)
	key = c.keyOf(c.OrgPrefix, key, j, deliver, unique)
	if doc, err = w.writeLog(dir, key, lines, j.enc, c.Shape, o); err != nil {
		return err
	}
	if c.Digests {
		o.list(trailRoot(c.OrgPrefix, c.OrgID, j.acct), j.region, key, doc, deliver, recs)
	}
	return nil
}

// add counts a record of a valid file, once per distinct event.
func (o *output) add(m made) {
	t, _ := time.Parse(time.RFC3339, m.rec.EventTime)
	if o.first.IsZero() || t.Before(o.first) {
		o.first = t
	}
	if t.After(o.last) {
		o.last = t
	}
	if m.kase != nil {
		o.cases = append(o.cases, caseEvent{*m.kase, *eventOf(m.rec, "")})
	}
	switch {
	case m.event == nil:
	case m.rec.EventSource == authzService:
		o.authz = append(o.authz, *m.event)
	default:
		o.support = append(o.support, *m.event)
	}
}

// keyOf is the key of a log file in c's shape, given its delivered key.
func (c *Config) keyOf(prefix, key string, j job, deliver time.Time, unique string) string {
	if c.Shape == "delivered" {
		return key
	}
	return shapeKey(c.Shape, prefix, key, j.acct, j.region, deliver, unique)
}

// writeLog writes a log file in shape and returns its delivered content,
// valid until the worker's next document. A file in another shape than
// delivered is gzip'ed whatever enc says; subscription payloads each in
// a gzip member of their own, as Firehose writes them.
func (w *worker) writeLog(dir, key string, lines [][]byte, enc encoding, shape string, o *output) ([]byte, error) {
	doc := document(&w.buf, lines)
	o.valid++
	o.records += int64(len(lines))
	if shape == "delivered" {
		o.bytes += int64(len(doc))
		return doc, w.write(dir, key, doc, enc)
	}
	var parts [][]byte
	var err error
	if shape == "cwl-subscription" {
		parts, err = Payloads(doc)
	} else {
		var out []byte
		out, err = Reshape(doc, shape)
		parts = [][]byte{out}
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", key, err)
	}
	for _, p := range parts {
		o.bytes += int64(len(p))
	}
	return doc, w.writeParts(dir, key, parts)
}

// marshalAll encodes each record once, so that the organization trail's
// copy can reuse the bytes; about one in twenty has its userIdentity late.
func marshalAll(r *rng, recs []made) ([][]byte, error) {
	lines := make([][]byte, len(recs))
	for i, m := range recs {
		b, err := m.rec.marshal(r.chance(0.05))
		if err != nil {
			return nil, fmt.Errorf("gen: encode record: %w", err)
		}
		lines[i] = b
	}
	return lines, nil
}

// document joins records into a log file's JSON, reusing buf.
func document(buf *bytes.Buffer, lines [][]byte) []byte {
	buf.Reset()
	buf.WriteString(`{"Records":[`)
	for i, l := range lines {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(l)
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

// trailRoot is the key of a trail's directory for account:
// PREFIX/AWSLogs/[o-ORGID/]ACCOUNT.
func trailRoot(prefix, org, account string) string {
	return path.Join(prefix, "AWSLogs", org, account)
}

// logKey is a log file's key. Its date and time are those of delivery.
func logKey(root, account, region string, deliver time.Time, unique string, enc encoding) string {
	ext := ".json.gz"
	if enc == plainJSON {
		ext = ".json"
	}
	return root + "/CloudTrail/" + region + "/" + deliver.Format("2006/01/02") + "/" +
		account + "_CloudTrail_" + region + "_" + deliver.Format("20060102T1504Z") + "_" + unique + ext
}

// write stores doc at key below dir, gzip-compressed unless enc says
// otherwise. A multi-member file is split into three gzip members at
// arbitrary bytes, so that only a reader of all members sees valid JSON.
func (w *worker) write(dir, key string, doc []byte, enc encoding) error {
	switch enc {
	case plainJSON:
		return create(dir, key, func(f *os.File) error {
			_, err := f.Write(doc)
			return err
		})
	case multiMember:
		third := len(doc) / 3
		return w.writeParts(dir, key, [][]byte{doc[:third], doc[third : 2*third], doc[2*third:]})
	}
	return w.writeParts(dir, key, [][]byte{doc})
}

// writeParts stores parts at key below dir, each a gzip member.
func (w *worker) writeParts(dir, key string, parts [][]byte) error {
	return create(dir, key, func(f *os.File) error {
		for _, part := range parts {
			if err := w.gzip(f, part); err != nil {
				return err
			}
		}
		return nil
	})
}

// create creates the file at key below dir, and its directories, and
// closes it once fill has written it.
func create(dir, key string, fill func(*os.File) error) error {
	p := filepath.Join(dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	f, err := os.Create(p)
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	err = fill(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// gzip writes b to f as one gzip member.
func (w *worker) gzip(f *os.File, b []byte) error {
	w.gz.Reset(f)
	if _, err := w.gz.Write(b); err != nil {
		return err
	}
	return w.gz.Close()
}

// compressed returns b as one gzip member in memory.
func (w *worker) compressed(b []byte) []byte {
	var out bytes.Buffer
	w.gz.Reset(&out)
	w.gz.Write(b) // writes to a bytes.Buffer do not fail
	w.gz.Close()
	return out.Bytes()
}

// writeRaw stores b as it is at key below dir.
func writeRaw(dir, key string, b []byte) error {
	p := filepath.Join(dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// sortByTime orders a file's records by eventTime, as CloudTrail roughly does.
func sortByTime(recs []made) {
	slices.SortStableFunc(recs, func(a, b made) int {
		// RFC 3339 times in UTC with seconds sort as strings.
		return strings.Compare(a.rec.EventTime, b.rec.EventTime)
	})
}
