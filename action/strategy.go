package action

// The scan strategy per event: a pull request, a push or a merge group is
// scanned from the local clone when it holds the commits, else through the
// GitHub API, else (never silently) from the checkout.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/diff"
)

// scanDiff scans what the event adds. It returns false when nothing could
// be scanned (the API failed throughout).
func (r *runner) scanDiff(ctx context.Context) (bool, error) {
	switch {
	case r.event.isPR():
		return r.scanPR(ctx)
	case r.event == evMergeGroup:
		if r.ev.MergeGroup == nil || !shaRE().MatchString(r.ev.MergeGroup.BaseSHA) || !shaRE().MatchString(r.ev.MergeGroup.HeadSHA) {
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
	if r.event.isPRTarget() {
		return false
	}
	if _, err := r.scan(ctx, r.sources().Dirs([]string{r.ws}, nil, nil)); err != nil {
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
		_, err := r.scan(ctx, r.sources().Range(r.ws, base, head))
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, diff.ErrBaseNotFound) {
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
		if shaRE().MatchString(c.ID) {
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
	target := r.event.isPRTarget()
	if !target && haveCommits(r.ws, base, head) {
		res, err := r.scan(ctx, r.sources().Range(r.ws, base, head))
		if err == nil {
			r.added, r.local = res.Added, true
			r.at = newHeadLines(r.ws, head).lines
			return true, nil
		}
		if !errors.Is(err, diff.ErrBaseNotFound) {
			return false, fmt.Errorf("failed to scan %s..%s: %w", shortSHA(base), shortSHA(head), err)
		}
	}
	if !target {
		r.notices = append(r.notices, "the pull request's base commit is not in the local clone (the default shallow checkout): scanning it through the GitHub API; actions/checkout with fetch-depth: 0 gives a complete local scan")
	}
	// Commits and the PR's file list are collected apart, then merged: the
	// same secret at the same path is one location, not one per source.
	api := r.api(!target)
	commits, files := scanner.NewCollector(), scanner.NewCollector()
	api.col = commits
	shas, cerr := api.prCommits(ctx, number, base, head)
	if cerr != nil {
		r.warn(degraded("could not list the pull request's commits, so each commit was NOT scanned", cerr))
	}
	fetched := r.scanAPICommits(ctx, api, shas, false)
	api.col = files
	added, complete, ferr := api.prFiles(ctx, number, head)
	if ferr != nil {
		r.warn(degraded("could not list the pull request's files", ferr))
	}
	api.uncovered()
	idx := mergeAPI(r.col, commits.Findings(), files.Findings(), head, ferr == nil && complete)
	r.added = added
	if ferr == nil {
		r.at = idx.at
	}
	return (cerr == nil && fetched) || ferr == nil, nil
}

func (r *runner) runAudit(ctx context.Context) (Outcome, error) {
	if r.o.Audit == nil {
		return Outcome{}, fmt.Errorf("%w: mode audit is not available in this build", ErrUsage)
	}
	r.printNotices()
	text, failed, err := r.o.Audit(ctx, r.ws)
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
