// Package usage holds the one marker for errors that are the user's to fix
// (a bad flag, input, path or revision), so that the CLI and the Action
// map every one of them to the same exit code.
package usage

import "errors"

// Err is wrapped by errors that are the user's to fix; main maps them to
// exit code 2.
var Err = errors.New("usage error")

// Error is an error that is the user's to fix: it matches Err with
// errors.Is while its message is only that of the wrapped error.
type Error struct{ Err error }

func (e Error) Error() string { return e.Err.Error() }

// Unwrap returns the usage marker and the wrapped error.
func (e Error) Unwrap() []error { return []error{Err, e.Err} }
