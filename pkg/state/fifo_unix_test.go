//go:build unix

package state

import (
	"path/filepath"
	"syscall"
	"testing"
)

// namedPipe makes a named pipe that nothing writes to.
func namedPipe(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "state.json")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
