// Package action is the GitHub Actions runtime of clickup-secret-scan: it
// reads the inputs and the event payload, picks what to scan (the commits a
// pull request or push adds, the history on schedule, build output paths),
// and reports through annotations, a PR review, a sticky PR comment, the
// job summary, a SARIF file, outputs and a tracking issue. Every GitHub
// call goes through one retrying, auditing client. Secrets are masked with
// ::add-mask:: before anything else is printed, and only ever rendered in
// their redacted form.
package action

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/google/go-github/v60/github"
	"github.com/sethvargo/go-githubactions"

	"github.com/clickup-secret-scan/clickup-secret-scan/auditlog"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// RangeFunc scans the commits base..head of the repository at repoPath and
// returns the lines head adds per path (1-based, where review comments may
// go) and warnings. It must return an error wrapping ErrBaseNotFound when a
// commit is not in the local clone.
type RangeFunc func(ctx context.Context, repoPath, base, head string, sc *scanner.Scanner, col *scanner.Collector) (map[string][]LineRange, []string, error)

// HistoryFunc scans the history of the repository at repoPath. With a
// statePath (history.Options.StatePath; "" for none) it scans only what is
// new since the run that wrote the state, reports the state's open findings
// again and rewrites the state. It must return an error wrapping
// history.ErrBadState when the state cannot be used (nothing scanned yet)
// and one wrapping history.ErrStateNotSaved when the scan finished but the
// state could not be written (col holds every finding).
type HistoryFunc func(ctx context.Context, repoPath, statePath string, sc *scanner.Scanner, col *scanner.Collector) ([]string, error)

// DirsFunc scans directory trees (absolute roots) with doublestar include
// and exclude patterns.
type DirsFunc func(ctx context.Context, roots, include, exclude []string, sc *scanner.Scanner, col *scanner.Collector) ([]string, error)

// AuditFunc runs the repository checklist (mode: audit) and returns it as
// text, and whether a check failed. An error wrapping ErrUsage is the
// user's to fix.
type AuditFunc func(ctx context.Context, repoPath string) (text string, failed bool, err error)

// Sources are the scanners the Action drives. A nil Range, History or Dirs
// takes the project's source (source/diff, source/history, source/dir); a
// nil Audit makes mode audit unavailable. Tests replace them to inject
// faults.
type Sources struct {
	Range   RangeFunc
	History HistoryFunc
	Dirs    DirsFunc
	Audit   AuditFunc
}

// Options are what Run needs besides the inputs.
type Options struct {
	// Getenv reads the environment (GITHUB_*, RUNNER_*).
	Getenv func(string) string
	// Stdout receives workflow commands; Stderr, errors.
	Stdout, Stderr io.Writer
	// Transport carries GitHub calls (nil: http.DefaultTransport).
	Transport http.RoundTripper
	// Sleep waits between retries (nil: a real timer).
	Sleep Sleeper
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Sources are the scanners; see Sources.
	Sources Sources
	// PostProcess applies ignore rules and live verification (nil: none).
	PostProcess func(context.Context, report.Report) (report.Report, error)
	// Scanner tunes the scanner.
	Scanner scanner.Options
}

// Outcome is what a run found, for the exit code.
type Outcome struct {
	// Findings is the number of findings left after ignore rules.
	Findings int
	// Live is the number of findings verified live.
	Live int
	// Incomplete is true when what the event asked to scan could not be
	// scanned at all (the API failed throughout): never a silent pass.
	Incomplete bool
	// CheckoutScanned is true when, the commit range being out of reach,
	// the checked-out files were scanned instead (Incomplete stays true:
	// they are not what the event adds).
	CheckoutScanned bool
	// FileCommandErr joins the failures to write GITHUB_OUTPUT or
	// GITHUB_STEP_SUMMARY (one per file): later steps then miss the
	// outputs, or the job page misses the summary, so the run must not
	// pass as if all went well.
	FileCommandErr error
	// AuditFailed is true when mode audit found a failed check.
	AuditFailed bool
	// StateNotSaved is why the history-state file could not be written,
	// nil when it was (or none was asked for). The scan itself is complete
	// and its findings are all reported, but the next run cannot start from
	// this one, so a run that nothing else fails must not pass as if all
	// went well.
	StateNotSaved error
}

