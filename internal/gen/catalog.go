package gen

import (
	"strconv"
	"strings"
	"time"
)

// recGen draws the parts of one record: it knows the file's scope and the
// record's time.
type recGen struct {
	*rng
	s *scope
	t time.Time
}

// roMode is how an action logs readOnly: most say true or false, a few
// services leave the field out.
type roMode uint8

const (
	roTrue roMode = iota
	roFalse
	roAbsent
)

// action is one API action and how to fake its request and response.
// A nil req or resp logs null, as CloudTrail does for many calls.
type action struct {
	service string // "ec2": the eventSource is service + ".amazonaws.com"
	name    string
	ro      roMode
	global  bool // logged in the partition's first region (IAM, Route 53, ...)
	req     func(g *recGen) any
	resp    func(g *recGen, req any) any // req is what req returned
	res     func(g *recGen) []resource
}

func (a action) source() string { return a.service + ".amazonaws.com" }

type obj = map[string]any

// supportActions are what the Support role calls: metadata reads across
// services, rare writes that IAM counts as such, and a few actions whose
// events carry no readOnly field.
var supportActions = []action{
	{service: "ec2", name: "DescribeInstances", req: describeInstancesReq},
	{service: "ec2", name: "DescribeInstances", req: describeInstancesReq},
	{service: "ec2", name: "DescribeVpcs", req: emptySets("vpcSet", "filterSet")},
	{service: "ec2", name: "DescribeSecurityGroups", req: emptySets("securityGroupSet", "securityGroupIdSet", "filterSet")},
	{service: "ec2", name: "DescribeSubnets", req: emptySets("subnetSet", "filterSet")},
	{service: "ec2", name: "DescribeVolumes", req: emptySets("volumeSet", "filterSet")},
	{service: "iam", name: "GetRole", global: true, req: func(g *recGen) any { return obj{"roleName": pick(g.rng, roleNames).name} }},
	{service: "iam", name: "ListRoles", global: true},
	{service: "iam", name: "GetAccountSummary", global: true},
	{service: "iam", name: "GenerateCredentialReport", ro: roFalse, global: true, resp: func(*recGen, any) any {
		return obj{"state": "STARTED", "description": "No report exists. Starting a new report generation task"}
	}},
	{service: "iam", name: "GenerateServiceLastAccessedDetails", ro: roFalse, global: true, req: func(g *recGen) any {
		return obj{"arn": g.s.roleARN(pick(g.rng, roleNames).path, pick(g.rng, roleNames).name)}
	}, resp: func(g *recGen, _ any) any { return obj{"jobId": g.uuid()} }},
	{service: "s3", name: "GetBucketPolicy", req: bucketReq("policy"), res: bucketRes},
	{service: "s3", name: "GetBucketLocation", req: bucketReq("location"), res: bucketRes},
	{service: "s3", name: "ListBuckets", global: true, req: func(g *recGen) any { return obj{"Host": "s3.amazonaws.com"} }},
	{service: "lambda", name: "ListFunctions20150331"},
	{service: "lambda", name: "GetFunctionConfiguration20150331v2", req: func(g *recGen) any { return obj{"functionName": pick(g.rng, functionNames)} }},
	{service: "cloudformation", name: "DescribeStacks", req: stackReq},
	{service: "cloudformation", name: "DescribeStackEvents", req: stackReq},
	{service: "rds", name: "DescribeDBInstances", req: func(g *recGen) any {
		if g.chance(0.5) {
			return nil
		}
		return obj{"dBInstanceIdentifier": "orders-db-" + g.lower(4)}
	}},
	{service: "logs", name: "DescribeLogGroups", req: func(g *recGen) any {
		return obj{"logGroupNamePrefix": "/aws/lambda/" + pick(g.rng, functionNames)}
	}},
	{service: "autoscaling", name: "DescribeAutoScalingGroups"},
	{service: "elasticloadbalancing", name: "DescribeLoadBalancers", req: func(g *recGen) any { return obj{"pageSize": 400} }},
	{service: "dynamodb", name: "DescribeTable", req: func(g *recGen) any { return obj{"tableName": pick(g.rng, tableNames)} }},
	{service: "ecs", name: "ListClusters"},
	{service: "eks", name: "DescribeCluster", req: func(g *recGen) any { return obj{"name": "platform-" + g.lower(3)} }},
	{service: "states", name: "GetExecutionHistory", req: func(g *recGen) any {
		return obj{"executionArn": g.s.arn("states", g.s.region, g.s.account, "execution:orders:"+g.uuid()), "includeExecutionData": false}
	}},
	{service: "kms", name: "DescribeKey", req: func(g *recGen) any { return obj{"keyId": g.keyARN()} }},
	{service: "ssm", name: "DescribeInstanceInformation", req: func(g *recGen) any { return obj{"maxResults": 50} }},
	{service: "monitoring", name: "DescribeAlarms", req: func(g *recGen) any { return obj{"maxRecords": 100} }},
	{service: "route53", name: "ListHostedZones", global: true},
	{service: "config", name: "DescribeConfigurationRecorders"},
	{service: "health", name: "DescribeAffectedEntities", ro: roAbsent, global: true, req: func(g *recGen) any {
		return obj{"filter": obj{"eventArns": []string{g.s.arn("health", g.s.home, "", "event/EC2/AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED/"+g.hex(12))}}}
	}},
	{service: "compute-optimizer", name: "GetEnrollmentStatus", ro: roAbsent},
}

