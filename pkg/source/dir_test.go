package source_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
)

func TestDirConformance(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T, dir string) source.Source {
		d, err := source.NewDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}

// TestDirThroughLink: a directory named through a symbolic link (a mounted
// volume, macOS's /tmp) is the directory; the conformance suite runs again
// through a link to each tree.
func TestDirThroughLink(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T, dir string) source.Source {
		link := filepath.Join(t.TempDir(), "link")
		if err := os.Symlink(dir, link); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
		d, err := source.NewDir(link)
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}
