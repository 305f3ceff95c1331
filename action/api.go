package action

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/diff"
)

// GitHub's own ceilings on what the API lists for one pull request.
const (
	maxPRCommits = 250
	maxPRFiles   = 3000
	perPage      = 100
)

// repoRef names the repository the Action talks to.
type repoRef struct{ owner, name string }

func (r repoRef) String() string { return r.owner + "/" + r.name }

// apiScanner scans commits and patches fetched from the GitHub API, for
// shallow clones and pull_request_target, where the PR's code must not be
// checked out.
type apiScanner struct {
	gh   *github.Client
	repo repoRef
	sc   *scanner.Scanner
	col  *scanner.Collector
	// workspace is where a file whose patch GitHub omitted (too big) is
	// read whole from; "" when the checkout must not be read.
	workspace string
	warn      func(string)
	// omitted records, by path, the commit versions whose patch GitHub
	// omitted and that were left for the PR's file list to cover (blob
	// id -> commit); see uncovered.
	omitted map[string]map[string]string
}

// prCommits lists the PR's commits. GitHub lists at most 250 there; a
// longer PR is listed through the compare endpoint (base...head), which
// pages to the end.
func (a *apiScanner) prCommits(ctx context.Context, number int, base, head string) ([]string, error) {
	var shas []string
	opts := &github.ListOptions{PerPage: perPage}
	for {
		cs, resp, err := a.gh.PullRequests.ListCommits(ctx, a.repo.owner, a.repo.name, number, opts)
		if err != nil {
			return shas, fmt.Errorf("failed to list the commits of pull request #%d: %w", number, err)
		}
		for _, c := range cs {
			shas = append(shas, c.GetSHA())
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(shas) < maxPRCommits {
		return shas, nil
	}
	a.warn(fmt.Sprintf("the pull request has %d or more commits and GitHub lists only %d of them for a pull request: listing them through the compare endpoint instead", maxPRCommits, maxPRCommits))
	all, err := a.compareCommits(ctx, base, head)
	if err != nil {
		a.warn(degraded(fmt.Sprintf("could not list the commits beyond the first %d, so they were NOT scanned; use actions/checkout with fetch-depth: 0 for a complete scan", len(shas)), err))
		return shas, nil
	}
	return all, nil
}

// scanCommit fetches one commit with its files and scans each patch.
// With wholeIfOmitted, a file whose patch GitHub omitted is read whole from
// the checkout; without, the caller covers it another way (the PR's file
// list).
func (a *apiScanner) scanCommit(ctx context.Context, sha string, wholeIfOmitted bool) error {
	opts := &github.ListOptions{PerPage: perPage}
	c, resp, err := a.gh.Repositories.GetCommit(ctx, a.repo.owner, a.repo.name, sha, opts)
	if err != nil {
		return fmt.Errorf("failed to get commit %s: %w", shortSHA(sha), err)
	}
	// A commit's files are paginated too (at most 3000 in all).
	for resp.NextPage != 0 && len(c.Files) < maxPRFiles {
		opts.Page = resp.NextPage
		more, r2, err := a.gh.Repositories.GetCommit(ctx, a.repo.owner, a.repo.name, sha, opts)
		if err != nil {
			a.warn(degraded(fmt.Sprintf("commit %s: only the first %d files could be listed", shortSHA(sha), len(c.Files)), err))
			break
		}
		c.Files = append(c.Files, more.Files...)
		resp = r2
	}
	if len(c.Files) >= maxPRFiles {
		a.warn(fmt.Sprintf("commit %s changes %d or more files and GitHub lists only %d of them: the rest were NOT scanned; use actions/checkout with fetch-depth: 0 for a complete scan", shortSHA(sha), maxPRFiles, maxPRFiles))
		a.sc.Stats().Skip("commit "+shortSHA(sha), errors.New("files beyond GitHub's 3000 not listed"))
	}
	base := scanner.Location{Source: scanner.SourceDiff, Commit: sha}
	if au := c.GetCommit().GetAuthor(); au != nil {
		base.Author = au.GetName() + " <" + au.GetEmail() + ">"
		if !au.GetDate().IsZero() {
			base.Date = au.GetDate().UTC().Format(time.RFC3339)
		}
	}
	a.scanMessage(c.GetCommit().GetMessage(), base)
	for _, f := range c.Files {
		a.scanFile(ctx, f, base, wholeIfOmitted)
	}
	return nil
}

// scanFile scans one file entry of a commit or a PR. A file whose patch
// GitHub omitted is read whole from the checkout when that is allowed,
// else reported: never skipped silently.
func (a *apiScanner) scanFile(ctx context.Context, f *github.CommitFile, base scanner.Location, wholeIfOmitted bool) []addedLine {
	if f.GetStatus() == "removed" {
		return nil
	}
	base.Path = f.GetFilename()
	if f.Patch == nil {
		if f.GetChanges() == 0 && f.GetStatus() == "renamed" {
			return nil
		}
		if !wholeIfOmitted {
			if a.omitted == nil {
				a.omitted = map[string]map[string]string{}
			}
			if a.omitted[base.Path] == nil {
				a.omitted[base.Path] = map[string]string{}
			}
			a.omitted[base.Path][f.GetSHA()] = base.Commit
			return nil
		}
		a.scanWhole(ctx, base)
		return nil
	}
	return addedLines(diff.ScanPatch(base.Path, base.Commit, f.GetPatch(), a.sc, a.col, base))
}

func (a *apiScanner) scanWhole(ctx context.Context, base scanner.Location) {
	if a.workspace == "" {
		a.warn(fmt.Sprintf("%s: GitHub omitted its diff (too large or binary) and the checkout is not read on this event, so it was not scanned", base.Path))
		a.sc.Stats().Skip(base.Path, errors.New("diff omitted by the API"))
		return
	}
	p := filepath.Join(a.workspace, filepath.FromSlash(base.Path))
	fh, err := os.Open(p)
	if err != nil {
		a.warn(fmt.Sprintf("%s: GitHub omitted its diff and the file is not in the checkout, so it was not scanned", base.Path))
		a.sc.Stats().Skip(base.Path, err)
		return
	}
	defer fh.Close()
	ms, err := a.sc.Scan(ctx, base.Path, fh)
	for _, m := range ms {
		a.col.Add(m, base)
	}
	if err != nil {
		a.sc.Stats().Error(base.Path, err)
	}
}

// prFiles lists the PR's net changes (head side), scans them and returns
// the added line ranges per path, the only lines a review may comment on,
// and whether the list is complete (GitHub lists at most 3000 files).
func (a *apiScanner) prFiles(ctx context.Context, number int, head string) (map[string][]LineRange, bool, error) {
	added := map[string][]LineRange{}
	opts := &github.ListOptions{PerPage: perPage}
	n := 0
	for {
		fs, resp, err := a.gh.PullRequests.ListFiles(ctx, a.repo.owner, a.repo.name, number, opts)
		if err != nil {
			return added, false, fmt.Errorf("failed to list the files of pull request #%d: %w", number, err)
		}
		for _, f := range fs {
			// The head version is scanned here: a commit's omitted patch
			// of that same version is covered.
			delete(a.omitted[f.GetFilename()], f.GetSHA())
			base := scanner.Location{Source: scanner.SourceDiff, Commit: head}
			if rs := ranges(a.scanFile(ctx, f, base, true)); len(rs) > 0 {
				added[f.GetFilename()] = rs
			}
		}
		n += len(fs)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if n >= maxPRFiles {
		a.warn(fmt.Sprintf("the pull request changes %d or more files and GitHub lists only the first %d: the commits were scanned one by one, but files beyond these get no review comment; use actions/checkout with fetch-depth: 0 for a complete scan", maxPRFiles, maxPRFiles))
		return added, false, nil
	}
	return added, true, nil
}

// uncovered warns about, and counts as skipped, every commit version whose
// patch GitHub omitted and that the PR's head does not hold (the file was
// changed or removed later): nothing read it. Call it after prFiles.
func (a *apiScanner) uncovered() {
	for path, versions := range a.omitted {
		for _, commit := range versions {
			a.warn(fmt.Sprintf("%s in commit %s: GitHub omitted its diff (too large or binary) and the pull request's head holds another version, so this one was NOT scanned; actions/checkout with fetch-depth: 0 gives a complete scan", path, shortSHA(commit)))
			a.sc.Stats().Skip(path, errors.New("diff omitted by the API, version not at head"))
		}
	}
	a.omitted = nil
}

// compareCommits lists the commits of base...head, following the pages to
// the end (GitHub pages a comparison's commits; its file list, on the first
// page only, is not used).
func (a *apiScanner) compareCommits(ctx context.Context, base, head string) ([]string, error) {
	var shas []string
	total := 0
	opts := &github.ListOptions{PerPage: perPage}
	for {
		cmp, resp, err := a.gh.Repositories.CompareCommits(ctx, a.repo.owner, a.repo.name, base, head, opts)
		if err != nil {
			return shas, fmt.Errorf("failed to compare %s...%s: %w", shortSHA(base), shortSHA(head), err)
		}
		for _, c := range cmp.Commits {
			shas = append(shas, c.GetSHA())
		}
		total = cmp.GetTotalCommits()
		if resp.NextPage == 0 || len(cmp.Commits) == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if total > len(shas) {
		a.warn(fmt.Sprintf("the API listed %d of the %d commits: use actions/checkout with fetch-depth: 0 for a complete scan", len(shas), total))
	}
	return shas, nil
}

// statusOf returns the HTTP status of a go-github error, 0 when none.
func statusOf(err error) int {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		return http.StatusForbidden
	}
	var ab *github.AbuseRateLimitError
	if errors.As(err, &ab) {
		return http.StatusForbidden
	}
	return 0
}