// ordinaryActions are everyone else's calls, reads and writes, some with
// large responses.
var ordinaryActions = append([]action{
	{service: "ec2", name: "RunInstances", ro: roFalse, req: runInstancesReq, resp: runInstancesResp},
	{service: "ec2", name: "TerminateInstances", ro: roFalse, req: func(g *recGen) any {
		return obj{"instancesSet": obj{"items": []obj{{"instanceId": g.instanceID()}}}}
	}, resp: func(g *recGen, req any) any {
		return obj{"requestId": g.uuid(), "instancesSet": obj{"items": []obj{{
			"instanceId": req.(obj)["instancesSet"].(obj)["items"].([]obj)[0]["instanceId"], "currentState": obj{"code": 32, "name": "shutting-down"},
			"previousState": obj{"code": 16, "name": "running"}}}}}
	}},
	{service: "ec2", name: "CreateTags", ro: roFalse, req: createTagsReq, resp: func(g *recGen, _ any) any {
		return obj{"requestId": g.uuid(), "_return": true}
	}},
	{service: "ec2", name: "AuthorizeSecurityGroupIngress", ro: roFalse, req: func(g *recGen) any {
		return obj{"groupId": "sg-0" + g.hex(16), "ipPermissions": obj{"items": []obj{{
			"ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
			"ipRanges": obj{"items": []obj{{"cidrIp": "0.0.0.0/0", "description": pick(g.rng, tricky)}}}}}}}
	}},
	{service: "s3", name: "CreateBucket", ro: roFalse, req: bucketReq("CreateBucketConfiguration"), res: bucketRes},
	{service: "s3", name: "PutBucketPolicy", ro: roFalse, req: putBucketPolicyReq, res: bucketRes},
	{service: "s3", name: "GetBucketAcl", req: bucketReq("acl"), res: bucketRes},
	{service: "iam", name: "CreateRole", ro: roFalse, global: true, req: createRoleReq, resp: createRoleResp},
	{service: "iam", name: "AttachRolePolicy", ro: roFalse, global: true, req: func(g *recGen) any {
		return obj{"roleName": pick(g.rng, roleNames).name, "policyArn": "arn:" + g.s.part + ":iam::aws:policy/ReadOnlyAccess"}
	}},
	{service: "iam", name: "CreateAccessKey", ro: roFalse, global: true, req: func(g *recGen) any {
		return obj{"userName": pick(g.rng, userNames)}
	}, resp: func(g *recGen, req any) any {
		return obj{"accessKey": obj{"accessKeyId": g.keyID("AKIA"), "status": "Active", "userName": req.(obj)["userName"], "createDate": g.t.Format("Jan 2, 2006, 3:04:05 PM")}}
	}},
	{service: "iam", name: "ListUsers", global: true},
	{service: "sts", name: "GetCallerIdentity"},
	{service: "sts", name: "AssumeRole", req: func(g *recGen) any {
		r := pick(g.rng, roleNames)
		return obj{"roleArn": g.s.roleARN(r.path, r.name), "roleSessionName": "session-" + g.lower(8), "durationSeconds": 3600}
	}, resp: func(g *recGen, req any) any {
		q := req.(obj)
		arn, sess := q["roleArn"].(string), q["roleSessionName"].(string)
		return assumeRoleResp(g, arn[strings.LastIndexByte(arn, '/')+1:], sess)
	}},
	{service: "kms", name: "Decrypt", req: kmsReq, res: kmsRes},
	{service: "kms", name: "GenerateDataKey", req: kmsReq, res: kmsRes},
	{service: "lambda", name: "UpdateFunctionCode20150331v2", ro: roFalse, req: func(g *recGen) any {
		return obj{"functionName": pick(g.rng, functionNames), "publish": true, "dryRun": false}
	}, resp: updateFunctionResp},
	{service: "cloudformation", name: "CreateStack", ro: roFalse, req: createStackReq, resp: func(g *recGen, _ any) any {
		return obj{"stackId": g.s.arn("cloudformation", g.s.region, g.s.account, "stack/"+pick(g.rng, stackNames)+"/"+g.uuid())}
	}},
	{service: "dynamodb", name: "CreateTable", ro: roFalse, req: createTableReq, resp: func(g *recGen, _ any) any {
		return obj{"tableDescription": obj{"tableName": pick(g.rng, tableNames), "tableStatus": "CREATING", "creationDateTime": g.t.Format("Jan 2, 2006, 3:04:05 PM"),
			"tableArn": g.s.arn("dynamodb", g.s.region, g.s.account, "table/"+pick(g.rng, tableNames)), "tableId": g.uuid(),
			"itemCount": 0, "tableSizeBytes": 0, "billingModeSummary": obj{"billingMode": "PAY_PER_REQUEST"}}}
	}},
	{service: "ssm", name: "GetParameter", req: func(g *recGen) any {
		return obj{"name": "/app/" + pick(g.rng, functionNames) + "/db-password", "withDecryption": true}
	}},
	{service: "ssm", name: "PutParameter", ro: roFalse, req: func(g *recGen) any {
		return obj{"name": "/app/config/" + g.lower(6), "type": "String", "overwrite": true, "tier": "Standard", "description": pick(g.rng, tricky)}
	}, resp: func(g *recGen, _ any) any { return obj{"version": g.between(1, 40), "tier": "Standard"} }},
	{service: "secretsmanager", name: "GetSecretValue", req: func(g *recGen) any {
		return obj{"secretId": g.s.arn("secretsmanager", g.s.region, g.s.account, "secret:prod/db-"+g.alnum(6))}
	}},
	{service: "signin", name: "ConsoleLogin", ro: roFalse, global: true, resp: func(g *recGen, _ any) any {
		return obj{"ConsoleLogin": pick(g.rng, []string{"Success", "Success", "Success", "Failure"})}
	}},
	{service: "logs", name: "CreateLogStream", ro: roFalse, req: func(g *recGen) any {
		return obj{"logGroupName": "/aws/lambda/" + pick(g.rng, functionNames), "logStreamName": g.t.Format("2006/01/02") + "/[$LATEST]" + g.hex(32)}
	}},
	{service: "sqs", name: "CreateQueue", ro: roFalse, req: func(g *recGen) any {
		return obj{"queueName": "jobs-" + g.lower(5), "attributes": obj{"VisibilityTimeout": "60", "MessageRetentionPeriod": "345600"}, "tags": obj{"team": pick(g.rng, tricky)}}
	}, resp: func(g *recGen, _ any) any {
		return obj{"queueUrl": "https://sqs." + g.s.region + ".amazonaws.com/" + g.s.account + "/jobs-" + g.lower(5)}
	}},
	{service: "cloudtrail", name: "LookupEvents", req: func(g *recGen) any {
		return obj{"maxResults": 50, "lookupAttributes": []obj{{"attributeKey": "EventName", "attributeValue": "ConsoleLogin"}}}
	}},
	{service: "organizations", name: "DescribeOrganization", global: true},
	{service: "ecr", name: "GetAuthorizationToken"},
	{service: "route53", name: "ChangeResourceRecordSets", ro: roFalse, global: true, req: func(g *recGen) any {
		return obj{"hostedZoneId": "Z" + g.chars(upperNum, 13), "changeBatch": obj{"comment": pick(g.rng, tricky), "changes": []obj{{
			"action": "UPSERT", "resourceRecordSet": obj{"name": "api.example.com.", "type": "A", "tTL": 300,
				"resourceRecords": []obj{{"value": g.ip()}}}}}}}
	}, resp: func(g *recGen, _ any) any {
		return obj{"changeInfo": obj{"id": "/change/C" + g.chars(upperNum, 13), "status": "PENDING", "submittedAt": g.t.Format("Jan 2, 2006, 3:04:05 PM")}}
	}},
}, supportActions...)

