package gen

import "time"

// caller is who made a call: the userIdentity and the client fields that
// go with it.
type caller struct {
	id    *identity
	ip    string
	agent string
	tls   bool // clients calling a public endpoint log TLS details; services don't
}

var userAgents = []string{
	"aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.102 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2023 md/prompt#off md/command#ec2.describe-instances",
	"Boto3/1.35.10 md/Botocore#1.35.10 ua/2.0 os/linux#5.10.224 md/arch#x86_64 lang/python#3.12.5 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.35.10",
	"APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.66.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.4 ua/2.1 os/linux lang/go#1.22.6 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.177.1",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
	"AWS Internal",
	"aws-sdk-java/2.27.12 Linux/5.10.223 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS Java/17.0.12 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
	"aws-sdk-go-v2/1.30.4 os/linux lang/go#1.23.1 md/GOOS#linux md/GOARCH#arm64 api/sts#1.30.5",
}

// serviceRoles are other services' service-linked roles: ordinary callers
// whose ARNs look like the Support role's except for the names.
var serviceRoles = []struct{ name, service, session string }{
	{"AWSServiceRoleForAutoScaling", "autoscaling.amazonaws.com", "AutoScaling"},
	{"AWSServiceRoleForConfig", "config.amazonaws.com", "AWSConfig-Describe"},
	{"AWSServiceRoleForAmazonGuardDuty", "guardduty.amazonaws.com", "GuardDutyScanner"},
	{"AWSServiceRoleForAccessAnalyzer", "access-analyzer.amazonaws.com", "access-analyzer"},
	{"AWSServiceRoleForOrganizations", "organizations.amazonaws.com", "AWSOrganizations"},
}

var invokingServices = []string{
	"cloudformation.amazonaws.com", "autoscaling.amazonaws.com", "lambda.amazonaws.com", "ec2.amazonaws.com",
	"config.amazonaws.com", "elasticloadbalancing.amazonaws.com", "events.amazonaws.com", "s3.amazonaws.com",
}

// service is a call made by an AWS service on the customer's behalf: the
// service name stands in for the address and the user agent.
func service(id *identity, name string) caller {
	return caller{id: id, ip: name, agent: name}
}

// client is a call from a person's or a program's machine.
func (g *recGen) client(id *identity) caller {
	return caller{id: id, ip: g.ip(), agent: pick(g.rng, userAgents), tls: true}
}

// assumedRole is the identity of a session of a role in the scope's
// account. A nil issuer leaves out the sessionContext altogether.
func (g *recGen) assumedRole(path, role, sess string, created time.Time, key string, issuer bool) *identity {
	id := &identity{
		Type:        "AssumedRole",
		PrincipalID: g.s.roleID(path+role) + ":" + sess,
		ARN:         g.s.assumedARN(role, sess),
		AccountID:   g.s.account,
		AccessKeyID: key,
	}
	if issuer {
		id.SessionContext = &sessionContext{
			SessionIssuer: &sessionIssuer{
				Type: "Role", PrincipalID: g.s.roleID(path + role), ARN: g.s.roleARN(path, role),
				AccountID: g.s.account, UserName: role,
			},
			WebIDFederationData: &struct{}{},
			Attributes:          attributes{CreationDate: stamp(created), MFAAuthenticated: "false"},
		}
	}
	return id
}

// supportCaller is the Support role acting in a session. issuer chooses
// the userIdentity shape: 0 full, 1 without sessionContext, 2 with a
// sessionContext that has attributes but no sessionIssuer.
func (g *recGen) supportCaller(issuer int) caller {
	sess := g.s.sessionAt(g.t)
	id := g.assumedRole(supportPath, supportRole, sess.name, sess.created, sess.keyID, issuer == 0)
	if issuer == 2 {
		id.SessionContext = &sessionContext{Attributes: attributes{CreationDate: stamp(sess.created), MFAAuthenticated: "false"}}
	}
	id.InvokedBy = supportService
	c := service(id, supportService)
	if g.chance(0.1) {
		// invokedBy and the agent are often, not always, the service name.
		c.agent = "aws-internal/3 aws-sdk-java/1.12.772 Linux/5.10.225 OpenJDK_64-Bit_Server_VM/25.422-b05 java/1.8.0_422 vendor/Oracle_Corporation cfg/retry-mode/standard"
	}
	return c
}

func (g *recGen) trustedAdvisorCaller() caller {
	const role, svc = "AWSServiceRoleForTrustedAdvisor", "trustedadvisor.amazonaws.com"
	sess := "TrustedAdvisor_" + g.s.account + "_" + g.uuid()
	id := g.assumedRole("aws-service-role/"+svc+"/", role, sess, g.t.Add(-10*time.Minute), g.keyID("ASIA"), true)
	id.InvokedBy = svc
	return service(id, svc)
}

