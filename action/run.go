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
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/sethvargo/go-githubactions"

	"github.com/clickup-secret-scan/clickup-secret-scan/auditlog"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

// AuditFunc runs the repository checklist (mode: audit) and returns it as
// text, and whether a check failed. An error wrapping ErrUsage is the
// user's to fix.
type AuditFunc func(ctx context.Context, repoPath string) (text string, failed bool, err error)

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
	// Sources make the sources scanned; nil means LocalSources.
	Sources Sources
	// Audit runs mode audit; nil makes mode audit unavailable.
	Audit AuditFunc
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
	event eventName
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
	// at finds the 1-based lines of a path at the PR's head that hold a raw
	// secret: from the clone, or from the PR's file list in API mode; nil
	// when neither was read.
	at func(path, raw string) []int
	// tracked tells whether a checkout path is a file git tracks (see
	// trackedIn); built once, by links.
	tracked func(path string) bool
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
	r.event = eventName(r.env("GITHUB_EVENT_NAME"))

	mode, err := r.resolveMode()
	if err != nil {
		return Outcome{}, err
	}
	if in.HistoryState != "" && mode != report.ModeHistory {
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
	if mode == report.ModeAudit {
		return r.runAudit(ctx)
	}
	required := mode == report.ModeDiff
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
	case report.ModeDiff:
		done, err := r.scanDiff(ctx)
		if err != nil {
			return Outcome{}, err
		}
		r.scanPRText()
		if !done {
			out.Incomplete = true
			out.CheckoutScanned = r.scanCheckout(ctx)
		}
	case report.ModeHistory:
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

// resolveMode maps the mode input and the event to what to scan: diff,
// history, dir, audit, or "" for nothing.
func (r *runner) resolveMode() (report.Mode, error) {
	switch r.in.Mode {
	case "auto":
		switch {
		case r.event.addsCommits():
			return report.ModeDiff, nil
		case r.event.isScheduled():
			return report.ModeHistory, nil
		}
		if len(r.in.Paths) > 0 {
			return report.ModeDir, nil
		}
		return "", nil
	case "diff":
		if r.event.addsCommits() {
			return report.ModeDiff, nil
		}
		return "", fmt.Errorf("%w: mode diff needs a pull_request, pull_request_target, push or merge_group event, not %q", ErrUsage, r.event)
	}
	return report.Mode(r.in.Mode), nil
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

func (r *runner) warn(s string) { r.warnings = append(r.warnings, s) }

// printNotices prints the queued notices, each once.
func (r *runner) printNotices() {
	for _, n := range r.notices {
		r.gha.Noticef("%s", n)
	}
	r.notices = nil
}

func (r *runner) sources() Sources {
	if r.o.Sources != nil {
		return r.o.Sources
	}
	return LocalSources{}
}

// scan runs src into the run's collector and keeps its warnings.
func (r *runner) scan(ctx context.Context, src source.Source) (source.Result, error) {
	res, err := src.Scan(ctx, r.sc, r.col)
	r.warnings = append(r.warnings, res.Warnings...)
	return res, err
}

func orNone(mode report.Mode) report.Mode {
	if mode == "" {
		return "none"
	}
	return mode
}

// finish masks, reports, posts and sets the outputs.
func (r *runner) finish(ctx context.Context, mode report.Mode, out Outcome) (Outcome, error) {
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
		if f.Verification == scanner.VerifiedLive {
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
	if st, err := r.prInfo(); err == nil && r.at != nil {
		annotated = onHead(rep.Findings, st.head, r.at)
	}
	report.WriteAnnotations(r.gha, annotated, report.AnnotationLimit)

	if r.in.Comment && r.in.Token != "" && r.event.isPR() {
		r.postPR(ctx, rep)
	} else if r.in.Comment && r.in.Token == "" && r.event.isPR() {
		r.postWarnings = append(r.postWarnings, "no github-token: the review and the summary comment were not posted")
	}
	if r.in.TrackingIssue && mode == report.ModeHistory && r.event.isScheduled() && r.repo.owner == "" {
		r.postWarnings = append(r.postWarnings, "GITHUB_REPOSITORY is not set: the tracking issue was not updated")
	} else if r.in.TrackingIssue && mode == report.ModeHistory && r.event.isScheduled() {
		msg, err := trackIssue(ctx, r.gh, r.repo, rep.Findings, r.runURL(), r.links())
		if err != nil {
			r.postWarnings = append(r.postWarnings, degradedAs("could not update the tracking issue", permIssues, err))
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

// postPR posts the review on the findings of rep and the sticky comment,
// which also lists the findings that ignore rules suppressed and the review
// comments GitHub refused, on this run or an earlier one.
func (r *runner) postPR(ctx context.Context, rep report.Report) {
	st, err := r.prInfo()
	if err != nil {
		return
	}
	p := &prPoster{gh: r.gh, repo: r.repo, number: st.number, head: st.head, links: r.links(), at: r.at, warn: func(s string) { r.postWarnings = append(r.postWarnings, s) }}
	// The sticky comment is read first: it remembers the comments GitHub
	// refused, which the review must not post again.
	existing, serr := p.findSticky(ctx)
	if serr != nil && statusOf(serr) == http.StatusUnauthorized {
		// Every other call would fail the same way: say it once.
		p.warn(degraded("the review and the summary comment were not posted", serr))
		return
	}
	if serr != nil {
		p.warn(degraded("could not read the pull request's comments, so the summary comment was not updated", serr))
	}
	before := restorePaths(parseRefused(existing.GetBody()), rep.Findings)
	refused := map[string]bool{}
	for _, x := range before {
		refused[refusedKey(x.ID, x.PathDigest, x.Line)] = true
	}
	now := p.review(ctx, rep.Findings, r.added, refused)
	if serr != nil {
		return
	}
	ids := map[string]bool{}
	for _, f := range rep.Findings {
		ids[f.ID] = true
	}
	p.sticky(ctx, existing, rep.Findings, rep.Ignored, keepRefused(before, now, ids))
}

// links builds the links of the job summary, the sticky comment and the
// tracking issue to file lines and commits. Files of the checkout link to
// the pull request's head, or to the pushed commit.
func (r *runner) links() report.Links {
	l := report.Links{Server: r.env("GITHUB_SERVER_URL"), Repo: r.repo.String()}
	switch {
	case r.ev != nil && r.ev.PullRequest != nil:
		if _, _, head, err := r.ev.prRange(); err == nil {
			l.Head = head
		}
	case r.event.addsCommits() || r.event.isScheduled():
		if sha := r.env("GITHUB_SHA"); shaRE().MatchString(sha) {
			l.Head = sha
		}
	}
	if l.Head != "" {
		if r.tracked == nil {
			r.tracked = trackedIn(r.ws)
		}
		l.InHead = r.tracked
	}
	return l
}

func (r *runner) runURL() string {
	srv, id := r.env("GITHUB_SERVER_URL"), r.env("GITHUB_RUN_ID")
	if srv == "" || id == "" {
		return ""
	}
	return srv + "/" + r.repo.String() + "/actions/runs/" + id
}
