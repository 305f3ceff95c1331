// Package lazyre compiles package-level regular expressions on first use.
//
// Every command pays for each package's initialisation, and a compiled
// regexp.MustCompile at package level runs whether or not the command uses
// it: the scanner's one case-insensitive expression alone took 1.3 ms of a
// 17 ms start. A directory scan of a build tree takes about 150 ms, so
// start-up is a tenth of it.
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr on its first call and returns
// the same *regexp.Regexp on every call. Like regexp.MustCompile it panics
// when expr does not compile; the package's tests call each one.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