// lookalike is a role that a scanner matching on substrings, prefixes or
// names without paths would take for the Support role.
type lookalike struct {
	path, name string
	stsName    string // role name in the sts ARN: STS leaves out the path
	mimic      bool   // invoked by and calling from support.amazonaws.com
}

var lookalikes = [...]lookalike{
	{supportPath, "AWSServiceRoleForSupportX", "AWSServiceRoleForSupportX", true},
	{"", "AWSServiceRoleForSupportTools", "AWSServiceRoleForSupportTools", false},
	{"", "MyAWSServiceRoleForSupport", "MyAWSServiceRoleForSupport", false},
	{"custom/", supportRole, supportRole, false},
	{"", supportRole + "-copy", supportRole + "-copy", true},
}

func (g *recGen) lookalikeCaller(l lookalike) caller {
	sess := "AWSSupport-" + g.hex(16)
	id := g.assumedRole(l.path, l.name, sess, g.t.Add(-5*time.Minute), g.keyID("ASIA"), true)
	id.ARN = g.s.assumedARN(l.stsName, sess)
	if l.mimic {
		id.InvokedBy = supportService
		return service(id, supportService)
	}
	return g.client(id)
}

func (g *recGen) iamUser(name string) caller {
	id := &identity{
		Type:        "IAMUser",
		PrincipalID: newRNG(g.s.c.Seed, hashString(g.s.account), hashString("user/"+name)).keyID("AIDA"),
		ARN:         g.s.arn("iam", "", g.s.account, "user/"+name),
		AccountID:   g.s.account,
		AccessKeyID: g.keyID("AKIA"),
		UserName:    name,
	}
	c := g.client(id)
	if g.chance(0.3) {
		id.AccessKeyID = g.keyID("ASIA")
		id.SessionContext = &sessionContext{Attributes: attributes{CreationDate: stamp(g.t.Add(-time.Hour)), MFAAuthenticated: "true"}}
		c.agent = userAgents[3]
	}
	return c
}

// person is someone working in the account, as an IAM user or through a role.
func (g *recGen) person() caller {
	if g.chance(0.4) {
		return g.iamUser(pick(g.rng, userNames))
	}
	r := pick(g.rng, roleNames[:5])
	sess := pick(g.rng, userNames) + "@example.com"
	return g.client(g.assumedRole(r.path, r.name, sess, g.t.Add(-20*time.Minute), g.keyID("ASIA"), true))
}

// ordinaryCaller is anyone but Support and its look-alikes.
func (g *recGen) ordinaryCaller() caller {
	switch x := g.IntN(100); {
	case x < 25:
		return g.iamUser(pick(g.rng, userNames))
	case x < 60:
		r := pick(g.rng, roleNames)
		sess := pick(g.rng, []string{"botocore-session-" + g.chars(digits, 10), "GitHubActions", g.instanceID(), pick(g.rng, userNames) + "@example.com", pick(g.rng, functionNames)})
		id := g.assumedRole(r.path, r.name, sess, g.t.Add(-time.Duration(g.IntN(3600))*time.Second), g.keyID("ASIA"), true)
		if g.chance(0.05) {
			// A role of another account, called across accounts.
			const other = "999988887777"
			id.ARN = "arn:" + g.s.part + ":sts::" + other + ":assumed-role/" + r.name + "/" + sess
			id.AccountID = other
			id.SessionContext.SessionIssuer.ARN = "arn:" + g.s.part + ":iam::" + other + ":role/" + r.path + r.name
			id.SessionContext.SessionIssuer.AccountID = other
		}
		return g.client(id)
	case x < 75:
		sr := pick(g.rng, serviceRoles)
		id := g.assumedRole("aws-service-role/"+sr.service+"/", sr.name, sr.session, g.t.Add(-30*time.Minute), g.keyID("ASIA"), true)
		id.InvokedBy = sr.service
		return service(id, sr.service)
	case x < 95:
		svc := pick(g.rng, invokingServices)
		return service(&identity{Type: "AWSService", InvokedBy: svc}, svc)
	default:
		id := &identity{
			Type: "Root", PrincipalID: g.s.account, ARN: g.s.arn("iam", "", g.s.account, "root"),
			AccountID: g.s.account, AccessKeyID: g.keyID("ASIA"),
			SessionContext: &sessionContext{Attributes: attributes{CreationDate: stamp(g.t.Add(-time.Hour)), MFAAuthenticated: "true"}},
		}
		c := g.client(id)
		c.agent = userAgents[3]
		return c
	}
}
