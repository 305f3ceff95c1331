// Package source holds what every source of bytes to scan shares (a
// directory, the git history, a commit range, the staged index).
package source

import (
	"errors"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
)

// ErrNotRepository is wrapped when a path is not inside a git repository;
// it is the user's to fix and matches usage.Err.
var ErrNotRepository error = usage.Error{Err: errors.New("not a git repository")}
