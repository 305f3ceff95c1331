package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/diff"
)

// stagedAdvice is printed on stderr when the staged change holds a
// credential. The report above names file, line and the redacted token and
// the rotation steps; this adds where the value should live instead.
const stagedAdvice = `clickup-secret-scan: do not commit this: the staged change adds a ClickUp credential (see above).
  In a file? Unstage it:   git restore --staged <file>
  Keep the value out of git: read it from an environment variable, or from a .env file listed in .gitignore; then stage again.
  Rotate it in ClickUp if it was ever pushed or shared.
  A false positive? Put "clickup-secret-scan:allow" on the line, or the finding's id in .clickup-secret-scan-ignore.`

// stagedMessageAdvice follows stagedAdvice when the commit message was
// scanned too: a token found at commit-message is fixed by editing the
// message, not by unstaging a file.
const stagedMessageAdvice = `  In the commit message (found at commit-message:LINE)? Write it again without the value:
                git commit -e -F "$(git rev-parse --git-path COMMIT_EDITMSG)"`

// runStaged scans the staged changes against HEAD; the pre-commit hook
// runs it before every commit.
func runStaged(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fs := newFlagSet("staged", stdout, stderr)
	repo := fs.String("repo", ".", "the repository whose index to scan")
	msgFile := fs.String("message-file", "", "also scan this commit message file (what a commit-msg hook gets as $1)")
	o := addOutputFlags(fs)
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := checkRepoScan(fs, o, env, stdout, true, "staged takes no arguments", *repo); err != nil {
		return err
	}
	// git points a pre-commit hook at a temporary index for `git commit -a`
	// and `git commit PATH`; that index is what will be committed. A
	// relative path is relative to the hook's directory, the working tree.
	indexFile := env("GIT_INDEX_FILE")
	if indexFile != "" && !filepath.IsAbs(indexFile) {
		indexFile = filepath.Join(*repo, indexFile)
	}
	// git runs the hook with GIT_DIR set when the repository is not the
	// work tree's own .git (git --git-dir=X --work-tree=Y, a dotfiles
	// repository in $HOME): that directory is the one being committed to,
	// not whatever repository encloses the work tree. A linked worktree's
	// GIT_DIR is the one its .git file names, and changes nothing.
	repoPath := *repo
	if gitDir := env("GIT_DIR"); gitDir != "" {
		if !filepath.IsAbs(gitDir) {
			gitDir = filepath.Join(*repo, gitDir)
		}
		if own, ok := diff.GitDirOf(*repo); !ok || !sameDir(own, gitDir) {
			repoPath = gitDir
		}
	}
	err := scanAndFinish(ctx, diff.Staged{RepoPath: repoPath, IndexFile: indexFile, MessageFile: *msgFile}, scanner.Options{}, o, stdout, stderr)
	if err == errFindings {
		fmt.Fprintln(stderr, stagedAdvice)
		if *msgFile != "" {
			fmt.Fprintln(stderr, stagedMessageAdvice)
		}
	}
	return err
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA != nil || errB != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return os.SameFile(fa, fb)
}
