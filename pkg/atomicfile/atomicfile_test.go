package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// perm is the mode a file created with mode m reports: on Windows, whose
// files are only writable or read-only, what Go reports for writable.
func perm(m os.FileMode) os.FileMode {
	if runtime.GOOS == "windows" && m&0o200 != 0 {
		return 0o666
	}
	return m
}

func TestReplace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("before Commit, path holds %q", b)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if b, _ := os.ReadFile(path); string(b) != "new" || st.Mode().Perm() != perm(0o640) {
		t.Errorf("after Commit: %q, mode %v; want new, %v", b, st.Mode().Perm(), perm(0o640))
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestNewFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.html")
	f, err := Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Commit()
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != perm(0o644) {
		t.Errorf("mode %v, %v; want %v", st.Mode().Perm(), err, perm(0o644))
	}
}

func TestAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	os.WriteFile(path, []byte("old"), 0o600)
	f, err := Create(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half")
	f.Abort()
	f.Abort() // deferred twice: harmless
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("after Abort, path holds %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left in the directory: %v", entries)
	}
}

// TestDevice writes to a device in place rather than replacing it.
func TestDevice(t *testing.T) {
	f, err := Create(os.DevNull, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("discarded")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
		t.Fatalf("%s is no longer a device: %v %v", os.DevNull, st.Mode(), err)
	}
}
