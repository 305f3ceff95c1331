// Package audit checks a repository against the ClickUp security
// checklist: secrets files ignored and never tracked, a secret-scanning
// pre-commit hook, no ClickUp credential in the tree or history, one secret
// per environment, no OAuth client secret on the client side, and https
// webhook endpoints. Each failed check carries the steps that fix it.
package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/dir"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// DefaultMaxCommits bounds the commits walked for tracked secrets files.
const DefaultMaxCommits = 200_000

// ErrBadRepo is returned (wrapped) when RepoPath does not exist or is not a
// directory; it is the user's to fix and matches usage.Err.
var ErrBadRepo error = usage.Error{Err: errors.New("repository path is not a directory")}

// Options selects the repository and how it is scanned.
type Options struct {
	// RepoPath is the work tree to audit; "" means ".".
	RepoPath string
	// MaxCommits bounds the history walked for tracked secrets files;
	// 0 means DefaultMaxCommits.
	MaxCommits int
	// Source finds credentials; nil means the history of the repository,
	// or the directory tree when it is not a git repository
	// (source.RepoOrDir).
	Source source.Source
	// PostProcess, when set, is applied to the credentials found (ignore
	// rules, live verification) before the checks that use them.
	PostProcess func(context.Context, report.Report) (report.Report, error)
	// ScannerOptions tune the scanner.
	ScannerOptions scanner.Options
}

// Run audits the repository. It returns an error only when the audit cannot
// start (no such directory) or PostProcess fails; a check that cannot run
// is reported with status CheckError and the other checks go on.
func Run(ctx context.Context, opts Options) (report.Checklist, error) {
	root := opts.RepoPath
	if root == "" {
		root = "."
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return report.Checklist{}, fmt.Errorf("%w: %s", ErrBadRepo, root)
	}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err == nil {
		if wt, werr := repo.Worktree(); werr == nil {
			root = wt.Filesystem.Root()
		}
	} else {
		repo = nil
	}
	a := &auditor{root: root, repo: repo, maxCommits: opts.MaxCommits}
	if a.maxCommits <= 0 {
		a.maxCommits = DefaultMaxCommits
	}
	ignores, ignErr := readGitignores(root)
	a.gitignore = ignores

	cl := report.Checklist{Repo: root}
	cl.Checks = append(cl.Checks, a.checkGitignore(ignErr))
	cl.Checks = append(cl.Checks, a.checkTracked(ctx))
	cl.Checks = append(cl.Checks, a.checkHook())

	scan, scanErr := a.scan(ctx, opts)
	if scanErr != nil && errors.Is(scanErr, errPostProcess) {
		return report.Checklist{}, scanErr
	}
	cl.Scan = scan
	cl.Checks = append(cl.Checks, checkCredentials(scan, scanErr, repo != nil))
	all := append([]scanner.Finding{}, scan.Findings...)
	for _, ig := range scan.Ignored {
		all = append(all, ig.Finding)
	}
	cl.Checks = append(cl.Checks, checkOnePerEnv(all, scanErr))
	cl.Checks = append(cl.Checks, checkClientSecret(all, scanErr))
	cl.Checks = append(cl.Checks, a.checkWebhooks(ctx))
	return cl, nil
}

// auditor holds what the checks share about one repository.
type auditor struct {
	root       string
	repo       *git.Repository // nil when root is not in a git repository
	maxCommits int
	gitignore  *ignoreSet
}

var errPostProcess = errors.New("post-processing failed")

// scan finds the credentials of the repository and applies PostProcess.
func (a *auditor) scan(ctx context.Context, opts Options) (report.Report, error) {
	src := opts.Source
	if src == nil {
		src = &source.RepoOrDir{Repo: history.Source{RepoPath: a.root}, Dir: dir.Source{Roots: []string{a.root}}}
	}
	rep, _, err := source.Run(ctx, src, opts.ScannerOptions)
	rep.Mode = report.ModeAudit
	if err != nil {
		what := a.root
		if rod, ok := src.(*source.RepoOrDir); ok && !rod.UsedDir() {
			what = "the history of " + a.root
		}
		return rep, fmt.Errorf("failed to scan %s: %w", what, err)
	}
	if opts.PostProcess != nil {
		rep, err = opts.PostProcess(ctx, rep)
		if err != nil {
			return rep, fmt.Errorf("%w: %w", errPostProcess, err)
		}
	}
	return rep, nil
}