// runner holds the state of one run.
type runner struct {
	in    Inputs
	o     Options
	gha   *githubactions.Action
	env   func(string) string
	ws    string
	event string
	ev    *Event
	repo  repoRef
	gh    *github.Client
	tr    *transport
	audit *auditlog.Logger
	sc    *scanner.Scanner
	stats *scanner.Stats
	col   *scanner.Collector
	// added is the lines the PR adds per path, where review comments go.
	added map[string][]LineRange
	// local is true when the PR was scanned from the local clone.
	local bool
	// warnings are scan-level notices that go into the report; posting
	// problems go to postWarnings, printed and added to the summary.
	warnings     []string
	postWarnings []string
	notices      []string
	// fileErrs holds the first failure to write each file command file,
	// keyed by its variable (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).
	fileErrs     map[string]error
	fileErrOrder []string
	// stateErr is why the history-state file was not saved.
	stateErr error
}

// Run performs one Action run. It returns an error wrapping ErrUsage for
// bad inputs or a bad event payload, another error for internal failures;
// otherwise the Outcome says what was found.
func Run(ctx context.Context, in Inputs, o Options) (Outcome, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = realSleep
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	r := &runner{in: in, o: o, env: o.Getenv}
	r.gha = githubactions.New(githubactions.WithWriter(o.Stdout), githubactions.WithGetenv(o.Getenv))
	r.ws = r.env("GITHUB_WORKSPACE")
	if r.ws == "" {
		r.ws = "."
	}
	r.event = r.env("GITHUB_EVENT_NAME")

	mode, err := r.resolveMode()
	if err != nil {
		return Outcome{}, err
	}
	if in.HistoryState != "" && mode != "history" {
		// Said once: a workflow that shares one input block between its PR
		// and scheduled jobs should not wonder whether the state changed
		// what this run scanned. Queued with the other notices, which are
		// printed after the ::add-mask:: lines.
		r.notices = append(r.notices, fmt.Sprintf("the history-state input is ignored: this run does not scan the history (event %q, mode %s); only history scans (schedule, workflow_dispatch, mode history) read and write it", r.event, orNone(mode)))
	}
	if mode == "" {
		r.printNotices()
		r.gha.Noticef("clickup-secret-scan: event %q has nothing to scan (PR, push, merge_group, schedule and workflow_dispatch are supported; set the paths input to scan build output on any event)", r.event)
		return Outcome{}, nil
	}
	if mode == "audit" {
		return r.runAudit(ctx)
	}
	required := mode == "diff"
	if r.ev, err = readEvent(r.env("GITHUB_EVENT_PATH"), required); err != nil {
		return Outcome{}, err
	}
	if err := r.setupRepo(); err != nil && required {
		return Outcome{}, err
	}
	if in.AuditLog != "" {
		f, err := os.OpenFile(r.abs(in.AuditLog), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return Outcome{}, fmt.Errorf("%w: failed to open the audit log %s: %w", ErrUsage, in.AuditLog, err)
		}
		defer f.Close()
		r.audit = auditlog.New(f)
	}
	if r.gh, r.tr, err = newClient(r.env("GITHUB_API_URL"), in.Token, o.Transport, r.audit, o.Sleep, o.Now); err != nil {
		return Outcome{}, err
	}

	r.stats = &scanner.Stats{}
	r.sc = scanner.New(o.Scanner, r.stats)
	r.col = scanner.NewCollector()

	out := Outcome{}
	switch mode {
	case "diff":
		done, err := r.scanDiff(ctx)
		if err != nil {
			return Outcome{}, err
		}
		if !done {
			out.Incomplete = true
			out.CheckoutScanned = r.scanCheckout(ctx)
		}
	case "history":
		if err := r.scanHistory(ctx); err != nil {
			return Outcome{}, err
		}
		out.StateNotSaved = r.stateErr
	}
	if err := r.scanPaths(ctx); err != nil {
		return Outcome{}, err
	}
	if ctx.Err() != nil {
		return Outcome{}, ctx.Err()
	}
	return r.finish(ctx, mode, out)
}

