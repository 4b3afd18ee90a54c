package filter

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/trailscan/trailscan/pkg/parse"
	"github.com/trailscan/trailscan/pkg/trail"
)

const (
	roleName = "AWSServiceRoleForSupport"
	rolePath = "aws-service-role/support.amazonaws.com/"

	// AuthorizationSource is the event source of the AWS Support
	// authorization service, which records requests to access an account.
	AuthorizationSource = "supportauthz.amazonaws.com"
)

// Support reports whether ev was made with AWS Support's service-linked
// role, in any partition: the session issuer is the role, or, when the
// record names no issuer, the caller is a session of the role.
func Support(ev *parse.Event) bool {
	id := &ev.UserIdentity
	if id.Type != "AssumedRole" {
		return false
	}
	if id.Issuer.ARN != "" {
		return isRoleARN(id.Issuer.ARN)
	}
	return Session(ev) != ""
}

// isRoleARN reports whether arn is
// arn:PARTITION:iam::ACCOUNT:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport.
func isRoleARN(arn string) bool {
	// Most issuers are other roles: a comparison of the ends turns them
	// away before cut reads the fields.
	const path = "role/" + rolePath + roleName
	if !strings.HasSuffix(arn, ":"+path) {
		return false
	}
	rest, ok := cut(arn, "iam")
	return ok && rest == path
}

// Session returns the role session name of a Support event (the name in
// arn:PARTITION:sts::ACCOUNT:assumed-role/AWSServiceRoleForSupport/NAME),
// which groups the calls of one Support engagement, or "" if the caller's
// ARN is not a session of the role.
func Session(ev *parse.Event) string {
	const prefix = "assumed-role/" + roleName + "/"
	if !strings.Contains(ev.UserIdentity.ARN, ":"+prefix) {
		return ""
	}
	rest, ok := cut(ev.UserIdentity.ARN, "sts")
	if !ok {
		return ""
	}
	name, ok := strings.CutPrefix(rest, prefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return ""
	}
	return name
}

// cut splits arn:PARTITION:SERVICE::ACCOUNT:REST, checking the partition,
// the service and the account, and returns REST.
//
// It takes the fields apart with strings.Cut rather than strings.SplitN:
// a scan calls it for every record of an assumed role, and SplitN
// allocates.
func cut(arn, service string) (string, bool) {
	var part [5]string
	rest := arn
	for k := range part {
		var ok bool
		if part[k], rest, ok = strings.Cut(rest, ":"); !ok {
			return "", false
		}
	}
	if part[0] != "arn" || !isPartition(part[1]) ||
		part[2] != service || part[3] != "" || !trail.IsAccountID(part[4]) {
		return "", false
	}
	return rest, true
}

