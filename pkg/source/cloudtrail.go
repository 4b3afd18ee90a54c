package source

import (
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
)

// cloudTrailEndpointEnv names a CloudTrail endpoint, as the SDK reads it
// for each service.
const cloudTrailEndpointEnv = "AWS_ENDPOINT_URL_CLOUDTRAIL"

// CloudTrail returns a client of CloudTrail in region with the credentials
// and HTTP client of the S3 location, to ask for the public keys that
// verify its digests (ListPublicKeys: CloudTrail signs each region's with
// keys of that region). It reports false for a local location, and for an
// S3 location at an endpoint of its own (Options.Endpoint, or
// AWS_ENDPOINT_URL), which need not be AWS, unless AWS_ENDPOINT_URL_CLOUDTRAIL
// names a CloudTrail endpoint too.
func (l *Location) CloudTrail(region string) (*cloudtrail.Client, bool) {
	s, ok := l.driver.(*s3Bucket)
	if !ok {
		return nil, false
	}
	o := s.client.Options()
	ct := cloudtrail.Options{
		Region:      region,
		Credentials: o.Credentials,
		HTTPClient:  o.HTTPClient,
		AppID:       o.AppID,
		Logger:      o.Logger,
	}
	switch e := os.Getenv(cloudTrailEndpointEnv); {
	case e != "":
		ct.BaseEndpoint = aws.String(e)
	case o.BaseEndpoint != nil:
		return nil, false
	}
	return cloudtrail.New(ct), true
}
