package scan_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// TestCases scans the records of one Support case as CloudTrail writes
// them: the authorization service's events, the account's own answer to
// the permit request, a person's Support API call naming the case, and a
// Support session meanwhile; and, in the same account, a session long
// after and an API call naming no case.
func TestCases(t *testing.T) {
	const (
		acct = "111122223333"
		req  = "arn:aws:supportauthz:us-east-1:111122223333:supportpermitrequest/r1"
		sess = "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/"
		role = "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"
	)
	authz := func(id, tm, name string, details map[string]any) map[string]any {
		return map[string]any{"eventVersion": "1.10", "userIdentity": map[string]any{"accountId": acct, "invokedBy": "supportauthz.amazonaws.com"},
			"eventTime": tm, "eventSource": "supportauthz.amazonaws.com", "eventName": name, "awsRegion": "us-east-1",
			"eventID": id, "eventType": "AwsServiceEvent", "recipientAccountId": acct, "serviceEventDetails": details}
	}
	person := func(id, tm, source, name string, params any) map[string]any {
		return map[string]any{"userIdentity": map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice"},
			"eventTime": tm, "eventSource": source, "eventName": name, "awsRegion": "us-east-1", "eventID": id,
			"eventType": "AwsApiCall", "recipientAccountId": acct, "requestParameters": params}
	}
	support := func(id, tm, name string) map[string]any {
		return map[string]any{"userIdentity": map[string]any{"type": "AssumedRole", "arn": sess + name,
			"sessionContext": map[string]any{"sessionIssuer": map[string]any{"type": "Role", "arn": role}}},
			"eventTime": tm, "eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances", "awsRegion": "us-east-1",
			"eventID": id, "eventType": "AwsApiCall", "readOnly": true, "recipientAccountId": acct}
	}
	records := []any{
		authz("a1", "2026-10-01T10:01:00Z", "SupportPermitRequestCreated", map[string]any{"supportPermitRequestArn": req, "supportCaseDisplayId": "1234",
			"actions": []string{"ec2:DescribeInstances"}, "resources": []string{"*"}}),
		person("p1", "2026-10-01T10:02:00Z", "supportauthz.amazonaws.com", "CreateSupportPermit", map[string]any{"supportPermitRequestArn": req}),
		person("k1", "2026-10-01T10:03:00Z", "support.amazonaws.com", "AddCommunicationToCase", map[string]any{"caseId": "1234", "communicationBody": "<b>\"hi\"</b>"}),
		person("k2", "2026-10-01T10:03:30Z", "support.amazonaws.com", "DescribeServices", map[string]any{"language": "en"}),
		authz("a2", "2026-10-01T10:10:00Z", "RetrieveSupportPermit", map[string]any{"supportCaseDisplayId": "1234",
			"action": "ec2:DescribeInstances", "resource": "arn:aws:ec2:us-east-1:111122223333:instance/i-1"}),
		support("s1", "2026-10-01T10:12:00Z", "AWSSupport-in"),
		authz("a3", "2026-10-01T10:20:00Z", "CancelSupportPermitRequest", map[string]any{"supportPermitRequestArn": req}),
		support("s2", "2026-10-02T10:00:00Z", "AWSSupport-after"),
	}
	b, err := json.Marshal(map[string]any{"Records": records})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, dir, scan.Config{Jobs: 1})
	if r.EventsMatched != 2 {
		t.Errorf("EventsMatched = %d, want the 2 calls by the role: case events are not Support's calls", r.EventsMatched)
	}
	if len(r.Cases) != 1 {
		t.Fatalf("Cases = %+v, want one", r.Cases)
	}
	c := r.Cases[0]
	var names []string
	for _, e := range c.Events {
		names = append(names, e.Action)
	}
	want := []string{"SupportPermitRequestCreated", "CreateSupportPermit", "AddCommunicationToCase", "RetrieveSupportPermit", "CancelSupportPermitRequest"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("case events %v, want %v", names, want)
	}
	if got := (summarize.Case{Case: c.Case, Account: c.Account, FirstSeen: c.FirstSeen, LastSeen: c.LastSeen, Actions: c.Actions, Resources: c.Resources, Sessions: c.Sessions}); !reflect.DeepEqual(got, summarize.Case{
		Case: "1234", Account: acct, FirstSeen: "2026-10-01T10:01:00Z", LastSeen: "2026-10-01T10:20:00Z",
		Actions: []string{"ec2:DescribeInstances"}, Resources: []string{"arn:aws:ec2:us-east-1:111122223333:instance/i-1"},
		Sessions: []string{"AWSSupport-in"},
	}) {
		t.Errorf("case %+v", got)
	}
}

