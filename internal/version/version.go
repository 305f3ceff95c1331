// Package version says which build of clickup-secret-scan is running. There
// is one source of truth per kind of build: a release binary carries the
// version it was stamped with, `go install module@vX.Y.Z` carries the module
// version Go records in the binary, and anything else is a development
// build named after the commit it was built from.
package version

import (
	"runtime/debug"
	"strings"
	"sync"
)

// stamped is set at link time by release builds and the image builds:
//
//	go build -ldflags "-X github.com/clickup-secret-scan/clickup-secret-scan/internal/version.stamped=v1.2.3"
//
// It must stay an uninitialised string variable, or -X cannot set it.
var stamped string

// Dev is the version of a build that is neither stamped nor built as a
// versioned module.
const Dev = "dev"

// String returns the version of the running binary, as `version` prints it:
// the stamped release version; else the main module's version from the
// build info (v1.2.3 after `go install ...@v1.2.3`, a pseudo-version when
// `go build` ran in a git checkout); else "dev", followed by "-" and the
// first 12 hex digits of the VCS revision and "+dirty" for a modified tree
// when the build info has them.
func String() string { return cached() }

var cached = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	return resolve(stamped, info)
})

// resolve applies String's rules to a stamp and the build info (nil when
// the binary has none).
func resolve(stamp string, info *debug.BuildInfo) string {
	if s := strings.TrimSpace(stamp); s != "" {
		return s
	}
	if info == nil {
		return Dev
	}
	// "(devel)" is what Go records for a main module built from a
	// directory without version control information.
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var revision string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	v := Dev
	if revision != "" {
		v += "-" + revision[:min(12, len(revision))]
		if dirty {
			v += "+dirty"
		}
	}
	return v
}
