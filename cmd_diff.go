package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/diff"
)

// runDiff scans every commit in base..head: what a pull request or a push
// adds. A base missing from the repository (a shallow clone) is a usage
// error, never a silent empty scan.
func runDiff(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
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
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkRepoScan(fs, o, *base != "", "diff needs --base REV and takes no arguments", *repo); err != nil {
		return err
	}
	return scanAndFinish(ctx, diff.Range{RepoPath: *repo, Base: *base, Head: *head}, scanner.Options{}, o, stdout, stderr)
}

// checkRepoScan ends the flag handling that diff and staged share: it
// validates the output flags, rejects arguments (and flag values that
// flagsOK says are wrong) with argsErr and the usage, and, unless set
// already, roots location paths at the top of repo's working tree.
func checkRepoScan(fs *flag.FlagSet, o *outputOptions, flagsOK bool, argsErr, repo string) error {
	if err := o.validate(); err != nil {
		return err
	}
	if !flagsOK || fs.NArg() > 0 {
		return withUsage{usageErrorf("%s", argsErr), fs.Usage}
	}
	if o.pipeline.RepoRoot == "" {
		// Location paths are relative to the working tree's top, and so
		// are the ignore file and its path globs, whatever --repo names.
		root, err := diff.WorkTree(repo)
		if err != nil {
			return err
		}
		o.pipeline.RepoRoot = root
	}
	return nil
}
