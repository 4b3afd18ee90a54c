# Writes the small hand-made archive in fixture/ that the golden files,
# the HTML test and the CLI transcripts read. Run: python3 make_fixture.py
import json, os, shutil

A, B = "111122223333", "444455556666"
ROLE = "arn:aws:iam::{a}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"

def support(eid, t, a, region, src, name, session, ro=None, err=None, ua="support.amazonaws.com", ip="support.amazonaws.com", params=None):
    r = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole", "principalId": "AROAEXAMPLE:" + session,
            "arn": "arn:aws:sts::%s:assumed-role/AWSServiceRoleForSupport/%s" % (a, session),
            "accountId": a, "invokedBy": "support.amazonaws.com",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                "arn": ROLE.format(a=a), "accountId": a, "userName": "AWSServiceRoleForSupport"},
                "attributes": {"creationDate": t, "mfaAuthenticated": "false"}},
        },
        "eventTime": t, "eventSource": src, "eventName": name, "awsRegion": region,
        "sourceIPAddress": ip, "userAgent": ua, "requestParameters": params,
        "responseElements": None, "eventID": eid, "eventType": "AwsApiCall",
        "managementEvent": True, "recipientAccountId": a, "eventCategory": "Management",
    }
    if ro is not None:
        r["readOnly"] = ro
    if err:
        r["errorCode"] = err
        r["errorMessage"] = "User is not authorized"
    return r

def person(eid, t, a):
    return {"eventVersion": "1.09", "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::%s:user/alice" % a, "accountId": a},
            "eventTime": t, "eventSource": "support.amazonaws.com", "eventName": "DescribeCases", "awsRegion": "us-east-1",
            "sourceIPAddress": "203.0.113.9", "userAgent": "aws-cli/2", "eventID": eid, "readOnly": True,
            "eventType": "AwsApiCall", "recipientAccountId": a}

def authz(eid, t, a, case):
    return {"eventVersion": "1.09", "userIdentity": {"accountId": a, "invokedBy": "supportauthz.amazonaws.com"},
            "eventTime": t, "eventSource": "supportauthz.amazonaws.com", "eventName": "SupportPermitRequestCreated",
            "awsRegion": "us-east-1", "sourceIPAddress": "supportauthz.amazonaws.com", "userAgent": "supportauthz.amazonaws.com",
            "requestParameters": None, "responseElements": None, "eventID": eid, "readOnly": False,
            "eventType": "AwsServiceEvent", "recipientAccountId": a,
            "serviceEventDetails": {"supportCaseDisplayId": case, "supportPermitRequestArn": "arn:aws:supportauthz:us-east-1:%s:supportpermitrequest/pr-0001" % a}}

XSS_UA = '<script>document.title="pwned";document.body.setAttribute("data-pwned","1")</script>'
XSS_ATTR = '" onmouseover="document.title=\'pwned\'" x="'
files = {
    (A, "us-east-1", "2026/10/01", "20261001T0010Z_aaa"): [
        authz("00000000-0000-4000-8000-00000000a001", "2026-10-01T00:01:00Z", A, "174829301"),
        support("00000000-0000-4000-8000-000000000001", "2026-10-01T00:02:03Z", A, "us-east-1", "ec2.amazonaws.com", "DescribeInstances", "AWSSupport-Case174829301", ro=True),
        person("00000000-0000-4000-8000-00000000f001", "2026-10-01T00:03:00Z", A),
        support("00000000-0000-4000-8000-000000000002", "2026-10-01T00:04:00Z", A, "us-east-1", "iam.amazonaws.com", "GetRole", "AWSSupport-Case174829301"),
    ],
    (A, "us-east-1", "2026/10/02", "20261002T0905Z_bbb"): [
        support("00000000-0000-4000-8000-000000000003", "2026-10-02T09:00:00Z", A, "us-east-1", "ec2.amazonaws.com", "DescribeInstances", "AWSSupport-Case174829301", ro=True),
        support("00000000-0000-4000-8000-000000000004", "2026-10-02T09:01:00Z", A, "us-east-1", "s3.amazonaws.com", "PutBucketPolicy", "AWSSupport-Case174829301", ro=False, err="AccessDenied",
                ua=XSS_UA, params={"bucketName": "<script>document.title='pwned'</script>", "policy": XSS_ATTR}),
    ],
    (B, "eu-west-1", "2026/10/02", "20261002T2355Z_ccc"): [
        support("00000000-0000-4000-8000-000000000005", "2026-10-02T23:50:00Z", B, "eu-west-1", "ec2.amazonaws.com", "DescribeInstances", "AWSSupport-Case99", ro=True),
        support("00000000-0000-4000-8000-000000000006", "2026-10-02T23:51:00Z", B, "eu-west-1", "ec2.amazonaws.com", "ModifyInstanceAttribute", "AWSSupport-Case99", ro=False, ip=XSS_ATTR),
    ],
    # Delivered the next day, and also by a second trail: counted once.
    (B, "eu-west-1", "2026/10/03", "20261003T0010Z_ddd"): [
        support("00000000-0000-4000-8000-000000000006", "2026-10-02T23:51:00Z", B, "eu-west-1", "ec2.amazonaws.com", "ModifyInstanceAttribute", "AWSSupport-Case99", ro=False, ip=XSS_ATTR),
        support("00000000-0000-4000-8000-000000000007", "2026-10-03T00:05:00Z", B, "eu-west-1", "rds.amazonaws.com", "DescribeDBInstances", "AWSSupport-Case99", ro=True),
    ],
}
shutil.rmtree("fixture", ignore_errors=True)
for (acct, region, day, tail), recs in files.items():
    d = os.path.join("fixture", "AWSLogs", acct, "CloudTrail", region, day)
    os.makedirs(d, exist_ok=True)
    name = "%s_CloudTrail_%s_%s.json" % (acct, region, tail)
    with open(os.path.join(d, name), "w") as f:
        json.dump({"Records": recs}, f, separators=(",", ":"))
