package merge

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/internal/signedtest"
	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/scan"
	"github.com/trailscan/trailscan/pkg/shard"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/summarize"
	"github.com/trailscan/trailscan/pkg/trail"
)

// TestMergeVerification: shards of scan --verify each read their share of
// logs and digests; the merge of their parts' ledgers verifies as one
// scan's does, with the keys they had, each once. Parts that verify and
// parts that do not are refused together.
func TestMergeVerification(t *testing.T) {
	a := signedtest.New(t, gen.Config{Seed: 8, Days: 2, Regions: []string{"us-east-1", "eu-west-1"}, FilesPerDay: 2, RecordsPerFile: 5})
	list, keys := a.KeyList(t), a.Keys(t)
	src, err := source.NewDir(a.Dir)
	if err != nil {
		t.Fatal(err)
	}
	srcs := []source.Source{src}
	run := func(spec *shard.Spec) (*summarize.Summary, *integrity.Ledger) {
		c := scan.Config{Jobs: 2, Ledger: integrity.NewLedger()}
		if spec != nil {
			c.Select = spec.Select
		}
		sum, err := scan.Run(context.Background(), srcs, c)
		if err != nil {
			t.Fatal(err)
		}
		return sum, c.Ledger
	}
	_, whole := run(nil)
	want, _ := json.Marshal(whole.Verify(trail.Scope{}, keys))

	const n = 3
	var parts []Part
	for i := range n {
		spec := shard.Spec{Index: i, Count: n}
		sum, l := run(&spec)
		res := sum.Result(summarize.WithOrigin(Origin(srcs, trail.Scope{}, spec, "", "test")), summarize.WithCalls(),
			summarize.WithVerification(summarize.Verification{Ledger: l, Keys: list}))
		parts = append(parts, readBack(t, fmt.Sprintf("part-%d.json", i), res))
	}
	m, err := Merge(parts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := m.Verification
	if v == nil || len(v.Keys) != len(list) {
		t.Fatalf("merged verification %+v, want the %d keys once", v, len(list))
	}
	mk, err := integrity.NewKeys(v.Keys)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(v.Ledger.Verify(trail.Scope{}, mk)); string(got) != string(want) {
		t.Errorf("merged:\n%s\nwhole:\n%s", got, want)
	}

	sum, _ := run(&shard.Spec{Index: 0, Count: n})
	plain := roundTrip(t, "plain-0.json", sum, Origin(srcs, trail.Scope{}, shard.Spec{Index: 0, Count: n}, "", "test"))
	if _, err := Merge([]Part{plain, parts[1], parts[2]}, Options{}); err == nil || !strings.Contains(err.Error(), "verify all or none") {
		t.Errorf("merge of parts with and without --verify: %v", err)
	}
}

// TestKeyOf: a path is keyed as the source that listed it keys it, which
// the shard of a digest (whose whole key is its unit) is chosen from.
func TestKeyOf(t *testing.T) {
	srcs := []string{"dl/logs", "s3://bucket/prefix", "S3://upper/prefix"}
	for _, c := range []struct{ path, want string }{
		{"dl/logs/acct/AWSLogs/111122223333/CloudTrail-Digest/x.json.gz", "acct/AWSLogs/111122223333/CloudTrail-Digest/x.json.gz"},
		{"s3://bucket/prefix/AWSLogs/111122223333/CloudTrail-Digest/x.json.gz", "prefix/AWSLogs/111122223333/CloudTrail-Digest/x.json.gz"},
		{"dl/other/AWSLogs/111122223333/CloudTrail/x.json.gz", "AWSLogs/111122223333/CloudTrail/x.json"},
		{"dl/logs", "logs"},
		// A scheme in capitals names the bucket all the same; the path is
		// as the source prints it.
		{"s3://upper/prefix/AWSLogs/111122223333/CloudTrail-Digest/y.json.gz", "prefix/AWSLogs/111122223333/CloudTrail-Digest/y.json.gz"},
	} {
		if got := keyOf(srcs, c.path); got != c.want {
			t.Errorf("keyOf(%q) = %q, want %q", c.path, got, c.want)
		}
	}
}
