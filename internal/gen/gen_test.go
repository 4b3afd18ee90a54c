package gen

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	kgzip "github.com/klauspost/compress/gzip"

	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

var update = flag.Bool("update", false, "rewrite testdata/sample from the sample Config")

// sampleDir is the committed sample archive, shared with other packages'
// tests. cmd/trailgen's test checks that this command line makes it:
//
//	trailgen --seed 7 --accounts 3 --partitions aws,aws,aws-us-gov --files-per-day 2 --records 12 --damaged --org o-a1b2c3d4e5 \
//	    -o testdata/sample/archive --manifest testdata/sample/manifest.json
const sampleDir = "../../testdata/sample"

// sample is the Config that command line makes.
var sample = Config{
	Seed:           7,
	Start:          time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
	Days:           3,
	Accounts:       []string{"459474012442", "643415062738", "139967081385"},
	Regions:        []string{"us-east-1", "eu-west-1"},
	Partitions:     map[string]string{"139967081385": "aws-us-gov"},
	OrgID:          "o-a1b2c3d4e5",
	Prefix:         "acct-trail",
	OrgPrefix:      "org-trail",
	FilesPerDay:    2,
	RecordsPerFile: 12,
	SupportRate:    0.03,
	Damaged:        true,
}

func write(t testing.TB, c Config) (string, Manifest) {
	t.Helper()
	dir := t.TempDir()
	m, err := Write(dir, c)
	if err != nil {
		t.Fatal(err)
	}
	return dir, m
}

// sameTrees reports the first difference between two archives.
func sameTrees(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	for p := range want {
		if _, ok := got[p]; !ok {
			t.Errorf("missing %s", p)
		}
	}
	for p, b := range got {
		w, ok := want[p]
		switch {
		case !ok:
			t.Errorf("unexpected %s", p)
		case !bytes.Equal(w, b):
			t.Errorf("%s differs", p)
		}
	}
}

func TestDeterministic(t *testing.T) {
	dir1 := sameWithWorkers(t, sample, 5)
	other := sample
	other.Seed++
	dir3, _ := write(t, other)
	if reflect.DeepEqual(sourcetest.ReadFiles(t, dir1), sourcetest.ReadFiles(t, dir3)) {
		t.Error("seeds 7 and 8 wrote the same archive")
	}
}

// sameWithWorkers checks that c writes the same files and manifest with
// one worker as with n, and returns where it wrote them with one.
func sameWithWorkers(t *testing.T, c Config, n int) string {
	t.Helper()
	one, many := c, c
	one.Workers, many.Workers = 1, n
	dir1, m1 := write(t, one)
	dir2, m2 := write(t, many)
	sameTrees(t, sourcetest.ReadFiles(t, dir1), sourcetest.ReadFiles(t, dir2))
	if !reflect.DeepEqual(m1, m2) {
		t.Errorf("manifests differ between 1 and %d workers", n)
	}
	return dir1
}

// TestSample checks that the sample Config still writes the committed
// sample. After an intended change, rewrite it with
//
//	go generate ./internal/gen
func TestSample(t *testing.T) {
	archive, manifest := filepath.Join(sampleDir, "archive"), filepath.Join(sampleDir, "manifest.json")
	if *update {
		if err := os.RemoveAll(archive); err != nil {
			t.Fatal(err)
		}
		m, err := Write(archive, sample)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(manifest, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir, m := write(t, sample)
	sameTrees(t, sourcetest.ReadFiles(t, archive), sourcetest.ReadFiles(t, dir))
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, append(b, '\n')) {
		t.Errorf("%s differs from the Manifest; run with -update if the change is intended", manifest)
	}
}

// The reference reading: what a simple, slow, correct scanner sees.

type refRecord struct {
	EventID            string `json:"eventID"`
	EventTime          string `json:"eventTime"`
	EventSource        string `json:"eventSource"`
	EventName          string `json:"eventName"`
	AWSRegion          string `json:"awsRegion"`
	RecipientAccountID string `json:"recipientAccountId"`
	ErrorCode          string `json:"errorCode"`
	ReadOnly           *bool  `json:"readOnly"`
	EventType          string `json:"eventType"`
	UserIdentity       *struct {
		Type           string `json:"type"`
		ARN            string `json:"arn"`
		SessionContext *struct {
			SessionIssuer *struct {
				ARN string `json:"arn"`
			} `json:"sessionIssuer"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
}

var (
	supportIssuer = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/aws-service-role/support\.amazonaws\.com/AWSServiceRoleForSupport$`)
	supportSTS    = regexp.MustCompile(`^arn:aws[a-z-]*:sts::[0-9]{12}:assumed-role/AWSServiceRoleForSupport/[^/]+$`)
)

// isSupport is the rule of the package doc, written independently.
func (r *refRecord) isSupport() bool {
	id := r.UserIdentity
	if id == nil || id.Type != "AssumedRole" {
		return false
	}
	if id.SessionContext != nil && id.SessionContext.SessionIssuer != nil {
		return supportIssuer.MatchString(id.SessionContext.SessionIssuer.ARN)
	}
	return supportSTS.MatchString(id.ARN)
}

// refRead decodes one log file with the standard library, which reads all
// gzip members. ok is false if the file is not a whole CloudTrail log.
func refRead(t *testing.T, name string, b []byte) (recs []refRecord, size int, ok bool) {
	t.Helper()
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, 0, false
		}
		if b, err = io.ReadAll(zr); err != nil {
			return nil, 0, false
		}
	}
	var doc struct{ Records *[]refRecord }
	if err := json.Unmarshal(b, &doc); err != nil || doc.Records == nil {
		return nil, 0, false
	}
	return *doc.Records, len(b), true
}