// resolveMode maps the mode input and the event to what to scan: "diff",
// "history", "dir", "audit", or "" for nothing.
func (r *runner) resolveMode() (string, error) {
	switch r.in.Mode {
	case "auto":
		switch r.event {
		case "pull_request", "pull_request_target", "push", "merge_group":
			return "diff", nil
		case "schedule", "workflow_dispatch":
			return "history", nil
		}
		if len(r.in.Paths) > 0 {
			return "dir", nil
		}
		return "", nil
	case "diff":
		switch r.event {
		case "pull_request", "pull_request_target", "push", "merge_group":
			return "diff", nil
		}
		return "", fmt.Errorf("%w: mode diff needs a pull_request, pull_request_target, push or merge_group event, not %q", ErrUsage, r.event)
	}
	return r.in.Mode, nil
}

// setupRepo names the repository from GITHUB_REPOSITORY or the payload.
func (r *runner) setupRepo() error {
	full := r.env("GITHUB_REPOSITORY")
	if full == "" && r.ev != nil && r.ev.Repository != nil {
		full = r.ev.Repository.FullName
	}
	owner, name, ok := strings.Cut(full, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return fmt.Errorf("%w: GITHUB_REPOSITORY %q is not owner/name", ErrUsage, full)
	}
	r.repo = repoRef{owner, name}
	return nil
}

// abs resolves a path input against the workspace, as the runner mounts
// it, so that the result is the same whatever the working directory.
func (r *runner) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.ws, filepath.FromSlash(p))
}

func (r *runner) warn(s string) { r.warnings = append(r.warnings, s) }

// printNotices prints the queued notices, each once.
func (r *runner) printNotices() {
	for _, n := range r.notices {
		r.gha.Noticef("%s", n)
	}
	r.notices = nil
}

func (r *runner) rangeFunc() RangeFunc {
	if r.o.Sources.Range != nil {
		return r.o.Sources.Range
	}
	return diffRange
}

// scanDiff scans what the event adds. It returns false when nothing could
// be scanned (the API failed throughout).
func (r *runner) scanDiff(ctx context.Context) (bool, error) {
	switch r.event {
	case "pull_request", "pull_request_target":
		return r.scanPR(ctx)
	case "merge_group":
		if r.ev.MergeGroup == nil || !shaRE.MatchString(r.ev.MergeGroup.BaseSHA) || !shaRE.MatchString(r.ev.MergeGroup.HeadSHA) {
			return false, fmt.Errorf("%w: the merge_group payload lacks base_sha/head_sha", ErrUsage)
		}
		return r.scanCommitRange(ctx, r.ev.MergeGroup.BaseSHA, r.ev.MergeGroup.HeadSHA)
	}
	before, after, err := r.ev.pushRange()
	if err != nil {
		return false, err
	}
	if after == zeroSHA {
		r.notices = append(r.notices, fmt.Sprintf("%s was deleted: nothing to scan", r.ev.Ref))
		return true, nil
	}
	if before == zeroSHA {
		return r.scanNewBranch(ctx, after)
	}
	return r.scanCommitRange(ctx, before, after)
}

// scanCheckout is the last resort when the commits the event adds could
// not be scanned (a shallow clone and the GitHub API unreachable or
// failing): it scans the checked-out files, so that a credential present at
// head is still reported, and says what this misses. It returns whether
// the checkout was scanned. Never on pull_request_target, whose checkout
// must not be read (a workflow that checks out the PR's head there would
// hand untrusted files to the scan, and the base branch is not the PR).
func (r *runner) scanCheckout(ctx context.Context) bool {
	if r.event == "pull_request_target" {
		return false
	}
	dirs := r.o.Sources.Dirs
	if dirs == nil {
		dirs = dirScan
	}
	warns, err := dirs(ctx, []string{r.ws}, nil, nil, r.sc, r.col)
	r.warnings = append(r.warnings, warns...)
	if err != nil {
		r.warn(fmt.Sprintf("the checked-out files could not be scanned either: %v", err))
		return false
	}
	r.warn("the commits this event adds could NOT be scanned: their base is not in the local (shallow) clone and the GitHub API failed. " +
		"The checked-out files were scanned instead, so a credential that is in the checkout is reported (it may predate this change), " +
		"but one added and removed again within the commits is not seen. Use actions/checkout with fetch-depth: 0 for a complete local scan, or make the GitHub API reachable")
	return true
}