// tricky strings put JSON escapes in the logs: quotes, backslashes, markup
// that encoding/json escapes, control characters, non-ASCII text.
var tricky = []string{
	`say "hello" to prod`,
	`C:\Users\admin\deploy.ps1`,
	`<script>alert('x')</script>`,
	"café crème",
	"naïve résumé – Zürich",
	"日本語のタグ",
	"launch 🚀 day",
	"tab\tand\nnewline",
	`back\\slash and "quote"`,
	"line\u2028separator",
	"R&D <team>",
	"plain-value",
	"cost-center-42",
}

type roleName struct{ path, name string }

// roleNames are ordinary roles of a customer account.
var roleNames = []roleName{
	{"", "Admin"},
	{"", "ReadOnly"},
	{"", "DevOps"},
	{"", "OrganizationAccountAccessRole"},
	{"aws-reserved/sso.amazonaws.com/", "AWSReservedSSO_AdministratorAccess_5f2c9e1a7b3d4c6e"},
	{"", "github-actions-deploy"},
	{"service-role/", "orders-processor-role-x1y2z3"},
	{"", "ec2-app-instance-role"},
}

var (
	userNames     = []string{"alice", "bob", "carol.ops", "ci-deployer", "terraform", "jenkins", "svc-backup"}
	functionNames = []string{"orders-processor", "thumbnail-resizer", "slack-notifier", "nightly-report"}
	stackNames    = []string{"network-base", "orders-api", "data-lake", "CDKToolkit"}
	tableNames    = []string{"orders", "sessions", "audit-log", "feature-flags"}
	bucketBases   = []string{"app-logs", "terraform-state", "backups-prod", "static-site", "cdk-hnb659fds-assets"}
)

