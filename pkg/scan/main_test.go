package scan_test

import (
	"os"
	"testing"
)

var tempRoot string

// TestMain gives the tests one temporary directory for archives they share,
// removed at the end.
func TestMain(m *testing.M) {
	var err error
	tempRoot, err = os.MkdirTemp("", "trailscan-scan-test-")
	if err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(tempRoot)
	os.Exit(code)
}

func tempDir() (string, error) { return os.MkdirTemp(tempRoot, "archive-") }
