package action

// The history state lifecycle: scheduled history scans read the state the
// last run left, scan only what is new, and write it back; a bad or
// unwritable state never loses a finding.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// scanHistory scans the history of the workspace's repository: all of it,
// or with the history-state input only what is new since the last run plus
// the findings that run left open.
func (r *runner) scanHistory(ctx context.Context) error {
	if r.in.HistoryState == "" {
		return r.wholeHistory(ctx)
	}

	name, path := r.in.HistoryState, r.abs(r.in.HistoryState)
	// A Docker action sees only the workspace of the runner's disk (and a
	// few /github mounts): a state anywhere else, runner.temp included,
	// would go with the container and every run would start from nothing.
	if rel, err := filepath.Rel(r.ws, path); err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%w: input history-state %q is not a file inside the workspace %s; a Docker action cannot keep a file elsewhere between runs (actions/cache reads it from the workspace)", ErrUsage, name, r.ws)
	}
	// A path naming some other file (package.json, .env) by mistake must
	// not be overwritten: scan everything, leave the file alone, and fail
	// the step unless findings do (the state was not saved).
	if ok, err := history.MayReplaceState(path); !ok {
		why := "it is not a clickup-secret-scan state file"
		if err != nil {
			why = err.Error()
		}
		if err := r.wholeHistory(ctx); err != nil {
			return err
		}
		r.stateNotSaved(fmt.Errorf("history-state %s: %w: %s, so it was left untouched and the whole history was scanned; give the state a path of its own", name, history.ErrStateNotSaved, why))
		return nil
	}
	// actions/cache restores nothing on the first run, so a state under a
	// directory (.cache/clickup/state.json) would find no place to go. A
	// failure here surfaces as the state not being saved.
	created := missingDirs(filepath.Dir(path))
	_ = os.MkdirAll(filepath.Dir(path), 0o755)
	_, statErr := os.Stat(path)
	existed := statErr == nil
	warns, err := r.history(ctx, path)
	// The container runs as root; actions/cache's save step and the next
	// checkout run as the runner user on the host, which owns the
	// workspace and must be able to read the state and remove the
	// directories made for it.
	defer ownLike(r.ws, append(created, path)...)
	if errors.Is(err, history.ErrBadState) {
		// The CLI refuses a bad state (exit 2), leaving the decision to the
		// user. A scheduled job cannot decide, and would fail on every run
		// until someone deletes the cache (typically one restored from
		// another repository or an older version): scan everything, which
		// loses nothing, say so loudly, and replace the state.
		why := strings.TrimSuffix(err.Error(), " (delete it to rescan the whole history)")
		warns, err = r.freshState(ctx, path)
		msg := fmt.Sprintf("history-state %s could not be used (%s), so the whole history was scanned instead: this report is complete", name, why)
		if err == nil {
			msg += ", and a fresh state replaced the file for the next run"
		}
		r.warn(msg)
	} else if err == nil && existed {
		r.notices = append(r.notices, fmt.Sprintf("history-state %s: incremental scan, only the commits and objects added since the run that wrote it were scanned; the findings it recorded as open are reported again", name))
	} else if err == nil {
		r.notices = append(r.notices, fmt.Sprintf("history-state %s did not exist yet: the whole history was scanned and the state was written for the next run (keep it between runs with actions/cache)", name))
	}
	r.warnings = append(r.warnings, warns...)
	switch {
	case errors.Is(err, history.ErrStateNotSaved):
		r.stateNotSaved(fmt.Errorf("history-state %s: %w", name, err))
	case err != nil:
		return fmt.Errorf("failed to scan the history of %s: %w", r.ws, err)
	}
	return nil
}

// history scans the workspace's history with the state file at statePath
// ("" for none) and returns the scan's warnings.
func (r *runner) history(ctx context.Context, statePath string) ([]string, error) {
	res, err := r.sources().History(r.ws, statePath).Scan(ctx, r.sc, r.col)
	return res.Warnings, err
}

// wholeHistory scans the whole history without a state.
func (r *runner) wholeHistory(ctx context.Context) error {
	if _, err := r.scan(ctx, r.sources().History(r.ws, "")); err != nil {
		return fmt.Errorf("failed to scan the history of %s: %w", r.ws, err)
	}
	return nil
}

// stateNotSaved records why the history state was not saved, for the exit
// code, and says so in a warning and on stderr.
func (r *runner) stateNotSaved(err error) {
	r.stateErr = err
	r.warn(fmt.Sprintf("%v. This run's scan is complete and every finding is reported, but the next run cannot start from it; the step fails with exit 3 unless findings fail it (exit 1)", err))
	fmt.Fprintf(r.o.Stderr, "clickup-secret-scan: %v\n", err)
}

// freshState scans the whole history after the state at path proved bad,
// and puts a fresh state in its place. The fresh state is written in a new
// directory next to path and renamed over it, so the bad file goes only when
// a good one replaces it: a run that cannot save leaves it, and the next run
// warns again rather than quietly scanning everything forever.
func (r *runner) freshState(ctx context.Context, path string) ([]string, error) {
	dir, err := os.MkdirTemp(filepath.Dir(path), ".clickup-secret-scan-state-*")
	if err != nil {
		warns, serr := r.history(ctx, "")
		if serr != nil {
			return warns, serr
		}
		return warns, fmt.Errorf("%w: no room for a fresh state next to it: %w", history.ErrStateNotSaved, err)
	}
	defer os.RemoveAll(dir)
	fresh := filepath.Join(dir, filepath.Base(path))
	warns, err := r.history(ctx, fresh)
	if err != nil {
		return warns, err
	}
	if err := os.Rename(fresh, path); err != nil {
		return warns, fmt.Errorf("%w: the fresh state could not replace the bad one: %w", history.ErrStateNotSaved, err)
	}
	return warns, nil
}

// missingDirs returns dir and those of its parents that do not exist yet,
// deepest last.
func missingDirs(dir string) []string {
	var out []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		out = append([]string{d}, out...)
	}
	return out
}
