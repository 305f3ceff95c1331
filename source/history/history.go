// Package history scans every object of a git repository for ClickUp
// credentials and says where each one came from: the commit that introduced
// it at a path, its author and date, and whether it is still at HEAD.
//
// The scan runs in stages, so that each unique blob is inflated and scanned
// once whatever the number of commits and paths that share it: blobs are
// enumerated from the pack indexes and the loose object store and scanned in
// parallel; only then, and only for the blobs that matched, are the commit
// graph and the trees walked to compute provenance. The git binary is never
// used: inside the Action's container the workspace belongs to another uid
// and git refuses it.
package history

import (
	"context"
	"errors"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

// Options selects what Scan reads.
type Options struct {
	// RepoPath is the repository (work tree, .git directory, bare
	// repository or linked worktree); "" means ".".
	RepoPath string
	// AllObjects also scans objects that no ref reaches (force-pushed-away
	// commits still in packs), for incident response.
	AllObjects bool
	// SinceCommit limits the scan to commits not reachable from this
	// revision (a commit id, branch, tag or any rev go-git resolves).
	SinceCommit string
	// StatePath is the incremental state file; "" means none. When it
	// exists, only objects added since the run that wrote it are scanned,
	// and the findings it recorded as open are reported again.
	StatePath string
}

// Result holds scan-level notices.
type Result struct {
	// Warnings are shown to the user: shallow clone, submodules not
	// scanned, missing objects.
	Warnings []string
}

// ErrNotRepository is returned (wrapped) when RepoPath is not a git
// repository; it is source.ErrNotRepository.
var ErrNotRepository = source.ErrNotRepository

// ErrBadState is returned (wrapped) when the state file is corrupt, of
// another format or version, or belongs to another repository. A bad state
// never falls back to a silent full rescan, which would lose the findings the
// state recorded as open.
var ErrBadState error = usage.Error{Err: errors.New("bad state file")}

// ErrStateNotSaved is returned (wrapped) when the scan finished but its
// state file could not be written; the collector holds every finding.
var ErrStateNotSaved = errors.New("state file not saved")

// ErrBadRevision is returned (wrapped) when SinceCommit does not resolve to
// a commit.
var ErrBadRevision error = usage.Error{Err: errors.New("bad revision")}

// Scan scans the repository's history and adds every match to col with
// Source "history" and full provenance. Per-object problems (a corrupt or
// missing object) are counted in sc's Stats and reported in Result.Warnings;
// the scan goes on. Scan leaves the process's memory limit alone: a
// command sets it once for its run with LimitMemory, which keeps the peak
// heap near the live heap.
func Scan(ctx context.Context, opts Options, sc *scanner.Scanner, col *scanner.Collector) (Result, error) {
	if opts.RepoPath == "" {
		opts.RepoPath = "."
	}
	s, err := open(opts, sc, col)
	if err != nil {
		return Result{}, err
	}
	return s.run(ctx)
}
