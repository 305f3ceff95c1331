package diff

import (
	"context"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

// Range is the commit range that Options name, as a source.Source; its
// Result.Added holds the lines the range adds.
type Range Options

// Mode returns report.ModeDiff.
func (Range) Mode() report.Mode { return report.ModeDiff }

// Scan runs ScanRange with the source's options.
func (s Range) Scan(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (source.Result, error) {
	res, err := ScanRange(ctx, Options(s), sc, col)
	return source.Result{Warnings: res.Warnings, Added: res.Added}, err
}

// Staged is the staged index of a repository, as a source.Source.
type Staged struct {
	// RepoPath is the repository (its work tree or git directory).
	RepoPath string
	// IndexFile is the index to read; "" means the repository's own.
	IndexFile string
	// MessageFile is the message of the commit being made (the file git
	// passes to a commit-msg hook), scanned after the index; "" scans the
	// index alone.
	MessageFile string
}

// Mode returns report.ModeStaged.
func (Staged) Mode() report.Mode { return report.ModeStaged }

// Scan runs ScanIndex, then ScanMessageFile when MessageFile is set.
func (s Staged) Scan(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (source.Result, error) {
	res, err := ScanIndex(ctx, s.RepoPath, s.IndexFile, sc, col)
	if err == nil && s.MessageFile != "" {
		err = ScanMessageFile(s.RepoPath, s.MessageFile, sc, col)
	}
	return source.Result{Warnings: res.Warnings}, err
}
