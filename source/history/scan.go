package history

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// scan is the state of one Scan call.
type scan struct {
	opts  Options
	sc    *scanner.Scanner
	stats *scanner.Stats
	col   *scanner.Collector
	repo  *git.Repository
	// db reads packs and loose objects; nil until openDB.
	db     *objectDB
	dotgit *dotgit.DotGit

	warnings []string
	warned   map[string]bool

	shallow    map[plumbing.Hash]bool
	submodules bool

	// commits holds the commits walked in this run.
	commits map[plumbing.Hash]*commitInfo
	// outerTrees caches root trees of commits outside the walk.
	outerTrees map[plumbing.Hash]plumbing.Hash

	mu sync.Mutex
	// matched maps every blob known to hold a credential to its matches.
	matched map[plumbing.Hash][]scanner.Match
	// scanned holds the blobs scanned in this run, when the run does not
	// scan them all (incremental and --since-commit runs).
	scanned map[plumbing.Hash]bool
	// complete is true when every blob of every tree looked at is known:
	// absent from matched means clean.
	complete bool

	// present holds every blob the object store has, in a full scan, so
	// that the tree pass can count blobs that trees name but the store
	// lacks; nil otherwise.
	present map[plumbing.Hash]struct{}

	hitMemo map[plumbing.Hash][]hit
	keyMemo map[plumbing.Hash]map[string]struct{}
	inTree  map[plumbing.Hash]struct{}

	tagsSeen map[plumbing.Hash]bool
	// authors interns the commits' "Name <email>": a long history has
	// hundreds of thousands of commits by a few thousand people.
	authors map[string]string
	// parsed and nodes hold the commits and trees of a full scan, read in
	// parallel passes; nil in incremental runs, which read on demand.
	parsed map[plumbing.Hash]*parsedCommit
	nodes  map[plumbing.Hash]*treeNode
	// emptyTrees are the sorted ids of the trees the tree pass read that
	// hold no matched blob at any depth.
	emptyTrees []plumbing.Hash
	// extra holds blobs outside the scanned range read on demand
	// (--since-commit parents); they are not findings.
	extra map[plumbing.Hash][]scanner.Match

	// open collects the locations recorded in the state file.
	open []openLocation
}

func open(opts Options, sc *scanner.Scanner, col *scanner.Collector) (*scan, error) {
	// Bare repositories first: detection walks up the parents looking for
	// a .git directory and would miss a bare repository at RepoPath.
	repo, err := git.PlainOpenWithOptions(opts.RepoPath, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo, err = git.PlainOpenWithOptions(opts.RepoPath, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	}
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, fmt.Errorf("failed to open %s: %w", opts.RepoPath, ErrNotRepository)
		}
		return nil, fmt.Errorf("failed to open %s: %w: %v", opts.RepoPath, ErrNotRepository, err)
	}
	fsStorage, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("failed to open %s: %w: unsupported storage", opts.RepoPath, ErrNotRepository)
	}
	s := &scan{
		opts: opts, sc: sc, stats: sc.Stats(), col: col, repo: repo,
		warned:     map[string]bool{},
		shallow:    map[plumbing.Hash]bool{},
		commits:    map[plumbing.Hash]*commitInfo{},
		outerTrees: map[plumbing.Hash]plumbing.Hash{},
		matched:    map[plumbing.Hash][]scanner.Match{},
		hitMemo:    map[plumbing.Hash][]hit{},
		keyMemo:    map[plumbing.Hash]map[string]struct{}{},
		inTree:     map[plumbing.Hash]struct{}{},
		tagsSeen:   map[plumbing.Hash]bool{},
		authors:    map[string]string{},
		extra:      map[plumbing.Hash][]scanner.Match{},
	}
	s.dotgit = dotgit.New(fsStorage.Filesystem())
	return s, nil
}

func (s *scan) warn(msg string) {
	if !s.warned[msg] {
		s.warned[msg] = true
		s.warnings = append(s.warnings, msg)
	}
}

// objectError counts a corrupt or missing object and warns once.
func (s *scan) objectError(what string, err error) {
	s.stats.Error(what, err)
	s.warn("some objects are missing or corrupt and were not scanned; see stats.errors")
}

