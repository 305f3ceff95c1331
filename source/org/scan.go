package org

import (
	"context"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// scanClone scans the bare clone at gitDir through the source contract
// with the history source, as the history command does, keeping its
// incremental state at statePath ("" for none), and names fullName
// (OWNER/NAME) as the repository of every location. On error the report
// still holds every finding made before it; with history.ErrStateNotSaved
// the scan itself is complete.
func scanClone(ctx context.Context, gitDir, statePath, fullName string) (report.Report, error) {
	src := history.Source{RepoPath: gitDir, StatePath: statePath}
	rep, _, err := source.Run(ctx, src, scanner.Options{})
	for i := range rep.Findings {
		for j := range rep.Findings[i].Locations {
			rep.Findings[i].Locations[j].Repository = fullName
		}
	}
	return rep, err
}
