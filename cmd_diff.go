package main

import (
	"context"
	"errors"
	"flag"
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
	if code, ok := checkRepoScan(fs, o, *base != "", "diff needs --base REV and takes no arguments", *repo, stderr); !ok {
		return code
	}
	sc, stats, col := newScan(scanner.Options{})
	res, err := diff.ScanRange(ctx, diff.Options{RepoPath: *repo, Base: *base, Head: *head}, sc, col)
	if err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		return repoErrorCode(err)
	}
	rep := report.Report{Mode: report.ModeDiff, Findings: col.Findings(), Stats: stats.Snapshot(), Warnings: res.Warnings}
	return finish(ctx, env, o, rep, stdout, stderr)
}

// checkRepoScan ends the flag handling that diff and staged share: it
// validates the output flags, rejects arguments (and flag values that
// flagsOK says are wrong) with argsErr and the usage, and, unless set
// already, roots location paths at the top of repo's working tree. ok false
// means: stop with code.
func checkRepoScan(fs *flag.FlagSet, o *outputOptions, flagsOK bool, argsErr, repo string, stderr io.Writer) (code int, ok bool) {
	if err := o.validate(); err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		return exitUsage, false
	}
	if !flagsOK || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "clickup-secret-scan: "+argsErr)
		fs.Usage()
		return exitUsage, false
	}
	if o.pipeline.RepoRoot == "" {
		// Location paths are relative to the working tree's top, and so
		// are the ignore file and its path globs, whatever --repo names.
		root, err := diff.WorkTree(repo)
		if err != nil {
			fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
			return repoErrorCode(err), false
		}
		o.pipeline.RepoRoot = root
	}
	return 0, true
}

// repoErrorCode maps a source/diff error to an exit code: the user's to fix
// (no repository, base not fetched) or internal.
func repoErrorCode(err error) int {
	if errors.Is(err, diff.ErrBaseNotFound) || errors.Is(err, diff.ErrHeadNotFound) || errors.Is(err, diff.ErrNotRepository) || errors.Is(err, errUsage) {
		return exitUsage
	}
	return exitInternal
}
