package gen

import "time"

// kind is the sort of record to make: Support's calls, each of the
// look-alikes a scanner must not count, and ordinary traffic.
type kind uint8

const (
	ordinary kind = iota
	support
	supportNoContext // Support call logged without sessionContext
	supportNoIssuer  // Support call logged with a sessionContext lacking sessionIssuer
	trustedAdvisor
	lookalikeFirst // lookalikes[0]; the others follow
	lookalikeLast  = lookalikeFirst + kind(len(lookalikes)) - 1
)

const (
	userNamedLikeRole kind = lookalikeLast + 1 + iota
	readsRole              // iam:GetRole on the Support role
	listsRolePolicies      // iam:ListAttachedRolePolicies on it
	deletesRole            // iam:DeleteServiceLinkedRole on it, refused
	assumesRole            // sts:AssumeRole by the Support service
	casesDescribed         // support:DescribeCases by a person
	caseCreated            // support:CreateCase by a person
	checksDescribed        // support:DescribeTrustedAdvisorChecks by a person
	authzCreated           // supportauthz SupportPermitRequestCreated
	authzChanged           // supportauthz SupportPermitRequestStatusChanged
	mentionsTag            // the role's name as a tag value
	mentionsPolicy         // the role's ARN in a policy document
	mentionsLookup         // a CloudTrail lookup for the role's events
	mentionsQuery          // an Athena query for the role's events
	numKinds
)

// decoys are the kinds a careless scanner counts as Support.
var decoys = func() []kind {
	var ks []kind
	for k := trustedAdvisor; k < numKinds; k++ {
		ks = append(ks, k)
	}
	return ks
}()

// isSupport reports whether records of kind k are the Support role's calls.
func (k kind) isSupport() bool { return k == support || k == supportNoContext || k == supportNoIssuer }

// made is a record and, for the events a Manifest lists, its entry.
type made struct {
	rec   *record
	event *Event   // Support calls and authorization events, else nil
	kase  *caseRef // one of a case's own events (Config.Cases), else nil
}

// make returns a record of kind k at the generator's time.
func (g *recGen) make(k kind) made {
	switch {
	case k.isSupport():
		return g.supportCall(int(k - support))
	case k >= lookalikeFirst && k <= lookalikeLast:
		return made{rec: g.call(g.readAction(supportActions), g.lookalikeCaller(lookalikes[k-lookalikeFirst]))}
	}
	switch k {
	case trustedAdvisor:
		return made{rec: g.call(g.readAction(supportActions), g.trustedAdvisorCaller())}
	case userNamedLikeRole:
		return made{rec: g.call(g.readAction(supportActions), g.iamUser(supportRole))}
	case readsRole, listsRolePolicies, deletesRole:
		return made{rec: g.roleObject(k)}
	case assumesRole:
		return made{rec: g.serviceAssumes()}
	case casesDescribed, caseCreated, checksDescribed:
		return made{rec: g.supportAPI(k)}
	case authzCreated, authzChanged:
		return g.authz(k)
	case mentionsTag, mentionsPolicy, mentionsLookup, mentionsQuery:
		return made{rec: g.mention(k)}
	}
	return g.ordinaryCall()
}

// readAction picks a read-only action that can be logged in the file's
// region.
func (g *recGen) readAction(list []action) action {
	for {
		a := g.regional(list)
		if a.ro == roTrue {
			return a
		}
	}
}

// regional picks an action that can be logged in the file's region: global
// services log only in the partition's first region.
func (g *recGen) regional(list []action) action {
	for {
		a := pick(g.rng, list)
		if !a.global || g.s.region == g.s.home {
			return a
		}
	}
}

