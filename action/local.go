package action

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/clickup-secret-scan/clickup-secret-scan/source"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/diff"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/dir"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

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
		return "", fmt.Errorf("%w: the default branch is unknown", diff.ErrBaseNotFound)
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
		return "", fmt.Errorf("%w: no local ref for the default branch %s", diff.ErrBaseNotFound, defaultBranch)
	}
	hc, err := r.CommitObject(plumbing.NewHash(head))
	if err != nil {
		return "", fmt.Errorf("%w: %s", diff.ErrBaseNotFound, head)
	}
	bases, err := tip.MergeBase(hc)
	if err != nil || len(bases) == 0 {
		return "", fmt.Errorf("%w: no merge base of %s and the default branch", diff.ErrBaseNotFound, head)
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

// trackedIn returns whether a slash-separated path relative to the
// checkout at repoPath is a file of its HEAD commit: a file of the checkout
// that git does not track (build output) has no page on GitHub to link
// to. When the checkout is not a git repository, no path is tracked.
func trackedIn(repoPath string) func(path string) bool {
	none := func(string) bool { return false }
	r, err := openRepo(repoPath)
	if err != nil {
		return none
	}
	ref, err := r.Head()
	if err != nil {
		return none
	}
	c, err := r.CommitObject(ref.Hash())
	if err != nil {
		return none
	}
	t, err := c.Tree()
	if err != nil {
		return none
	}
	return func(path string) bool {
		_, err := t.File(path)
		return err == nil
	}
}

// Sources make the sources the Action scans. Tests replace them to inject
// faults.
type Sources interface {
	// Range is the commits base..head of the repository at repoPath; its
	// Result.Added holds the lines head adds per path (1-based, where
	// review comments may go). Its Scan must return an error wrapping
	// diff.ErrBaseNotFound when a commit is not in the local clone (a
	// shallow checkout): the Action then scans through the API.
	Range(repoPath, base, head string) source.Source
	// History is the history of the repository at repoPath. With a
	// statePath (history.Options.StatePath; "" for none) it scans only
	// what is new since the run that wrote the state, reports the state's
	// open findings again and rewrites the state. Its Scan must return an
	// error wrapping history.ErrBadState when the state cannot be used
	// (nothing scanned yet) and one wrapping history.ErrStateNotSaved when
	// the scan finished but the state could not be written (the collector
	// holds every finding).
	History(repoPath, statePath string) source.Source
	// Dirs is directory trees (absolute roots) with doublestar include and
	// exclude patterns.
	Dirs(roots, include, exclude []string) source.Source
}

// LocalSources are the project's sources: source/diff, source/history and
// source/dir.
type LocalSources struct{}

// Range returns the diff source, which scans each commit of the range and
// attributes every secret to the commit that added it.
func (LocalSources) Range(repoPath, base, head string) source.Source {
	return diff.Range{RepoPath: repoPath, Base: base, Head: head}
}

// History returns the history source.
func (LocalSources) History(repoPath, statePath string) source.Source {
	return history.Source{RepoPath: repoPath, StatePath: statePath}
}

// Dirs returns the dir source.
func (LocalSources) Dirs(roots, include, exclude []string) source.Source {
	return dir.Source{Roots: roots, Include: include, Exclude: exclude}
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
