package integrity_test

import (
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/pkg/integrity"
	"github.com/trailscan/trailscan/pkg/trail"
)

// TestVerifyPart: a ledger of two of three shards reports what it owns
// that is missing or absent from its chain, and nothing of the third
// shard's: not its logs as missing, not its digests' hours as gaps, and
// no log as unlisted for want of the third shard's digests.
func TestVerifyPart(t *testing.T) {
	keys := newKeys(t, archiveKeys(t))
	third := func(rel string) bool { // the shard not merged
		h := fnv.New32a()
		h.Write([]byte(rel))
		return h.Sum32()%3 == 2
	}
	// owned finds a digest the part holds that lists a log file owned by
	// the part (ours) or by the third shard (not ours).
	owned := func(t *testing.T, a *archive, ours bool) (digest, log string) {
		for _, c := range a.chains {
			for _, d := range c {
				if third(d.rel) {
					continue
				}
				for _, l := range a.logsOf(d) {
					if third(l) != ours {
						return d.rel, l
					}
				}
			}
		}
		t.Fatal("no such digest")
		return "", ""
	}
	for _, c := range []struct {
		name   string
		tamper func(t *testing.T, a *archive) expect
	}{
		{"clean", func(*testing.T, *archive) expect { return expect{} }},
		{"a log of the part deleted: missing", func(t *testing.T, a *archive) expect {
			d, log := owned(t, a, true)
			a.remove(log)
			return expect{missing: map[string]string{log: d}}
		}},
		{"a log of the third shard deleted: nothing", func(t *testing.T, a *archive) expect {
			_, log := owned(t, a, false)
			a.remove(log)
			return expect{}
		}},
		{"a digest of the part deleted: the gap of its hour", func(t *testing.T, a *archive) expect {
			c := a.chain("us-east-1", false)
			for i := 1; i+1 < len(c); i++ {
				if !third(c[i].rel) && !third(c[i+1].rel) {
					a.remove(c[i].rel)
					return expect{gaps: []integrity.ChainGap{a.gapBetween(c, i, i)}}
				}
			}
			t.Fatal("no two digests of the part in a row")
			return expect{}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := copyArchive(t)
			want := c.tamper(t, a)
			l := integrity.NewLedger()
			err := filepath.WalkDir(a.dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(a.dir, p)
				if third(filepath.ToSlash(rel)) {
					return nil
				}
				return read(l, p, filepath.ToSlash(rel), must(os.ReadFile(p)), "")
			})
			if err != nil {
				t.Fatal(err)
			}
			owns := func(p string) bool {
				rel, err := filepath.Rel(a.dir, p)
				return err == nil && !third(filepath.ToSlash(rel))
			}
			f := l.VerifyPart(trail.Scope{}, keys, integrity.Part{Covers: "shards 0/3, 1/3 of 3", Owns: owns})
			check(t, f, want)
			if f.Covers != "shards 0/3, 1/3 of 3" || f.Proven() || !strings.HasSuffix(f.Headline(), "; verification covers only shards 0/3, 1/3 of 3") {
				t.Errorf("covers %q, proven %v: %s", f.Covers, f.Proven(), f.Headline())
			}
			if whole := l.Verify(trail.Scope{}, keys); !whole.Failed() {
				t.Errorf("the part verified as if it were the whole: %s", whole.Headline())
			}
		})
	}
}
