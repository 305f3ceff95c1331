package diff

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

const (
	flagFromHead      = 1 << iota // reached by walking down from head
	flagUninteresting             // an ancestor of base (or base itself)
)

// clockSkewSlop is how far below the oldest in-range commit the walk keeps
// marking ancestors of base, so that a commit with a skewed committer date
// is not mistaken for one in the range.
const clockSkewSlop = 24 * time.Hour

// rangeCommits returns the commits reachable from head and not from base,
// oldest first, and the newest commit reachable from both (the merge base
// the net diff starts from; nil for unrelated histories). It paints both
// sides down by committer date, as git rev-list does, so it reads only the
// commits near the range rather than all of history.
func rangeCommits(ctx context.Context, repo *git.Repository, base, head *object.Commit) ([]*object.Commit, *object.Commit, error) {
	if base.Hash == head.Hash {
		return nil, base, nil
	}
	flags := map[plumbing.Hash]int{}
	commits := map[plumbing.Hash]*object.Commit{}
	q := &commitQueue{}
	push := func(c *object.Commit) {
		commits[c.Hash] = c
		heap.Push(q, c)
	}
	flags[base.Hash] = flagUninteresting
	push(base)
	flags[head.Hash] |= flagFromHead
	push(head)

	interesting := func() bool {
		for _, c := range *q {
			if flags[c.Hash]&flagUninteresting == 0 {
				return true
			}
		}
		return false
	}
	var out []*object.Commit
	var oldest time.Time
	for q.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if !interesting() {
			if len(out) == 0 {
				break // head is an ancestor of base: the range is empty
			}
			// Only ancestors of base remain; keep painting them a while
			// in case a skewed date hid one of ours below them.
			if top := (*q)[0]; top.Committer.When.Before(oldest.Add(-clockSkewSlop)) {
				break
			}
		}
		c := heap.Pop(q).(*object.Commit)
		f := flags[c.Hash]
		if f&flagUninteresting != 0 {
			for _, ph := range c.ParentHashes {
				if flags[ph]&flagUninteresting != 0 {
					continue
				}
				p, err := loadParent(repo, commits, ph)
				if err != nil {
					// The far side of base's history may be cut by a
					// shallow clone; that does not affect the range.
					continue
				}
				flags[ph] |= flagUninteresting
				push(p)
			}
			continue
		}
		out = append(out, c)
		if oldest.IsZero() || c.Committer.When.Before(oldest) {
			oldest = c.Committer.When
		}
		for _, ph := range c.ParentHashes {
			if flags[ph]&flagFromHead != 0 {
				continue
			}
			p, err := loadParent(repo, commits, ph)
			if err != nil {
				if errors.Is(err, plumbing.ErrObjectNotFound) {
					return nil, nil, fmt.Errorf("commit %s has parent %s missing, so the range from base cannot be walked: %w",
						c.Hash, ph, ErrBaseNotFound)
				}
				return nil, nil, fmt.Errorf("failed to read commit %s: %w", ph, err)
			}
			flags[ph] |= flagFromHead
			push(p)
		}
	}

	var inRange []*object.Commit
	for _, c := range out {
		if flags[c.Hash]&flagUninteresting == 0 {
			inRange = append(inRange, c)
		}
	}
	// Oldest first, so findings read in the order they happened.
	slices.Reverse(inRange)

	var boundary *object.Commit
	for h, f := range flags {
		if f&(flagFromHead|flagUninteresting) != flagFromHead|flagUninteresting {
			continue
		}
		c := commits[h]
		if boundary == nil || c.Committer.When.After(boundary.Committer.When) ||
			(c.Committer.When.Equal(boundary.Committer.When) && c.Hash.String() < boundary.Hash.String()) {
			boundary = c
		}
	}
	return inRange, boundary, nil
}

func loadParent(repo *git.Repository, cache map[plumbing.Hash]*object.Commit, h plumbing.Hash) (*object.Commit, error) {
	if c, ok := cache[h]; ok {
		return c, nil
	}
	return repo.CommitObject(h)
}

// commitQueue is a max-heap of commits by committer date.
type commitQueue []*object.Commit

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	return q[i].Committer.When.After(q[j].Committer.When)
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*object.Commit)) }
func (q *commitQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}
