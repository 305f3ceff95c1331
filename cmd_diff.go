package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/diff"
)

// runDiff scans every commit in base..head: what a pull request or a push
// adds. A base missing from the repository (a shallow clone) is a usage
// error, never a silent empty scan.
func runDiff(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) int {
	fs := newFlagSet("diff", stderr)
	base := fs.String("base", "", "the revision the range starts from, excluded (required): a commit id, branch or tag")
	head := fs.String("head", "HEAD", "the revision the range ends at, included")
	repo := fs.String("repo", ".", "the repository to scan")
	o := addOutputFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: clickup-secret-scan diff --base REV [--head REV] [--repo PATH] [--format text|json|sarif] [--output FILE]")
		fmt.Fprintln(stderr, "\nScans every commit in base..head against its first parent; a token on an added line is a new leak,")
		fmt.Fprintln(stderr, "one on a removed line is reported as removed (still in history: rotate it).")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if err := o.validate(); err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		return exitUsage
	}
	if *base == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "clickup-secret-scan: diff needs --base REV and takes no arguments")
		fs.Usage()
		return exitUsage
	}
	if o.pipeline.RepoRoot == "" {
		// Location paths are relative to the working tree's top, and so
		// are the ignore file and its path globs, whatever --repo names.
		root, err := diff.WorkTree(*repo)
		if err != nil {
			fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
			return repoErrorCode(err)
		}
		o.pipeline.RepoRoot = root
	}
	sc, stats, col := newScan(scanner.Options{})
	res, err := diff.ScanRange(ctx, diff.Options{RepoPath: *repo, Base: *base, Head: *head}, sc, col)
	if err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		return repoErrorCode(err)
	}
	rep := report.Report{Mode: "diff", Findings: col.Findings(), Stats: stats.Snapshot(), Warnings: res.Warnings}
	return finish(ctx, env, o, rep, stdout, stderr)
}

// repoErrorCode maps a source/diff error to an exit code: the user's to fix
// (no repository, base not fetched) or internal.
func repoErrorCode(err error) int {
	if errors.Is(err, diff.ErrBaseNotFound) || errors.Is(err, diff.ErrHeadNotFound) || errors.Is(err, diff.ErrNotRepository) || errors.Is(err, errUsage) {
		return exitUsage
	}
	return exitInternal
}
