package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/trailscan/trailscan/pkg/trail"
)

// Dir is a local directory of downloaded logs, or a single log file.
type Dir struct {
	root string
	file bool
}

// ErrNotFile is a local path that is neither a directory nor a regular
// file: a named pipe, a device, a socket. Opening a named pipe that has no
// writer blocks, beyond the reach of ctx and of Ctrl-C.
var ErrNotFile = errors.New("not a directory or a regular file")

// NewDir returns the source for a local path, which must exist and be a
// directory or a regular file.
func NewDir(path string) (*Dir, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err // os.Stat names the path
	}
	if !st.IsDir() && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", path, ErrNotFile)
	}
	return &Dir{root: path, file: !st.IsDir()}, nil
}

func (d *Dir) String() string { return d.root }

// List walks the directory in lexical order. A single file is listed
// whatever its name: the user named it.
func (d *Dir) List(ctx context.Context, q trail.Scope, fn func(Object) error) error {
	if d.file {
		st, err := os.Stat(d.root)
		if err != nil {
			return fmt.Errorf("list %s: %w", d.root, err)
		}
		return fn(Object{Key: filepath.Base(d.root), Path: d.root, Size: st.Size(), ModTime: st.ModTime()})
	}
	// A trailing separator makes the walk follow a root that is a link to
	// a directory, as the user expects; links below it are not followed.
	root := d.root + string(filepath.Separator)
	return filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if path == root && err != nil {
			return fmt.Errorf("list %s: %w", d.root, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, relErr := filepath.Rel(d.root, path)
		if relErr != nil {
			return relErr
		}
		key := filepath.ToSlash(rel)
		if err != nil { // a folder or file below the root: report it, go on
			if ferr := fn(Object{Key: key, Path: path, Err: err}); ferr != nil {
				return ferr
			}
			if e != nil && e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			if path != root && q.Excludes(key) {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() || !IsLog(e.Name()) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return fn(Object{Key: key, Path: path, Err: err})
		}
		return fn(Object{Key: key, Path: path, Size: info.Size(), ModTime: info.ModTime()})
	})
}

// Open opens a listed file.
func (d *Dir) Open(ctx context.Context, o Object) (io.ReadCloser, error) {
	return os.Open(o.Path) // its errors name the path
}