// scanCommitRange scans base..head locally when both commits are in the
// clone, else through the compare API.
func (r *runner) scanCommitRange(ctx context.Context, base, head string) (bool, error) {
	if haveCommits(r.ws, base, head) {
		_, warns, err := r.rangeFunc()(ctx, r.ws, base, head, r.sc, r.col)
		r.warnings = append(r.warnings, warns...)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, ErrBaseNotFound) {
			return false, fmt.Errorf("failed to scan %s..%s: %w", shortSHA(base), shortSHA(head), err)
		}
	}
	r.notices = append(r.notices, fmt.Sprintf("commit %s is not in the local clone (shallow checkout): scanning through the GitHub API; actions/checkout with fetch-depth: 0 gives a complete local scan", shortSHA(base)))
	api := r.api(true)
	shas, err := api.compareCommits(ctx, base, head)
	if err != nil {
		r.warn(degraded("could not list the pushed commits, so they were NOT scanned", err))
		return false, nil
	}
	return r.scanAPICommits(ctx, api, shas, true), nil
}

// scanNewBranch scans the commits of a new branch that are not on the
// default branch.
func (r *runner) scanNewBranch(ctx context.Context, head string) (bool, error) {
	def := ""
	if r.ev.Repository != nil {
		def = r.ev.Repository.DefaultBranch
	}
	if strings.TrimPrefix(r.ev.Ref, "refs/heads/") != def {
		if base, err := newBranchBase(r.ws, def, head); err == nil {
			return r.scanCommitRange(ctx, base, head)
		}
		api := r.api(true)
		if shas, err := api.compareCommits(ctx, def, head); err == nil {
			r.notices = append(r.notices, "new branch: scanning its commits that are not on "+def+" through the GitHub API")
			return r.scanAPICommits(ctx, api, shas, true), nil
		}
	}
	// The first push of the default branch (or no usable base): scan the
	// commits the payload lists.
	var shas []string
	for _, c := range r.ev.Commits {
		if shaRE.MatchString(c.ID) {
			shas = append(shas, c.ID)
		}
	}
	if len(shas) == 0 {
		shas = []string{head}
	}
	r.notices = append(r.notices, fmt.Sprintf("new branch: scanning the %d commit(s) the push event lists", len(shas)))
	return r.scanAPICommits(ctx, r.api(true), shas, true), nil
}

func (r *runner) api(readWorkspace bool) *apiScanner {
	ws := r.ws
	if !readWorkspace {
		ws = ""
	}
	return &apiScanner{gh: r.gh, repo: r.repo, sc: r.sc, col: r.col, workspace: ws, warn: r.warn}
}

// scanAPICommits scans each commit through the API; it returns false when
// none could be fetched.
func (r *runner) scanAPICommits(ctx context.Context, api *apiScanner, shas []string, wholeIfOmitted bool) bool {
	ok := 0
	for _, sha := range shas {
		if err := api.scanCommit(ctx, sha, wholeIfOmitted); err != nil {
			r.warn(degraded("commit "+shortSHA(sha)+" could not be fetched and was NOT scanned", err))
			r.stats.Skip("commit "+shortSHA(sha), errors.New("not fetched"))
			continue
		}
		ok++
	}
	return ok > 0 || len(shas) == 0
}

// prState is what a PR scan learned for posting.
type prState struct {
	number int
	head   string
}

var errNoPR = errors.New("not a pull request")

func (r *runner) prInfo() (prState, error) {
	if r.ev == nil || r.ev.PullRequest == nil {
		return prState{}, errNoPR
	}
	n, _, head, err := r.ev.prRange()
	return prState{number: n, head: head}, err
}

