package source_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/trail"
)

// probeFiles are a walk's candidates by name: by a log's name, for the
// .gz alone (a probe), or not at all; digest and Insight folders stay
// unlisted whatever the name.
var probeFiles = map[string]string{
	"exportedlogs/5f3c9a/111122223333_CloudTrail_us-east-1/000000.gz":      "probe",
	"firehose/2026/10/01/12/cloudtrail-to-s3-1-2026-10-01-12-00-00-abc.gz": "probe",
	"backups/site.tar.gz": "probe",
	"events.ndjson.gz":    "log",
	"notes.txt":           "",
	"firehose/2026/10/01/12/cloudtrail-to-s3-1-2026-10-01-12-00-00-def":      "",
	"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/01/000000.gz":  "",
	"AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/10/01/000000.gz": "",
}

// writeProbes writes probeFiles below a new directory, and returns it
// and what a listing gives: each key listed and whether it is a probe.
func writeProbes(t *testing.T) (string, map[string]bool) {
	dir := t.TempDir()
	want := map[string]bool{}
	for key, kind := range probeFiles {
		p := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if kind != "" {
			want[key] = kind == "probe"
		}
	}
	return dir, want
}

func checkProbes(t *testing.T, name string, src source.Source, want map[string]bool) {
	t.Helper()
	got := map[string]bool{}
	err := src.List(context.Background(), trail.Scope{}, func(o source.Object) error {
		got[o.Key] = o.Probe
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s lists (key: probe) %v, want %v", name, got, want)
	}
}

func TestProbeDir(t *testing.T) {
	dir, want := writeProbes(t)
	loc, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkProbes(t, dir, loc, want)

	// Named, a file is no probe, whatever its name.
	for _, key := range []string{"backups/site.tar.gz", "notes.txt"} {
		one, err := source.NewDir(filepath.Join(dir, filepath.FromSlash(key)))
		if err != nil {
			t.Fatal(err)
		}
		var got []source.Object
		if err := one.List(context.Background(), trail.Scope{}, func(o source.Object) error { got = append(got, o); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Probe {
			t.Errorf("%s named: listed %+v, want it alone, no probe", key, got)
		}
	}
}

func TestProbeS3(t *testing.T) {
	dir, want := writeProbes(t)
	client := sourcetest.S3Client(t)
	bucket := sourcetest.NewBucket(t, client)
	sourcetest.Upload(t, client, bucket, "", dir)
	src, err := source.New(context.Background(), "s3://"+bucket, sourcetest.S3Options(t))
	if err != nil {
		t.Fatal(err)
	}
	checkProbes(t, "s3://"+bucket, src, want)
	const export = "exportedlogs/5f3c9a/111122223333_CloudTrail_us-east-1/000000.gz"
	one, err := source.New(context.Background(), "s3://"+bucket+"/"+export, sourcetest.S3Options(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := listKeys(t, bucket, one, trail.Scope{}); !slices.Equal(got, []string{export}) {
		t.Errorf("s3://%s/%s lists %q, want the object alone", bucket, export, got)
	}
}
