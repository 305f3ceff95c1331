package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// runHistory scans every commit of a repository: blobs, commit messages and
// annotated tag messages, each unique blob once, with the introducing
// commit of every finding.
func runHistory(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) int {
	fs := newFlagSet("history", stderr)
	var opts history.Options
	fs.StringVar(&opts.RepoPath, "repo", ".", "the git repository to scan (work tree, .git directory or bare repository)")
	fs.BoolVar(&opts.AllObjects, "all-objects", false, "also scan objects that no ref reaches (force-pushed-away commits), for incident response")
	fs.StringVar(&opts.SinceCommit, "since-commit", "", "only scan commits not reachable from this revision")
	fs.StringVar(&opts.StatePath, "state", "", "incremental state file: scan only what is new since the run that wrote it, and report its open findings again")
	o := addOutputFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "clickup-secret-scan: history takes no arguments (got %q); use --repo PATH\n", fs.Arg(0))
		return exitUsage
	}
	if err := o.validate(); err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		return exitUsage
	}
	if o.pipeline.RepoRoot == "" {
		o.pipeline.RepoRoot = opts.RepoPath
	}
	sc, stats, col := newScan(scanner.Options{})
	res, err := history.Scan(ctx, opts, sc, col)
	if errors.Is(err, history.ErrStateNotSaved) {
		// The scan itself finished: report it, and let findings keep exit
		// code 1; a clean scan whose state is lost is an internal failure.
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		rep := report.Report{Mode: report.ModeHistory, Findings: col.Findings(), Stats: stats.Snapshot(), Warnings: res.Warnings}
		if code := finish(ctx, env, o, rep, stdout, stderr); code != exitClean {
			return code
		}
		return exitInternal
	}
	if err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		switch {
		case errors.Is(err, history.ErrNotRepository), errors.Is(err, history.ErrBadState), errors.Is(err, history.ErrBadRevision):
			return exitUsage
		}
		return exitInternal
	}
	rep := report.Report{Mode: report.ModeHistory, Findings: col.Findings(), Stats: stats.Snapshot(), Warnings: res.Warnings}
	return finish(ctx, env, o, rep, stdout, stderr)
}
