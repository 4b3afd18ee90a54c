package gen

// fileKind is what a job writes.
type fileKind uint8

const (
	logFile   fileKind = iota // ordinary log file, with its organization trail copy
	edgeStart                 // log file of the first minutes of a day
	edgeEnd                   // log file of the last minutes of a day, delivered the next
	emptyLog                  // valid log file with no records
	truncated                 // gzip file cut short
	garbled                   // valid gzip of corrupt JSON
	foreign                   // valid gzip of JSON that is not a CloudTrail log
	digests                   // a day's placeholder CloudTrail-Digest files
	insights                  // a day's CloudTrail-Insight file
	caseLog                   // log file of a day's Support case, with Config.Cases
)

// encoding is how a log file is stored.
type encoding uint8

const (
	gzipped encoding = iota
	multiMember
	plainJSON
)

// job is one unit of output, named by what it is rather than by its place
// in the plan, so its random source and its bytes are stable.
type job struct {
	kind   fileKind
	acct   string
	region string
	day    int
	n      int // index of the file in its day
	enc    encoding
}

// plan lists the jobs of an archive in a fixed order.
func (c *Config) plan() []job {
	var jobs []job
	for ai, a := range c.Accounts {
		for ri, r := range c.regionsOf(a) {
			for d := range c.Days {
				for n := range c.FilesPerDay * c.weightOf(a) {
					jobs = append(jobs, job{kind: logFile, acct: a, region: r, day: d, n: n})
				}
				if ri == 0 {
					jobs = append(jobs, c.edges(ai, a, r, d)...)
				}
				if ri == 0 && c.Cases {
					jobs = append(jobs, job{kind: caseLog, acct: a, region: r, day: d})
				}
				if c.Damaged && !c.Digests {
					jobs = append(jobs, job{kind: digests, acct: a, region: r, day: d})
				}
				if c.Damaged && ri == 0 {
					jobs = append(jobs, job{kind: insights, acct: a, region: r, day: d})
				}
			}
		}
	}
	if c.Damaged {
		a := c.Accounts[0]
		r := c.regionsOf(a)[0]
		for i, k := range []fileKind{emptyLog, truncated, garbled, foreign} {
			jobs = append(jobs, job{kind: k, acct: a, region: r, day: i % c.Days})
		}
	}
	return jobs
}

// edges are the two files around midnight that every account has each day
// in its first region. They hold Support events at the day's first and last
// second and one of each look-alike. With Damaged, the first account's are
// also where the multi-member and uncompressed encodings go, so that the
// Support events in them are not found in any ordinary file.
func (c *Config) edges(ai int, a, r string, d int) []job {
	start := job{kind: edgeStart, acct: a, region: r, day: d}
	end := job{kind: edgeEnd, acct: a, region: r, day: d}
	if c.Damaged && ai == 0 {
		if d == c.Days-1 {
			start.enc = multiMember
		}
		if d == 0 {
			end.enc = plainJSON
		}
	}
	return []job{start, end}
}

// rng returns the job's random source.
func (j job) rng(seed int64) *rng {
	return newRNG(seed, uint64(j.kind), hashString(j.acct), hashString(j.region), uint64(j.day), uint64(j.n))
}
