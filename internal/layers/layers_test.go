package layers

import (
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/trailscan/trailscan/"

// allowed lists, for each package, the trailscan packages it may import
// directly (test files aside). A package missing here, or an import not
// listed, fails the test: a new edge between layers is a decision to make
// here, and in the package's doc.go, not an accident.
var allowed = map[string][]string{
	"pkg/trail":             {},
	"pkg/parse":             {},
	"pkg/inflate":           {},
	"pkg/atomicfile":        {},
	"pkg/multisha":          {},
	"pkg/filter":            {"pkg/parse", "pkg/trail"},
	"pkg/source":            {"internal/gate", "pkg/trail"},
	"pkg/integrity":         {"pkg/multisha", "pkg/trail"},
	"pkg/source/sourcetest": {"pkg/source", "pkg/trail"},
	"pkg/summarize":         {"pkg/filter", "pkg/integrity", "pkg/parse", "pkg/trail"},
	"pkg/shard":             {"pkg/source", "pkg/trail"},
	"pkg/scan":              {"internal/gate", "pkg/filter", "pkg/inflate", "pkg/integrity", "pkg/multisha", "pkg/parse", "pkg/source", "pkg/summarize", "pkg/trail"},
	"pkg/evidence":          {"pkg/source", "pkg/summarize"},
	"pkg/diff":              {"pkg/summarize"},
	"pkg/report":            {"pkg/diff", "pkg/integrity", "pkg/summarize"},
	"pkg/state":             {"pkg/atomicfile", "pkg/integrity", "pkg/scan", "pkg/source", "pkg/summarize", "pkg/trail"},
	"pkg/merge":             {"internal/buildinfo", "pkg/integrity", "pkg/shard", "pkg/source", "pkg/summarize", "pkg/trail"},
	"internal/reference":    {"pkg/parse"},
	"internal/gen":          {},
	"internal/fixture":      {},
	"internal/signedtest":   {"internal/gen", "pkg/integrity"},
	"internal/layers":       {},
	"internal/buildinfo":    {},
	"test/slurm":            {},
	"internal/s3fault":      {},
	"internal/gate":         {},
	"internal/toxiproxy":    {},
	"cmd/trailgen":          {"internal/gen"},
	"cmd/trailscan": {"internal/buildinfo", "pkg/atomicfile", "pkg/diff", "pkg/evidence", "pkg/integrity", "pkg/merge", "pkg/report", "pkg/scan",
		"pkg/shard", "pkg/source", "pkg/state", "pkg/summarize", "pkg/trail"},
}

func TestLayers(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, top := range []string{"pkg", "internal", "cmd", "test"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(dir string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() || d.Name() == "testdata" {
				if d != nil && d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return err
			}
			p, err := build.ImportDir(dir, 0)
			if _, none := err.(*build.NoGoError); none {
				return nil
			}
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, dir)
			rel = filepath.ToSlash(rel)
			seen++
			may, ok := allowed[rel]
			if !ok {
				t.Errorf("%s is not in the layer table: add it, with what it may import", rel)
				return nil
			}
			for _, imp := range p.Imports {
				if dep, ok := strings.CutPrefix(imp, module); ok && !slices.Contains(may, dep) {
					t.Errorf("%s imports %s, which its layer does not allow (see its doc.go)", rel, dep)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if seen < len(allowed)/2 {
		t.Fatalf("found only %d packages: is the test run from internal/layers?", seen)
	}
}