func (s *scan) run(ctx context.Context) (Result, error) {
	defer func() {
		if s.db != nil {
			s.db.close()
		}
	}()
	st, err := loadState(s.opts.StatePath)
	if err != nil {
		return Result{}, err
	}
	if sh, err := s.repo.Storer.Shallow(); err == nil && len(sh) > 0 {
		for _, h := range sh {
			s.shallow[h] = true
		}
		s.warn(fmt.Sprintf("shallow clone: history is incomplete (%d commit(s) have parents that were not fetched), so introducing commits may be wrong; "+
			"clone with full history (actions/checkout with fetch-depth: 0) to scan all of it", len(sh)))
	}
	tips, err := s.tips()
	if err != nil {
		return Result{}, err
	}
	head := s.defaultHead()
	if st != nil {
		if err := s.checkState(st); err != nil {
			return Result{}, err
		}
		var shallow []string
		for h := range s.shallow {
			shallow = append(shallow, h.String())
		}
		slices.Sort(shallow)
		if !slices.Equal(shallow, st.Shallow) {
			// The history behind the old boundary (git fetch --unshallow)
			// was never scanned, and the state's commits would stop the
			// walk right there: scan everything once more.
			s.warn("the repository's shallow boundary changed since the state was written (git fetch --unshallow?): the whole history was scanned again")
			st = nil
		}
	}

	stop := map[plumbing.Hash]bool{}
	incremental := st != nil && !s.opts.AllObjects
	if incremental {
		for _, c := range st.Commits {
			stop[plumbing.NewHash(c)] = true
		}
	}
	if s.opts.SinceCommit != "" {
		rev, err := s.resolve(s.opts.SinceCommit)
		if err != nil {
			return Result{}, err
		}
		s.ancestors(rev, stop)
	}
	limited := len(stop) > 0
	s.complete = s.opts.SinceCommit == ""
	if limited {
		s.scanned = map[plumbing.Hash]bool{}
	}

	if incremental {
		s.restoreMatched(ctx, st)
		if maps.Equal(st.Tips, hexMap(tips)) && st.Head == head.String() && s.opts.SinceCommit == "" {
			// Nothing new: report what is still open, as recorded.
			s.restoreOpen(st, false, nil)
			return s.finish(st, tips, head)
		}
	}

	s.openDB()
	var objs objects
	if !limited {
		objs = s.db.enumerate(s.stats)
		s.parseCommits(ctx, objs.commits)
		s.db.buffers.drain()
	}
	roots := s.peelTips(tips, false)
	s.walk(ctx, roots, stop, false)
	if s.opts.AllObjects {
		s.walkUnreachable(ctx, objs)
	}
	// The walks have taken what they need of the parsed commits.
	s.parsed = nil
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}

	if limited {
		s.scanNewBlobs(ctx)
	} else {
		s.db.scanBlobs(ctx, s.sc, objs.blobs, s.found)
		s.db.buffers.drain()
		// The tree pass runs even when nothing matched: it is what notices
		// a blob that a tree names and the store lacks.
		s.present = make(map[plumbing.Hash]struct{}, len(objs.blobs)+len(objs.unreadable))
		for _, b := range objs.blobs {
			s.present[s.db.hashOf(b)] = struct{}{}
		}
		for _, h := range objs.unreadable {
			s.present[h] = struct{}{} // counted already, as corrupt
		}
		s.loadTrees(ctx, objs.trees)
		s.db.buffers.drain()
		s.present = nil
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}

	headKeys := map[string]struct{}{}
	if !head.IsZero() {
		if t, ok := s.treeOf(head); ok {
			if len(s.matched) > 0 {
				headKeys = s.keys(t)
			}
			s.checkSubmodules(t)
		}
	}
	s.provenance(headKeys)
	if incremental {
		s.restoreOpen(st, true, headKeys)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	return s.finish(st, tips, head)
}

