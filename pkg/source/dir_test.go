package source_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailscan/trailscan/pkg/source"
	"github.com/trailscan/trailscan/pkg/source/sourcetest"
	"github.com/trailscan/trailscan/pkg/trail"
)

func TestDirConformance(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T, dir string) sourcetest.Stored {
		return stored(dir, dir)
	})
}

// TestDirThroughLink: a directory named through a symbolic link (a mounted
// volume, macOS's /tmp) is the directory; the conformance suite runs again
// through a link to each tree.
func TestDirThroughLink(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T, dir string) sourcetest.Stored {
		link := filepath.Join(t.TempDir(), "link")
		if err := os.Symlink(dir, link); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
		return stored(dir, link)
	})
}

// stored is the tree written to dir, named as name.
func stored(dir, name string) sourcetest.Stored {
	return sourcetest.Stored{
		At: func(key string) (*source.Location, error) {
			return source.NewDir(filepath.Join(name, filepath.FromSlash(key)))
		},
		Remove: func(key string) error { return os.Remove(filepath.Join(dir, filepath.FromSlash(key))) },
		Unreadable: func(t *testing.T) string {
			return tooDeep(t, dir)
		},
	}
}

// tooDeep makes below dir a folder whose path is too long to open, which
// even a user who may read anything cannot list, and returns the key of
// the folder above it.
func tooDeep(t *testing.T, dir string) string {
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	const top = "deep"
	key := top
	for len(dir)+len(key) < 8<<10 {
		key = path.Join(key, strings.Repeat("d", 250))
	}
	if err := root.MkdirAll(key, 0o755); err != nil {
		t.Skipf("cannot make a folder too deep to read: %v", err)
	}
	if _, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(key))); err == nil {
		t.Skip("no path is too long here")
	}
	return top + "/"
}

// TestNewDir: a file is listed whatever its name, as the user named it; a
// path that is not there is an error, and no source.
func TestNewDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		want    []string // keys listed
		wantErr string
	}{
		{"notes.txt", []string{"notes.txt"}, ""},
		{".", nil, ""},
		{"missing.json.gz", nil, "missing.json.gz: no such file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src, err := source.New(context.Background(), filepath.Join(dir, c.name), source.Options{})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || src != nil {
					t.Fatalf("New = %v, %v; want no source and an error saying %q", src, err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			if err := src.List(context.Background(), trail.Scope{}, func(o source.Object) error { keys = append(keys, o.Key); return nil }); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(keys, c.want) {
				t.Errorf("listed %q, want %q", keys, c.want)
			}
		})
	}
}
