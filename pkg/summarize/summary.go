package summarize

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/trailscan/trailscan/pkg/filter"
	"github.com/trailscan/trailscan/pkg/parse"
	"github.com/trailscan/trailscan/pkg/trail"
)

// Call is one call made by AWS Support's role, reduced to what a summary
// reports.
type Call struct {
	Event
	Session   string `json:"session"`
	ReadOnly  bool   `json:"read_only"`
	ErrorCode string `json:"error_code,omitempty"`
	// ErrorMessage is as logged: a reviewer reads why a call failed.
	ErrorMessage string `json:"error_message,omitempty"`
	SourceIP     string `json:"source_ip,omitempty"`
	UserAgent    string `json:"user_agent,omitempty"`
	Detail
	// File is where the call was read; of two copies, the first path in
	// sort order, so the answer does not depend on scheduling.
	File string `json:"file"`
	// Key is the file's key in its source, to open it again for evidence.
	Key string `json:"key,omitempty"`
	// Source is the source File was listed from, as its String names it,
	// to open it again for evidence.
	Source string `json:"source,omitempty"`
	// Offset and Length locate the event's record in File's decompressed
	// document, so that evidence can be copied out after the scan.
	Offset int64 `json:"offset"`
	Length int64 `json:"length"`
	// Embedded says that they locate a JSON string holding the record
	// (lookup-events' CloudTrailEvent), which evidence decodes.
	Embedded bool `json:"embedded,omitempty"`
}

// Event is what a Call and a CaseCall say first: which event, when, which
// API, and where (embedded, so the JSON names stand beside their own).
type Event struct {
	// ID is the eventID, or for a record without one its place (see
	// keyAndTime).
	ID      string    `json:"event_id"`
	Time    time.Time `json:"time"`
	Service string    `json:"service"`
	Action  string    `json:"action"`
	Account string    `json:"account"`
	Region  string    `json:"region"`
}

// newEvent reduces ev, read from file, to its Event.
func newEvent(ev *parse.Event, file string) Event {
	id, t := keyAndTime(ev, file)
	return Event{ID: id, Time: t, Service: ev.EventSource, Action: ev.EventName, Account: ev.RecipientAccountID, Region: ev.AWSRegion}
}

// Detail is what a call touched, as a Call and a Notable both carry it
// (embedded, so the JSON names stand beside the call's own).
type Detail struct {
	// Resources are what the call named (the record's resources, up to
	// parse.MaxResources), and ResourcesMore the count of those left out.
	Resources     []Resource `json:"resources,omitempty"`
	ResourcesMore int        `json:"resources_more,omitempty"`
	// RequestParameters is what the call asked for, compact JSON, kept
	// for a notable call only (a write or a failure; see Notable) and cut
	// at parse.MaxRaw bytes, when RequestParametersCut says so and
	// RequestParametersBytes how long it was.
	RequestParameters      string `json:"request_parameters,omitempty"`
	RequestParametersCut   bool   `json:"request_parameters_cut,omitempty"`
	RequestParametersBytes int64  `json:"request_parameters_bytes,omitempty"`
}

// Resource is a resource a call named, from its record's resources.
type Resource struct {
	ARN  string `json:"arn"`
	Type string `json:"type,omitempty"`
}

// Authorization is an event of the AWS Support authorization service.
type Authorization struct {
	ID      string    `json:"event_id"`
	Time    time.Time `json:"time"`
	Action  string    `json:"action"`
	Account string    `json:"account"`
	Region  string    `json:"region"`
	CaseID  string    `json:"case_id"`
	Request string    `json:"permit_request_arn,omitempty"`
	// PermitAction and PermitResource are what a RetrieveSupportPermit or
	// StartSupportAction event says Support may do, and to what.
	PermitAction   string `json:"permit_action,omitempty"`
	PermitResource string `json:"permit_resource,omitempty"`
	File           string `json:"file"`
}

// FileError is a file that could not be read, and why.
type FileError struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// RecordError is a Support record that could not be counted, in a file
// whose other records were. Record is its place in the file's Records,
// from 1.
type RecordError struct {
	Path   string `json:"path"`
	Record int64  `json:"record"`
	Error  string `json:"error"`
}

