package gen

import (
	"cmp"
	"slices"
	"time"
)

// Manifest is what Write wrote: the truth a scan of the archive is checked
// against.
type Manifest struct {
	// Files counts every file written.
	Files int `json:"files"`
	// ValidFiles counts the CloudTrail log files a scanner must read whole,
	// including the multi-member, uncompressed and empty ones.
	ValidFiles int `json:"validFiles"`
	// DamagedFiles are the log files no reader can read whole, as
	// slash-separated paths relative to the archive's directory, sorted.
	// They hold no Support events or authorization events.
	DamagedFiles []string `json:"damagedFiles"`
	// DigestFiles and InsightFiles count the CloudTrail-Digest and
	// CloudTrail-Insight files, which hold no API activity.
	DigestFiles  int `json:"digestFiles"`
	InsightFiles int `json:"insightFiles"`
	// Records counts the records of the valid files; an event logged by
	// both trails counts twice.
	Records int64 `json:"records"`
	// Events counts the distinct eventIDs of the valid files.
	Events int64 `json:"events"`
	// Bytes is the uncompressed size of the valid files.
	Bytes int64 `json:"bytes"`
	// FirstEvent and LastEvent bound the eventTimes of the valid files.
	FirstEvent time.Time `json:"firstEvent"`
	LastEvent  time.Time `json:"lastEvent"`
	// Accounts and Regions are those with log files, sorted.
	Accounts []string `json:"accounts"`
	Regions  []string `json:"regions"`
	// SupportEventIDs are the distinct eventIDs of the Support role's
	// events, sorted.
	SupportEventIDs []string `json:"supportEventIDs"`
	// SupportErrors counts the Support role's failed calls (with an errorCode).
	SupportErrors int `json:"supportErrors"`
	// Actions summarizes the Support role's events per eventSource and eventName.
	Actions []Action `json:"actions"`
	// Support lists the Support role's events, by time then eventID.
	Support []Event `json:"support"`
	// AuthzEvents lists the Support authorization service's events
	// (eventSource supportauthz.amazonaws.com), by time then eventID. They
	// are not the role's calls.
	AuthzEvents []Event `json:"authzEvents"`
	// Cases are the Support cases written with Config.Cases, by account
	// then first event. Their events are not the role's calls; those of
	// the authorization service are in AuthzEvents too.
	Cases      []Case      `json:"cases,omitempty"`
	caseEvents []caseEvent // gathered from the jobs, for Cases
	// Metadata is the S3 object metadata of the files that have some (the
	// digests' signatures, with Config.Digests), by path: an upload sets
	// each name as x-amz-meta-NAME. Local copies, like `aws s3 sync`'s,
	// have none.
	Metadata map[string]map[string]string `json:"metadata,omitempty"`
}

// Event is one event listed in a Manifest.
type Event struct {
	ID        string    `json:"eventID"`
	Time      time.Time `json:"eventTime"`
	Account   string    `json:"recipientAccountId"`
	Region    string    `json:"awsRegion"`
	Source    string    `json:"eventSource"`
	Name      string    `json:"eventName"`
	ReadOnly  *bool     `json:"readOnly,omitempty"`  // nil when the record has no readOnly field
	ErrorCode string    `json:"errorCode,omitempty"` // set when the call failed
	Session   string    `json:"session,omitempty"`   // the Support role's session name
	CaseID    string    `json:"caseId,omitempty"`    // the Support case of an authorization event
}

// Action summarizes the events of one eventSource and eventName.
type Action struct {
	Source string `json:"eventSource"`
	Name   string `json:"eventName"`
	// Events counts distinct events, Errors those that failed.
	Events int `json:"events"`
	Errors int `json:"errors"`
	// ReadOnly, Writes and NoReadOnly count the events whose readOnly field
	// was true, false, and absent.
	ReadOnly   int       `json:"readOnly"`
	Writes     int       `json:"writes"`
	NoReadOnly int       `json:"noReadOnly"`
	First      time.Time `json:"first"`
	Last       time.Time `json:"last"`
}

// Actions summarizes events per eventSource and eventName, sorted by both.
// Tests use it on a subset of Manifest.Support, such as the events of a
// time range.
func Actions(events []Event) []Action {
	byKey := map[[2]string]*Action{}
	for _, e := range events {
		k := [2]string{e.Source, e.Name}
		a := byKey[k]
		if a == nil {
			a = &Action{Source: e.Source, Name: e.Name, First: e.Time, Last: e.Time}
			byKey[k] = a
		}
		a.add(e)
	}
	out := make([]Action, 0, len(byKey))
	for _, a := range byKey {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b Action) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Name, b.Name))
	})
	return out
}

func (a *Action) add(e Event) {
	a.Events++
	if e.ErrorCode != "" {
		a.Errors++
	}
	switch {
	case e.ReadOnly == nil:
		a.NoReadOnly++
	case *e.ReadOnly:
		a.ReadOnly++
	default:
		a.Writes++
	}
	if e.Time.Before(a.First) {
		a.First = e.Time
	}
	if e.Time.After(a.Last) {
		a.Last = e.Time
	}
}

// merge adds what one file job wrote to m. Jobs are merged in plan order
// and lists sorted at the end, so m does not depend on which worker
// finished first.
func (m *Manifest) merge(o *output) {
	m.Files += o.valid + len(o.damaged) + o.digests + o.insights
	m.ValidFiles += o.valid
	m.DamagedFiles = append(m.DamagedFiles, o.damaged...)
	m.DigestFiles += o.digests
	m.InsightFiles += o.insights
	m.Records += o.records
	m.Events += o.events
	m.Bytes += o.bytes
	if !o.first.IsZero() && (m.FirstEvent.IsZero() || o.first.Before(m.FirstEvent)) {
		m.FirstEvent = o.first
	}
	if o.last.After(m.LastEvent) {
		m.LastEvent = o.last
	}
	m.Support = append(m.Support, o.support...)
	m.AuthzEvents = append(m.AuthzEvents, o.authz...)
	m.caseEvents = append(m.caseEvents, o.cases...)
}

// finish sorts the lists and derives the summaries.
func (m *Manifest) finish(c *Config) {
	slices.SortFunc(m.Support, byTime)
	slices.SortFunc(m.AuthzEvents, byTime)
	if len(m.caseEvents) > 0 {
		m.Cases = cases(m.caseEvents)
	}
	slices.Sort(m.DamagedFiles)
	m.SupportEventIDs = make([]string, 0, len(m.Support))
	for _, e := range m.Support {
		m.SupportEventIDs = append(m.SupportEventIDs, e.ID)
		if e.ErrorCode != "" {
			m.SupportErrors++
		}
	}
	slices.Sort(m.SupportEventIDs)
	m.Actions = Actions(m.Support)
	m.Accounts = slices.Sorted(slices.Values(c.Accounts))
	for _, a := range c.Accounts {
		m.Regions = append(m.Regions, c.regionsOf(a)...)
	}
	slices.Sort(m.Regions)
	m.Regions = slices.Compact(m.Regions)
	if m.DamagedFiles == nil {
		m.DamagedFiles = []string{}
	}
}

// byTime orders events by time, then ID.
func byTime(a, b Event) int { return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID)) }
