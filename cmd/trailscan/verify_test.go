package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/internal/signedtest"
	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/summarize"
)

// signed is a small archive with signed digests: two trails, two regions,
// two days.
var signed = signedtest.Once(func() (string, error) { return os.MkdirTemp("", "trailscan-signed-") }, func() gen.Config {
	c := signedtest.TwoTrails(21)
	c.SupportRate = 0.2
	return c
}())

// signedCopy is a copy of the signed archive's logs a test may tamper
// with, the path of its keys, and its manifest.
func signedCopy(t *testing.T) (logs, keys string, m gen.Manifest) {
	t.Helper()
	a := signed(t)
	return a.Copy(t), a.KeysFile(t), a.Manifest
}

// files lists the files below dir whose slash path holds part, sorted.
func files(t *testing.T, dir, part string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(filepath.ToSlash(p), part) {
			out = append(out, p)
		}
		return err
	})
	slices.Sort(out)
	if len(out) == 0 {
		t.Fatalf("no file below %s has %s", dir, part)
	}
	return out
}

// listedLog is a log the digest at p lists, by its path below logs.
func listedLog(t *testing.T, logs, p string) string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var d struct{ LogFiles []struct{ S3Object string } }
	if err := json.NewDecoder(zr).Decode(&d); err != nil {
		t.Fatal(err)
	}
	for _, l := range d.LogFiles {
		if m := files(t, logs, integrity.Name(l.S3Object)); len(m) == 1 {
			return m[0]
		}
	}
	return ""
}

// aListingDigest is a digest of the account trail's us-east-1 chain that
// lists a log, neither the first nor the newest, and that log.
func aListingDigest(t *testing.T, logs string) (digest, log string) {
	return listingDigest(t, logs, "acct/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/")
}

// listingDigest is aListingDigest in the chain of the folder chain.
func listingDigest(t *testing.T, logs, chain string) (digest, log string) {
	t.Helper()
	ds := files(t, logs, chain)
	ds = slices.DeleteFunc(ds, func(p string) bool { return strings.HasSuffix(p, "_backfill.json.gz") })
	for _, d := range ds[1 : len(ds)-1] {
		if l := listedLog(t, logs, d); l != "" {
			return d, l
		}
	}
	t.Fatal("no digest lists a log")
	return "", ""
}

// runJSON runs trailscan with args and reads its JSON output.
func runJSON(t *testing.T, args ...string) (int, summarize.Result, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	var res summarize.Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || res.Integrity == nil {
		t.Fatalf("trailscan %s: exit %d, %v:\n%s\n%s", strings.Join(args, " "), code, err, stdout.String(), stderr.String())
	}
	return code, res, stderr.String()
}

