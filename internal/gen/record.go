package gen

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The record types follow CloudTrail's field order. A record is split in
// parts around userIdentity so that lateRecord can move userIdentity after
// responseElements, which real logs never do but a parser must not mind.
type record struct {
	head
	UserIdentity *identity `json:"userIdentity,omitempty"`
	body
	tail
}

type lateRecord struct {
	head
	body
	UserIdentity *identity `json:"userIdentity,omitempty"`
	tail
}

type head struct {
	EventVersion string `json:"eventVersion"`
}

type body struct {
	EventTime           string `json:"eventTime"`
	EventSource         string `json:"eventSource"`
	EventName           string `json:"eventName"`
	AWSRegion           string `json:"awsRegion"`
	SourceIPAddress     string `json:"sourceIPAddress,omitempty"`
	UserAgent           string `json:"userAgent,omitempty"`
	ErrorCode           string `json:"errorCode,omitempty"`
	ErrorMessage        string `json:"errorMessage,omitempty"`
	RequestParameters   any    `json:"requestParameters"`
	ResponseElements    any    `json:"responseElements"`
	AdditionalEventData any    `json:"additionalEventData,omitempty"`
}

type tail struct {
	RequestID                    string      `json:"requestID,omitempty"`
	EventID                      string      `json:"eventID"`
	ReadOnly                     *bool       `json:"readOnly,omitempty"`
	Resources                    []resource  `json:"resources,omitempty"`
	EventType                    string      `json:"eventType"`
	ManagementEvent              *bool       `json:"managementEvent,omitempty"`
	RecipientAccountID           string      `json:"recipientAccountId"`
	ServiceEventDetails          any         `json:"serviceEventDetails,omitempty"`
	SharedEventID                string      `json:"sharedEventID,omitempty"`
	EventCategory                string      `json:"eventCategory"`
	TLSDetails                   *tlsDetails `json:"tlsDetails,omitempty"`
	SessionCredentialFromConsole string      `json:"sessionCredentialFromConsole,omitempty"`
}

type identity struct {
	Type           string          `json:"type,omitempty"`
	PrincipalID    string          `json:"principalId,omitempty"`
	ARN            string          `json:"arn,omitempty"`
	AccountID      string          `json:"accountId,omitempty"`
	AccessKeyID    string          `json:"accessKeyId,omitempty"`
	UserName       string          `json:"userName,omitempty"`
	SessionContext *sessionContext `json:"sessionContext,omitempty"`
	InvokedBy      string          `json:"invokedBy,omitempty"`
}

type sessionContext struct {
	SessionIssuer       *sessionIssuer `json:"sessionIssuer,omitempty"`
	WebIDFederationData *struct{}      `json:"webIdFederationData,omitempty"`
	Attributes          attributes     `json:"attributes"`
	SourceIdentity      string         `json:"sourceIdentity,omitempty"`
}

type sessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

type attributes struct {
	CreationDate     string `json:"creationDate"`
	MFAAuthenticated string `json:"mfaAuthenticated"`
}

type resource struct {
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type"`
	ARN       string `json:"ARN"`
}

type tlsDetails struct {
	TLSVersion               string `json:"tlsVersion"`
	CipherSuite              string `json:"cipherSuite"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader"`
}

// marshal encodes r as one line of JSON, moving userIdentity late if asked.
func (r *record) marshal(late bool) ([]byte, error) {
	if late {
		return json.Marshal(lateRecord{r.head, r.body, r.UserIdentity, r.tail})
	}
	return json.Marshal(r)
}

// escaped is a string that encodes every non-ASCII character as a \uXXXX
// escape, as some writers do, so that logs hold "caf\u00e9" as well as
// "café" and a parser has to decode both.
type escaped string

func (s escaped) MarshalJSON() ([]byte, error) {
	plain, err := json.Marshal(string(s))
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, c := range string(plain) {
		switch {
		case c < utf8.RuneSelf:
			b.WriteRune(c)
		case c > 0xffff:
			c -= 0x10000
			writeU(&b, 0xd800+(c>>10))
			writeU(&b, 0xdc00+(c&0x3ff))
		default:
			writeU(&b, c)
		}
	}
	return []byte(b.String()), nil
}

func writeU(b *strings.Builder, c rune) {
	s := strconv.FormatInt(int64(c), 16)
	b.WriteString(`\u` + strings.Repeat("0", 4-len(s)) + s)
}

func boolPtr(b bool) *bool { return &b }