func (g *recGen) instanceID() string { return "i-0" + g.hex(16) }

func (g *recGen) bucket() string {
	return pick(g.rng, bucketBases) + "-" + g.s.account + "-" + g.s.region
}

func (g *recGen) keyARN() string {
	return g.s.arn("kms", g.s.region, g.s.account, "key/"+g.uuid())
}

func emptySets(names ...string) func(*recGen) any {
	return func(*recGen) any {
		m := obj{}
		for _, n := range names {
			m[n] = obj{}
		}
		return m
	}
}

func describeInstancesReq(g *recGen) any {
	if g.chance(0.7) {
		return obj{"instancesSet": obj{}, "filterSet": obj{}}
	}
	return obj{"instancesSet": obj{"items": []obj{{"instanceId": g.instanceID()}}}, "filterSet": obj{}}
}

// bucketReq is an S3 bucket-level request: the bucket, the Host header, and
// the subresource named in the query string (logged with an empty value).
func bucketReq(sub string) func(*recGen) any {
	return func(g *recGen) any {
		b := g.bucket()
		return obj{"bucketName": b, "Host": b + ".s3." + g.s.region + ".amazonaws.com", sub: ""}
	}
}

func bucketRes(g *recGen) []resource {
	return []resource{{AccountID: g.s.account, Type: "AWS::S3::Bucket", ARN: "arn:" + g.s.part + ":s3:::" + g.bucket()}}
}

func stackReq(g *recGen) any {
	if g.chance(0.3) {
		return nil
	}
	return obj{"stackName": pick(g.rng, stackNames)}
}

func kmsReq(g *recGen) any {
	return obj{"encryptionAlgorithm": "SYMMETRIC_DEFAULT", "encryptionContext": obj{
		"aws:lambda:FunctionArn": g.s.arn("lambda", g.s.region, g.s.account, "function:"+pick(g.rng, functionNames))}}
}

func kmsRes(g *recGen) []resource {
	return []resource{{AccountID: g.s.account, Type: "AWS::KMS::Key", ARN: g.keyARN()}}
}