// scanPR scans base.sha..head.sha of a pull request (never GITHUB_SHA, the
// merge commit): locally when the clone has both commits, else through the
// API. On pull_request_target the PR's code is never read from the
// workspace: only the API is used.
func (r *runner) scanPR(ctx context.Context) (bool, error) {
	number, base, head, err := r.ev.prRange()
	if err != nil {
		return false, err
	}
	target := r.event == "pull_request_target"
	if !target && haveCommits(r.ws, base, head) {
		added, warns, err := r.rangeFunc()(ctx, r.ws, base, head, r.sc, r.col)
		r.warnings = append(r.warnings, warns...)
		if err == nil {
			r.added, r.local = added, true
			return true, nil
		}
		if !errors.Is(err, ErrBaseNotFound) {
			return false, fmt.Errorf("failed to scan %s..%s: %w", shortSHA(base), shortSHA(head), err)
		}
	}
	if !target {
		r.notices = append(r.notices, "the pull request's base commit is not in the local clone (the default shallow checkout): scanning it through the GitHub API; actions/checkout with fetch-depth: 0 gives a complete local scan")
	}
	api := r.api(!target)
	shas, cerr := api.prCommits(ctx, number)
	if cerr != nil {
		r.warn(degraded("could not list the pull request's commits, so each commit was NOT scanned", cerr))
	}
	fetched := r.scanAPICommits(ctx, api, shas, false)
	added, ferr := api.prFiles(ctx, number, head)
	if ferr != nil {
		r.warn(degraded("could not list the pull request's files", ferr))
	}
	api.uncovered()
	r.added = added
	return (cerr == nil && fetched) || ferr == nil, nil
}