// TestGeneratedCases scans an archive with a Support case a day in each
// account, logged by the account trail and again by an organization
// trail, and checks each case against what the generator says it wrote:
// its account, its events in order, its time span, and the Support
// sessions of its account active meanwhile, worked out here from the
// generator's own list of the role's calls.
func TestGeneratedCases(t *testing.T) {
	dir := t.TempDir()
	m, err := gen.Write(dir, gen.Config{Seed: 16, Days: 3, Accounts: []string{"111122223333", "444455556666"},
		Regions: []string{"us-east-1", "eu-west-1"}, FilesPerDay: 2, Cases: true, OrgID: "o-a1b2c3d4e5", OrgPrefix: "org"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Cases) != 6 {
		t.Fatalf("the generator wrote %d cases, want one a day in each account", len(m.Cases))
	}
	got := map[[2]string]summarize.Case{}
	for _, c := range run(t, dir, scan.Config{Jobs: 2}).Cases {
		got[[2]string{c.Account, c.Case}] = c
	}
	type span struct{ first, last time.Time }
	sessions := map[[2]string]*span{}
	for _, e := range m.Support {
		k := [2]string{e.Account, e.Session}
		sp := sessions[k]
		if sp == nil {
			sp = &span{e.Time, e.Time}
			sessions[k] = sp
		}
		if e.Time.Before(sp.first) {
			sp.first = e.Time
		}
		if e.Time.After(sp.last) {
			sp.last = e.Time
		}
	}
	for _, wc := range m.Cases {
		c, ok := got[[2]string{wc.Account, wc.DisplayID}]
		if !ok {
			t.Errorf("case %s of %s not found", wc.DisplayID, wc.Account)
			continue
		}
		if _, ok := got[[2]string{wc.Account, wc.CaseID}]; ok {
			t.Errorf("case %s also listed under its caseId %s", wc.DisplayID, wc.CaseID)
		}
		var ids, wantIDs []string
		for _, e := range c.Events {
			ids = append(ids, e.ID)
		}
		for _, e := range wc.Events {
			wantIDs = append(wantIDs, e.ID)
		}
		first, last := wc.Events[0].Time, wc.Events[len(wc.Events)-1].Time
		var wantSessions []string
		for k, sp := range sessions {
			if k[0] == wc.Account && !sp.first.After(last) && !sp.last.Before(first) {
				wantSessions = append(wantSessions, k[1])
			}
		}
		slices.Sort(wantSessions)
		if !reflect.DeepEqual(ids, wantIDs) {
			t.Errorf("case %s: events %v, want %v", wc.DisplayID, ids, wantIDs)
		}
		if c.FirstSeen != first.Format(time.RFC3339) || c.LastSeen != last.Format(time.RFC3339) {
			t.Errorf("case %s: seen %s to %s, want %s to %s", wc.DisplayID, c.FirstSeen, c.LastSeen, first, last)
		}
		if len(wantSessions) == 0 || !reflect.DeepEqual(c.Sessions, wantSessions) {
			t.Errorf("case %s: sessions %v, want %v (and some)", wc.DisplayID, c.Sessions, wantSessions)
		}
		if !reflect.DeepEqual(c.Actions, []string{"ec2:DescribeInstances"}) || len(c.Resources) != 1 {
			t.Errorf("case %s: actions %v, resources %v; want the one its permit named", wc.DisplayID, c.Actions, c.Resources)
		}
	}
}