// call makes the record of caller c calling a.
func (g *recGen) call(a action, c caller) *record {
	region := g.s.region
	if a.global {
		region = g.s.home
	}
	r := &record{
		head:         head{EventVersion: pick(g.rng, []string{"1.08", "1.09", "1.09", "1.10"})},
		UserIdentity: c.id,
		body: body{
			EventTime: stamp(g.t), EventSource: a.source(), EventName: a.name, AWSRegion: region,
			SourceIPAddress: c.ip, UserAgent: c.agent,
		},
		tail: tail{
			RequestID: g.uuid(), EventID: g.uuid(), EventType: "AwsApiCall", ManagementEvent: boolPtr(true),
			RecipientAccountID: g.s.account, EventCategory: "Management",
		},
	}
	if a.req != nil {
		r.RequestParameters = a.req(g)
	}
	if a.resp != nil {
		r.ResponseElements = a.resp(g, r.RequestParameters)
	}
	if a.res != nil {
		r.Resources = a.res(g)
	}
	if a.ro != roAbsent && !g.chance(0.02) {
		r.ReadOnly = boolPtr(a.ro == roTrue)
	}
	if a.service == "s3" {
		r.AdditionalEventData = obj{"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
			"AuthenticationMethod": "AuthHeader", "x-amz-id-2": g.alnum(76), "bytesTransferredOut": g.between(0, 2000)}
	}
	if c.tls {
		r.TLSDetails = &tlsDetails{
			TLSVersion: pick(g.rng, []string{"TLSv1.3", "TLSv1.3", "TLSv1.2"}), CipherSuite: "TLS_AES_128_GCM_SHA256",
			ClientProvidedHostHeader: g.s.host(a.service, a.global),
		}
		if c.id.SessionContext != nil && c.id.Type != "AssumedRole" {
			r.SessionCredentialFromConsole = "true"
		}
	}
	return r
}

// fail turns r into a failed call.
func fail(r *record, code, msg string) {
	r.ErrorCode, r.ErrorMessage, r.ResponseElements = code, msg, nil
}

// supportCall is a call by the Support role; about one in fourteen fails.
func (g *recGen) supportCall(issuer int) made {
	return g.supportCallOf(g.regional(supportActions), issuer, g.chance(0.07))
}

// supportCallOf is the Support role calling a.
func (g *recGen) supportCallOf(a action, issuer int, failed bool) made {
	r := g.call(a, g.supportCaller(issuer))
	if failed {
		g.failSupport(r, a)
	}
	return made{rec: r, event: eventOf(r, g.s.sessionAt(g.t).name)}
}

func (g *recGen) failSupport(r *record, a action) {
	switch {
	case a.service == "ec2":
		fail(r, "Client.UnauthorizedOperation", "You are not authorized to perform this operation. User: "+r.UserIdentity.ARN+" is not authorized to perform: ec2:"+a.name+" because no identity-based policy allows the ec2:"+a.name+" action")
	case a.name == "GetBucketPolicy" && g.chance(0.5):
		fail(r, "NoSuchBucketPolicy", "The bucket policy does not exist")
	case g.chance(0.2):
		fail(r, "ThrottlingException", "Rate exceeded")
	default:
		fail(r, "AccessDenied", accessDenied(r.UserIdentity.ARN, a.service, a.name, ""))
	}
}

// eventOf is the Manifest entry of a Support call or an authorization event.
func eventOf(r *record, session string) *Event {
	t, _ := time.Parse(time.RFC3339, r.EventTime)
	e := &Event{
		ID: r.EventID, Time: t, Account: r.RecipientAccountID, Region: r.AWSRegion,
		Source: r.EventSource, Name: r.EventName, ErrorCode: r.ErrorCode, Session: session,
	}
	if r.ReadOnly != nil {
		e.ReadOnly = boolPtr(*r.ReadOnly)
	}
	return e
}

func (g *recGen) ordinaryCall() made {
	a := g.regional(ordinaryActions)
	c := g.ordinaryCaller()
	r := g.call(a, c)
	if g.chance(0.04) {
		if c.id.ARN != "" {
			fail(r, "AccessDenied", accessDenied(c.id.ARN, a.service, a.name, ""))
		} else {
			fail(r, "ThrottlingException", "Rate exceeded")
		}
	}
	return made{rec: r}
}

// roleObject is a person reading or changing the Support role: the role is
// in the request and the resources, not in the userIdentity.
func (g *recGen) roleObject(k kind) *record {
	a := action{service: "iam", name: "GetRole", global: true}
	switch k {
	case listsRolePolicies:
		a.name = "ListAttachedRolePolicies"
	case deletesRole:
		a.name, a.ro = "DeleteServiceLinkedRole", roFalse
	}
	r := g.call(a, g.person())
	r.AWSRegion = g.s.home
	r.RequestParameters = obj{"roleName": supportRole}
	r.Resources = []resource{{AccountID: g.s.account, Type: "AWS::IAM::Role", ARN: g.s.supportRoleARN()}}
	if k == deletesRole {
		fail(r, "UnmodifiableEntity", "Cannot perform the operation on the protected role '"+supportRole+"' - this role is only modifiable by AWS")
	}
	return r
}