// NewCall reduces a Support event read from file. Its resources are its
// own; its strings may be ev's (see Intern).
func NewCall(ev *parse.Event, file string) Call {
	c := Call{
		Event: newEvent(ev, file), Session: filter.Session(ev), ReadOnly: filter.ReadOnly(ev), ErrorCode: ev.ErrorCode, ErrorMessage: ev.ErrorMessage,
		SourceIP: ev.SourceIPAddress, UserAgent: ev.UserAgent, File: file,
		Offset: ev.Offset, Length: ev.Length, Embedded: ev.Embedded,
	}
	c.ResourcesMore = ev.ResourceCount - len(ev.Resources)
	for _, r := range ev.Resources {
		if r.ARN != "" || r.Type != "" {
			c.Resources = append(c.Resources, Resource{ARN: r.ARN, Type: r.Type})
		}
	}
	if rp := ev.RequestParameters; rp.JSON != "" && (!c.ReadOnly || c.ErrorCode != "") {
		// Kept as text: JSON, table, CSV and HTML each escape it, and
		// a cut or hostile value must not break their output.
		c.RequestParameters = strings.ToValidUTF8(rp.JSON, "\uFFFD")
		if rp.Cut {
			c.RequestParametersCut, c.RequestParametersBytes = true, rp.Size
		}
	}
	return c
}

// Interner interns strings: the calls of a scan repeat a few services,
// actions, accounts, regions and sessions thousands of times, and share
// one copy of each.
type Interner map[string]string

// Intern returns the interned copy of s, which may be transient (its
// memory reused after the call).
func (t Interner) Intern(s string) string {
	if c, ok := t[s]; ok {
		return c
	}
	c := strings.Clone(s)
	t[c] = c
	return c
}

// Intern makes c hold its own strings, for a call made from an event whose
// strings are transient: the event ID cloned, the rest interned in t (File
// and Key are the caller's).
func (c *Call) Intern(t Interner) {
	c.ID, c.ErrorMessage = strings.Clone(c.ID), strings.Clone(c.ErrorMessage)
	c.RequestParameters = strings.Clone(c.RequestParameters)
	for _, p := range []*string{&c.Service, &c.Action, &c.Account, &c.Region, &c.Session,
		&c.ErrorCode, &c.SourceIP, &c.UserAgent} {
		*p = t.Intern(*p)
	}
	for i := range c.Resources {
		r := &c.Resources[i]
		r.ARN, r.Type = t.Intern(r.ARN), t.Intern(r.Type)
	}
}

// NewAuthorization reduces a Support authorization event read from file.
func NewAuthorization(ev *parse.Event, file string) Authorization {
	id, t := keyAndTime(ev, file)
	return Authorization{
		ID: id, Time: t, Action: ev.EventName, Account: ev.RecipientAccountID,
		Region: ev.AWSRegion, CaseID: ev.CaseID, Request: ev.PermitRequestARN,
		PermitAction: ev.PermitAction, PermitResource: ev.PermitResource, File: file,
	}
}

// keyAndTime is what each value reduced from ev (read from file) is filed
// under: its key, the eventID, or for a record without one its place (such
// a record cannot be matched to a copy of itself, so it counts on its
// own); and its eventTime in UTC, the zero time when that cannot be read.
func keyAndTime(ev *parse.Event, file string) (string, time.Time) {
	t, _ := trail.EventTime(ev.EventTime)
	if ev.EventID != "" {
		return ev.EventID, t.UTC()
	}
	return fmt.Sprintf("%s@%d", file, ev.Offset), t.UTC()
}

// Summary accumulates a scan. The zero value is not ready; use New.
type Summary struct {
	EventsScanned int64
	FilesScanned  int
	Failed        []FileError
	RecordsFailed []RecordError
	calls         callStore        // each distinct call once, in no order
	byID          map[string]int32 // the index in calls of each event ID
	auths         map[string]Authorization
	caseCalls     map[string]CaseCall

	// FilesOutOfScope counts the files read whole that held no event in
	// the scan's scope, of any caller (an empty file too): when they are
	// all the files read, the scan had nothing to look at.
	FilesOutOfScope int
}

