package summarize

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Session is what one Support engagement did: the calls of one role
// session name in one account.
type Session struct {
	Account  string   `json:"account"`
	Session  string   `json:"session"`
	Start    string   `json:"start,omitempty"`
	End      string   `json:"end,omitempty"`
	Calls    int      `json:"calls"`
	Failures int      `json:"failures"`
	AnyWrite bool     `json:"any_write"`
	Services []string `json:"services"`
	Actions  []string `json:"actions"` // service:Action, e.g. ec2:DescribeInstances
	// SourceIPs and UserAgents are those the session's calls were logged
	// with, each once; absent in reports written before they were listed.
	SourceIPs  []string `json:"source_ips,omitempty"`
	UserAgents []string `json:"user_agents,omitempty"`
	// Resources are the ARNs the session's calls named, each once, the
	// first MaxSessionResources in sort order; ResourcesMore counts the rest.
	// Absent in reports written before they were listed.
	Resources     []string `json:"resources,omitempty"`
	ResourcesMore int      `json:"resources_more,omitempty"`
}

// MaxSessionResources bounds the ARNs a Session lists: a session that
// touched thousands of objects lists the first and counts the rest.
const MaxSessionResources = 50

// Notable is a call a reviewer must see one by one: one that did not only
// read, or that failed.
type Notable struct {
	ID           string `json:"event_id"`
	Time         string `json:"time"`
	Account      string `json:"account"`
	Region       string `json:"region"`
	Service      string `json:"service"`
	Action       string `json:"action"`
	ReadOnly     bool   `json:"read_only"`
	ErrorCode    string `json:"error_code,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
	Session      string `json:"session"`
	SourceIP     string `json:"source_ip,omitempty"`
	UserAgent    string `json:"user_agent,omitempty"`
	Detail
	File   string `json:"file"`
	Reason string `json:"reason"` // "write", "error" or "write,error"
}

// Day is the number of Support calls in one account on one UTC day.
type Day struct {
	Day     string `json:"day"` // YYYY-MM-DD
	Account string `json:"account"`
	Calls   int    `json:"calls"`
}

// Group is the calls that share one value of a grouping (see GroupedBy).
type Group struct {
	Key       string `json:"key"`
	Calls     int    `json:"calls"`
	Failures  int    `json:"failures"`
	Writes    int    `json:"writes"`
	FirstSeen string `json:"first_seen,omitempty"`
	LastSeen  string `json:"last_seen,omitempty"`
}

// Groupings are the names GroupedBy accepts; "service", the main table's
// own grouping, comes first.
var Groupings = []string{"service", "session", "account", "region", "day"}

type sessionAcc struct {
	Session
	span              timeSpan
	services, actions map[string]bool
	ips, agents       map[string]bool
	resources         map[string]bool
}

func (a *sessionAcc) add(c Call) {
	a.Calls++
	if c.ErrorCode != "" {
		a.Failures++
	}
	a.AnyWrite = a.AnyWrite || !c.ReadOnly
	a.span.add(c.Time)
	a.services[c.Service] = true
	a.actions[ShortService(c.Service)+":"+c.Action] = true
	if c.SourceIP != "" {
		a.ips[c.SourceIP] = true
	}
	if c.UserAgent != "" {
		a.agents[c.UserAgent] = true
	}
	for _, r := range c.Resources {
		if r.ARN != "" {
			a.resources[r.ARN] = true
		}
	}
}

// sessionList is the sessions in order of their first call.
func (t *tally) sessionList() []Session {
	out := []Session{}
	for _, acc := range t.sessions {
		acc.Start, acc.End = acc.span.strings()
		acc.Services, acc.Actions = sortedKeys(acc.services), sortedKeys(acc.actions)
		acc.SourceIPs, acc.UserAgents = sortedKeys(acc.ips), sortedKeys(acc.agents)
		if rs := sortedKeys(acc.resources); len(rs) > 0 {
			n := min(len(rs), MaxSessionResources)
			acc.Resources, acc.ResourcesMore = rs[:n:n], len(rs)-n
		}
		out = append(out, acc.Session)
	}
	slices.SortFunc(out, func(a, b Session) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Account, b.Account), cmp.Compare(a.Session, b.Session))
	})
	return out
}

// dayList is the calls per day and account, by day then account.
func (t *tally) dayList() []Day {
	out := []Day{}
	for d, n := range t.days {
		d.Calls = n
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Day) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Account, b.Account))
	})
	return out
}

// ShortService is a service's eventSource as IAM names it in actions:
// ec2.amazonaws.com is ec2.
func ShortService(s string) string {
	short, _, _ := strings.Cut(s, ".")
	return short
}

func notable(c Call) (Notable, bool) {
	var why []string
	if !c.ReadOnly {
		why = append(why, "write")
	}
	if c.ErrorCode != "" {
		why = append(why, "error")
	}
	if len(why) == 0 {
		return Notable{}, false
	}
	t := ""
	if !c.Time.IsZero() {
		t = Format(c.Time)
	}
	return Notable{
		ID: c.ID, Time: t, Account: c.Account, Region: c.Region, Service: c.Service, Action: c.Action,
		ReadOnly: c.ReadOnly, ErrorCode: c.ErrorCode, ErrorMessage: c.ErrorMessage, Session: c.Session, SourceIP: c.SourceIP,
		UserAgent: c.UserAgent, Detail: c.Detail, File: c.File, Reason: strings.Join(why, ","),
	}, true
}

// groups groups the calls by one of groupKeys, in order of the key.
func (s *Summary) groups(by string) []Group {
	key := groupKeys[by]
	groups := map[string]*groupAcc{}
	for _, c := range s.calls.all() {
		k := key(*c)
		g := groups[k]
		if g == nil {
			g = &groupAcc{Group: Group{Key: k}}
			groups[k] = g
		}
		g.Calls++
		if c.ErrorCode != "" {
			g.Failures++
		}
		if !c.ReadOnly {
			g.Writes++
		}
		g.span.add(c.Time)
	}
	out := make([]Group, 0, len(groups))
	for _, g := range groups {
		g.FirstSeen, g.LastSeen = g.span.strings()
		out = append(out, g.Group)
	}
	slices.SortFunc(out, func(a, b Group) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

type groupAcc struct {
	Group
	span timeSpan
}

var groupKeys = map[string]func(Call) string{
	"session": func(c Call) string { return c.Account + "/" + c.Session },
	"account": func(c Call) string { return c.Account },
	"region":  func(c Call) string { return c.Region },
	"day": func(c Call) string {
		if c.Time.IsZero() {
			return "unknown"
		}
		return c.Time.Format(time.DateOnly)
	},
}
