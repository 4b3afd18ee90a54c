package atomicfile

import (
	"os"

	"golang.org/x/sys/windows"
)

// replace renames tmp onto path. Windows has no directory to flush: a
// directory handle cannot be opened for writing, and FlushFileBuffers
// refuses one without. MOVEFILE_WRITE_THROUGH instead returns only once
// the rename is on disk.
func replace(tmp, path string) error {
	from, err := windows.UTF16PtrFromString(tmp)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: tmp, New: path, Err: err}
	}
	to, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: tmp, New: path, Err: err}
	}
	if err := windows.MoveFileEx(from, to, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH); err != nil {
		return &os.LinkError{Op: "rename", Old: tmp, New: path, Err: err}
	}
	return nil
}