func TestManifestMatchesRead(t *testing.T) {
	dir, m := write(t, sample)
	var got Manifest
	got.DamagedFiles = []string{}
	ids := map[string]bool{}
	support := map[string]refRecord{}
	authz := map[string]bool{}
	for name, b := range sourcetest.ReadFiles(t, dir) {
		got.Files++
		switch {
		case strings.Contains(name, "/CloudTrail-Digest/"):
			got.DigestFiles++
			continue
		case strings.Contains(name, "/CloudTrail-Insight/"):
			got.InsightFiles++
			continue
		}
		recs, size, ok := refRead(t, name, b)
		if !ok {
			got.DamagedFiles = append(got.DamagedFiles, name)
			continue
		}
		got.ValidFiles++
		got.Records += int64(len(recs))
		got.Bytes += int64(size)
		for _, r := range recs {
			ids[r.EventID] = true
			if r.isSupport() {
				support[r.EventID] = r
			}
			if r.EventSource == authzService {
				authz[r.EventID] = true
			}
		}
	}
	slices.Sort(got.DamagedFiles)
	got.Events = int64(len(ids))
	check := func(what string, want, have any) {
		t.Helper()
		if !reflect.DeepEqual(want, have) {
			t.Errorf("%s: manifest %v, read %v", what, want, have)
		}
	}
	check("files", m.Files, got.Files)
	check("valid files", m.ValidFiles, got.ValidFiles)
	check("damaged files", m.DamagedFiles, got.DamagedFiles)
	check("digest files", m.DigestFiles, got.DigestFiles)
	check("insight files", m.InsightFiles, got.InsightFiles)
	check("records", m.Records, got.Records)
	check("events", m.Events, got.Events)
	check("bytes", m.Bytes, got.Bytes)
	check("support event IDs", m.SupportEventIDs, slices.Sorted(maps.Keys(support)))
	check("authorization events", len(m.AuthzEvents), len(authz))
	if m.Records <= m.Events {
		t.Errorf("records %d, events %d: the organization trail should log events twice", m.Records, m.Events)
	}

	// Per action, counted from the records rather than the Manifest's events.
	type count struct{ events, errors, ro, rw, none int }
	want := map[[2]string]count{}
	for _, a := range m.Actions {
		want[[2]string{a.Source, a.Name}] = count{a.Events, a.Errors, a.ReadOnly, a.Writes, a.NoReadOnly}
	}
	have := map[[2]string]count{}
	for _, r := range support {
		k := [2]string{r.EventSource, r.EventName}
		c := have[k]
		c.events++
		if r.ErrorCode != "" {
			c.errors++
		}
		switch {
		case r.ReadOnly == nil:
			c.none++
		case *r.ReadOnly:
			c.ro++
		default:
			c.rw++
		}
		have[k] = c
	}
	check("actions", want, have)
}

// TestSampleCovers checks that the sample holds each case a scanner must
// get right, so that tests against it mean something.
func TestSampleCovers(t *testing.T) {
	dir, m := write(t, sample)
	files := sourcetest.ReadFiles(t, dir)
	var multi, plain, insightSupport, late, escapes int
	nextDay := map[string]bool{} // days with Support events in the next day's folder
	for name, b := range files {
		doc := gunzip(b)
		switch {
		case strings.Contains(name, "/CloudTrail-Insight/"):
			if bytes.Contains(doc, []byte(supportPath+supportRole)) {
				insightSupport++
			}
			continue
		case !strings.Contains(name, "/CloudTrail/"):
			continue
		}
		if strings.HasSuffix(name, ".json") {
			plain++
			if !bytes.Contains(b, []byte("assumed-role/"+supportRole+"/")) {
				t.Errorf("%s: no Support event in the uncompressed file", name)
			}
		}
		if members(b) > 1 {
			multi++
			if firstMemberValid(b) {
				t.Errorf("%s: its first member alone is valid JSON", name)
			}
		}
		late += lateIdentities(doc)
		if bytes.Contains(doc, []byte(`\u00e9`)) {
			escapes++
		}
		recs, _, _ := refRead(t, name, b)
		folder := regexp.MustCompile(`/(\d{4}/\d{2}/\d{2})/`).FindStringSubmatch(name)[1]
		key, err := time.Parse("20060102T1504Z", regexp.MustCompile(`_(\d{8}T\d{4}Z)_`).FindStringSubmatch(name)[1])
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if e, _ := time.Parse(time.RFC3339, r.EventTime); !e.Before(key) || e.Before(key.Add(-15*time.Minute)) {
				t.Errorf("%s: event at %s: not in the quarter of an hour before the key's time", name, r.EventTime)
			}
			if r.isSupport() && strings.ReplaceAll(r.EventTime[:10], "-", "/") < folder {
				nextDay[r.EventTime[:10]] = true
			}
		}
	}
	// Each trail has its own copy.
	if multi != 2 || plain != 2 {
		t.Errorf("%d multi-member and %d uncompressed files, want 2 of each", multi, plain)
	}
	if insightSupport == 0 {
		t.Error("no Insight file has a Support-looking userIdentity")
	}
	if late == 0 {
		t.Error("no record has its userIdentity after responseElements")
	}
	if escapes == 0 {
		t.Error(`no file has a \u00e9 escape`)
	}
	if len(nextDay) != sample.Days {
		t.Errorf("days with Support events delivered the next day: %v, want %d", nextDay, sample.Days)
	}
	if m.SupportErrors == 0 || len(m.AuthzEvents) == 0 {
		t.Errorf("%d failed Support calls, %d authorization events", m.SupportErrors, len(m.AuthzEvents))
	}
}

