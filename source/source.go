package source

import (
	"context"
	"errors"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// Source is one place to scan for credentials: a directory tree, the
// history of a repository, a commit range, the staged index. A new source
// (many repositories of an organisation, say) is one more implementation;
// the CLI, the Action and the audit drive every source the same way.
type Source interface {
	// Mode names what the source scans in reports.
	Mode() report.Mode
	// Scan feeds every item of the source to sc and adds every match to
	// col, with scanner.Location fields saying where it was. Per-item
	// failures are counted in sc's stats and the scan goes on; an error
	// means the scan could not start or finish (col then holds what was
	// found before it).
	Scan(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (Result, error)
}

// Result is what a scan says besides its findings.
type Result struct {
	// Warnings are scan-level notices for the user (shallow clone,
	// submodules not scanned, archive limits hit).
	Warnings []string
	// Added maps each path at the head of a commit range to the 1-based
	// inclusive line ranges the range adds (where review comments may go);
	// nil for other sources.
	Added map[string][]LineRange
}

// LineRange is an inclusive range of 1-based line numbers.
type LineRange struct{ Start, End int }

// Run scans s with a fresh scanner tuned by opts and returns the report of
// what it found, before post-processing. On error the report still holds
// every finding made before it.
func Run(ctx context.Context, s Source, opts scanner.Options) (report.Report, Result, error) {
	stats := &scanner.Stats{}
	col := scanner.NewCollector()
	res, err := s.Scan(ctx, scanner.New(opts, stats), col)
	rep := report.Report{Mode: s.Mode(), Findings: col.Findings(), Stats: stats.Snapshot(), Warnings: res.Warnings}
	return rep, res, err
}

// RepoOrDir scans Repo (the history of a git repository) and, when its
// path is not in a git repository, Dir (the same path as a directory tree)
// instead: the policy of commands that accept either.
type RepoOrDir struct {
	Repo, Dir Source
	usedDir   bool
}

// Mode returns the mode of the source that ran (Repo's before Scan).
func (s *RepoOrDir) Mode() report.Mode {
	if s.usedDir {
		return s.Dir.Mode()
	}
	return s.Repo.Mode()
}

// Scan scans Repo, or Dir when Repo fails with ErrNotRepository.
func (s *RepoOrDir) Scan(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (Result, error) {
	res, err := s.Repo.Scan(ctx, sc, col)
	if !errors.Is(err, ErrNotRepository) {
		return res, err
	}
	s.usedDir = true
	return s.Dir.Scan(ctx, sc, col)
}

// UsedDir reports whether the last Scan fell back to Dir.
func (s *RepoOrDir) UsedDir() bool { return s.usedDir }
