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

// ErrNotFile is a local path that is neither a directory nor a regular
// file: a named pipe, a device, a socket. Opening a named pipe that has no
// writer blocks, beyond the reach of ctx and of Ctrl-C.
var ErrNotFile = errors.New("not a directory or a regular file")

// NewDir returns the source for a local path, which must exist and be a
// directory of downloaded logs or a regular file, listed whatever its name
// (the user named it).
func NewDir(path string) (*Location, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err // os.Stat names the path
	}
	if !st.IsDir() && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", path, ErrNotFile)
	}
	if !st.IsDir() {
		return &Location{name: path, driver: dir{filepath.Dir(path)}, below: filepath.Base(path), single: true}, nil
	}
	return &Location{name: path, driver: dir{path}}, nil
}

// dir is the driver of a local directory: keys are slash-separated paths
// below root.
type dir struct{ root string }

func (d dir) stat(ctx context.Context, key string) (Object, error) {
	path := filepath.Join(d.root, filepath.FromSlash(key))
	st, err := os.Stat(path)
	if err != nil {
		return Object{}, pathless(err)
	}
	return Object{Key: key, Path: path, Size: st.Size(), ModTime: st.ModTime()}, nil
}

// list walks the directory in lexical order.
func (d dir) list(ctx context.Context, prefix string, q Folders, share Share, fn func(Object) error) error {
	// A trailing separator makes the walk follow a root that is a link to
	// a directory, as the user expects; links below it are not followed.
	top := filepath.Join(d.root, filepath.FromSlash(prefix)) + string(filepath.Separator)
	return filepath.WalkDir(top, func(path string, e fs.DirEntry, err error) error {
		if path == top && err != nil {
			return pathless(err)
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
			if path != top && (q.Excludes(key) || !owns(share, key)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return fn(Object{Key: key, Path: path, Err: err})
		}
		return fn(Object{Key: key, Path: path, Size: info.Size(), ModTime: info.ModTime()})
	})
}

func (d dir) open(ctx context.Context, o Object) (io.ReadCloser, error) {
	f, err := os.Open(o.Path)
	if err != nil {
		return nil, pathless(err)
	}
	return f, nil
}

// pathless is the reason of an os error without the path it names, which
// a Location's errors name already.
func pathless(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

// owns reports whether share owns the folder dir: any folder but a day
// folder it does not own.
func owns(share Share, dir string) bool {
	if share == nil {
		return true
	}
	l, ok := trail.ParseLayout(dir)
	return !ok || l.Day == 0 || l.Region == "" || share(l)
}
