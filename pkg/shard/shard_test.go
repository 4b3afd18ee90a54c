package shard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscan/trailscan/internal/gen"
	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/trail"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		getenv  func(string) string
		want    Spec
		wantErr string
	}{
		{in: "0/1", want: Spec{0, 1}},
		{in: "3/4", want: Spec{3, 4}},
		{in: " 2/7 ", want: Spec{2, 7}},
		{in: "auto/4", getenv: env("AWS_BATCH_JOB_ARRAY_INDEX", "2"), want: Spec{2, 4}},
		{in: "auto/4", getenv: env("JOB_COMPLETION_INDEX", "1"), want: Spec{1, 4}},
		{in: "auto/4", getenv: env("AWS_BATCH_JOB_ARRAY_INDEX", "3", "JOB_COMPLETION_INDEX", "1"), want: Spec{3, 4}},
		{in: "auto/4", getenv: env("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_MIN", "3", "SLURM_ARRAY_TASK_COUNT", "1"), want: Spec{3, 4}},
		{in: "auto/4", getenv: env("JOB_COMPLETION_INDEX", "0", "SLURM_ARRAY_TASK_ID", "2"), want: Spec{0, 4}},
		{in: "auto/4", getenv: env("SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_MIN", "1"), wantErr: "index 4 (from SLURM_ARRAY_TASK_ID) is outside 0 to 3"},
		{in: "auto/4", getenv: env("SLURM_JOB_ID", "17"), wantErr: "no array index in the environment (AWS_BATCH_JOB_ARRAY_INDEX, JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID)"},
		{in: "auto/4", getenv: env("JOB_COMPLETION_INDEX", "4"), wantErr: "index 4 (from JOB_COMPLETION_INDEX) is outside 0 to 3"},
		{in: "auto/4", getenv: env("AWS_BATCH_JOB_ARRAY_INDEX", "x"), wantErr: `index "x" (from AWS_BATCH_JOB_ARRAY_INDEX) is not a whole number`},
		{in: "4/4", wantErr: "index 4 is outside 0 to 3"},
		{in: "-1/4", wantErr: "index -1 is outside 0 to 3"},
		{in: "1/0", wantErr: "N must be a whole number of at least 1"},
		{in: "1/x", wantErr: "N must be a whole number"},
		{in: "4", wantErr: "want i/N or auto/N"},
		{in: "", wantErr: "want i/N or auto/N"},
	}
	for _, tt := range tests {
		getenv := tt.getenv
		if getenv == nil {
			getenv = env()
		}
		got, err := Parse(tt.in, getenv)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if again, err := Parse(got.String(), env()); err != nil || again != got {
			t.Errorf("Parse(%q.String()) = %v, %v", tt.in, again, err)
		}
	}
	if _, err := Parse("auto/2", env()); !errors.Is(err, ErrNoIndex) {
		t.Errorf("Parse(auto/2) with no environment: %v, want ErrNoIndex", err)
	}
}

