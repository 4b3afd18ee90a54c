package parse

// The fields trailscan keeps, and where they are in a record: the one
// table both the fast and the slow path read.

// field names a string of Event that the scanner keeps.
type field uint8

const (
	fEventTime field = iota
	fEventSource
	fEventName
	fEventType
	fAWSRegion
	fRecipientAccountID
	fEventID
	fErrorCode
	fErrorMessage
	fSourceIPAddress
	fUserAgent
	fType
	fARN
	fAccountID
	fPrincipalID
	fInvokedBy
	fIssuerType
	fIssuerARN
	fIssuerUserName
	fIssuerAccountID
	fCaseID
	fPermitRequestARN
	numFields

	identityFields = fType
	issuerFields   = fIssuerType
)

// level names the objects of a record whose members the scanner looks at.
type level uint8

const (
	lvRecord level = iota
	lvIdentity
	lvSession
	lvIssuer
	lvDetails
)

// action is what the scanner does with a member's value.
type action struct {
	kind  uint8 // one of the do* constants
	f     field // doKeep: the field kept
	sub   level // doObject: the object read
	clear [2]field
}

const (
	doSkip = iota
	doKeep
	doReadOnly
	doObject
)

// actionOf returns what to do with the member named key of an object at
// lv; members it does not know are skipped.
func actionOf(lv level, key []byte) action {
	keep := func(f field) action { return action{kind: doKeep, f: f} }
	object := func(sub level, from, to field) action {
		return action{kind: doObject, sub: sub, clear: [2]field{from, to}}
	}
	switch lv {
	case lvRecord:
		switch string(key) {
		case "eventTime":
			return keep(fEventTime)
		case "eventSource":
			return keep(fEventSource)
		case "eventName":
			return keep(fEventName)
		case "eventType":
			return keep(fEventType)
		case "awsRegion":
			return keep(fAWSRegion)
		case "recipientAccountId":
			return keep(fRecipientAccountID)
		case "eventID":
			return keep(fEventID)
		case "readOnly":
			return action{kind: doReadOnly}
		case "errorCode":
			return keep(fErrorCode)
		case "errorMessage":
			return keep(fErrorMessage)
		case "sourceIPAddress":
			return keep(fSourceIPAddress)
		case "userAgent":
			return keep(fUserAgent)
		case "userIdentity":
			return object(lvIdentity, identityFields, fCaseID)
		case "serviceEventDetails":
			return object(lvDetails, fCaseID, numFields)
		}
	case lvIdentity:
		switch string(key) {
		case "type":
			return keep(fType)
		case "arn":
			return keep(fARN)
		case "accountId":
			return keep(fAccountID)
		case "principalId":
			return keep(fPrincipalID)
		case "invokedBy":
			return keep(fInvokedBy)
		case "sessionContext":
			return object(lvSession, issuerFields, fCaseID)
		}
	case lvSession:
		if string(key) == "sessionIssuer" {
			return object(lvIssuer, issuerFields, fCaseID)
		}
	case lvIssuer:
		switch string(key) {
		case "type":
			return keep(fIssuerType)
		case "arn":
			return keep(fIssuerARN)
		case "userName":
			return keep(fIssuerUserName)
		case "accountId":
			return keep(fIssuerAccountID)
		}
	case lvDetails:
		switch string(key) {
		case "supportCaseDisplayId":
			return keep(fCaseID)
		case "supportPermitRequestArn":
			return keep(fPermitRequestARN)
		}
	}
	return action{}
}

// fieldNames and levelNames name fields and objects in error messages.
var (
	fieldNames = [numFields]string{
		fEventTime: "eventTime", fEventSource: "eventSource", fEventName: "eventName",
		fEventType: "eventType", fAWSRegion: "awsRegion", fRecipientAccountID: "recipientAccountId",
		fEventID: "eventID", fErrorCode: "errorCode", fErrorMessage: "errorMessage",
		fSourceIPAddress: "sourceIPAddress", fUserAgent: "userAgent",
		fType: "userIdentity.type", fARN: "userIdentity.arn", fAccountID: "userIdentity.accountId",
		fPrincipalID: "userIdentity.principalId", fInvokedBy: "userIdentity.invokedBy",
		fIssuerType: "sessionIssuer.type", fIssuerARN: "sessionIssuer.arn",
		fIssuerUserName: "sessionIssuer.userName", fIssuerAccountID: "sessionIssuer.accountId",
		fCaseID:           "serviceEventDetails.supportCaseDisplayId",
		fPermitRequestARN: "serviceEventDetails.supportPermitRequestArn",
	}
	levelNames = [...]string{
		lvRecord: "record", lvIdentity: "userIdentity", lvSession: "userIdentity.sessionContext",
		lvIssuer: "sessionIssuer", lvDetails: "serviceEventDetails",
	}
)