// openDB opens the packs and reads their headers.
func (s *scan) openDB() {
	db, errs := openObjectDB(s.dotgit)
	s.db = db
	// go-git read the tips before; its pack index (with a reverse map of
	// every offset, 20+ MB on a large repository) would stay for nothing.
	if r, ok := s.repo.Storer.(interface{ Reindex() }); ok {
		r.Reindex()
	}
	for _, err := range errs {
		s.objectError("pack", err)
	}
}

func (s *scan) finish(st *state, tips map[string]plumbing.Hash, head plumbing.Hash) (Result, error) {
	if s.submodules {
		s.warn("the repository has submodules; their contents were not scanned (scan each submodule's repository separately)")
	}
	if s.opts.StatePath != "" {
		if err := s.saveState(st, tips, head); err != nil {
			return Result{Warnings: s.warnings}, fmt.Errorf("%w: %w", ErrStateNotSaved, err)
		}
	}
	return Result{Warnings: s.warnings}, nil
}

func hexMap(m map[string]plumbing.Hash) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v.String()
	}
	return out
}

// found records the matches of a blob; called from the scan workers.
func (s *scan) found(h plumbing.Hash, ms []scanner.Match) {
	s.mu.Lock()
	s.matched[h] = ms
	s.mu.Unlock()
}

// tips returns every ref that points at an object: branches, tags,
// remote-tracking refs, refs/stash, refs/notes/*, refs/pull/*, and HEAD.
func (s *scan) tips() (map[string]plumbing.Hash, error) {
	tips := map[string]plumbing.Hash{}
	it, err := s.repo.Storer.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("failed to list refs: %w", err)
	}
	err = it.ForEach(func(r *plumbing.Reference) error {
		if r.Type() == plumbing.HashReference && !r.Hash().IsZero() {
			tips[r.Name().String()] = r.Hash()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("failed to list refs: %w", err)
	}
	if h, err := s.repo.Head(); err == nil {
		tips["HEAD"] = h.Hash()
	}
	return tips, nil
}

// defaultHead returns the commit whose tree decides at_head: HEAD, or the
// remote's default branch when HEAD is detached (a CI checkout of a pull
// request merge commit is not the default branch).
func (s *scan) defaultHead() plumbing.Hash {
	ref, err := s.repo.Storer.Reference(plumbing.HEAD)
	if err == nil && ref.Type() == plumbing.HashReference {
		if r, err := s.repo.Reference("refs/remotes/origin/HEAD", true); err == nil {
			return s.peelToCommit(r.Hash())
		}
	}
	h, err := s.repo.Head()
	if err != nil {
		return plumbing.ZeroHash
	}
	return s.peelToCommit(h.Hash())
}

func (s *scan) peelToCommit(h plumbing.Hash) plumbing.Hash {
	for range 100 {
		switch s.objectType(h) {
		case plumbing.CommitObject:
			return h
		case plumbing.TagObject:
			t, err := s.readTag(h)
			if err != nil {
				return plumbing.ZeroHash
			}
			h = t.Target
		default:
			return plumbing.ZeroHash
		}
	}
	return plumbing.ZeroHash
}

// resolve resolves a revision to a commit.
func (s *scan) resolve(rev string) (plumbing.Hash, error) {
	h, err := s.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("failed to resolve the revision %q to start after: %w: %v", rev, ErrBadRevision, err)
	}
	c := s.peelToCommit(*h)
	if c.IsZero() {
		return plumbing.ZeroHash, fmt.Errorf("failed to resolve the revision %q to start after: %w: not a commit", rev, ErrBadRevision)
	}
	return c, nil
}

// ancestors adds rev and every commit reachable from it to set.
func (s *scan) ancestors(rev plumbing.Hash, set map[plumbing.Hash]bool) {
	queue := []plumbing.Hash{rev}
	for len(queue) > 0 {
		h := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if set[h] {
			continue
		}
		set[h] = true
		c, err := s.readCommit(h)
		if err != nil {
			continue
		}
		s.outerTrees[h] = c.TreeHash
		queue = append(queue, c.ParentHashes...)
	}
}

