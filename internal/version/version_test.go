package version

import (
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	info := func(mainVersion string, s []debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/clickup-secret-scan/clickup-secret-scan", Version: mainVersion}, Settings: s}
	}
	const rev = "76dc900aa1b2c3d4e5f60718293a4b5c6d7e8f90"
	tests := []struct {
		name  string
		stamp string
		info  *debug.BuildInfo
		want  string
	}{
		{"stamp wins over the module version", "v1.0.0", info("v0.9.0", nil), "v1.0.0"},
		{"stamp is trimmed", " v1.0.0-rc.1\n", nil, "v1.0.0-rc.1"},
		{"go install module@v1.2.3", "", info("v1.2.3", settings("vcs.revision", rev)), "v1.2.3"},
		{"pseudo-version from go build in a checkout", "", info("v1.0.1-0.20261204164100-76dc900aa1b2+dirty", nil), "v1.0.1-0.20261204164100-76dc900aa1b2+dirty"},
		{"devel with a clean revision", "", info("(devel)", settings("vcs.revision", rev, "vcs.modified", "false")), "dev-76dc900aa1b2"},
		{"devel with a dirty revision", "", info("(devel)", settings("vcs", "git", "vcs.revision", rev, "vcs.modified", "true")), "dev-76dc900aa1b2+dirty"},
		{"short revision kept whole", "", info("", settings("vcs.revision", "abc123")), "dev-abc123"},
		{"dirty without a revision says nothing it cannot name", "", info("(devel)", settings("vcs.modified", "true")), "dev"},
		{"no build info", "", nil, "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := resolve(tt.stamp, tt.info); got != tt.want {
				t.Errorf("resolve(%q, ...) = %q, want %q", tt.stamp, got, tt.want)
			}
		})
	}
}

// TestStampedByLinker builds the real command with -ldflags -X and checks
// that the variable the release script and the Dockerfiles stamp is the one
// `version` and `--version` print: a renamed variable would silently make
// every release print a development version.
func TestStampedByLinker(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "clickup-secret-scan")
	const flag = "-X github.com/clickup-secret-scan/clickup-secret-scan/internal/version.stamped=v9.8.7-test.1"
	cmd := exec.Command("go", "build", "-ldflags", flag, "-o", bin, "github.com/clickup-secret-scan/clickup-secret-scan")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.Command(bin, arg).Output()
		if err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		if got, want := string(out), "clickup-secret-scan v9.8.7-test.1\n"; got != want {
			t.Errorf("stamped binary: %s prints %q, want %q", arg, got, want)
		}
	}
}
