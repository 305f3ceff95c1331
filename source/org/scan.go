package org

import (
	"context"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// scanClone scans the bare clone at gitDir with the history engine, as the
// history command does, keeping its incremental state at statePath ("" for
// none). It is the only place this package calls an engine, so that moving
// to another source contract is a change here alone.
func scanClone(ctx context.Context, gitDir, statePath string, sc *scanner.Scanner, col *scanner.Collector) (warnings []string, err error) {
	res, err := history.Scan(ctx, history.Options{RepoPath: gitDir, StatePath: statePath}, sc, col)
	return res.Warnings, err
}
