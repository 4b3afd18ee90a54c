package shard

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/trail"
)

// Spec is one copy's share: shard Index of Count, 0-based.
type Spec struct {
	Index, Count int
}

// EnvIndex are the environment variables that --shard auto/N reads the
// index from, in order: AWS Batch array jobs, Kubernetes indexed Jobs,
// Slurm job arrays. A Slurm task's ID is taken as it is, not less
// SLURM_ARRAY_TASK_MIN: an array submitted again for some shards only
// (--array=3,7) must still scan shards 3 and 7, so arrays start at 0.
var EnvIndex = []string{"AWS_BATCH_JOB_ARRAY_INDEX", "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"}

// ErrNoIndex is returned by Parse for auto/N when no job engine set an
// index in the environment.
var ErrNoIndex = errors.New("no array index in the environment (" + strings.Join(EnvIndex, ", ") + ")")

// Parse reads "i/N", or "auto/N", which takes i from the first of EnvIndex
// that getenv returns non-empty. i is 0-based and below N.
func Parse(s string, getenv func(string) string) (Spec, error) {
	idx, count, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Spec{}, fmt.Errorf("shard %q: want i/N or auto/N", s)
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 {
		return Spec{}, fmt.Errorf("shard %q: N must be a whole number of at least 1", s)
	}
	from := ""
	if idx == "auto" {
		for _, name := range EnvIndex {
			if v := getenv(name); v != "" {
				idx, from = v, " (from "+name+")"
				break
			}
		}
		if from == "" {
			return Spec{}, fmt.Errorf("shard %q: %w", s, ErrNoIndex)
		}
	}
	i, err := strconv.Atoi(strings.TrimSpace(idx))
	if err != nil {
		return Spec{}, fmt.Errorf("shard %q: index %q%s is not a whole number", s, idx, from)
	}
	if i < 0 || i >= n {
		return Spec{}, fmt.Errorf("shard %q: index %d%s is outside 0 to %d", s, i, from, n-1)
	}
	return Spec{Index: i, Count: n}, nil
}

// String is the i/N form Parse reads.
func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Valid reports whether s names a shard: 0 <= Index < Count.
func (s Spec) Valid() bool { return s.Count >= 1 && s.Index >= 0 && s.Index < s.Count }

// Contains reports whether the object with this key is in s's share.
func (s Spec) Contains(key string) bool {
	return s.Count <= 1 || Of(key, s.Count) == s.Index
}

// Select is Contains for a listed object, in the form scan.Config.Select
// takes.
func (s Spec) Select(o source.Object) bool { return s.Contains(o.Key) }

// Owns reports whether the day folder of an account's region (a
// trail.Layout with Account, Region and Day set) is in s's share: every
// object in it is, as Contains says. It is a source.Share, so that a
// shard lists only its own day folders.
func (s Spec) Owns(day trail.Layout) bool {
	return s.Count <= 1 || jump(hash(dayUnit(day)), s.Count) == s.Index
}

// Of returns the shard, below n, of the object with this key.
func Of(key string, n int) int {
	if n <= 1 {
		return 0
	}
	return jump(hash(Unit(key)), n)
}

// Unit is what is kept together in one shard: ACCOUNT/REGION/YYYY/MM/DD for
// a key in the CloudTrail layout, whatever the prefix and organization
// folder before AWSLogs, so an account trail's and an organization
// trail's copies of the same events go together; otherwise the key itself.
//
// The region is part of the unit because it makes the units of a big
// account several times more numerous (better balance) and an event's
// copies are always in the same region folder.
func Unit(key string) string {
	l, ok := trail.ParseLayout(key)
	if !ok || l.Day == 0 || l.Region == "" {
		return key
	}
	return dayUnit(l)
}

func dayUnit(l trail.Layout) string {
	return fmt.Sprintf("%s/%s/%04d/%02d/%02d", l.Account, l.Region, l.Year, int(l.Month), l.Day)
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	// FNV-1a's high bits change little between keys that differ in their
	// last bytes (the day); mix them before jump uses them.
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// jump is Lamping and Veach's jump consistent hash: a bucket below n for
// key, uniform, and moving only 1/n of the keys when n grows by one (so a
// re-run with one more shard re-reads little elsewhere, should that ever
// matter).
func jump(key uint64, n int) int {
	var b, j int64 = -1, 0
	for j < int64(n) {
		b = j
		key = key*2862933555777941757 + 1
		j = int64(float64(b+1) * (float64(int64(1)<<31) / float64((key>>33)+1)))
	}
	return int(b)
}
