package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/clickup-secret-scan/clickup-secret-scan/action"
	"github.com/clickup-secret-scan/clickup-secret-scan/audit"
	"github.com/clickup-secret-scan/clickup-secret-scan/postprocess"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
)

// runAction runs the GitHub Action: inputs come from INPUT_* variables and
// the event from GITHUB_EVENT_PATH, as the runner passes them to the
// container (see action.yml). Exit codes: 0 clean (or fail-on-findings
// false), 1 findings, 2 bad input or event payload, 3 internal failure,
// what the event adds could not be scanned, or the outputs or job summary
// could not be written (see actionExit).
func runAction(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fs := newFlagSet("action", stdout, stderr)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fs.usageErrorf("action takes no arguments; inputs come from INPUT_* variables")
	}
	getenv := func(k string) string { return env(k) }
	gha := githubactions.New(githubactions.WithWriter(stdout), githubactions.WithGetenv(getenv))
	in, err := action.ReadInputs(gha)
	if err != nil {
		return annotate(gha, err)
	}
	ws := env("GITHUB_WORKSPACE")
	p := postprocess.Options{
		IgnoreFile:    inWorkspace(ws, in.IgnoreFile),
		RepoRoot:      ws,
		Verify:        in.Verify,
		ClickUpAPIURL: in.ClickUpAPIURL,
		APIURLOption:  "input clickup-api-url",
		AuditLog:      inWorkspace(ws, in.AuditLog),
	}
	post := func(ctx context.Context, rep report.Report) (report.Report, error) {
		return postprocess.Apply(ctx, p, rep, stderr)
	}
	out, err := action.Run(ctx, in, action.Options{
		Getenv:      getenv,
		Stdout:      stdout,
		Stderr:      stderr,
		PostProcess: post,
		Audit:       actionAudit(post),
	})
	if err != nil {
		return annotate(gha, err)
	}
	return actionExit(in, out)
}

// actionExit maps what a run found to the exit code. Findings win: a
// workflow may treat 3 as an infrastructure flake to retry or ignore, and a
// found credential must never look like one, even when the outputs could
// not be written (that error is printed all the same). Otherwise a scan
// that could not cover what the event adds, or outputs, a job summary or a
// history-state file that could not be written, exit 3: a run must not pass
// as clean when later steps (or the next scheduled run, for the state) miss
// what it should have left them, or when a commit range went unscanned
// (even with fail-on-findings false, which waives findings, not a blind
// spot). The history command maps an unsaved state the same way.
func actionExit(in action.Inputs, out action.Outcome) error {
	switch {
	case out.AuditFailed:
		return errFindings
	case out.Findings > 0 && in.FailOnFindings:
		return errFindings
	case out.Incomplete:
		// action.Run has said what went unscanned.
		return errShown{errors.New("what the event adds could not be scanned in full")}
	case out.FileCommandErr != nil:
		return errShown{out.FileCommandErr}
	case out.StateNotSaved != nil:
		return errShown{out.StateNotSaved}
	}
	return nil
}

// actionAudit runs the checklist of the audit command for mode: audit.
func actionAudit(post func(context.Context, report.Report) (report.Report, error)) action.AuditFunc {
	return func(ctx context.Context, repoPath string) (string, bool, error) {
		cl, err := audit.Run(ctx, audit.Options{RepoPath: repoPath, PostProcess: post})
		if err != nil {
			if errors.Is(err, audit.ErrBadRepo) {
				err = fmt.Errorf("%w: %w", action.ErrUsage, err)
			}
			return "", false, err
		}
		var b strings.Builder
		if err := report.WriteChecklist(&b, "text", cl); err != nil {
			return "", false, fmt.Errorf("failed to render the checklist: %w", err)
		}
		return b.String(), cl.Failed() > 0, nil
	}
}

// annotate shows err as an error annotation on the workflow run and
// returns it, for main to print on stderr and map to an exit code.
func annotate(gha *githubactions.Action, err error) error {
	gha.Errorf("clickup-secret-scan: %v", err)
	return err
}

// inWorkspace resolves a relative path input against the workspace, where
// the runner mounts the repository; "" stays "".
func inWorkspace(ws, p string) string {
	if p == "" || filepath.IsAbs(p) || ws == "" {
		return p
	}
	return filepath.Join(ws, filepath.FromSlash(p))
}