func createTagsReq(g *recGen) any {
	tags := []obj{{"key": "Name", "value": pick(g.rng, tricky)}}
	if g.chance(0.3) {
		// Some writers escape all non-ASCII text: the log then holds \u00e9.
		tags = append(tags, obj{"key": "Owner", "value": escaped(pick(g.rng, tricky))})
	}
	return obj{"resourcesSet": obj{"items": []obj{{"resourceId": g.instanceID()}}}, "tagSet": obj{"items": tags}}
}

// policyDoc is an IAM policy as CloudTrail logs it: a JSON document inside
// a JSON string, so its quotes arrive escaped.
func policyDoc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func putBucketPolicyReq(g *recGen) any {
	b := g.bucket()
	stmt := `{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:` + g.s.part + `:s3:::` + b + `","arn:` + g.s.part + `:s3:::` + b + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	return obj{"bucketName": b, "Host": b + ".s3.amazonaws.com", "policy": policyDoc(stmt)}
}

func createRoleReq(g *recGen) any {
	trust := `{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`
	return obj{"roleName": "app-" + g.lower(6), "path": "/", "assumeRolePolicyDocument": policyDoc(trust), "description": pick(g.rng, tricky),
		"tags": []obj{{"key": "team", "value": pick(g.rng, tricky)}}}
}

func createRoleResp(g *recGen, req any) any {
	name := req.(obj)["roleName"].(string)
	return obj{"role": obj{"path": "/", "roleName": name, "roleId": g.keyID("AROA"), "arn": g.s.roleARN("", name),
		"createDate": g.t.Format("Jan 2, 2006, 3:04:05 PM"), "assumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%7D"}}
}

// assumeRoleResp is the response of sts:AssumeRole: the session's
// credentials (without the secret) and the assumed-role user.
func assumeRoleResp(g *recGen, role, sessionName string) any {
	return obj{
		"credentials": obj{"accessKeyId": g.keyID("ASIA"), "sessionToken": "IQoJb3JpZ2luX2VjE" + g.alnum(300),
			"expiration": g.t.Add(time.Hour).Format("Jan 2, 2006, 3:04:05 PM")},
		"assumedRoleUser": obj{"assumedRoleId": g.s.roleID(role) + ":" + sessionName, "arn": g.s.assumedARN(role, sessionName)},
	}
}

func updateFunctionResp(g *recGen, req any) any {
	fn := req.(obj)["functionName"].(string)
	return obj{"functionName": fn, "functionArn": g.s.arn("lambda", g.s.region, g.s.account, "function:"+fn),
		"runtime": "python3.12", "role": g.s.roleARN("service-role/", "orders-processor-role-x1y2z3"), "handler": "app.handler",
		"codeSize": g.between(1000, 50_000_000), "description": pick(g.rng, tricky), "timeout": 30, "memorySize": 512,
		"lastModified": g.t.Format("2006-01-02T15:04:05.000-0700"), "codeSha256": g.alnum(43) + "=", "version": "$LATEST",
		"tracingConfig": obj{"mode": "PassThrough"}, "revisionId": g.uuid(), "state": "Active", "lastUpdateStatus": "InProgress",
		"packageType": "Zip", "architectures": []string{"arm64"}, "ephemeralStorage": obj{"size": 512},
		"snapStart": obj{"applyOn": "None", "optimizationStatus": "Off"}, "loggingConfig": obj{"logFormat": "Text", "logGroup": "/aws/lambda/" + fn}}
}

