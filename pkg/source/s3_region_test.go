package source

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestBucketRegion reads the bucket's region where AWS puts it: the
// x-amz-bucket-region header of a HeadBucket answer, a redirect or a
// refusal as much as a success. (The S3 test server has one region, so
// this one answer is staged.)
func TestBucketRegion(t *testing.T) {
	for _, c := range []struct {
		name    string
		status  int
		region  string
		want    string
		wantErr bool
	}{
		{"here", http.StatusOK, "us-east-1", "us-east-1", false},
		{"elsewhere", http.StatusMovedPermanently, "eu-west-3", "eu-west-3", false},
		{"refused", http.StatusForbidden, "ap-south-1", "ap-south-1", false},
		{"missing", http.StatusNotFound, "", "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodHead || r.URL.Path != "/logs-bucket" {
					t.Errorf("request %s %s, want HEAD /logs-bucket", r.Method, r.URL.Path)
				}
				if c.region != "" {
					w.Header().Set("X-Amz-Bucket-Region", c.region)
				}
				w.WriteHeader(c.status)
			}))
			defer srv.Close()
			client := s3.New(s3.Options{
				Region:       "us-east-1",
				BaseEndpoint: aws.String(srv.URL),
				UsePathStyle: true,
				Credentials:  credentials.NewStaticCredentialsProvider("id", "secret", ""),
			})
			got, err := bucketRegion(context.Background(), client, "logs-bucket")
			if (err != nil) != c.wantErr || got != c.want {
				t.Errorf("bucketRegion = %q, %v; want %q (error: %v)", got, err, c.want, c.wantErr)
			}
		})
	}
}
