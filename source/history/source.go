package history

import (
	"context"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

// Source is the history that Options name, as a source.Source.
type Source Options

// Mode returns report.ModeHistory.
func (Source) Mode() report.Mode { return report.ModeHistory }

// Scan runs Scan with the source's options.
func (s Source) Scan(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (source.Result, error) {
	res, err := Scan(ctx, Options(s), sc, col)
	return source.Result{Warnings: res.Warnings}, err
}