// scanHistory scans the history of the workspace's repository: all of it,
// or with the history-state input only what is new since the last run plus
// the findings that run left open.
func (r *runner) scanHistory(ctx context.Context) error {
	hist := r.o.Sources.History
	if hist == nil {
		hist = historyScan
	}
	if r.in.HistoryState == "" {
		return r.wholeHistory(ctx, hist)
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
		if err := r.wholeHistory(ctx, hist); err != nil {
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
	warns, err := hist(ctx, r.ws, path, r.sc, r.col)
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
		warns, err = r.freshState(ctx, hist, path)
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

// wholeHistory scans the whole history without a state.
func (r *runner) wholeHistory(ctx context.Context, hist HistoryFunc) error {
	warns, err := hist(ctx, r.ws, "", r.sc, r.col)
	r.warnings = append(r.warnings, warns...)
	if err != nil {
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
func (r *runner) freshState(ctx context.Context, hist HistoryFunc, path string) ([]string, error) {
	dir, err := os.MkdirTemp(filepath.Dir(path), ".clickup-secret-scan-state-*")
	if err != nil {
		warns, serr := hist(ctx, r.ws, "", r.sc, r.col)
		if serr != nil {
			return warns, serr
		}
		return warns, fmt.Errorf("%w: no room for a fresh state next to it: %w", history.ErrStateNotSaved, err)
	}
	defer os.RemoveAll(dir)
	fresh := filepath.Join(dir, filepath.Base(path))
	warns, err := hist(ctx, r.ws, fresh, r.sc, r.col)
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

func orNone(mode string) string {
	if mode == "" {
		return "none"
	}
	return mode
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
	dirs := r.o.Sources.Dirs
	if dirs == nil {
		dirs = dirScan
	}
	warns, err := dirs(ctx, roots, r.in.Include, r.in.Exclude, r.sc, r.col)
	r.warnings = append(r.warnings, warns...)
	if err != nil {
		return fmt.Errorf("failed to scan the paths: %w", err)
	}
	return nil
}

func (r *runner) runAudit(ctx context.Context) (Outcome, error) {
	if r.o.Sources.Audit == nil {
		return Outcome{}, fmt.Errorf("%w: mode audit is not available in this build", ErrUsage)
	}
	r.printNotices()
	text, failed, err := r.o.Sources.Audit(ctx, r.ws)
	if err != nil {
		return Outcome{}, fmt.Errorf("failed to audit %s: %w", r.ws, err)
	}
	fmt.Fprint(r.o.Stdout, text)
	if failed {
		r.gha.Errorf("%s", "the ClickUp security checklist has failed checks; see the job summary")
	}
	if r.in.Summary {
		r.addSummary(report.ChecklistSummary(text, report.StepSummaryLimit))
	}
	return Outcome{AuditFailed: failed, FileCommandErr: r.fileCommandErrors()}, nil
}

// finish masks, reports, posts and sets the outputs.
func (r *runner) finish(ctx context.Context, mode string, out Outcome) (Outcome, error) {
	found := r.col.Findings()
	// Mask every raw value before anything else reaches the log.
	for _, f := range found {
		r.gha.AddMask(f.Secret.Reveal())
	}
	r.relativize(found)
	rep := report.Report{Mode: mode, Findings: found, Stats: r.stats.Snapshot(), Warnings: r.warnings, Links: r.links()}
	if r.o.PostProcess != nil {
		var err error
		if rep, err = r.o.PostProcess(ctx, rep); err != nil {
			return Outcome{}, err
		}
	}
	r.printNotices()
	switch {
	case out.Incomplete && out.CheckoutScanned:
		r.gha.Errorf("%s", "clickup-secret-scan could not scan the commits this event adds (shallow checkout, GitHub API failing): only the checked-out files were scanned; actions/checkout with fetch-depth: 0 gives a complete scan. The run fails rather than pass silently")
	case out.Incomplete:
		r.gha.Errorf("%s", "clickup-secret-scan could not scan what this event adds: the GitHub API failed throughout (see the warnings); the run fails rather than pass silently")
	}

	out.Findings = len(rep.Findings)
	for _, f := range rep.Findings {
		if f.Verification == "live" {
			out.Live++
		}
	}

	sarifOK := r.writeSARIF(rep)
	r.setOutput("findings", strconv.Itoa(out.Findings))
	if sarifOK {
		r.setOutput("sarif-file", r.in.SARIFFile)
	}
	if r.in.Verify {
		r.setOutput("live", strconv.Itoa(out.Live))
	}

	annotated := rep.Findings
	if st, err := r.prInfo(); err == nil && r.local {
		annotated = onHead(rep.Findings, st.head, newHeadLines(r.ws, st.head).lines)
	}
	report.WriteAnnotations(r.gha, annotated, report.AnnotationLimit)

	if r.in.Comment && r.in.Token != "" && (r.event == "pull_request" || r.event == "pull_request_target") {
		r.postPR(ctx, rep)
	} else if r.in.Comment && r.in.Token == "" && (r.event == "pull_request" || r.event == "pull_request_target") {
		r.postWarnings = append(r.postWarnings, "no github-token: the review and the summary comment were not posted")
	}
	if r.in.TrackingIssue && mode == "history" && (r.event == "schedule" || r.event == "workflow_dispatch") && r.repo.owner == "" {
		r.postWarnings = append(r.postWarnings, "GITHUB_REPOSITORY is not set: the tracking issue was not updated")
	} else if r.in.TrackingIssue && mode == "history" && (r.event == "schedule" || r.event == "workflow_dispatch") {
		msg, err := trackIssue(ctx, r.gh, r.repo, rep.Findings, r.runURL(), r.links())
		if err != nil {
			r.postWarnings = append(r.postWarnings, degraded("could not update the tracking issue", err))
		} else if msg != "" {
			r.gha.Noticef("%s", msg)
		}
	}

	all := append(append([]string(nil), rep.Warnings...), r.postWarnings...)
	for i, w := range all {
		if i == report.AnnotationLimit-1 && len(all) > report.AnnotationLimit {
			r.gha.Warningf("+%d more warning(s), see the job summary", len(all)-i)
			break
		}
		r.gha.Warningf("%s", w)
	}
	if r.in.Summary {
		sumRep := rep
		sumRep.Warnings = all
		r.addSummary(report.StepSummary(sumRep, report.StepSummaryLimit))
	}
	fmt.Fprintf(r.o.Stdout, "clickup-secret-scan: %d finding(s), %d item(s) scanned, %d GitHub retries\n", out.Findings, rep.Stats.Files, r.tr.retries)
	out.FileCommandErr = r.fileCommandErrors()
	return out, nil
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

// postPR posts the review on the findings of rep and the sticky comment,
// which also lists the findings that ignore rules suppressed.
func (r *runner) postPR(ctx context.Context, rep report.Report) {
	st, err := r.prInfo()
	if err != nil {
		return
	}
	p := &prPoster{gh: r.gh, repo: r.repo, number: st.number, head: st.head, links: r.links(), warn: func(s string) { r.postWarnings = append(r.postWarnings, s) }}
	if r.local {
		p.at = newHeadLines(r.ws, st.head).lines
	}
	p.review(ctx, rep.Findings, r.added)
	p.sticky(ctx, rep.Findings, rep.Ignored, nil)
}

// links builds the links of the job summary, the sticky comment and the
// tracking issue to file lines and commits.
func (r *runner) links() report.Links {
	return report.Links{Server: r.env("GITHUB_SERVER_URL"), Repo: r.repo.String()}
}

func (r *runner) runURL() string {
	srv, id := r.env("GITHUB_SERVER_URL"), r.env("GITHUB_RUN_ID")
	if srv == "" || id == "" {
		return ""
	}
	return srv + "/" + r.repo.String() + "/actions/runs/" + id
}

// writeSARIF writes the SARIF file for github/codeql-action/upload-sarif.
func (r *runner) writeSARIF(rep report.Report) bool {
	if r.in.SARIFFile == "" {
		return false
	}
	p := r.abs(r.in.SARIFFile)
	f, err := os.Create(p)
	if err == nil {
		err = report.Write(f, "sarif", rep)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		r.postWarnings = append(r.postWarnings, fmt.Sprintf("could not write the SARIF file %s: %v", r.in.SARIFFile, err))
		return false
	}
	return true
}

// setOutput writes an output when GITHUB_OUTPUT is set. go-githubactions
// panics on a write error: the failure is recorded instead, so that the
// run goes on to do everything else it can and fails at the end.
func (r *runner) setOutput(k, v string) {
	if r.env("GITHUB_OUTPUT") == "" {
		return
	}
	defer r.recoverFileCommand("GITHUB_OUTPUT")
	r.gha.SetOutput(k, v)
}

// addSummary appends to the job summary when GITHUB_STEP_SUMMARY is set; a
// write failure is recorded as in setOutput.
func (r *runner) addSummary(md string) {
	if r.env("GITHUB_STEP_SUMMARY") == "" {
		return
	}
	defer r.recoverFileCommand("GITHUB_STEP_SUMMARY")
	// Paths and warnings come from the repository: a file named after a
	// token must not put it in the summary.
	r.gha.AddStepSummary(scanner.RedactShapesString(md))
}

// recoverFileCommand turns go-githubactions' panic on a file command that
// could not be written into a recorded error for the file variable name.
func (r *runner) recoverFileCommand(name string) {
	p := recover()
	if p == nil {
		return
	}
	err, ok := p.(error)
	if !ok {
		err = fmt.Errorf("%v", p)
	}
	if r.fileErrs == nil {
		r.fileErrs = map[string]error{}
	}
	if _, seen := r.fileErrs[name]; !seen {
		r.fileErrs[name] = err
		r.fileErrOrder = append(r.fileErrOrder, name)
	}
}

// fileCommandErrors shows each file command file that could not be
// written, as an error annotation (stdout still reaches the log when the
// files do not) and on stderr, and returns them joined, nil when none.
func (r *runner) fileCommandErrors() error {
	var errs []error
	for _, name := range r.fileErrOrder {
		what := "the step's outputs (findings, sarif-file) are NOT set for later steps"
		if name == "GITHUB_STEP_SUMMARY" {
			what = "the job summary is missing"
		}
		err := fmt.Errorf("could not write %s, so %s: %w", name, what, r.fileErrs[name])
		r.gha.Errorf("clickup-secret-scan: %v", err)
		fmt.Fprintf(r.o.Stderr, "clickup-secret-scan: %v\n", err)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
