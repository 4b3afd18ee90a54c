package buildinfo

import (
	"runtime/debug"
	"testing"
)

const (
	commitA = "af75324f0e1d2c3b4a5968778695a4b3c2d1e0f9"
	commitB = "0123456789abcdef0123456789abcdef01234567"
)

func TestFromBuildInfo(t *testing.T) {
	vcs := func(version, rev, modified string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/trailscan/trailscan", Version: version}}
		if rev != "" {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: "vcs.revision", Value: rev})
		}
		if modified != "" {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: "vcs.modified", Value: modified})
		}
		return bi
	}
	tests := []struct {
		name  string
		bi    *debug.BuildInfo
		stamp Info
		want  string
	}{
		{"no build info", nil, Info{}, "(devel)"},
		{"go build, VCS stamping off", vcs("(devel)", "", ""), Info{}, "(devel)"},
		{"go install of a tag", vcs("v1.2.3", "", ""), Info{}, "v1.2.3"},
		{"go build in a clean checkout", vcs("v1.2.4-0.20261201214500-af75324f0e1d", commitA, "false"),
			Info{}, "v1.2.4-0.20261201214500-af75324f0e1d (commit " + commitA + ")"},
		{"go build in a modified checkout", vcs("v1.2.4-0.20261201214500-af75324f0e1d+dirty", commitA, "true"),
			Info{}, "v1.2.4-0.20261201214500-af75324f0e1d+dirty (commit " + commitA + ", modified)"},
		{"release stamp wins", vcs("(devel)", commitB, "true"), Info{Version: "v1.3.0", Commit: commitA},
			"v1.3.0 (commit " + commitA + ")"},
		{"stamped version only", vcs("(devel)", commitA, "true"), Info{Version: "v1.3.0"},
			"v1.3.0 (commit " + commitA + ", modified)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fromBuildInfo(tt.bi, tt.stamp)
			if got.String() != tt.want {
				t.Errorf("got %q, want %q", got.String(), tt.want)
			}
			if back := Parse(got.String()); back != got {
				t.Errorf("Parse(%q) = %+v, want %+v", got.String(), back, got)
			}
		})
	}
}

func TestParseOther(t *testing.T) {
	tests := []struct {
		in   string
		want Info
	}{
		{"v1.0.0", Info{Version: "v1.0.0"}},
		{"(devel)", Info{Version: "(devel)"}},
		{"v1.0.0 (modified)", Info{Version: "v1.0.0", Modified: true}},
		{"mytool 3 (beta)", Info{Version: "mytool 3 (beta)"}},
		{"v1.0.0 (commit )", Info{Version: "v1.0.0 (commit )"}},
		{"v1.0.0 (commit x", Info{Version: "v1.0.0 (commit x"}},
	}
	for _, tt := range tests {
		if got := Parse(tt.in); got != tt.want {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestSame(t *testing.T) {
	release := Info{Version: "v1.2.3", Commit: commitA}
	builds := []Info{release, {Version: "v1.2.3"}, {Version: "v1.2.4-0.20261201214500-af75324f0e1d", Commit: commitA},
		{Version: "(devel)", Commit: commitA, Modified: true}, {Version: "(devel)"}, {Version: "v1.2.3", Commit: commitB}}
	// Merge checks each part against one: that must make them all alike.
	for _, a := range builds {
		for _, b := range builds {
			for _, c := range builds {
				if Same(a, b) && Same(b, c) && !Same(a, c) {
					t.Errorf("Same(%v, %v) and Same(%v, %v) but not Same(%v, %v)", a, b, b, c, a, c)
				}
			}
		}
	}
	tests := []struct {
		name string
		a, b Info
		want bool
	}{
		{"one build", release, release, true},
		{"release binary and a build of its commit", release, Info{Version: "v1.2.4-0.20261201214500-af75324f0e1d", Commit: commitA}, true},
		{"go install of one tag twice", Info{Version: "v1.2.3"}, Info{Version: "v1.2.3"}, true},
		// The tag may have named another commit when the other was built.
		{"release binary and go install of its tag", release, Info{Version: "v1.2.3"}, false},
		{"two releases", Info{Version: "v1.2.3"}, Info{Version: "v1.2.4"}, false},
		{"one tag, two commits", release, Info{Version: "v1.2.3", Commit: commitB}, false},
		{"clean and modified", release, Info{Version: "v1.2.3", Commit: commitA, Modified: true}, false},
		{"one modified build", Info{Version: "(devel)", Commit: commitA, Modified: true}, Info{Version: "(devel)", Commit: commitA, Modified: true}, true},
		{"two modified builds of one commit, named apart", Info{Version: "(devel)", Commit: commitA, Modified: true}, Info{Version: "v1.2.3", Commit: commitA, Modified: true}, false},
		// Nothing tells them apart: builds with VCS stamping off say no more.
		{"two builds that know nothing", Info{Version: "(devel)"}, Info{Version: "(devel)"}, true},
		{"devel and a commit", Info{Version: "(devel)"}, Info{Version: "(devel)", Commit: commitA}, false},
		{"two pseudo-versions without commits", Info{Version: "v0.0.0-20261201214500-af75324f0e1d"}, Info{Version: "v0.0.0-20261202214500-0123456789ab"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Same(tt.a, tt.b); got != tt.want {
				t.Errorf("Same(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := Same(tt.b, tt.a); got != tt.want {
				t.Errorf("Same(%v, %v) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}
