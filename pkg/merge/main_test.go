package merge

import (
	"os"
	"testing"
)

// TestMain removes the generated archive the tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	if archiveDir != "" {
		os.RemoveAll(archiveDir)
	}
	os.Exit(code)
}

func mkdirTemp() (string, error) { return os.MkdirTemp("", "trailscan-merge-") }
