package buildinfo

import (
	"regexp"
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

// Same reports whether a and b are known to be one build, or builds of one
// source tree: the same commit, unmodified, or the same release version
// when a commit is not known for both (a release binary and a go install
// of its tag). A modified tree is the same only as a build that records
// exactly the same: nothing tells two modified trees of one commit apart,
// nor two (devel) builds that recorded no commit.
func Same(a, b Info) bool {
	switch {
	case a == b:
		return true
	case a.Modified || b.Modified:
		return false
	case a.Commit != "" && b.Commit != "":
		return a.Commit == b.Commit
	default:
		return a.Version == b.Version && isRelease(a.Version)
	}
}

// pseudo matches the end of a Go pseudo-version, which names a commit
// rather than a release: -20260102150405-0123456789ab.
var pseudo = regexp.MustCompile(`[-.]\d{14}-[0-9a-f]{12}$`)

// isRelease reports whether v is a tagged release version: one source
// tree, whoever builds it.
func isRelease(v string) bool {
	return strings.HasPrefix(v, "v") && !strings.Contains(v, "+") && !pseudo.MatchString(v)
}
