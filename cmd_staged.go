package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/diff"
)

// stagedAdvice is printed on stderr when the staged change holds a
// credential: the report names file, line and the redacted token; this
// says how to get out of it.
const stagedAdvice = `The commit was refused: the staged change adds a ClickUp credential (file, line and redacted token above).
To fix it:
  1. Unstage the file:  git restore --staged <file>   (git reset HEAD <file> on older git)
  2. Move the value out of the code: read it from an environment variable (CLICKUP_API_TOKEN),
     or from a .env file that .gitignore covers (add ".env" to .gitignore), then stage again.
  3. If the value was ever pushed or shared, rotate it in ClickUp: Settings > Apps > API Token > Regenerate
     (OAuth app secrets and webhook secrets: regenerate them in the app or webhook settings).
A false positive? Mark the line with "clickup-secret-scan:allow" or add the finding's id to .clickup-secret-scan-ignore.`

// runStaged scans the staged changes against HEAD; the pre-commit hook
// runs it before every commit.
func runStaged(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) int {
	fs := newFlagSet("staged", stderr)
	repo := fs.String("repo", ".", "the repository whose index to scan")
	o := addOutputFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: clickup-secret-scan staged [--repo PATH] [--format text|json|sarif] [--output FILE]")
		fmt.Fprintln(stderr, "\nScans what the index adds relative to HEAD (everything staged in a repository without commits).")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if err := o.validate(); err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "clickup-secret-scan: staged takes no arguments")
		fs.Usage()
		return exitUsage
	}
	if o.pipeline.RepoRoot == "" {
		o.pipeline.RepoRoot = *repo
	}
	// git points a pre-commit hook at a temporary index for `git commit -a`
	// and `git commit PATH`; that index is what will be committed. A
	// relative path is relative to the hook's directory, the working tree.
	indexFile := env("GIT_INDEX_FILE")
	if indexFile != "" && !filepath.IsAbs(indexFile) {
		indexFile = filepath.Join(*repo, indexFile)
	}
	sc, stats, col := newScan(scanner.Options{})
	res, err := diff.ScanIndex(ctx, *repo, indexFile, sc, col)
	if err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		return repoErrorCode(err)
	}
	rep := report.Report{Mode: "staged", Findings: col.Findings(), Stats: stats.Snapshot(), Warnings: res.Warnings}
	code := finish(ctx, env, o, rep, stdout, stderr)
	if code == exitFindings {
		fmt.Fprintln(stderr, stagedAdvice)
	}
	return code
}
