// Package dir enumerates the files under directories (build output such as
// dist/ or build/) and feeds them to the scanner on all cores.
package dir

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// Errors returned (wrapped) for bad input; both are the user's to fix and
// match usage.Err.
var (
	ErrBadPath error = usage.Error{Err: errors.New("path does not exist")}
	ErrBadGlob error = usage.Error{Err: errors.New("invalid glob pattern")}
)

// Options selects what to scan.
type Options struct {
	// Roots are the files or directories to scan.
	Roots []string
	// Include and Exclude are doublestar patterns matched against paths
	// relative to each root, slash-separated. With no Include every file is
	// scanned. ".git/" is always excluded.
	Include, Exclude []string
	// Workers is the number of files scanned at once; 0 means one per core.
	Workers int
}

// Result holds scan-level notices.
type Result struct {
	Warnings []string
}

// inGitDir reports whether the slash-separated relative path rel is a .git
// directory or lies below one. Those are never scanned: git's own object
// store is history's job, and its packed objects are compressed anyway.
// It matches what the globs .git, .git/**, **/.git and **/.git/** would,
// without a glob match for every entry of the tree.
func inGitDir(rel string) bool {
	return rel == ".git" || strings.HasPrefix(rel, ".git/") || strings.HasSuffix(rel, "/.git") || strings.Contains(rel, "/.git/")
}

// Scan walks every root and scans each regular file once. Symlinks are
// followed only while they stay inside their root; loops, links out of the
// root, unreadable files and special files are counted in the scanner's
// Stats and the walk goes on. Matches are added to col with Source "dir"
// and Path set to the root joined with the path below it.
func Scan(ctx context.Context, opts Options, sc *scanner.Scanner, col *scanner.Collector) (Result, error) {
	for _, p := range append(append([]string{}, opts.Include...), opts.Exclude...) {
		if !doublestar.ValidatePattern(p) {
			return Result{}, fmt.Errorf("%w: %q", ErrBadGlob, p)
		}
	}
	for _, root := range opts.Roots {
		if _, err := os.Lstat(root); err != nil {
			return Result{}, fmt.Errorf("%w: %s", ErrBadPath, root)
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan job, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				scanFile(ctx, j, sc, col)
			}
		}()
	}
	var res Result
	for _, root := range opts.Roots {
		w := walker{ctx: ctx, opts: opts, stats: sc.Stats(), jobs: jobs, visited: map[dirID]bool{}}
		w.walkRoot(root)
		res.Warnings = append(res.Warnings, w.warnings...)
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("scan interrupted: %w", err)
	}
	return res, nil
}

// scannedFile is an open file to scan: read in sequence or at an offset,
// and sized by Stat.
type scannedFile interface {
	io.ReadCloser
	io.ReaderAt
	Stat() (fs.FileInfo, error)
}

// job is one file to scan: where to open it and how to name it.
type job struct {
	open    string // OS path to open
	display string // slash-separated path shown in findings
}

func scanFile(ctx context.Context, j job, sc *scanner.Scanner, col *scanner.Collector) {
	if ctx.Err() != nil {
		return
	}
	f, err := openScanned(j.open)
	if err != nil {
		sc.Stats().Skip(j.display, fmt.Errorf("failed to open: %w", err))
		return
	}
	defer f.Close()
	matches, err := sc.Scan(ctx, j.display, f)
	if err != nil && ctx.Err() == nil {
		sc.Stats().Error(j.display, err)
	}
	base := scanner.Location{Source: scanner.SourceDir, Path: j.display}
	for _, m := range matches {
		col.Add(m, base)
	}
}

type walker struct {
	ctx      context.Context
	opts     Options
	stats    *scanner.Stats
	jobs     chan<- job
	rootReal string
	visited  map[dirID]bool // directories entered, against loops
	warnings []string
}

func (w *walker) walkRoot(root string) {
	display := filepath.ToSlash(filepath.Clean(root))
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		w.stats.Skip(display, fmt.Errorf("failed to resolve: %w", err))
		return
	}
	w.rootReal = real
	fi, err := os.Stat(real)
	if err != nil {
		w.stats.Skip(display, fmt.Errorf("failed to stat: %w", err))
		return
	}
	switch {
	case fi.Mode().IsRegular():
		w.send(job{open: real, display: display})
	case fi.IsDir():
		w.walkDir(real, display, "")
	default:
		// Opening a FIFO or a device would block the scan for good.
		w.stats.Skip(display, fmt.Errorf("not a regular file (%s)", fi.Mode().Type()))
	}
}

