package action

// Path resolution: inputs name paths relative to the workspace, findings
// carry repository paths.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// abs resolves a path input against the workspace, as the runner mounts
// it, so that the result is the same whatever the working directory.
func (r *runner) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.ws, filepath.FromSlash(p))
}

// scanPaths scans the build output directories named by the paths input.
// A pattern that matches nothing is a warning: never scan nothing silently.
func (r *runner) scanPaths(ctx context.Context) error {
	if len(r.in.Paths) == 0 {
		return nil
	}
	var roots []string
	fsys := os.DirFS(r.ws)
	for _, p := range r.in.Paths {
		p = strings.TrimPrefix(filepath.ToSlash(p), "./")
		if filepath.IsAbs(p) {
			roots = append(roots, p)
			continue
		}
		ms, err := doublestar.Glob(fsys, p, doublestar.WithFilesOnly(), doublestar.WithNoFollow())
		if err != nil {
			return fmt.Errorf("%w: paths pattern %q: %w", ErrUsage, p, err)
		}
		dirs, _ := doublestar.Glob(fsys, p)
		seen := map[string]bool{}
		for _, m := range append(dirs, ms...) {
			if !seen[m] {
				seen[m] = true
				roots = append(roots, filepath.Join(r.ws, filepath.FromSlash(m)))
			}
		}
		if len(seen) == 0 {
			r.warn(fmt.Sprintf("paths: %q matched nothing in the workspace, so it was not scanned (did the build step run first?)", p))
		}
	}
	if len(roots) == 0 {
		return nil
	}
	if _, err := r.scan(ctx, r.sources().Dirs(roots, r.in.Include, r.in.Exclude)); err != nil {
		return fmt.Errorf("failed to scan the paths: %w", err)
	}
	return nil
}

// relativize turns the absolute workspace paths of dir findings into
// repository paths, which annotations and the review need.
func (r *runner) relativize(fs []scanner.Finding) {
	ws, err := filepath.Abs(r.ws)
	if err != nil {
		return
	}
	prefix := filepath.ToSlash(ws) + "/"
	for i := range fs {
		for j := range fs[i].Locations {
			l := &fs[i].Locations[j]
			if p := filepath.ToSlash(l.Path); strings.HasPrefix(p, prefix) {
				l.Path = strings.TrimPrefix(p, prefix)
			}
		}
	}
}
