package parse

import (
	"strings"
	"unicode/utf8"
)

// Event holds the fields of one CloudTrail record that trailscan reads,
// each from the path that Fields gives it. Everything else in the record
// is skipped, never held in memory.
//
// A field absent from the record, or null, is the empty string.
type Event struct {
	EventTime          string
	EventSource        string
	EventName          string
	EventType          string
	AWSRegion          string
	RecipientAccountID string
	EventID            string
	ReadOnly           Bool
	ErrorCode          string
	ErrorMessage       string
	SourceIPAddress    string
	UserAgent          string
	UserIdentity       Identity

	// CaseID and PermitRequestARN come from serviceEventDetails, where the
	// Support authorization service records which case asked for access.
	CaseID           string
	PermitRequestARN string
	// PermitAction and PermitResource are the one action and resource a
	// RetrieveSupportPermit event names (serviceEventDetails.action and
	// .resource; StartSupportAction names its action only).
	PermitAction   string
	PermitResource string
	// RequestPermitRequestARN is the permit request an account's own call
	// to the authorization service (RejectSupportPermitRequest,
	// CreateSupportPermit) answers, in its requestParameters.
	RequestPermitRequestARN string

	// RequestCaseID and RequestDisplayID are the caseId and displayId a
	// call to the Support API (support.amazonaws.com) sent: how a case's
	// own events are found. ResponseCaseID and ResponseDisplayID are
	// those its response named (CreateCase's caseId): only those two
	// members of responseElements are read, which can be anything, and
	// very large.
	RequestCaseID     string
	RequestDisplayID  string
	ResponseCaseID    string
	ResponseDisplayID string

	// RequestParameters is what the call asked for, its requestParameters
	// as JSON, bounded: a reviewer reads what was touched.
	RequestParameters Raw
	// Resources are the first MaxResources elements of the record's
	// resources, the ARN and type of each; ResourceCount counts them all.
	// A member of another type than a string reads as absent, and marks
	// its field in Odd, as does an element that is not an object.
	Resources     []Resource
	ResourceCount int

	// Odd holds the kept fields whose value had a type the field does not
	// take (a number for a string, a string other than "true" or "false"
	// for a boolean, a string for an object): each reads as absent, its
	// value checked only to be valid JSON. Whether that matters depends on
	// what the record is, which is for the caller to say.
	Odd FieldSet

	// Offset and Length locate the record's bytes in the decompressed
	// document, so evidence can be copied out later without holding it now.
	// When Embedded, they locate the JSON string that holds the record
	// (lookup-events' CloudTrailEvent), quotes included.
	Offset   int64
	Length   int64
	Embedded bool
}

// Identity is the part of userIdentity that says who made a call.
type Identity struct {
	Type        string
	ARN         string
	AccountID   string
	PrincipalID string
	InvokedBy   string
	Issuer      Issuer
}

// Issuer is userIdentity.sessionContext.sessionIssuer: the role behind
// temporary credentials.
type Issuer struct {
	Type      string
	ARN       string
	UserName  string
	AccountID string
}

// Resource is an element of a record's resources: what a call named.
type Resource struct {
	ARN  string
	Type string
}

// MaxResources bounds the elements of resources an Event keeps; a call
// naming thousands (a batch delete) keeps the first and counts the rest.
const MaxResources = 20

// MaxRaw bounds the JSON a Raw keeps: a hostile or huge value (a policy
// document, a 500 MB batch) is never held whole.
const MaxRaw = 1024

// Raw is a JSON value as the record wrote it, without the space between
// its tokens (strings, escapes and all, byte for byte, as json.Compact
// writes it), cut to at most MaxRaw bytes. Null or absent, it is the zero
// Raw.
type Raw struct {
	// JSON is the value, or when Cut its first bytes, up to MaxRaw and
	// never splitting the bytes of a UTF-8 sequence.
	JSON string
	// Size is the length of the value as written, space included.
	Size int64
	// Cut says that JSON holds only the start of the value.
	Cut bool
}

// cutRaw returns the part of compact JSON a Raw keeps, and whether it was
// cut.
func cutRaw(compact []byte) (kept []byte, cut bool) {
	if len(compact) <= MaxRaw {
		return compact, false
	}
	n := MaxRaw
	// Back off over the continuation bytes of a sequence the cut splits.
	for k := 0; k < utf8.UTFMax-1 && n > 0 && compact[n]&0xc0 == 0x80; k++ {
		n--
	}
	return compact[:n], true
}

// Bool is a JSON boolean that may be absent: CloudTrail omits readOnly for
// some calls, and "absent" must not be read as "false".
type Bool uint8

// The values of a Bool.
const (
	Unset Bool = iota
	False
	True
)

// BoolOf reads "true" or "false", in any case, as the Bool; anything else
// is Unset.
func BoolOf(s string) Bool {
	switch {
	case strings.EqualFold(s, "true"):
		return True
	case strings.EqualFold(s, "false"):
		return False
	}
	return Unset
}

func (b Bool) String() string {
	switch b {
	case True:
		return "true"
	case False:
		return "false"
	}
	return "unset"
}

// Clone returns a copy of ev whose strings share no memory with ev's, for
// keeping an event passed by Reader.RecordsTransient.
func (ev *Event) Clone() Event {
	c := *ev
	for _, kf := range keptFields {
		switch {
		case kf.String != nil:
			p := kf.String(&c)
			*p = strings.Clone(*p)
		case kf.Raw != nil:
			p := kf.Raw(&c)
			p.JSON = strings.Clone(p.JSON)
		}
	}
	if ev.Resources != nil {
		c.Resources = make([]Resource, len(ev.Resources))
		for i, r := range ev.Resources {
			for _, f := range itemFields {
				p := keptFields[f].Item(&r)
				*p = strings.Clone(*p)
			}
			c.Resources[i] = r
		}
	}
	return c
}
