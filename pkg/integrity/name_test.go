package integrity_test

import (
	"testing"
	"time"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/trail"
)

func TestName(t *testing.T) {
	for in, want := range map[string]string{
		"/home/me/dl/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/x.json.gz": "AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/x.json",
		"s3://bucket/prefix/AWSLogs/o-abc/111122223333/CloudTrail/x.json":            "AWSLogs/o-abc/111122223333/CloudTrail/x.json",
		"AWSLogs/111122223333/CloudTrail-Digest/x.json.gz":                           "AWSLogs/111122223333/CloudTrail-Digest/x.json",
		"old/AWSLogs/copy/AWSLogs/111122223333/x.json.gz":                            "AWSLogs/111122223333/x.json",
		"NotAWSLogs/111122223333/x.json.gz":                                          "NotAWSLogs/111122223333/x.json",
		"flat/x.json.gz":                                                             "flat/x.json",
	} {
		if got := integrity.Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDigestKey(t *testing.T) {
	end := time.Date(2026, 10, 1, 15, 1, 31, 0, time.UTC)
	const dir = "AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2026/10/01/"
	for _, c := range []struct {
		key  string
		want integrity.DigestKey
		ok   bool
	}{
		{"p/" + dir + "111122223333_CloudTrail-Digest_us-east-2_my-trail_us-east-1_20261001T150131Z.json.gz",
			integrity.DigestKey{Account: "111122223333", Region: "us-east-2", Trail: "my-trail", HomeRegion: "us-east-1", End: end}, true},
		{"AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Digest/us-east-2/2026/10/01/111122223333_CloudTrail-Digest_us-east-2_org_trail_us-east-2_20261001T150131Z_backfill.json.gz",
			integrity.DigestKey{Org: "o-a1b2c3d4e5", Account: "111122223333", Region: "us-east-2", Trail: "org_trail", HomeRegion: "us-east-2", End: end, Backfill: true}, true},
		{dir + "111122223333_CloudTrail-Digest_us-east-2_t_us-east-2_20261001T150131Z.json", // inflated by a download
			integrity.DigestKey{Account: "111122223333", Region: "us-east-2", Trail: "t", HomeRegion: "us-east-2", End: end}, true},
		{dir + "111122223333_CloudTrail-Digest_us-east-2_us-east-2_20261001T150131Z.json.gz", integrity.DigestKey{}, false}, // no trail
		{dir + "444455556666_CloudTrail-Digest_us-east-2_t_us-east-2_20261001T150131Z.json.gz", integrity.DigestKey{}, false},
		{dir + "111122223333_CloudTrail-Digest_us-east-2_t_us-east-2_20261001T1501Z.json.gz", integrity.DigestKey{}, false},
		{dir + "111122223333_CloudTrail-Digest_us-east-2_t_nowhere_20261001T150131Z.json.gz", integrity.DigestKey{}, false},
		{"AWSLogs/111122223333/CloudTrail/us-east-2/2026/10/01/111122223333_CloudTrail_us-east-2_20261001T1501Z_x.json.gz", integrity.DigestKey{}, false},
		{dir + "moved/111122223333_CloudTrail-Digest_us-east-2_t_us-east-2_20261001T150131Z.json.gz", integrity.DigestKey{}, false},
	} {
		got, ok := integrity.ParseDigestKey(c.key)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseDigestKey(%q) = %+v, %v; want %+v, %v", c.key, got, ok, c.want, c.ok)
		}
	}
}

func TestWantsDigest(t *testing.T) {
	// A scan of the 2nd reads the logs delivered on the 2nd and the 3rd
	// (late deliveries): the digests that list them end on those days, or
	// in the first hours of the 4th.
	sc := trail.Scope{Since: day(2).Add(9 * time.Hour), Until: day(3), Accounts: []string{"111122223333"}}
	key := func(account, region, stamp string) string {
		return "AWSLogs/" + account + "/CloudTrail-Digest/" + region + "/2026/10/" + stamp[6:8] + "/" + account + "_CloudTrail-Digest_" + region + "_t_us-east-1_" + stamp + ".json.gz"
	}
	for _, c := range []struct {
		key  string
		want bool
	}{
		{key("111122223333", "eu-west-1", "20261002T000131Z"), true},
		{key("111122223333", "eu-west-1", "20261001T230131Z"), false},
		{key("111122223333", "eu-west-1", "20261003T230131Z"), true},
		{key("111122223333", "eu-west-1", "20261004T010131Z"), true},
		{key("111122223333", "eu-west-1", "20261004T030131Z"), false},
		{key("444455556666", "eu-west-1", "20261002T120131Z"), false},
		{"AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/10/02/junk.json.gz", false},
	} {
		if got := integrity.WantsDigest(sc, c.key); got != c.want {
			t.Errorf("WantsDigest(%q) = %v, want %v", c.key, got, c.want)
		}
	}
	if !integrity.WantsDigest(trail.Scope{}, key("444455556666", "eu-west-1", "20201002T120131Z")) {
		t.Error("the zero scope does not want every digest")
	}
}

func TestExcludesDigestDir(t *testing.T) {
	sc := trail.Scope{Since: day(2), Until: day(3), Regions: []string{"us-east-1"}}
	const base = "logs/AWSLogs/o-abc/111122223333/CloudTrail-Digest/"
	for _, c := range []struct {
		dir  string
		want bool
	}{
		{"logs/", false},
		{"logs/AWSLogs/o-abc/111122223333/", false},
		{base, false},
		{base + "eu-west-1/", true},
		{base + "us-east-1/2025/", true},
		{base + "us-east-1/2026/", false},
		{base + "us-east-1/2026/09/", true},
		{base + "us-east-1/2026/10/01/", true},
		{base + "us-east-1/2026/10/02/", false},
		{base + "us-east-1/2026/10/03/", false},
		{base + "us-east-1/2026/10/04/", false}, // the hours after the 3rd's late deliveries
		{base + "us-east-1/2026/10/05/", true},
		{"logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/09/", false}, // not digests
	} {
		if got := integrity.ExcludesDigestDir(sc, c.dir); got != c.want {
			t.Errorf("ExcludesDigestDir(%q) = %v, want %v", c.dir, got, c.want)
		}
	}
}

func TestPlace(t *testing.T) {
	for _, c := range []struct{ path, account, region string }{
		{"dl/AWSLogs/111122223333/CloudTrail/us-east-2/2026/10/01/111122223333_CloudTrail_us-east-2_20261001T1501Z_x.json.gz", "111122223333", "us-east-2"},
		{"s3://b/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Digest/eu-west-1/2026/10/01/111122223333_CloudTrail-Digest_eu-west-1_t_us-east-1_20261001T150131Z.json.gz", "111122223333", "eu-west-1"},
		{"AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/moved.json.gz", "", ""},
		{"flat/x.json.gz", "", ""},
	} {
		if a, r := integrity.Place(c.path); a != c.account || r != c.region {
			t.Errorf("Place(%q) = %q, %q; want %q, %q", c.path, a, r, c.account, c.region)
		}
	}
}
