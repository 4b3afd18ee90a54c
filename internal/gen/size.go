package gen

import "fmt"

// fileBytes is the uncompressed size Sized aims at for a log file: real
// files run from a few to a few hundred kilobytes.
const fileBytes = 256 << 10

// Sized returns c with FilesPerDay and RecordsPerFile chosen so that the
// valid log files Write writes total about bytes uncompressed, in files of
// about 256 KB. The other fields of c are kept: the size is spread over
// its accounts, regions, days, weights and trails.
func (c Config) Sized(bytes int64) (Config, error) {
	d, err := c.withDefaults()
	if err != nil {
		return c, err
	}
	if bytes <= 0 {
		return c, fmt.Errorf("gen: size %d: not positive", bytes)
	}
	avg, err := d.recordBytes()
	if err != nil {
		return c, err
	}
	var units int64 // file series: one per account, region and day, per trail, weighted
	left := bytes   // what the midnight files leave to the ordinary ones
	for _, a := range d.Accounts {
		trails := int64(1)
		if d.inOrg(a) {
			trails = 2
		}
		units += trails * int64(len(d.regionsOf(a))*d.Days*d.weightOf(a))
		left -= trails * int64(d.Days*edgeRecords) * avg
	}
	perUnit := max(0, left) / units
	files := max(1, (perUnit+fileBytes/2)/fileBytes)
	c.FilesPerDay = int(files)
	c.RecordsPerFile = int(max(1, perUnit/(files*avg)))
	return c, nil
}

// recordBytes measures the average encoded size of the records of ordinary
// files under c, by making a sample of them.
func (c *Config) recordBytes() (int64, error) {
	const n = 20000
	j := job{kind: logFile, acct: c.Accounts[0], region: c.regionsOf(c.Accounts[0])[0], n: -1}
	r := j.rng(c.Seed)
	s := newScope(c, j.acct, j.region, 0)
	var total int64
	for range n {
		m := (&recGen{rng: r, s: s, t: r.within(s.day, 24*fiveMinutes)}).make(chooseKind(r, c.SupportRate))
		b, err := m.rec.marshal(false)
		if err != nil {
			return 0, fmt.Errorf("gen: encode record: %w", err)
		}
		total += int64(len(b)) + 1 // and a comma
	}
	return total / n, nil
}
