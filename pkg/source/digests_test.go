package source_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

const digestKey = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261001T010000Z.json.gz"

// TestS3DigestMetadata: a digest's signature is in its S3 object metadata,
// which OpenWithMetadata gives and a local copy has not.
func TestS3DigestMetadata(t *testing.T) {
	client := sourcetest.S3Client(t)
	bucket := sourcetest.NewBucket(t, client)
	dir := t.TempDir()
	p := filepath.Join(dir, filepath.FromSlash(digestKey))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("digest"), 0o644); err != nil {
		t.Fatal(err)
	}
	sourcetest.UploadWithMetadata(t, client, bucket, "", dir, map[string]map[string]string{
		digestKey: {"signature": "0a1b", "signature-algorithm": "SHA256withRSA"},
	})
	remote, err := source.New(context.Background(), "s3://"+bucket, sourcetest.S3Options(t))
	if err != nil {
		t.Fatal(err)
	}
	local, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		src       *source.Location
		signature string
	}{{remote, "0a1b"}, {local, ""}} {
		n := 0
		err := c.src.ListDigests(context.Background(), sourcetest.AllFolders, func(o source.Object) error {
			n++
			rc, meta, err := c.src.OpenWithMetadata(context.Background(), o)
			if err != nil {
				return err
			}
			defer rc.Close()
			if b, err := io.ReadAll(rc); err != nil || string(b) != "digest" {
				t.Errorf("%s: read %q, %v", o.Path, b, err)
			}
			if meta["signature"] != c.signature {
				t.Errorf("%s: metadata %v, want signature %q", o.Path, meta, c.signature)
			}
			return nil
		})
		if err != nil || n != 1 {
			t.Errorf("%s: listed %d digests, %v; want 1", c.src, n, err)
		}
	}
}

// TestCloudTrailClient: the CloudTrail client of an S3 location signs with
// its credentials and goes where AWS_ENDPOINT_URL_CLOUDTRAIL says; at an
// S3 endpoint of its own, without one, there is none (an S3-compatible
// store is no AWS), and a local location has none.
func TestCloudTrailClient(t *testing.T) {
	var mu sync.Mutex
	var auth, target string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth, target = r.Header.Get("Authorization"), r.Header.Get("X-Amz-Target")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"PublicKeyList":[{"Fingerprint":"ab12","Value":"AQID","ValidityStartTime":1.7e9,"ValidityEndTime":1.8e9}]}`)
	}))
	defer srv.Close()
	src, err := source.New(context.Background(), "s3://"+sourcetest.NewBucket(t, sourcetest.S3Client(t)), sourcetest.S3Options(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", "")
	if _, ok := src.CloudTrail("eu-west-1"); ok {
		t.Error("a CloudTrail client for a location at an S3-compatible endpoint")
	}
	local, err := source.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := local.CloudTrail("eu-west-1"); ok {
		t.Error("a CloudTrail client for a local directory")
	}

	t.Setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", srv.URL)
	ct, ok := src.CloudTrail("eu-west-1")
	if !ok {
		t.Fatal("no CloudTrail client with AWS_ENDPOINT_URL_CLOUDTRAIL set")
	}
	out, err := ct.ListPublicKeys(context.Background(), &cloudtrail.ListPublicKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.PublicKeyList) != 1 || string(out.PublicKeyList[0].Value) != "\x01\x02\x03" {
		t.Errorf("keys %+v", out.PublicKeyList)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(auth, "Credential="+os.Getenv("AWS_ACCESS_KEY_ID")+"/") || !strings.Contains(auth, "/eu-west-1/cloudtrail/") || !strings.HasSuffix(target, ".ListPublicKeys") {
		t.Errorf("request signed %q, target %q: want the location's credentials, in eu-west-1", auth, target)
	}
}
