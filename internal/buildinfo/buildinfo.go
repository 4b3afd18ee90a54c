package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Info identifies a build.
type Info struct {
	Version  string // module version: v1.2.3, a pseudo-version or (devel)
	Commit   string // the VCS revision, when known
	Modified bool   // the tree had uncommitted changes
}

// Devel is the module version of a build that knows none: the go
// command's word for it.
const Devel = "(devel)"

// Current is the running binary's build. stamp is what a release build
// set with -ldflags -X; what it leaves empty comes from the build info.
func Current(stamp Info) Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuildInfo(bi, stamp)
}

func fromBuildInfo(bi *debug.BuildInfo, stamp Info) Info {
	var i Info
	if bi != nil {
		i.Version = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				i.Commit = s.Value
			case "vcs.modified":
				i.Modified = s.Value == "true"
			}
		}
	}
	if stamp.Version != "" {
		i.Version = stamp.Version
	}
	// A stamped commit comes with its own modified flag.
	if stamp.Commit != "" {
		i.Commit, i.Modified = stamp.Commit, stamp.Modified
	}
	if i.Version == "" {
		i.Version = Devel
	}
	return i
}

// String is "VERSION", "VERSION (commit HASH)" or
// "VERSION (commit HASH, modified)": what --version prints and parts
// record. Parse reads it back.
func (i Info) String() string {
	var extra []string
	if i.Commit != "" {
		extra = append(extra, "commit "+i.Commit)
	}
	if i.Modified {
		extra = append(extra, "modified")
	}
	if len(extra) == 0 {
		return i.Version
	}
	return i.Version + " (" + strings.Join(extra, ", ") + ")"
}

// Parse reads what String wrote. Any other text is a version alone, so
// versions written before commits were recorded still compare.
func Parse(s string) Info {
	v, rest, ok := strings.Cut(s, " (")
	if !ok || !strings.HasSuffix(rest, ")") {
		return Info{Version: s}
	}
	i := Info{Version: v}
	for _, f := range strings.Split(strings.TrimSuffix(rest, ")"), ", ") {
		switch c, found := strings.CutPrefix(f, "commit "); {
		case found && c != "":
			i.Commit = c
		case f == "modified":
			i.Modified = true
		default:
			return Info{Version: s}
		}
	}
	return i
}

// Same reports whether a and b are known to be builds of one source tree:
// they record the same, or the same commit, unmodified (a release binary
// and a build of its tagged commit). A build that names no commit (a go
// install of a tag) is the same only as one that records exactly what it
// does: a version alone does not say which commit a tag named. Nothing
// tells two modified trees of one commit apart, nor two (devel) builds
// that recorded no commit.
//
// Same is an equivalence, so that parts checked against one part are
// also the same build as each other.
func Same(a, b Info) bool {
	switch {
	case a == b:
		return true
	case a.Modified || b.Modified:
		return false
	default:
		return a.Commit != "" && a.Commit == b.Commit
	}
}
