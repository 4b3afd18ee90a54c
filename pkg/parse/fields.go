package parse

import "slices"

// Field is a value of a CloudTrail record that Event keeps.
type Field struct {
	// Path is where the value lies in a record: the names of the members
	// from the record down, joined by dots. A name ending in [] is an
	// array of objects, the one list Event keeps (Resources): the names
	// after it are members of each element.
	Path string
	// Exactly one says where the value goes. String returns the string of
	// an Event that holds the value; Bool, for a boolean, its Bool; Raw,
	// for a value kept as JSON, its Raw (the path may also lead on to
	// other kept fields); Item, for a member of the elements of a list,
	// the string of a Resource.
	String func(*Event) *string
	Bool   func(*Event) *Bool
	Raw    func(*Event) *Raw
	Item   func(*Resource) *string
}

// Fields returns the values of a record that Event keeps, one for each of
// its fields but Offset and Length. Every other value is skipped.
func Fields() []Field { return slices.Clone(keptFields[:]) }

// keptFields is the one list of what Event keeps. The member lookup of
// both paths (actionOf, into a table of actions), the setting of an
// Event's fields (setEvent, clearDetails) and the objects the scanner
// looks into (levelPaths) are generated from it into fields_gen.go by
// TestFieldsGen: as switches and plain assignments, they cost no more
// than code written by hand. Clone copies an Event by it, and
// internal/reference maps what encoding/json decodes by it, through
// Fields. Keeping one more value takes a field of Event, a line here, and
// go test ./pkg/parse -run TestFieldsGen -update.
var keptFields = [...]Field{
	{Path: "eventTime", String: func(ev *Event) *string { return &ev.EventTime }},
	{Path: "eventSource", String: func(ev *Event) *string { return &ev.EventSource }},
	{Path: "eventName", String: func(ev *Event) *string { return &ev.EventName }},
	{Path: "eventType", String: func(ev *Event) *string { return &ev.EventType }},
	{Path: "awsRegion", String: func(ev *Event) *string { return &ev.AWSRegion }},
	{Path: "recipientAccountId", String: func(ev *Event) *string { return &ev.RecipientAccountID }},
	{Path: "eventID", String: func(ev *Event) *string { return &ev.EventID }},
	{Path: "readOnly", Bool: func(ev *Event) *Bool { return &ev.ReadOnly }},
	{Path: "errorCode", String: func(ev *Event) *string { return &ev.ErrorCode }},
	{Path: "errorMessage", String: func(ev *Event) *string { return &ev.ErrorMessage }},
	{Path: "sourceIPAddress", String: func(ev *Event) *string { return &ev.SourceIPAddress }},
	{Path: "userAgent", String: func(ev *Event) *string { return &ev.UserAgent }},
	{Path: "userIdentity.type", String: func(ev *Event) *string { return &ev.UserIdentity.Type }},
	{Path: "userIdentity.arn", String: func(ev *Event) *string { return &ev.UserIdentity.ARN }},
	{Path: "userIdentity.accountId", String: func(ev *Event) *string { return &ev.UserIdentity.AccountID }},
	{Path: "userIdentity.principalId", String: func(ev *Event) *string { return &ev.UserIdentity.PrincipalID }},
	{Path: "userIdentity.invokedBy", String: func(ev *Event) *string { return &ev.UserIdentity.InvokedBy }},
	{Path: "userIdentity.sessionContext.sessionIssuer.type", String: func(ev *Event) *string { return &ev.UserIdentity.Issuer.Type }},
	{Path: "userIdentity.sessionContext.sessionIssuer.arn", String: func(ev *Event) *string { return &ev.UserIdentity.Issuer.ARN }},
	{Path: "userIdentity.sessionContext.sessionIssuer.userName", String: func(ev *Event) *string { return &ev.UserIdentity.Issuer.UserName }},
	{Path: "userIdentity.sessionContext.sessionIssuer.accountId", String: func(ev *Event) *string { return &ev.UserIdentity.Issuer.AccountID }},
	{Path: "serviceEventDetails.supportCaseDisplayId", String: func(ev *Event) *string { return &ev.CaseID }},
	{Path: "serviceEventDetails.supportPermitRequestArn", String: func(ev *Event) *string { return &ev.PermitRequestARN }},
	{Path: "serviceEventDetails.action", String: func(ev *Event) *string { return &ev.PermitAction }},
	{Path: "serviceEventDetails.resource", String: func(ev *Event) *string { return &ev.PermitResource }},
	{Path: "requestParameters.supportPermitRequestArn", String: func(ev *Event) *string { return &ev.RequestPermitRequestARN }},
	{Path: "requestParameters.caseId", String: func(ev *Event) *string { return &ev.RequestCaseID }},
	{Path: "requestParameters.displayId", String: func(ev *Event) *string { return &ev.RequestDisplayID }},
	{Path: "responseElements.caseId", String: func(ev *Event) *string { return &ev.ResponseCaseID }},
	{Path: "responseElements.displayId", String: func(ev *Event) *string { return &ev.ResponseDisplayID }},
	{Path: "requestParameters", Raw: func(ev *Event) *Raw { return &ev.RequestParameters }},
	{Path: "resources[].ARN", Item: func(r *Resource) *string { return &r.ARN }},
	{Path: "resources[].type", Item: func(r *Resource) *string { return &r.Type }},
}

// field is the index of a kept field in keptFields.
type field uint8

const numFields = len(keptFields)

// FieldSet holds a bit per field of Fields, 1<<i for the i-th.
type FieldSet uint64

// A FieldSet must hold every field.
var _ [64 - numFields]struct{}

// Paths returns the paths of the fields in fs, in the order of Fields.
func (fs FieldSet) Paths() []string {
	var ps []string
	for f := range keptFields {
		if fs&(1<<f) != 0 {
			ps = append(ps, keptFields[f].Path)
		}
	}
	return ps
}

// level is an object of a record whose members the scanner looks at: the
// record itself (0) and each object on the path of a kept field, numbered
// as fields_gen.go does.
type level uint8

const lvRecord level = 0

// details are the members of a record whose fields only a record that is
// kept needs (see Options.Details): what the call asked for, answered and
// named. They are most of what the fast path reads of a record, and the
// most varied.
var details = [...]string{"requestParameters", "responseElements", "resources"}

// action is what the scanner does with a member's value.
type action struct {
	kind   uint8    // one of the do* constants
	f      field    // doString, doBool, doRaw: the field kept; doObject: the Raw field of the object, if raw
	sub    level    // doObject, doList: the object read (an element's, for a list)
	raw    bool     // doObject: the object is kept as JSON too, as field f
	detail bool     // doObject, doList: a member of the record named in details
	clear  FieldSet // doObject, doList: the fields under it
}

const (
	doSkip = iota
	doString
	doBool
	doObject
	doRaw  // a value kept as JSON (see Raw), of any type
	doList // an array of objects, the first MaxResources of them read as sub
)
