package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

const role = `"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSupport/AWSSupport-x","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport","userName":"AWSServiceRoleForSupport"}}}`

func rec(id, t, extra string) string {
	return `{"eventTime":"` + t + `","eventID":"` + id + `","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","recipientAccountId":"111122223333",` + role + extra + `}`
}

// TestWrite reads a gzip file of several members and a plain file, with
// records spread over lines and a large one, and checks that each matched
// record comes out whole, once, in time order, one per line.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2026", "10", "01")
	os.MkdirAll(base, 0o755)
	big := `,"responseElements":{"blob":"` + strings.Repeat("x", 1<<20) + `"}`
	doc1 := "{\"Records\":[\n  " + rec("b", "2026-10-01T00:00:02Z", big) + ",\n  {\"eventID\":\"other\",\n \"userIdentity\":{\"type\":\"IAMUser\"}},\n  " +
		strings.Replace(rec("a", "2026-10-01T00:00:01Z", `,"requestParameters":{"p":"<script>\"x\"</script>"}`), ",", ",\n    ", 3) + "\n]}\n"
	var gz bytes.Buffer
	for _, part := range []string{doc1[:len(doc1)/3], doc1[len(doc1)/3 : len(doc1)/2], doc1[len(doc1)/2:]} {
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte(part))
		zw.Close()
	}
	os.WriteFile(filepath.Join(base, "f1.json.gz"), gz.Bytes(), 0o644)
	// c is also in f1's trail copy: once only.
	os.WriteFile(filepath.Join(base, "f2.json"), []byte(`{"Records":[`+rec("c", "2026-10-01T00:00:00Z", "")+","+rec("a", "2026-10-01T00:00:01Z", "")+`]}`), 0o644)

	src, sum := scanDir(t, dir)
	var out bytes.Buffer
	n, err := Write(context.Background(), &out, sum.Calls(), OpenFrom([]source.Source{src}))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if n != 3 || len(lines) != 3 {
		t.Fatalf("wrote %d records in %d lines, want 3", n, len(lines))
	}
	var ids []string
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line is not one JSON object: %v: %.200s", err, l)
		}
		ids = append(ids, m["eventID"].(string))
		if m["eventID"] == "b" && len(m["responseElements"].(map[string]any)["blob"].(string)) != 1<<20 {
			t.Error("large record not copied whole")
		}
	}
	if want := []string{"c", "a", "b"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("event order = %v, want %v (time order)", ids, want)
	}
	// a comes from f1 (first path in sort order), with its request parameters unchanged
	if !strings.Contains(lines[1], `"p":"<script>\"x\"</script>"`) {
		t.Errorf("record a changed: %s", lines[1])
	}
}

func TestWriteMissingObject(t *testing.T) {
	dir := t.TempDir()
	src, _ := source.NewDir(dir)
	gone := filepath.Join(dir, "gone.json.gz")
	rc, err := OpenFrom([]source.Source{src})(context.Background(), src.String(), source.Object{Key: "gone.json.gz", Path: gone})
	if err == nil {
		rc.Close()
		t.Fatal("opened an object that does not exist")
	}
}

// TestWriteMissedFile: a file deleted after the scan leaves its records out,
// says so, and the other files' records are still written.
func TestWriteMissedFile(t *testing.T) {
	dir := t.TempDir()
	for name, doc := range map[string]string{
		"a.json": `{"Records":[` + rec("a", "2026-10-01T00:00:01Z", "") + `]}`,
		"b.json": `{"Records":[` + rec("b", "2026-10-01T00:00:02Z", "") + `]}`,
		"c.json": `{"Records":[` + rec("c", "2026-10-01T00:00:03Z", "") + `]}`,
	} {
		os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o644)
	}
	src, sum := scanDir(t, dir)
	os.Remove(filepath.Join(dir, "b.json"))
	var out bytes.Buffer
	n, err := Write(context.Background(), &out, sum.Calls(), OpenFrom([]source.Source{src}))
	var missed *MissedError
	if !errors.As(err, &missed) || missed.Events != 1 || len(missed.Files) != 1 || !strings.HasSuffix(missed.Files[0].Path, "b.json") {
		t.Fatalf("err = %v, want one event of b.json missed", err)
	}
	if n != 2 || strings.Count(out.String(), "\n") != 2 || !strings.Contains(out.String(), `"eventID":"a"`) || !strings.Contains(out.String(), `"eventID":"c"`) {
		t.Errorf("wrote %d records:\n%s", n, out.String())
	}
}

// TestOpenFrom opens each object through the source its calls name, not
// one its path looks like.
func TestOpenFrom(t *testing.T) {
	logs, old := named("logs"), named("logs/old")
	both := []source.Source{logs, old}
	for _, c := range []struct {
		name    string
		srcs    []source.Source
		from    string
		want    string // the source that opens it
		wantErr string
	}{
		{"named", both, "logs", "logs", ""},
		{"named, though the path says otherwise", both, "logs/old", "logs/old", ""},
		{"not named, one source", []source.Source{logs}, "", "logs", ""},
		{"not named, two sources", both, "", "", "which of the 2 sources it was read from is not recorded"},
		{"another source", both, "s3://logs", "", "it was read from s3://logs, not one of the sources given"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := source.Object{Key: "x.json", Path: "logs/x.json"}
			rc, err := OpenFrom(c.srcs)(context.Background(), c.from, o)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), o.Path) {
					t.Fatalf("error %v, want one naming %s and saying %q", err, o.Path, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			if got, _ := io.ReadAll(rc); string(got) != c.want {
				t.Errorf("opened by %q, want %q", got, c.want)
			}
		})
	}
}

// named is a source that opens every object as its own name.
type named string

func (n named) String() string { return string(n) }

func (named) List(context.Context, trail.Scope, func(source.Object) error) error { return nil }

func (n named) Open(context.Context, source.Object) (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader(string(n))), nil
}

// scanDir scans dir as trailscan would, for the calls evidence copies.
func scanDir(t *testing.T, dir string) (source.Source, *summarize.Summary) {
	t.Helper()
	src, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := scan.Run(context.Background(), []source.Source{src}, scan.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return src, sum
}