// New returns an empty summary.
func New() *Summary {
	return &Summary{byID: map[string]int32{}, auths: map[string]Authorization{}, caseCalls: map[string]CaseCall{}}
}

// AddFile counts one file read whole: its records, what matched in it,
// and the Support records of it that could not be counted. A file that
// failed part way goes to Fail instead, and none of its events count.
func (s *Summary) AddFile(records int64, calls []Call, auths []Authorization, failed ...RecordError) {
	s.FilesScanned++
	s.EventsScanned += records
	s.RecordsFailed = append(s.RecordsFailed, failed...)
	for _, c := range calls {
		s.AddCall(c)
	}
	for _, a := range auths {
		s.AddAuthorization(a)
	}
}

// Fail records a file that could not be read.
func (s *Summary) Fail(path string, err error) {
	s.Failed = append(s.Failed, FileError{Path: path, Error: err.Error()})
}

// AddCall adds a call, once per event ID.
func (s *Summary) AddCall(c Call) {
	i, ok := s.byID[c.ID]
	switch {
	case !ok:
		s.byID[c.ID] = s.calls.add(c)
	case c.File < s.calls.at(i).File:
		*s.calls.at(i) = c
	}
}

// AddAuthorization adds an authorization event, once per event ID.
func (s *Summary) AddAuthorization(a Authorization) {
	if old, ok := s.auths[a.ID]; !ok || a.File < old.File {
		s.auths[a.ID] = a
	}
}

// Merge adds everything in o to s.
func (s *Summary) Merge(o *Summary) {
	s.EventsScanned += o.EventsScanned
	s.FilesScanned += o.FilesScanned
	s.FilesOutOfScope += o.FilesOutOfScope
	s.Failed = append(s.Failed, o.Failed...)
	s.RecordsFailed = append(s.RecordsFailed, o.RecordsFailed...)
	for _, c := range o.calls.all() {
		s.AddCall(*c)
	}
	for _, a := range o.auths {
		s.AddAuthorization(a)
	}
	for _, c := range o.caseCalls {
		s.AddCaseCall(c)
	}
}

// Calls returns the distinct calls in time order (then by event ID).
func (s *Summary) Calls() []Call { return s.callsIn(s.order()) }

// callsIn returns the calls in order, as order returns it.
func (s *Summary) callsIn(order []int32) []Call {
	out := make([]Call, len(order))
	for j, i := range order {
		out[j] = *s.calls.at(i)
	}
	return out
}

// order returns the indexes of the calls in time order (then by event ID).
// It sorts small keys rather than the calls: a Support-heavy archive has
// tens of thousands of calls of a few hundred bytes each.
func (s *Summary) order() []int32 {
	type key struct {
		sec  int64
		nsec int
		id   string
		i    int32
	}
	keys := make([]key, s.calls.len())
	for i, c := range s.calls.all() {
		keys[i] = key{c.Time.Unix(), c.Time.Nanosecond(), c.ID, i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		// Not cmp.Or, which would compare the IDs every time.
		if a.sec != b.sec {
			return cmp.Compare(a.sec, b.sec)
		}
		if a.nsec != b.nsec {
			return cmp.Compare(a.nsec, b.nsec)
		}
		return strings.Compare(a.id, b.id)
	})
	order := make([]int32, len(keys))
	for j, k := range keys {
		order[j] = k.i
	}
	return order
}

// Authorizations returns the distinct authorization events in time order.
func (s *Summary) Authorizations() []Authorization {
	return slices.SortedFunc(maps.Values(s.auths), func(a, b Authorization) int { return inOrder(a.Time, a.ID, b.Time, b.ID) })
}

// inOrder orders events by time, then event ID, so that any two runs list
// them alike.
func inOrder(at time.Time, aID string, bt time.Time, bID string) int {
	return cmp.Or(at.Compare(bt), cmp.Compare(aID, bID))
}