// isPartition accepts aws and aws-* (aws-cn, aws-us-gov, aws-iso, aws-iso-b,
// and partitions yet to come).
func isPartition(p string) bool {
	if p == "aws" {
		return true
	}
	rest, ok := strings.CutPrefix(p, "aws-")
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Authorization reports whether ev is an event of the AWS Support
// authorization service (a request for Support to access the account, and
// what became of it). Such events are not calls by the role; a reviewer
// wants them beside the role's calls, never counted among them.
func Authorization(ev *parse.Event) bool {
	return ev.EventSource == AuthorizationSource && ev.EventType == "AwsServiceEvent"
}

// readPrefixes start the names of actions that only read, for events whose
// readOnly field is absent.
var readPrefixes = []string{"Describe", "Get", "List", "Head", "Lookup", "Search", "BatchGet"}

// ReadOnly reports whether ev only read: readOnly says so, or, where
// CloudTrail left readOnly out, the action's name is a known read.
func ReadOnly(ev *parse.Event) bool {
	switch ev.ReadOnly {
	case parse.True:
		return true
	case parse.False:
		return false
	}
	for _, p := range readPrefixes {
		if rest, ok := strings.CutPrefix(ev.EventName, p); ok && (rest == "" || 'A' <= rest[0] && rest[0] <= 'Z') {
			return true
		}
	}
	return false
}

// InScope reports whether ev falls in sc. An event whose eventTime
// cannot be read is outside any time window, and inside when there is none.
func InScope(sc trail.Scope, ev *parse.Event) bool {
	if !sc.HasAccount(ev.RecipientAccountID) || !sc.HasRegion(ev.AWSRegion) {
		return false
	}
	if !sc.Windowed() {
		return true
	}
	t, err := trail.EventTime(ev.EventTime)
	return err == nil && sc.HasTime(t)
}

// Unreadable says why a Support or authorization record cannot be counted,
// or returns nil: a kept field whose value had another type (every kept
// field is kept because it decides something of the answer), or an
// eventTime or eventID that is missing or cannot be read. Of other
// callers' records nothing is asked: they only count.
func Unreadable(ev *parse.Event) error {
	if odd := ev.Odd &^ asides; odd != 0 {
		return fmt.Errorf("%s: a value of the wrong JSON type", strings.Join(odd.Paths(), ", "))
	}
	if ev.EventID == "" {
		return errors.New("no eventID")
	}
	// The error names eventTime and says what it holds.
	_, err := trail.EventTime(ev.EventTime)
	return err
}

// asides are the kept fields that only add to what a record says (what
// its response named, the resources it lists): one of them of another
// type reads as absent, and the record is still counted.
var asides = func() parse.FieldSet {
	var fs parse.FieldSet
	for i, f := range parse.Fields() {
		if strings.HasPrefix(f.Path, "responseElements.") || strings.HasPrefix(f.Path, "resources[].") {
			fs |= 1 << i
		}
	}
	return fs
}()

// CaseSource is the event source of the AWS Support API, which people
// call to open, answer and resolve Support cases. Its callers are not
// Support: see Support.
const CaseSource = "support.amazonaws.com"

// CaseOf returns the Support case a call to the Support API names in its
// parameters (its caseId, or else its displayId) or else its response
// (CreateCase's caseId), or "" if ev is not such a call or names no case.
func CaseOf(ev *parse.Event) string {
	if !caseCall(ev) {
		return ""
	}
	return cmp.Or(ev.RequestCaseID, ev.RequestDisplayID, ev.ResponseCaseID, ev.ResponseDisplayID)
}

// caseCall reports whether ev is a call to the Support API.
func caseCall(ev *parse.Event) bool {
	return ev.EventSource == CaseSource && ev.EventType != "AwsServiceEvent"
}

// Candidate reports whether a scan may keep ev, judged without its details
// (see parse.Options.Details): Support's calls, the authorization
// service's events and the account's calls to it, and calls to the
// Support API, whose case CaseOf finds in their details. A scan passes it
// to the parser so that the details of the other records are not read.
func Candidate(ev *parse.Event) bool {
	return Support(ev) || ev.EventSource == AuthorizationSource || caseCall(ev)
}

// CaseIDs returns the caseId and the display ID of the Support case a
// call to the Support API names, when it names both (a DescribeCases
// asked by display ID and answered with the caseId, say): what ties the
// Support API's name of a case to the authorization service's.
func CaseIDs(ev *parse.Event) (caseID, displayID string, ok bool) {
	if CaseOf(ev) == "" {
		return "", "", false
	}
	caseID, displayID = cmp.Or(ev.RequestCaseID, ev.ResponseCaseID), cmp.Or(ev.RequestDisplayID, ev.ResponseDisplayID)
	return caseID, displayID, caseID != "" && displayID != ""
}

// PermitCall reports whether ev is an account's own call to the AWS
// Support authorization service (CreateSupportPermit,
// RejectSupportPermitRequest, ListSupportPermits, ...), as opposed to the
// service's own events (see Authorization).
func PermitCall(ev *parse.Event) bool {
	return ev.EventSource == AuthorizationSource && ev.EventType != "AwsServiceEvent"
}
