package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
)

// File is a file being written in place of another.
type File struct {
	*os.File
	path    string
	inPlace bool // path is a device or a pipe: written directly
	done    bool
}

// Create starts replacing path. The new content goes to a temporary file
// in the same directory, which Commit renames onto path. The file keeps
// the mode of the file it replaces, or gets perm. A path that exists and
// is not a regular file (/dev/stdout, a pipe) is written directly:
// renaming onto it would replace the device instead of writing to it.
func Create(path string, perm os.FileMode) (*File, error) {
	st, err := os.Stat(path)
	switch {
	case err == nil && !st.Mode().IsRegular():
		// No O_TRUNC: a device or a pipe has no length to cut, and
		// Windows refuses to open NUL with it.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &File{File: f, path: path, inPlace: true}, nil
	case err == nil:
		perm = st.Mode().Perm()
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &File{File: f, path: path}, nil
}

// Commit flushes the new content to disk and renames it onto the path,
// durably: the rename itself survives a crash.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: commit after commit or abort")
	}
	f.done = true
	if f.inPlace {
		return f.Close()
	}
	tmp := f.Name()
	defer os.Remove(tmp) // nothing is left to remove after the rename
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return replace(tmp, f.path)
}

// Abort drops the new content and leaves path as it was. It does nothing
// after Commit, so it can be deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	if !f.inPlace {
		os.Remove(f.Name())
	}
}