// TestVerifyTampered: scan --verify and trailscan verify find each way an
// archive is tampered with, name it, and exit 5; a clean one exits 0 with
// every log verified but those only the newest, unsigned, digests list.
func TestVerifyTampered(t *testing.T) {
	for _, c := range []struct {
		name   string
		tamper func(t *testing.T, logs string) (check func(t *testing.T, f *integrity.Findings))
	}{
		{"clean", func(t *testing.T, logs string) func(t *testing.T, f *integrity.Findings) {
			return func(t *testing.T, f *integrity.Findings) {
				_, _, m := signedCopy(t)
				if f.Failed() || f.LogsRead != m.ValidFiles || f.LogsListed != m.ValidFiles || f.DigestsRead != m.DigestFiles {
					t.Errorf("%s; want %d logs, %d digests", f.Headline(), m.ValidFiles, m.DigestFiles)
				}
				// Every digest but each chain's newest is verified.
				if f.DigestsVerified != f.DigestsRead-len(f.Unsigned) || len(f.Unsigned) == 0 || f.LogsVerified == 0 {
					t.Errorf("%s", f.Headline())
				}
			}
		}},
		{"a log altered", func(t *testing.T, logs string) func(t *testing.T, f *integrity.Findings) {
			d, l := aListingDigest(t, logs)
			signedtest.Alter(t, l)
			return func(t *testing.T, f *integrity.Findings) {
				if got := signedtest.Names(f.Altered); !slices.Equal(got, []string{integrity.Name(l)}) || integrity.Name(f.Altered[0].Digest) != integrity.Name(d) {
					t.Errorf("altered %v, want %s listed by %s", f.Altered, l, d)
				}
			}
		}},
		{"a log deleted", func(t *testing.T, logs string) func(t *testing.T, f *integrity.Findings) {
			_, l := aListingDigest(t, logs)
			os.Remove(l)
			return func(t *testing.T, f *integrity.Findings) {
				if got := signedtest.Names(f.Missing); !slices.Equal(got, []string{integrity.Name(l)}) {
					t.Errorf("missing %v, want %s", got, l)
				}
			}
		}},
		{"a digest deleted", func(t *testing.T, logs string) func(t *testing.T, f *integrity.Findings) {
			d, l := aListingDigest(t, logs)
			os.Remove(d)
			return func(t *testing.T, f *integrity.Findings) {
				if len(f.ChainGaps) != 1 || f.ChainGaps[0].Region != "us-east-1" || !slices.Contains(signedtest.Names(f.Unlisted), integrity.Name(l)) {
					t.Errorf("chain gaps %v, unlisted %v; want a gap in us-east-1, and %s unlisted", f.ChainGaps, f.Unlisted, l)
				}
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			logs, keys, _ := signedCopy(t)
			check := c.tamper(t, logs)
			wantCode := exitIntegrity
			if c.name == "clean" {
				wantCode = exitOK
			}
			var findings []string
			for _, args := range [][]string{
				{"scan", "--verify", "--public-keys", keys, "-f", "json", "--fail-on", "any-support", logs},
				{"verify", "--public-keys", keys, "-f", "json", logs},
			} {
				code, res, stderr := runJSON(t, args...)
				want := wantCode
				if args[0] == "scan" && want == exitOK {
					want = exitAlert // --fail-on any-support: 5 outranks it, 0 does not
				}
				if code != want {
					t.Errorf("%s: exit %d, want %d\n%s", args[0], code, want, stderr)
				}
				if want == exitIntegrity && !strings.Contains(stderr, "trailscan: warning: Not proven: ") {
					t.Errorf("%s: stderr does not say what failed:\n%s", args[0], stderr)
				}
				if !res.Integrity.SignaturesChecked {
					t.Errorf("%s: signatures not checked", args[0])
				}
				check(t, res.Integrity)
				b, _ := json.Marshal(res.Integrity)
				findings = append(findings, string(b))
			}
			if findings[0] != findings[1] {
				t.Errorf("scan --verify found:\n%s\nverify found:\n%s", findings[0], findings[1])
			}

			var table bytes.Buffer
			run(context.Background(), []string{"verify", "-q", "--public-keys", keys, logs}, &table, io.Discard)
			var res summarize.Result
			json.Unmarshal([]byte(`{"integrity":`+findings[1]+`}`), &res)
			if first, _, _ := strings.Cut(table.String(), "\n"); first != res.Integrity.Headline() {
				t.Errorf("the table opens with %q, want the headline %q", first, res.Integrity.Headline())
			}
		})
	}
}

// TestVerifyWithoutKeys: without public keys, a local scan says that
// signatures are not checked, and still checks hashes and chains.
func TestVerifyWithoutKeys(t *testing.T) {
	logs, _, _ := signedCopy(t)
	_, l := aListingDigest(t, logs)
	signedtest.Alter(t, l)
	code, res, stderr := runJSON(t, "verify", "-f", "json", logs)
	f := res.Integrity
	if code != exitIntegrity || f.SignaturesChecked || len(f.Altered) != 1 || !strings.Contains(f.Headline(), "signatures not checked") {
		t.Fatalf("exit %d: %s", code, f.Headline())
	}
	if !strings.Contains(stderr, "no public keys: signatures are not checked") || !strings.Contains(stderr, "aws cloudtrail list-public-keys") {
		t.Errorf("stderr:\n%s", stderr)
	}
	var csv bytes.Buffer
	code = run(context.Background(), []string{"verify", "-q", "-f", "csv", logs}, &csv, io.Discard)
	if want := "altered," + f.Altered[0].Path + "," + f.Altered[0].Digest + ","; code != exitIntegrity || !strings.Contains(csv.String(), "\n"+want) {
		t.Errorf("-f csv: exit %d, no row %q in:\n%s", code, want, csv.String())
	}
}

// TestVerifyS3: an archive uploaded with its digests' signatures as S3
// metadata gives the findings of its local copy, but that every digest
// is signed; keys come from --public-keys, or from CloudTrail's
// ListPublicKeys (here a local stand-in) with the bucket's credentials.
func TestVerifyS3(t *testing.T) {
	endpoint := sourcetest.S3Endpoint(t)
	logs, keys, m := signedCopy(t)
	d, l := aListingDigest(t, logs)
	signedtest.Alter(t, l)
	_, gone := listingDigest(t, logs, "org/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Digest/eu-west-1/")
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	client := sourcetest.S3Client(t)
	bucket := sourcetest.NewBucket(t, client)
	sourcetest.UploadWithMetadata(t, client, bucket, "copy/", logs, m.Metadata)

	var asked []string
	var mu sync.Mutex
	ct := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Header.Get("Authorization"))
		mu.Unlock()
		list, err := readKeys(keys)
		if err != nil {
			t.Error(err)
		}
		var out struct{ PublicKeyList []map[string]any }
		for _, k := range list {
			out.PublicKeyList = append(out.PublicKeyList, map[string]any{"Fingerprint": k.Fingerprint, "Value": k.Value,
				"ValidityStartTime": k.ValidFrom.Unix(), "ValidityEndTime": k.ValidUntil.Unix()})
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(out)
	}))
	defer ct.Close()

	_, local, _ := runJSON(t, "verify", "--public-keys", keys, "-f", "json", logs)
	url := "s3://" + bucket + "/copy"
	t.Setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", ct.URL)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"--public-keys", []string{"verify", "--public-keys", keys, "-f", "json", "--endpoint-url", endpoint, "--path-style", url}},
		{"ListPublicKeys", []string{"verify", "-f", "json", "--endpoint-url", endpoint, "--path-style", url}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, remote, stderr := runJSON(t, c.args...)
			f, lf := remote.Integrity, local.Integrity
			if code != exitIntegrity || !f.SignaturesChecked || len(f.Unsigned) > 0 || f.DigestsVerified != f.DigestsRead {
				t.Errorf("exit %d: %s\n%s", code, f.Headline(), stderr)
			}
			if !slices.Equal(signedtest.Names(f.Altered), signedtest.Names(lf.Altered)) || !slices.Equal(signedtest.Names(f.Missing), signedtest.Names(lf.Missing)) ||
				!slices.Equal(signedtest.Names(f.Unlisted), signedtest.Names(lf.Unlisted)) || len(f.InvalidDigests)+len(f.ChainGaps) != len(lf.InvalidDigests)+len(lf.ChainGaps) {
				t.Errorf("S3 and local differ:\n%+v\n%+v", f, lf)
			}
			if len(f.Altered) != 1 || f.Altered[0].Path != "s3://"+bucket+"/copy/"+filepath.ToSlash(strings.TrimPrefix(l, logs+string(filepath.Separator))) ||
				integrity.Name(f.Altered[0].Digest) != integrity.Name(d) || len(f.Missing) != 1 {
				t.Errorf("altered %v, missing %v", f.Altered, f.Missing)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 2 || !strings.Contains(asked[0], "/us-east-1/cloudtrail/") && !strings.Contains(asked[1], "/us-east-1/cloudtrail/") {
		t.Errorf("ListPublicKeys asked %d times: %q; want once per region", len(asked), asked)
	}
}

// TestVerifyState: with --state, verification is cumulative: a run that
// finds the newest digests not yet delivered leaves those hours' logs
// unlisted; the next reads only the new digests and proves them.
func TestVerifyState(t *testing.T) {
	logs, keys, _ := signedCopy(t)
	_, want, _ := runJSON(t, "scan", "-q", "--verify", "--public-keys", keys, "-f", "json", logs)
	day := files(t, logs, "/CloudTrail-Digest/us-east-1/2026/10/02/")
	held := t.TempDir()
	for i, p := range day {
		os.Rename(p, filepath.Join(held, fmt.Sprint(i)))
	}
	state := filepath.Join(t.TempDir(), "state.json")
	args := []string{"scan", "--verify", "--public-keys", keys, "--state", state, "-f", "json", logs}
	code, first, _ := runJSON(t, args...)
	if code != exitIntegrity || len(first.Integrity.Unlisted) == 0 {
		t.Errorf("first run: exit %d, %s", code, first.Integrity.Headline())
	}
	for i, p := range day {
		os.Rename(filepath.Join(held, fmt.Sprint(i)), p)
	}
	code, second, stderr := runJSON(t, args...)
	g, _ := json.Marshal(second.Integrity)
	w, _ := json.Marshal(want.Integrity)
	if code != exitOK || string(g) != string(w) || !strings.Contains(stderr, fmt.Sprintf("read %d new or changed objects", len(day))) {
		t.Errorf("second run: exit %d, %s\n%s\nwant %s", code, stderr, g, w)
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"scan", "--state", state, logs}, &out, &out); code != exitUsage || !strings.Contains(out.String(), "--verify") {
		t.Errorf("a state made with --verify, without: exit %d\n%s", code, out.String())
	}
}