func TestUnit(t *testing.T) {
	const file = "111122223333_CloudTrail_eu-west-1_20261001T0005Z_abc.json.gz"
	tests := []struct{ key, want string }{
		{"AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/" + file, "111122223333/eu-west-1/2026/10/01"},
		{"acct/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/" + file, "111122223333/eu-west-1/2026/10/01"},
		{"org/AWSLogs/o-abcdefghij/111122223333/CloudTrail/eu-west-1/2026/10/01/" + file, "111122223333/eu-west-1/2026/10/01"},
		{"AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/02/x.json.gz", "111122223333/eu-west-1/2026/10/02"},
		// Outside the layout, or not down to a day: the key itself.
		{"AWSLogs/111122223333/CloudTrail/eu-west-1/x.json.gz", "AWSLogs/111122223333/CloudTrail/eu-west-1/x.json.gz"},
		{"downloads/x.json.gz", "downloads/x.json.gz"},
		{file, file},
	}
	for _, tt := range tests {
		if got := Unit(tt.key); got != tt.want {
			t.Errorf("Unit(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

// TestOfStable pins a few assignments: parts written by one build are merged
// by another, so changing the hash is a format change, not a refactoring.
func TestOfStable(t *testing.T) {
	keys := []string{
		"AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/a.json.gz",
		"AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/02/a.json.gz",
		"AWSLogs/444455556666/CloudTrail/eu-west-1/2026/10/01/a.json.gz",
		"x.json.gz",
	}
	var got []string
	for _, k := range keys {
		got = append(got, fmt.Sprint(Of(k, 2), Of(k, 7), Of(k, 1000)))
	}
	want := []string{"0 3 68", "1 4 86", "1 3 206", "1 6 89"}
	if !slices.Equal(got, want) {
		t.Errorf("assignments changed: got %q, want %q", got, want)
	}
}

// TestPartition checks that for each N every key is in exactly one shard,
// and that an org trail's copy goes with the account trail's.
func TestPartition(t *testing.T) {
	var keys []string
	for a := range 5 {
		for d := 1; d <= 9; d++ {
			for _, r := range []string{"us-east-1", "eu-west-1"} {
				acct := fmt.Sprintf("1111222233%02d", a)
				keys = append(keys,
					fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/2026/10/%02d/f%d.json.gz", acct, r, d, a),
					fmt.Sprintf("org/AWSLogs/o-abcdefghij/%s/CloudTrail/%s/2026/10/%02d/g%d.json.gz", acct, r, d, a))
			}
		}
		keys = append(keys, fmt.Sprintf("loose/%d.json", a))
	}
	for _, n := range []int{1, 2, 3, 7, 16} {
		used := map[int]bool{}
		for i, k := range keys {
			var in []int
			for s := range n {
				if (Spec{s, n}).Contains(k) {
					in = append(in, s)
				}
			}
			if len(in) != 1 {
				t.Fatalf("N=%d: %s is in shards %v, want exactly one", n, k, in)
			}
			used[in[0]] = true
			if i%2 == 1 && strings.HasPrefix(k, "org/") && Of(keys[i-1], n) != in[0] {
				t.Errorf("N=%d: %s and its account trail copy %s are in different shards", n, k, keys[i-1])
			}
		}
		if n <= 7 && len(used) != n {
			t.Errorf("N=%d: only shards %v used for %d units", n, used, len(keys)/2)
		}
	}
}

// TestOwns: a shard owns a day folder exactly when it contains the
// objects in it, so that listing only the folders it owns loses none of
// its objects and lists none of another's.
func TestOwns(t *testing.T) {
	for _, n := range []int{1, 2, 4, 16} {
		for s := range n {
			spec := Spec{s, n}
			owned := 0
			for a := range 4 {
				for d := 1; d <= 40; d++ {
					acct := fmt.Sprintf("1111222233%02d", a)
					day := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d)
					dir := fmt.Sprintf("org/AWSLogs/o-abcdefghij/%s/CloudTrail/eu-west-1/%s/", acct, day.Format("2006/01/02"))
					l, _ := trail.ParseLayout(dir)
					if got, want := spec.Owns(l), spec.Contains(dir+"x.json.gz"); got != want {
						t.Errorf("%v: Owns(%s) = %v, but Contains of its objects %v", spec, dir, got, want)
					}
					if spec.Owns(l) {
						owned++
					}
				}
			}
			if owned == 0 && n <= 4 {
				t.Errorf("%v owns none of 160 day folders", spec)
			}
		}
	}
}

// BenchmarkBalance measures how even the shares are on an archive whose
// accounts differ in volume by up to 16 times: max/mean is the largest
// shard's stored bytes over the mean (1 is perfect). It compares the units
// one could keep together: the whole key, the account-region-day (what Of
// uses) and the account-day.
func BenchmarkBalance(b *testing.B) {
	dir := b.TempDir()
	accounts := make([]string, 12)
	weights := map[string]int{}
	for i := range accounts {
		accounts[i] = fmt.Sprintf("%012d", 100000000000+i*111111)
		weights[accounts[i]] = []int{1, 1, 1, 1, 1, 2, 2, 3, 4, 6, 10, 16}[i]
	}
	_, err := gen.Write(dir, gen.Config{
		Seed: 7, Days: 14, Accounts: accounts, Weights: weights,
		Regions: []string{"us-east-1", "eu-west-1", "ap-southeast-2"}, FilesPerDay: 2, RecordsPerFile: 10,
		OrgID: "o-abcdefghij", Prefix: "acct", OrgPrefix: "org",
	})
	if err != nil {
		b.Fatal(err)
	}
	src, err := source.NewDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var objs []source.Object
	if err := src.List(context.Background(), trail.Scope{}, func(o source.Object) error {
		objs = append(objs, o)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	units := map[string]func(string) string{
		"unit=key":                func(k string) string { return k },
		"unit=account-region-day": Unit,
		"unit=account-day": func(k string) string {
			l, ok := trail.ParseLayout(k)
			if !ok || l.Day == 0 {
				return k
			}
			return fmt.Sprintf("%s/%d/%d/%d", l.Account, l.Year, l.Month, l.Day)
		},
	}
	for _, name := range []string{"unit=account-region-day", "unit=account-day", "unit=key"} {
		unit := units[name]
		for _, n := range []int{4, 16, 64} {
			b.Run(fmt.Sprintf("%s/N=%d", name, n), func(b *testing.B) {
				var ratio float64
				for b.Loop() {
					bytes := make([]int64, n)
					var total int64
					for _, o := range objs {
						bytes[jump(hash(unit(o.Key)), n)] += o.Size
						total += o.Size
					}
					ratio = float64(slices.Max(bytes)) / (float64(total) / float64(n))
				}
				if ratio < 1 {
					b.Fatalf("max/mean %.3f below 1: shares do not add up", ratio)
				}
				b.ReportMetric(ratio, "max/mean")
				b.ReportMetric(float64(len(objs)), "objects")
			})
		}
	}
}

// FuzzParse checks that Parse never panics, and that what it accepts is
// a valid shard that reads back the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0/1", "3/4", "auto/4", "4/4", "-1/2", "1/0", "x", "/", "9999999999999999999/3"} {
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, s, index string) {
		spec, err := Parse(s, env("AWS_BATCH_JOB_ARRAY_INDEX", index))
		if err != nil {
			return
		}
		if !spec.Valid() {
			t.Fatalf("Parse(%q) = %v, not a valid shard", s, spec)
		}
		if again, err := Parse(spec.String(), env()); err != nil || again != spec {
			t.Fatalf("Parse(%q) = %v, which reads back as %v, %v", s, spec, again, err)
		}
	})
}
