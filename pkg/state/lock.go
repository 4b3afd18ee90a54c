package state

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
)

// LockedError is a state file that another run is using. Two runs of one
// state would each read what the other reads, and the last to save would
// drop what the first saved: the second is refused instead.
type LockedError struct {
	Path string // the state file
	PID  int    // the process that holds it, or 0 when it cannot be told
}

func (e *LockedError) Error() string {
	who := "another trailscan run"
	if e.PID > 0 {
		who += fmt.Sprintf(" (pid %d)", e.PID)
	}
	return fmt.Sprintf("%s holds state %s (locked with %s)", who, e.Path, lockPath(e.Path))
}

// lockPath is the file locked for the state at path. It is not the state
// itself: Save replaces that by renaming another file onto it, and a lock
// held on the file it replaced would lock nothing.
func lockPath(path string) string { return path + ".lock" }

// lock takes the state at path for this process, or fails at once with a
// *LockedError if another holds it. The lock file is created, and left in
// place: removing it would let a run lock a file that a later run no
// longer finds at its name. The lock ends with unlock, or with the
// process, however it ends.
func lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(lockPath(path), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock state %s: %w", path, err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock state %s: %w", path, err)
	}
	if !held {
		pid := readPID(f)
		f.Close()
		return nil, &LockedError{Path: path, PID: pid}
	}
	// The PID is only for the message of a run that finds the state held;
	// failing to write it takes nothing from the lock.
	if f.Truncate(0) == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() {
		f.Truncate(0) // a PID left behind would name a run that has ended
		f.Close()     // and with it the lock
	}, nil
}

// readPID reads the PID the lock's holder wrote, or 0.
func readPID(f *os.File) int {
	b, err := io.ReadAll(io.LimitReader(f, 32))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
