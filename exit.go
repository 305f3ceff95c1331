package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
)

// Exit codes, documented in README.md.
const (
	exitClean    = 0 // nothing found
	exitFindings = 1 // at least one finding (or a failed audit check)
	exitUsage    = 2 // bad usage or input
	exitInternal = 3 // internal failure
)

// errFindings is returned by a command whose scan found credentials (or
// whose audit failed a check): exit 1, with nothing more to print, since
// the report said it all.
var errFindings = errors.New("credentials found")

// findingsAnd marks err, which main prints, as the error of a run that
// also found credentials, so that the exit code stays 1: a found credential
// must never look like an infrastructure failure.
type findingsAnd struct{ error }

func (e findingsAnd) Unwrap() []error { return []error{errFindings, e.error} }

// errShown wraps an error whose message the user has already seen (the
// flag package prints its own, the Action its annotations): main maps it
// to an exit code without printing it again.
type errShown struct{ error }

func (e errShown) Unwrap() error { return e.error }

// withUsage is an error after which main prints the command's usage.
type withUsage struct {
	error
	usage func()
}

func (e withUsage) Unwrap() error { return e.error }

// usageErrorf returns an error that is the user's to fix (exit 2).
func usageErrorf(format string, a ...any) error {
	return usage.Error{Err: fmt.Errorf(format, a...)}
}

// exitCode prints err, unless it was shown already, and maps it to the exit
// code: nil or -h 0, errFindings 1, an error matching usage.Err 2, anything
// else 3. It is the only place that does either.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitClean
	}
	var shown errShown
	if err != errFindings && !errors.As(err, &shown) {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
	}
	var wu withUsage
	if errors.As(err, &wu) {
		wu.usage()
	}
	switch {
	case errors.Is(err, errFindings):
		return exitFindings
	case errors.Is(err, usage.Err):
		return exitUsage
	}
	return exitInternal
}