// TestVerifyShards: each shard reads and hashes its share of the logs and
// digests; the merge verifies the whole as one scan does, and exits 5 as
// it would.
func TestVerifyShards(t *testing.T) {
	logs, keys, _ := signedCopy(t)
	d, l := aListingDigest(t, logs)
	os.Remove(l)
	_, want, _ := runJSON(t, "scan", "-q", "--verify", "--public-keys", keys, "-f", "json", logs)
	dir := t.TempDir()
	var parts []string
	for i := range 3 {
		part := filepath.Join(dir, fmt.Sprintf("part-%d.json", i))
		var stderr bytes.Buffer
		if code := run(context.Background(), []string{"scan", "-q", "--verify", "--public-keys", keys, "--shard", fmt.Sprintf("%d/3", i), "-f", "json", "-o", part, logs}, io.Discard, &stderr); code != exitOK {
			t.Fatalf("shard %d: exit %d (a shard does not judge the whole)\n%s", i, code, stderr.String())
		}
		parts = append(parts, part)
	}
	code, merged, _ := runJSON(t, append([]string{"merge", "-q", "-f", "json"}, parts...)...)
	g, _ := json.Marshal(merged.Integrity)
	w, _ := json.Marshal(want.Integrity)
	if code != exitIntegrity || string(g) != string(w) || len(merged.Integrity.Missing) != 1 {
		t.Errorf("merge: exit %d\n%s\nwant\n%s", code, g, w)
	}
	// Without a shard, the merge verifies what the others own: the
	// deleted log is missing while its shard and its digest's are there,
	// and the absent shard's logs and hours are neither missing nor gaps.
	shardOf := func(p string) int { rel, _ := filepath.Rel(logs, p); return shard.Of(filepath.ToSlash(rel), 3) }
	for drop := range 3 {
		code, merged, _ := runJSON(t, append([]string{"merge", "-q", "--incomplete", "-f", "json"}, slices.Delete(slices.Clone(parts), drop, drop+1)...)...)
		f, wantCode, wantMissing := merged.Integrity, exitPartial, 0
		if drop != shardOf(l) && drop != shardOf(d) {
			wantCode, wantMissing = exitIntegrity, 1
		}
		if code != wantCode || len(f.Missing) != wantMissing || len(f.Unlisted)+len(f.ChainGaps)+len(f.InvalidDigests) > 0 || !strings.Contains(f.Headline(), "verification covers only shards") {
			t.Errorf("merge --incomplete without shard %d/3: exit %d, want %d; %d missing, want %d\n%s", drop, code, wantCode, len(f.Missing), wantMissing, f.Headline())
		}
	}
}
