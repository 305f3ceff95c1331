package main

import (
	"context"
	"flag"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
)

// pipelineOptions are the post-processing flags: ignore rules and live
// verification (issue 6 fills these in).
type pipelineOptions struct{}

func addPipelineFlags(fs *flag.FlagSet, p *pipelineOptions) {}

// postProcess applies ignore rules and live verification to a report.
func postProcess(ctx context.Context, env Env, p *pipelineOptions, rep report.Report, stderr io.Writer) (report.Report, error) {
	return rep, nil
}