// peelTips scans the messages of annotated tags on the way and returns the
// commits the tips point at.
func (s *scan) peelTips(tips map[string]plumbing.Hash, unreachable bool) []plumbing.Hash {
	var roots []plumbing.Hash
	seenTag := map[plumbing.Hash]bool{}
	names := slices.Sorted(maps.Keys(tips))
	for _, name := range names {
		h := tips[name]
		for depth := 0; depth < 100; depth++ {
			t := s.objectType(h)
			if t == plumbing.CommitObject {
				roots = append(roots, h)
				break
			}
			if t != plumbing.TagObject {
				if t == plumbing.InvalidObject {
					s.objectError("ref "+name, fmt.Errorf("object %s is missing", h))
				}
				break
			}
			if seenTag[h] {
				break
			}
			seenTag[h] = true
			tag, err := s.readTag(h)
			if err != nil {
				s.objectError("tag "+h.String(), err)
				break
			}
			s.scanTag(h, tag, unreachable)
			h = tag.Target
		}
	}
	return roots
}

// intern returns the one copy of author kept for the scan; the caller
// holds s.mu when other goroutines may intern at the same time.
func (s *scan) intern(author string) string {
	if a, ok := s.authors[author]; ok {
		return a
	}
	s.authors[author] = author
	return author
}

// scanTag scans the message of annotated tag h once.
func (s *scan) scanTag(h plumbing.Hash, tag *object.Tag, unreachable bool) {
	if s.tagsSeen[h] {
		return
	}
	s.tagsSeen[h] = true
	author, date := signature(tag.Tagger)
	target := ""
	if c := s.peelToCommit(tag.Target); !c.IsZero() {
		target = c.String()
	}
	for _, m := range s.sc.ScanBytes([]byte(tag.Message)) {
		loc := scanner.Location{Source: scanner.SourceHistory, Path: "refs/tags/" + tag.Name, Object: scanner.ObjectTagMessage, Commit: target,
			Author: author, Date: date.String(), Unreachable: unreachable}
		s.add(m, loc, h)
	}
}

// walk reads every commit reachable from roots, not in stop and not walked
// yet, and scans its message.
func (s *scan) walk(ctx context.Context, roots []plumbing.Hash, stop map[plumbing.Hash]bool, unreachable bool) {
	queue := slices.Clone(roots)
	for len(queue) > 0 && ctx.Err() == nil {
		h := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if _, done := s.commits[h]; done || stop[h] {
			continue
		}
		pc, ok := s.parsed[h]
		if !ok {
			c, err := s.readCommit(h)
			if err != nil {
				s.commits[h] = &commitInfo{unreachable: unreachable}
				s.objectError("commit "+h.String(), err)
				continue
			}
			author, date := signature(c.Author)
			pc = &parsedCommit{info: commitInfo{tree: c.TreeHash, parents: c.ParentHashes, author: s.intern(author), date: date},
				msg: s.sc.ScanBytes([]byte(c.Message))}
		}
		// Each commit is walked once: its parsed info becomes its record.
		ci := &pc.info
		ci.unreachable = unreachable
		author, date := ci.author, ci.date.String()
		if s.shallow[h] {
			// The parents were not fetched: treat the commit as a root.
			ci.parents = nil
		}
		s.commits[h] = ci
		for _, m := range pc.msg {
			loc := scanner.Location{Source: scanner.SourceHistory, Object: scanner.ObjectCommitMessage, Commit: h.String(), Author: author, Date: date, Unreachable: unreachable}
			s.add(m, loc, h)
		}
		queue = append(queue, ci.parents...)
	}
}

// walkUnreachable walks the commits and tags that no ref reaches.
func (s *scan) walkUnreachable(ctx context.Context, objs objects) {
	var roots []plumbing.Hash
	for _, c := range objs.commits {
		h := s.db.hashOf(c)
		if _, ok := s.commits[h]; !ok {
			roots = append(roots, h)
		}
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i].String() < roots[j].String() })
	s.walk(ctx, roots, nil, true)
	for _, it := range objs.tags {
		t := s.db.hashOf(it)
		if s.tagsSeen[t] {
			continue
		}
		tag, err := s.readTag(t)
		if err != nil {
			s.objectError("tag "+t.String(), err)
			continue
		}
		s.scanTag(t, tag, true)
	}
}