// walkDir lists one directory. osPath is where it is, display its name in
// findings, rel its path relative to the root ("" for the root).
func (w *walker) walkDir(osPath, display, rel string) {
	if w.ctx.Err() != nil {
		return
	}
	d, err := openDirectory(osPath)
	if err != nil {
		w.stats.Skip(display, fmt.Errorf("failed to list directory: %w", err))
		return
	}
	if id, ok := d.identify(); ok {
		if w.visited[id] {
			d.close()
			w.stats.Skip(display, errors.New("symlink loop: directory already scanned"))
			return
		}
		w.visited[id] = true
	}
	entries, err := d.list()
	d.close()
	if err != nil {
		w.stats.Skip(display, fmt.Errorf("failed to list directory: %w", err))
	}
	slices.SortFunc(entries, func(a, b dirEntry) int { return strings.Compare(a.name, b.name) })
	for _, e := range entries {
		name := e.name
		childOS := joinName(osPath, name, filepath.Separator)
		childDisplay := joinName(display, name, '/')
		childRel := name
		if rel != "" {
			childRel = rel + "/" + name
		}
		mode := e.typ
		if mode&fs.ModeSymlink != 0 {
			target, ok := w.resolveLink(childOS, childDisplay)
			if !ok {
				continue
			}
			fi, err := os.Stat(target)
			if err != nil {
				w.stats.Skip(childDisplay, fmt.Errorf("failed to stat symlink target: %w", err))
				continue
			}
			mode = fi.Mode().Type()
			childOS = target
		}
		switch {
		case mode.IsDir():
			if w.excluded(childRel, true) {
				continue
			}
			w.walkDir(childOS, childDisplay, childRel)
		case mode.IsRegular():
			if w.excluded(childRel, false) || !w.included(childRel) {
				continue
			}
			w.send(job{open: childOS, display: childDisplay})
		default:
			if !w.excluded(childRel, false) && w.included(childRel) {
				w.stats.Skip(childDisplay, fmt.Errorf("not a regular file (%s)", mode))
			}
		}
	}
}

// joinName returns dir joined with name, an entry read from that directory
// (never empty, ".", ".." or holding a separator), as filepath.Join or
// path.Join would for the clean dir the walk carries, without cleaning the
// result again for each of the tree's entries.
func joinName(dir, name string, sep byte) string {
	switch {
	case dir == ".":
		return name
	case dir != "" && dir[len(dir)-1] == sep:
		return dir + name // a root such as "/"
	}
	return dir + string(sep) + name
}

// resolveLink returns the target of a symlink when it stays inside the root.
func (w *walker) resolveLink(osPath, display string) (string, bool) {
	target, err := filepath.EvalSymlinks(osPath)
	if err != nil {
		w.stats.Skip(display, fmt.Errorf("broken or looping symlink: %w", err))
		return "", false
	}
	if target != w.rootReal && !strings.HasPrefix(target, w.rootReal+string(filepath.Separator)) {
		w.stats.Skip(display, errors.New("symlink points outside the scanned root; not followed"))
		return "", false
	}
	return target, true
}

func (w *walker) excluded(rel string, isDir bool) bool {
	if inGitDir(rel) {
		return true
	}
	for _, p := range w.opts.Exclude {
		if doublestar.MatchUnvalidated(p, rel) {
			return true
		}
		// A directory is pruned when the pattern covers everything below it.
		if isDir && strings.HasSuffix(p, "/**") && doublestar.MatchUnvalidated(strings.TrimSuffix(p, "/**"), rel) {
			return true
		}
	}
	return false
}

func (w *walker) included(rel string) bool {
	if len(w.opts.Include) == 0 {
		return true
	}
	for _, p := range w.opts.Include {
		if doublestar.MatchUnvalidated(p, rel) {
			return true
		}
	}
	return false
}

func (w *walker) send(j job) {
	select {
	case w.jobs <- j:
	case <-w.ctx.Done():
	}
}
