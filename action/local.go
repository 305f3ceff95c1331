package action

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/diff"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/dir"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// ErrBaseNotFound means a commit of the range is not in the local clone
// (a shallow checkout): the Action then scans through the API.
var ErrBaseNotFound = errors.New("commit not in the local clone")

// openRepo opens the repository at path with go-git, which, unlike the git
// CLI, does not refuse a workspace owned by another uid.
func openRepo(path string) (*git.Repository, error) {
	r, err := git.PlainOpenWithOptions(path, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return nil, fmt.Errorf("failed to open the git repository at %s: %w", path, err)
	}
	return r, nil
}

// haveCommits reports whether every sha is a commit in the local clone.
func haveCommits(repoPath string, shas ...string) bool {
	r, err := openRepo(repoPath)
	if err != nil {
		return false
	}
	for _, s := range shas {
		if _, err := r.CommitObject(plumbing.NewHash(s)); err != nil {
			return false
		}
	}
	return true
}

// newBranchBase returns the commit where a newly pushed branch left the
// default branch, using the local remote-tracking or local ref.
func newBranchBase(repoPath, defaultBranch, head string) (string, error) {
	if defaultBranch == "" {
		return "", fmt.Errorf("%w: the default branch is unknown", ErrBaseNotFound)
	}
	r, err := openRepo(repoPath)
	if err != nil {
		return "", err
	}
	var tip *object.Commit
	for _, name := range []string{"refs/remotes/origin/" + defaultBranch, "refs/heads/" + defaultBranch} {
		ref, err := r.Reference(plumbing.ReferenceName(name), true)
		if err != nil {
			continue
		}
		if c, err := r.CommitObject(ref.Hash()); err == nil {
			tip = c
			break
		}
	}
	if tip == nil {
		return "", fmt.Errorf("%w: no local ref for the default branch %s", ErrBaseNotFound, defaultBranch)
	}
	hc, err := r.CommitObject(plumbing.NewHash(head))
	if err != nil {
		return "", fmt.Errorf("%w: %s", ErrBaseNotFound, head)
	}
	bases, err := tip.MergeBase(hc)
	if err != nil || len(bases) == 0 {
		return "", fmt.Errorf("%w: no merge base of %s and the default branch", ErrBaseNotFound, head)
	}
	return bases[0].Hash.String(), nil
}

// headLines finds where a secret sits in the head revision, since the
// diff source locates a secret in the commit that added it, and later
// commits of the PR may have moved that line.
type headLines struct {
	tree *object.Tree
}

// maxHeadFile bounds the file read to place a review comment.
const maxHeadFile = 8 << 20

func newHeadLines(repoPath, head string) *headLines {
	r, err := openRepo(repoPath)
	if err != nil {
		return nil
	}
	c, err := r.CommitObject(plumbing.NewHash(head))
	if err != nil {
		return nil
	}
	t, err := c.Tree()
	if err != nil {
		return nil
	}
	return &headLines{tree: t}
}

// lines returns the 1-based lines of path at head that hold raw verbatim;
// nil when the file is missing, too big, or holds it only encoded.
func (h *headLines) lines(path, raw string) []int {
	if h == nil || raw == "" {
		return nil
	}
	f, err := h.tree.File(path)
	if err != nil || f.Size > maxHeadFile {
		return nil
	}
	content, err := f.Contents()
	if err != nil {
		return nil
	}
	var out []int
	line, from := 1, 0
	for {
		i := strings.Index(content[from:], raw)
		if i < 0 {
			return out
		}
		line += strings.Count(content[from:from+i], "\n")
		out = append(out, line)
		from += i + len(raw)
	}
}

// diffRange is the default RangeFunc: the diff source, which scans each
// commit of the range and attributes every secret to the commit that added
// it.
func diffRange(ctx context.Context, repoPath, base, head string, sc *scanner.Scanner, col *scanner.Collector) (map[string][]LineRange, []string, error) {
	res, err := diff.ScanRange(ctx, diff.Options{RepoPath: repoPath, Base: base, Head: head}, sc, col)
	if err != nil {
		if errors.Is(err, diff.ErrBaseNotFound) {
			return nil, res.Warnings, fmt.Errorf("%w: %w", ErrBaseNotFound, err)
		}
		return nil, res.Warnings, err
	}
	added := make(map[string][]LineRange, len(res.Added))
	for p, rs := range res.Added {
		for _, r := range rs {
			added[p] = append(added[p], LineRange{r.Start, r.End})
		}
	}
	return added, res.Warnings, nil
}

// historyScan is the default HistoryFunc: the history source.
func historyScan(ctx context.Context, repoPath, statePath string, sc *scanner.Scanner, col *scanner.Collector) ([]string, error) {
	res, err := history.Scan(ctx, history.Options{RepoPath: repoPath, StatePath: statePath}, sc, col)
	return res.Warnings, err
}

// dirScan is the default DirsFunc: the dir source.
func dirScan(ctx context.Context, roots, include, exclude []string, sc *scanner.Scanner, col *scanner.Collector) ([]string, error) {
	res, err := dir.Scan(ctx, dir.Options{Roots: roots, Include: include, Exclude: exclude}, sc, col)
	if errors.Is(err, dir.ErrBadGlob) {
		err = fmt.Errorf("%w: %w", ErrUsage, err)
	}
	return res.Warnings, err
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
