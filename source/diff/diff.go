// Package diff scans what a commit range or the staged index adds to a git
// repository: every commit in base..head against its first parent, the
// index against HEAD, or a unified-diff patch. Only added lines count as new
// leaks; a secret on a removed line is reported with Change "removed",
// because it is still in history and must still be rotated.
//
// Each blob is scanned once (results are cached by blob hash across
// commits); line diffs are computed only for files whose blobs matched, and
// for the net diff's added line ranges. The git binary is never needed.
package diff

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

// Options selects the commit range to scan.
type Options struct {
	// RepoPath is the repository's working tree or git directory; a
	// subdirectory of a working tree works too.
	RepoPath string
	// Base is the revision the range starts from (excluded), as git
	// rev-parse understands it: a commit id, a branch, a tag, HEAD~3.
	Base string
	// Head is the revision the range ends at (included); "" means HEAD.
	Head string
}

// Result describes a finished scan. Findings go to the Collector.
type Result struct {
	// Warnings are notices for the user (submodules not scanned, files too
	// big to diff line by line).
	Warnings []string
	// Commits is the number of commits scanned.
	Commits int
	// Added maps each path at head to the 1-based inclusive line ranges
	// that the net diff from the merge base of base and head to head adds,
	// the lines a pull request review may comment on. Binary files and
	// files over 8 MiB have no entry. Nil for ScanStaged.
	Added map[string][]LineRange
}

// LineRange is an inclusive range of 1-based line numbers.
type LineRange = source.LineRange

// ErrBaseNotFound is wrapped when the base revision, or the history that
// links it to head, is not in the repository: typically a shallow clone.
var ErrBaseNotFound error = usage.Error{Err: errors.New("base revision not found in the repository: fetch more history " +
	"(git fetch --unshallow, or actions/checkout with fetch-depth: 0) or use the Action's API mode")}

// ErrHeadNotFound is wrapped when the head revision does not resolve to a
// commit in the repository.
var ErrHeadNotFound error = usage.Error{Err: errors.New("head revision not found in the repository")}

// ErrNotRepository is wrapped when the path is not inside a git
// repository; it is source.ErrNotRepository.
var ErrNotRepository = source.ErrNotRepository

// renameOptions mirror git's default similarity of 50%: go-git recommends
// 60, but then a rename that git log -M shows reported the token the file
// already held as added. The limit keeps a commit that moves thousands of
// files from costing a similarity matrix of millions of pairs.
var renameOptions = &object.DiffTreeOptions{DetectRenames: true, RenameScore: 50, RenameLimit: 400}

// openRepo opens the repository containing path. Pack files stay open
// until close is called: go-git otherwise reopens the pack for every object
// read, which costs more than the scan itself.
func openRepo(path string) (repo *git.Repository, close func(), err error) {
	if path == "" {
		path = "."
	}
	// A git directory itself (a bare repository, the GIT_DIR of a
	// --git-dir work tree) is opened as it is: looking for a .git above
	// it would find none, or another repository's.
	r, err := git.PlainOpenWithOptions(path, &git.PlainOpenOptions{DetectDotGit: !isGitDir(path), EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		abs, _ := filepath.Abs(path)
		return nil, nil, fmt.Errorf("%w: %s", ErrNotRepository, abs)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("failed to open repository %s: %w", path, err)
	}
	fsst, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return r, func() {}, nil
	}
	st := filesystem.NewStorageWithOptions(fsst.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
	kept, err := git.Open(st, nil)
	if err != nil {
		return r, func() {}, nil // fall back to the plain storage
	}
	return kept, func() { st.Close() }, nil
}

// isGitDir reports whether path is a git directory: it holds HEAD and
// objects/ directly.
func isGitDir(path string) bool {
	head, err := os.Stat(filepath.Join(path, "HEAD"))
	if err != nil || head.IsDir() {
		return false
	}
	objects, err := os.Stat(filepath.Join(path, "objects"))
	return err == nil && objects.IsDir()
}

func resolveCommit(repo *git.Repository, rev string) (*object.Commit, error) {
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, err
	}
	return repo.CommitObject(*h)
}

