package main

import (
	"context"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/diff"
)

// runDiff scans every commit in base..head: what a pull request or a push
// adds. A base missing from the repository (a shallow clone) is a usage
// error, never a silent empty scan.
func runDiff(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fs := newFlagSet("diff", stdout, stderr)
	base := fs.String("base", "", "the revision the range starts from, excluded (required): a commit id, branch or tag")
	head := fs.String("head", "HEAD", "the revision the range ends at, included")
	repo := fs.String("repo", ".", "the repository to scan")
	o := addOutputFlags(fs)
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := checkRepoScan(fs, o, env, stdout, *base != "", "diff needs --base REV and takes no arguments", *repo); err != nil {
		return err
	}
	return scanAndFinish(ctx, diff.Range{RepoPath: *repo, Base: *base, Head: *head}, scanner.Options{}, o, stdout, stderr)
}

// checkRepoScan ends the flag handling that diff and staged share: it
// validates the output flags, rejects arguments (and flag values that
// flagsOK says are wrong) with argsErr and the usage, and, unless set
// already, roots location paths at the top of repo's working tree.
func checkRepoScan(fs *flagSet, o *outputOptions, env Env, stdout io.Writer, flagsOK bool, argsErr, repo string) error {
	if err := o.validate(fs, env, stdout); err != nil {
		return err
	}
	if !flagsOK || fs.NArg() > 0 {
		return fs.usageErrorf("%s", argsErr)
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
