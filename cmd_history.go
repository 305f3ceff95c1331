package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// runHistory scans every commit of a repository: blobs, commit messages and
// annotated tag messages, each unique blob once, with the introducing
// commit of every finding.
func runHistory(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fs := newFlagSet("history", stdout, stderr)
	var opts history.Options
	fs.StringVar(&opts.RepoPath, "repo", ".", "the git repository to scan (work tree, .git directory or bare repository)")
	fs.BoolVar(&opts.AllObjects, "all-objects", false, "also scan objects that no ref reaches (force-pushed-away commits), for incident response")
	fs.StringVar(&opts.SinceCommit, "since-commit", "", "only scan commits not reachable from this revision")
	fs.StringVar(&opts.StatePath, "state", "", "incremental state file: scan only what is new since the run that wrote it, and report its open findings again")
	o := addOutputFlags(fs)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fs.usageErrorf("history takes no arguments (got %q); use --repo PATH", fs.Arg(0))
	}
	if err := o.validate(fs, env, stdout); err != nil {
		return err
	}
	if o.pipeline.RepoRoot == "" {
		o.pipeline.RepoRoot = opts.RepoPath
	}
	// One scan at a time: the limit it is tuned for (see LimitMemory).
	defer history.LimitMemory(1)()
	rep, _, err := source.Run(ctx, source.WithProgress(history.Source(opts), o.progress(stderr), progressAfter), scanner.Options{})
	if errors.Is(err, history.ErrBadRevision) {
		return fmt.Errorf("--since-commit: %w", err)
	}
	if err != nil && !errors.Is(err, history.ErrStateNotSaved) {
		return err
	}
	ferr := finish(ctx, o, rep, stdout, stderr)
	if err == nil || (ferr != nil && ferr != errFindings) {
		return ferr
	}
	// The scan itself finished but its state is lost: findings keep exit
	// code 1; a clean scan whose state is lost is an internal failure.
	if ferr == errFindings {
		return findingsAnd{err}
	}
	return err
}