// members counts the gzip members of b: 0 if it is not whole gzip.
func members(b []byte) int {
	// A bytes.Reader is an io.ByteReader, so the gzip reader reads no
	// further than the end of each member.
	br := bytes.NewReader(b)
	zr, err := kgzip.NewReader(br)
	if err != nil {
		return 0
	}
	for n := 1; ; n++ {
		zr.Multistream(false)
		if _, err := io.Copy(io.Discard, zr); err != nil {
			return 0
		}
		if err := zr.Reset(br); err != nil {
			return n // io.EOF: no more members
		}
	}
}

func firstMemberValid(b []byte) bool {
	zr, err := kgzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return false
	}
	zr.Multistream(false)
	doc, err := io.ReadAll(zr)
	return err == nil && json.Valid(doc)
}

// gunzip returns b decompressed if it is whole gzip, else b.
func gunzip(b []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return b
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return b
	}
	return out
}

// lateIdentities counts the records of doc whose userIdentity comes after
// their responseElements.
func lateIdentities(doc []byte) int {
	var d struct{ Records []json.RawMessage }
	if json.Unmarshal(doc, &d) != nil {
		return 0
	}
	n := 0
	for _, r := range d.Records {
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.Token() // the opening brace
		response := false
		for dec.More() {
			k, _ := dec.Token()
			var v json.RawMessage
			dec.Decode(&v)
			switch k {
			case "responseElements":
				response = true
			case "userIdentity":
				if response {
					n++
				}
			}
		}
	}
	return n
}

func TestSized(t *testing.T) {
	for _, c := range []Config{
		{Seed: 1},
		{Seed: 2, Accounts: []string{"111111111111", "222222222222"}, Regions: []string{"us-east-1", "us-west-2"}, OrgID: "o-abcdefghij",
			Weights: map[string]int{"111111111111": 5}, Damaged: true},
	} {
		const want = 32 << 20 // over a hundred files, for a mean near its expectation
		c, err := c.Sized(want)
		if err != nil {
			t.Fatal(err)
		}
		_, m := write(t, c)
		if m.Bytes < want*85/100 || m.Bytes > want*115/100 {
			t.Errorf("Sized(%d): wrote %d bytes (%d files of %d records)", want, m.Bytes, c.FilesPerDay, c.RecordsPerFile)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []Config{
		{Accounts: []string{"12345"}},
		{Accounts: []string{"111122223333", "111122223333"}},
		{Partitions: map[string]string{"111122223333": "aws-mars"}},
		{OrgID: "org-1"},
		{SupportRate: 0.9},
	} {
		if _, err := Write(t.TempDir(), c); err == nil {
			t.Errorf("Write(%+v): no error", c)
		}
	}
}

func ExampleWrite() {
	dir, err := os.MkdirTemp("", "archive")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	m, err := Write(dir, Config{Seed: 1, Days: 1, Accounts: []string{"111122223333"}, OrgID: "o-a1b2c3d4e5", Prefix: "acct", OrgPrefix: "org"})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.ValidFiles, "log files,", m.Records, "records,", m.Events, "events")
	fmt.Println(len(m.SupportEventIDs), "Support events, first at", m.Support[0].Time.Format(time.RFC3339))
	a := m.Actions[0]
	fmt.Printf("%s %s: %d calls, %d failed\n", a.Source, a.Name, a.Events, a.Errors)
	// Output:
	// 12 log files, 574 records, 287 events
	// 15 Support events, first at 2026-10-01T00:00:00Z
	// cloudformation.amazonaws.com DescribeStacks: 2 calls, 0 failed
}

// TestEdgeRecords checks the count Sized relies on: with one record in the
// only ordinary file, a day holds that record and the midnight files'.
func TestEdgeRecords(t *testing.T) {
	_, m := write(t, Config{Days: 1, FilesPerDay: 1, RecordsPerFile: 1})
	if want := int64(edgeRecords + 1); m.Events != want {
		t.Errorf("%d events, want %d", m.Events, want)
	}
}
