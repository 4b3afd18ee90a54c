package gen

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"
)

// rng is the random source of one output file. Every file gets its own,
// derived from the seed and the file's identity, so that files can be
// generated in any order, on any number of workers, with the same bytes.
type rng struct{ *rand.Rand }

// newRNG derives a source from the seed and the parts naming what is
// generated (a file, a session, ...).
func newRNG(seed int64, parts ...uint64) *rng {
	h := splitmix(uint64(seed))
	for _, p := range parts {
		h = splitmix(h ^ p)
	}
	return &rng{rand.New(rand.NewPCG(h, splitmix(h+1)))}
}

// splitmix is the SplitMix64 finalizer: it spreads close inputs (file 1,
// file 2) to unrelated seeds.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hashString turns a name (an account ID, a role name) into a seed part.
func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

const (
	digits    = "0123456789"
	hexDigits = "0123456789abcdef"
	upperNum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	alnum     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerNum  = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// chars returns n characters drawn from set.
func (r *rng) chars(set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.IntN(len(set))]
	}
	return string(b)
}

func (r *rng) hex(n int) string   { return r.chars(hexDigits, n) }
func (r *rng) alnum(n int) string { return r.chars(alnum, n) }
func (r *rng) lower(n int) string { return r.chars(lowerNum, n) }

// keyID returns an IAM-style identifier such as AKIA... or AROA...: a
// four-letter prefix and 16 characters of base32.
func (r *rng) keyID(prefix string) string { return prefix + r.chars(upperNum, 16) }

// uuid returns a random version-4 UUID, the shape of eventID and requestID.
func (r *rng) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// pick returns one element of list.
func pick[T any](r *rng, list []T) T { return list[r.IntN(len(list))] }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.Float64() < p }

// between returns an int in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// ip returns a public-looking IPv4 address.
func (r *rng) ip() string {
	return fmt.Sprintf("%d.%d.%d.%d", pick(r, []int{3, 18, 34, 52, 54, 81, 93, 185, 203}), r.IntN(256), r.IntN(256), 1+r.IntN(254))
}

// within returns a time in [from, from+d).
func (r *rng) within(from time.Time, d time.Duration) time.Time {
	return from.Add(time.Duration(r.Int64N(int64(d/time.Second))) * time.Second)
}
