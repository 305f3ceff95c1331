package main

import (
	"context"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/audit"
	"github.com/clickup-secret-scan/clickup-secret-scan/postprocess"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
)

// runAudit implements `audit [--repo PATH] [--format text|json]`: the
// ClickUp security checklist. It exits 1 when a check fails or cannot run.
func runAudit(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit", stdout, stderr)
	repo := fs.String("repo", ".", "the repository `path` to audit")
	format := fs.String("format", "text", "output `format`: text or json")
	output := fs.String("output", "", "write the checklist to this `file` instead of stdout")
	exitZero := fs.Bool("exit-zero", false, "exit 0 when a check fails (the checklist still says so); bad usage (2) and failures (3) still fail")
	var p postprocess.Options
	addPipelineFlags(fs, &p)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fs.usageErrorf("audit takes no arguments (use --repo PATH)")
	}
	if *format != "text" && *format != "json" {
		return fs.usageErrorf("unknown --format %q (want text or json)", *format)
	}
	p.RepoRoot = *repo
	closeLog, err := withAuditLog(&p, stderr)
	if err != nil {
		return err
	}
	defer closeLog()
	cl, err := audit.Run(ctx, audit.Options{
		RepoPath: *repo,
		PostProcess: func(ctx context.Context, rep report.Report) (report.Report, error) {
			return postprocess.Apply(ctx, p, rep, stderr)
		},
	})
	if err != nil {
		return err
	}
	if err := writeChecklist(*output, *format, cl, stdout); err != nil {
		return err
	}
	if cl.Failed() > 0 && !*exitZero {
		return errFindings
	}
	return nil
}

func writeChecklist(output, format string, cl report.Checklist, stdout io.Writer) error {
	if output == "" {
		return report.WriteChecklist(stdout, format, cl)
	}
	return report.WriteFile(output, func(w io.Writer) error { return report.WriteChecklist(w, format, cl) })
}
