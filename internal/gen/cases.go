package gen

import (
	"cmp"
	"slices"
	"time"
)

// Case is a Support case written with Config.Cases: the truth a scan's
// cases are checked against.
type Case struct {
	// DisplayID is the number the authorization events name the case by;
	// CaseID the Support API's caseId (case-ACCOUNT-muen-YEAR-HEX).
	DisplayID string `json:"displayId"`
	CaseID    string `json:"caseId"`
	Account   string `json:"account"`
	// Events are the case's own events in time order (then eventID): the
	// account's calls to the Support API naming it, the authorization
	// service's events naming it, and the account's CreateSupportPermit
	// answering its permit request.
	Events []Event `json:"events"`
}

// caseRef marks a record as one of a case's own events.
type caseRef struct{ account, display, id string }

// caseEvent is an event of a case, as a job's output collects it.
type caseEvent struct {
	ref   caseRef
	event Event
}

// caseRecords makes the records of a day's case file: a case opened by
// one of the account's people, Support asking for and being granted a
// permit for it, Support's role then working in the day's second session
// (08:00 to 16:00), and the case resolved. They span under six minutes
// from a time from, as any log file's do.
func caseRecords(r *rng, s *scope) ([]made, time.Time) {
	from := r.within(s.day.Add(9*time.Hour), time.Hour)
	dr := newRNG(s.c.Seed, hashString(s.account), uint64(s.dayN), 0xca5e5)
	ref := caseRef{account: s.account, display: "18" + dr.chars(digits, 9)}
	ref.id = "case-" + s.account + "-muen-" + from.Format("2006") + "-" + dr.hex(16)
	permit := s.arn("supportauthz", s.home, s.account, "supportpermitrequest/"+dr.uuid())
	resource := s.arn("ec2", s.region, s.account, "instance/i-0"+dr.hex(16))
	var recs []made
	t := from
	step := func() *recGen {
		t = t.Add(time.Duration(r.between(5, 25)) * time.Second)
		return &recGen{rng: r, s: s, t: t}
	}
	person := (&recGen{rng: r, s: s, t: from}).person()
	api := func(name string, ro bool, req, resp any) {
		g := step()
		a := action{service: "support", name: name, global: true, ro: roTrue}
		if !ro {
			a.ro = roFalse
		}
		rec := g.call(a, person)
		rec.RequestParameters, rec.ResponseElements = req, resp
		recs = append(recs, made{rec: rec, kase: &ref})
	}
	authz := func(name string, details obj) {
		g := step()
		details["supportPermitRequestArn"], details["supportCaseDisplayId"] = permit, ref.display
		rec := g.authzRecord(name, details)
		e := eventOf(rec, "")
		e.CaseID = ref.display
		recs = append(recs, made{rec: rec, event: e, kase: &ref})
	}
	api("CreateCase", false, obj{"subject": "Instance unreachable", "serviceCode": "amazon-elastic-compute-cloud-linux",
		"severityCode": "high", "categoryCode": "instance-issue", "communicationBody": "HIDDEN_DUE_TO_SECURITY_REASONS", "language": "en"},
		obj{"caseId": ref.id})
	authz("SupportPermitRequestCreated", obj{})
	g := step()
	grant := g.call(action{service: "supportauthz", name: "CreateSupportPermit", ro: roFalse}, person)
	grant.RequestParameters = obj{"supportPermitRequestArn": permit}
	recs = append(recs, made{rec: grant, kase: &ref})
	authz("RetrieveSupportPermit", obj{"action": "ec2:DescribeInstances", "resource": resource})
	authz("StartSupportAction", obj{"action": "ec2:DescribeInstances"})
	for range 3 {
		recs = append(recs, step().supportCallOf(supportAction("DescribeInstances"), 0, false))
	}
	api("AddCommunicationToCase", false, obj{"caseId": ref.id, "communicationBody": "HIDDEN_DUE_TO_SECURITY_REASONS"}, obj{"result": true})
	// The call that says which caseId the display ID is.
	api("DescribeCases", true, obj{"displayId": ref.display, "caseId": ref.id, "includeCommunications": false}, nil)
	api("ResolveCase", false, obj{"caseId": ref.id}, obj{"initialCaseStatus": "opened", "finalCaseStatus": "resolved"})
	return recs, delivery(r, from)
}

// authzRecord is an event of the Support authorization service.
func (g *recGen) authzRecord(name string, details obj) *record {
	return &record{
		head:         head{EventVersion: "1.10"},
		UserIdentity: &identity{AccountID: g.s.account, InvokedBy: authzService},
		body: body{
			EventTime: stamp(g.t), EventSource: authzService, EventName: name, AWSRegion: g.s.home,
			SourceIPAddress: authzService, UserAgent: authzService,
		},
		tail: tail{
			EventID: g.uuid(), ReadOnly: boolPtr(false), EventType: "AwsServiceEvent", ManagementEvent: boolPtr(true),
			RecipientAccountID: g.s.account, EventCategory: "Management", ServiceEventDetails: details,
		},
	}
}

// cases groups the case events of an archive into its cases, by account
// then first event.
func cases(evs []caseEvent) []Case {
	byRef := map[caseRef]*Case{}
	for _, ce := range evs {
		c := byRef[ce.ref]
		if c == nil {
			c = &Case{DisplayID: ce.ref.display, CaseID: ce.ref.id, Account: ce.ref.account}
			byRef[ce.ref] = c
		}
		c.Events = append(c.Events, ce.event)
	}
	out := make([]Case, 0, len(byRef))
	for _, c := range byRef {
		slices.SortFunc(c.Events, byTime)
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Case) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), a.Events[0].Time.Compare(b.Events[0].Time))
	})
	return out
}