// ScanRange scans every commit in opts.Base..opts.Head (the commits
// reachable from head and not from base) against its first parent. A secret
// on a line a commit adds is recorded with Change "added" and that commit; a
// secret on a line it removes with Change "removed" (unless the same secret
// was added within the range, which already says it is in history). AtHead
// tells whether the secret is still present at head in a file the range
// touched. A merge commit contributes only what differs from all of its
// parents: content brought in from another parent is attributed to that
// parent's own commits (or to base). Every commit's message is scanned too
// (Object "commit-message"). Per-blob errors are counted in the
// scanner's Stats and the scan goes on.
func ScanRange(ctx context.Context, opts Options, sc *scanner.Scanner, col *scanner.Collector) (Result, error) {
	var res Result
	repo, closeRepo, err := openRepo(opts.RepoPath)
	if err != nil {
		return res, err
	}
	defer closeRepo()
	headRev := opts.Head
	if headRev == "" {
		headRev = "HEAD"
	}
	if opts.Base == "" {
		return res, fmt.Errorf("%w: no base revision given", ErrBaseNotFound)
	}
	base, err := resolveCommit(repo, opts.Base)
	if err != nil {
		return res, fmt.Errorf("failed to resolve base %q (%v): %w", opts.Base, err, ErrBaseNotFound)
	}
	head, err := resolveCommit(repo, headRev)
	if err != nil {
		return res, fmt.Errorf("failed to resolve head %q (%v): %w", headRev, err, ErrHeadNotFound)
	}
	commits, boundary, err := rangeCommits(ctx, repo, base, head)
	if err != nil {
		return res, err
	}
	res.Commits = len(commits)
	if len(commits) == 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the range %s..%s holds no commits: %s is already part of %s", opts.Base, headRev, headRev, opts.Base))
	}

	e := newEngine(ctx, repo.Storer, sc)
	var pending []pendingLoc
	touched := map[string]bool{}
	for _, c := range commits {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		scanCommitMessage(sc, c, col)
		locs, err := e.scanCommit(c, touched)
		if err != nil {
			return res, err
		}
		pending = append(pending, locs...)
	}

	headTree, err := head.Tree()
	if err != nil {
		return res, fmt.Errorf("failed to read the tree of %s: %w", head.Hash, err)
	}
	atHead := e.secretsAt(headTree, touched)
	emit(pending, atHead, col)

	// The net diff is taken from the merge base, as a pull request's
	// "files changed" view is; review comments must land on its lines.
	from := boundary // nil for unrelated histories: everything at head is new
	var fromTree *object.Tree
	if from != nil {
		if fromTree, err = from.Tree(); err != nil {
			return res, fmt.Errorf("failed to read the tree of %s: %w", from.Hash, err)
		}
	}
	res.Added, err = e.addedRanges(fromTree, headTree)
	if err != nil {
		return res, err
	}
	res.Warnings = append(res.Warnings, e.warnings()...)
	return res, nil
}

// pendingLoc is a location waiting for AtHead before it goes to the
// collector.
type pendingLoc struct {
	m   scanner.Match
	loc scanner.Location
}

// emit fills AtHead, drops removed-locations of secrets the range itself
// added (the added location already says "in history"), and records the
// rest.
func emit(pending []pendingLoc, atHead map[string]bool, col *scanner.Collector) {
	addedIDs := map[string]bool{}
	for _, p := range pending {
		if p.loc.Change == scanner.Added {
			addedIDs[p.m.Secret.ID()] = true
		}
	}
	for _, p := range pending {
		id := p.m.Secret.ID()
		if p.loc.Change == scanner.Removed && addedIDs[id] {
			continue
		}
		v := atHead[id]
		p.loc.AtHead = &v
		col.Add(p.m, p.loc)
	}
}

func author(c *object.Commit) (string, string) {
	return fmt.Sprintf("%s <%s>", c.Author.Name, c.Author.Email), c.Author.When.Format(time.RFC3339)
}

// WorkTree returns the top directory of the working tree that contains
// path, where repository paths (and so location paths) are rooted; for a
// bare repository it returns path itself.
func WorkTree(path string) (string, error) {
	if path == "" {
		path = "."
	}
	repo, err := git.PlainOpenWithOptions(path, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		abs, _ := filepath.Abs(path)
		return "", fmt.Errorf("%w: %s", ErrNotRepository, abs)
	}
	if err != nil {
		return "", fmt.Errorf("failed to open repository %s: %w", path, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return path, nil // bare
	}
	return wt.Filesystem.Root(), nil
}