// serviceAssumes is the Support service assuming its role to start a
// session: the caller is the service; the role is the object.
func (g *recGen) serviceAssumes() *record {
	sess := g.s.sessionAt(g.t).name
	a := action{service: "sts", name: "AssumeRole"}
	r := g.call(a, service(&identity{Type: "AWSService", InvokedBy: supportService}, supportService))
	r.RequestParameters = obj{"roleArn": g.s.supportRoleARN(), "roleSessionName": sess, "durationSeconds": 3600}
	r.ResponseElements = assumeRoleResp(g, supportRole, sess)
	r.Resources = []resource{{AccountID: g.s.account, Type: "AWS::IAM::Role", ARN: g.s.supportRoleARN()}}
	r.SharedEventID = g.uuid()
	return r
}

// supportAPI is a person calling the Support API: an eventSource of
// support.amazonaws.com, made by someone other than Support.
func (g *recGen) supportAPI(k kind) *record {
	a := action{service: "support", name: "DescribeCases", global: true}
	var req, resp any = obj{"includeResolvedCases": false, "includeCommunications": true, "language": "en"}, nil
	switch k {
	case caseCreated:
		a.name, a.ro = "CreateCase", roFalse
		req = obj{"subject": pick(g.rng, tricky) + ": instance unreachable", "serviceCode": "amazon-elastic-compute-cloud-linux",
			"severityCode": "low", "categoryCode": "instance-issue", "communicationBody": "HIDDEN_DUE_TO_SECURITY_REASONS",
			"issueType": "technical", "language": "en"}
		resp = obj{"caseId": "case-" + g.s.account + "-" + g.t.Format("2006") + "-" + g.hex(16)}
	case checksDescribed:
		a.name, req = "DescribeTrustedAdvisorChecks", obj{"language": "en"}
	}
	r := g.call(a, g.person())
	r.RequestParameters, r.ResponseElements = req, resp
	return r
}

// authz is a Support authorization service event about a request for
// Support to access the account. Both events of a day name the same
// request and case, as a request's creation and approval would.
func (g *recGen) authz(k kind) made {
	dr := newRNG(g.s.c.Seed, hashString(g.s.account), uint64(g.s.dayN), 0xca5e)
	permit := g.s.arn("supportauthz", g.s.home, g.s.account, "supportpermitrequest/"+dr.uuid())
	caseID := "17" + dr.chars(digits, 9)
	name := "SupportPermitRequestCreated"
	if k == authzChanged {
		name = "SupportPermitRequestStatusChanged"
	}
	r := g.authzRecord(name, obj{"supportPermitRequestArn": permit, "supportCaseDisplayId": caseID})
	e := eventOf(r, "")
	e.CaseID = caseID
	return made{rec: r, event: e}
}

// mention is ordinary activity whose data holds the Support role's name.
func (g *recGen) mention(k kind) *record {
	var a action
	var req any
	switch k {
	case mentionsTag:
		a = action{service: "ec2", name: "CreateTags", ro: roFalse}
		req = obj{"resourcesSet": obj{"items": []obj{{"resourceId": g.instanceID()}}},
			"tagSet": obj{"items": []obj{{"key": "RoleRef", "value": supportRole}, {"key": "Owner", "value": escaped("José Müller <ops>")}}}}
	case mentionsPolicy:
		a = action{service: "iam", name: "PutRolePolicy", ro: roFalse, global: true}
		req = obj{"roleName": "Admin", "policyName": "deny-support-role-changes",
			"policyDocument": policyDoc(`{"Effect":"Deny","Action":["iam:UpdateRole*","iam:DeleteServiceLinkedRole"],"Resource":"` + g.s.supportRoleARN() + `"}`)}
	case mentionsLookup:
		a = action{service: "cloudtrail", name: "LookupEvents"}
		req = obj{"maxResults": 50, "lookupAttributes": []obj{{"attributeKey": "Username", "attributeValue": supportRole}}}
	default:
		a = action{service: "athena", name: "StartQueryExecution", ro: roFalse}
		req = obj{"queryString": "SELECT eventsource, eventname, count(*) FROM cloudtrail_logs WHERE useridentity.sessioncontext.sessionissuer.arn = '" +
			g.s.supportRoleARN() + "' GROUP BY 1, 2", "workGroup": "primary", "clientRequestToken": g.uuid()}
	}
	r := g.call(a, g.person())
	r.RequestParameters = req
	return r
}