func createStackReq(g *recGen) any {
	params := []obj{}
	for i := range g.between(1, 12) {
		params = append(params, obj{"parameterKey": "Param" + string(rune('A'+i)), "parameterValue": pick(g.rng, tricky)})
	}
	return obj{"stackName": pick(g.rng, stackNames), "templateURL": "https://s3.amazonaws.com/" + g.bucket() + "/" + g.hex(32) + ".template",
		"parameters": params, "capabilities": []string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"}, "tags": []obj{{"key": "owner", "value": pick(g.rng, tricky)}}}
}

func createTableReq(g *recGen) any {
	return obj{"tableName": pick(g.rng, tableNames), "billingMode": "PAY_PER_REQUEST",
		"attributeDefinitions": []obj{{"attributeName": "pk", "attributeType": "S"}, {"attributeName": "sk", "attributeType": "S"}},
		"keySchema":            []obj{{"attributeName": "pk", "keyType": "HASH"}, {"attributeName": "sk", "keyType": "RANGE"}}}
}

func runInstancesReq(g *recGen) any {
	return obj{"instancesSet": obj{"items": []obj{{"imageId": "ami-0" + g.hex(16), "minCount": 1, "maxCount": 1}}},
		"instanceType": pick(g.rng, []string{"t3.micro", "m7g.large", "c7i.2xlarge"}), "blockDeviceMapping": obj{},
		"monitoring": obj{"enabled": false}, "disableApiTermination": false, "disableApiStop": false,
		"clientToken": g.uuid(), "tagSpecificationSet": obj{"items": []obj{{"resourceType": "instance", "tags": []obj{{"key": "Name", "value": pick(g.rng, tricky)}}}}}}
}

// runInstancesResp describes the launched instances, about 2 KB each; a few
// launches are large, giving the occasional record of tens of kilobytes.
func runInstancesResp(g *recGen, _ any) any {
	n := g.between(1, 3)
	if g.chance(0.1) {
		n = g.between(10, 40)
	}
	items := make([]obj, n)
	vpc, subnet := "vpc-0"+g.hex(16), "subnet-0"+g.hex(16)
	for i := range items {
		ip := "10.0." + strconv.Itoa(g.IntN(256)) + "." + strconv.Itoa(1+g.IntN(254))
		items[i] = obj{
			"instanceId": g.instanceID(), "imageId": "ami-0" + g.hex(16), "instanceState": obj{"code": 0, "name": "pending"},
			"privateDnsName": "ip-" + strings.ReplaceAll(ip, ".", "-") + ".ec2.internal", "amiLaunchIndex": i, "productCodes": obj{},
			"instanceType": "m7g.large", "launchTime": g.t.UnixMilli(),
			"placement": obj{"availabilityZone": g.s.region + "a", "tenancy": "default"}, "monitoring": obj{"state": "disabled"},
			"subnetId": subnet, "vpcId": vpc, "privateIpAddress": ip, "stateReason": obj{"code": "pending", "message": "pending"},
			"architecture": "arm64", "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda", "blockDeviceMapping": obj{},
			"virtualizationType": "hvm", "clientToken": g.uuid(), "hypervisor": "xen", "sourceDestCheck": true,
			"groupSet":            obj{"items": []obj{{"groupId": "sg-0" + g.hex(16), "groupName": "default"}}},
			"networkInterfaceSet": obj{"items": []obj{{"networkInterfaceId": "eni-0" + g.hex(16), "subnetId": subnet, "vpcId": vpc, "ownerId": g.s.account, "status": "in-use", "macAddress": "0e:" + g.hex(2) + ":" + g.hex(2) + ":" + g.hex(2) + ":" + g.hex(2) + ":" + g.hex(2), "privateIpAddress": ip, "sourceDestCheck": true, "interfaceType": "interface", "attachment": obj{"attachmentId": "eni-attach-0" + g.hex(16), "deviceIndex": 0, "networkCardIndex": 0, "status": "attaching", "attachTime": g.t.UnixMilli(), "deleteOnTermination": true}}}},
			"ebsOptimized":        true, "enaSupport": true, "cpuOptions": obj{"coreCount": 2, "threadsPerCore": 1},
			"capacityReservationSpecification": obj{"capacityReservationPreference": "open"}, "enclaveOptions": obj{"enabled": false},
			"metadataOptions":    obj{"state": "pending", "httpTokens": "required", "httpPutResponseHopLimit": 2, "httpEndpoint": "enabled", "httpProtocolIpv4": "enabled", "httpProtocolIpv6": "disabled", "instanceMetadataTags": "disabled"},
			"maintenanceOptions": obj{"autoRecovery": "default"}, "privateDnsNameOptions": obj{"hostnameType": "ip-name", "enableResourceNameDnsARecord": false, "enableResourceNameDnsAAAARecord": false},
			"tagSet": obj{"items": []obj{{"key": "Name", "value": pick(g.rng, tricky)}}},
		}
	}
	return obj{"requestId": g.uuid(), "reservationId": "r-0" + g.hex(16), "ownerId": g.s.account, "groupSet": obj{}, "instancesSet": obj{"items": items}}
}
