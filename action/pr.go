package action

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// reviewTarget is one finding placed on a line the PR adds.
type reviewTarget struct {
	finding scanner.Finding
	path    string
	line    int
}

// reviewTargets picks, for each finding, the first location on a line the
// PR adds (GitHub rejects the whole review when one comment falls outside
// the diff hunks) and skips findings already commented on. at, when not
// nil, gives the lines of a path at head that hold the raw secret: a
// location from an earlier commit may name a line that later commits moved.
func reviewTargets(fs []scanner.Finding, added map[string][]LineRange, done map[string]bool, at func(path, raw string) []int) []reviewTarget {
	var out []reviewTarget
	for _, f := range fs {
		if done[f.ID] {
			continue
		}
	locations:
		for _, l := range f.Locations {
			if l.InnerPath != "" || l.Object != "" || l.Change == scanner.Removed || l.Line <= 0 || len(added[l.Path]) == 0 {
				continue
			}
			var lines []int
			if at != nil {
				lines = at(l.Path, f.Secret.Reveal())
			}
			for _, n := range append(lines, l.Line) {
				if inRanges(added[l.Path], n) {
					out = append(out, reviewTarget{f, l.Path, n})
					break locations
				}
			}
		}
	}
	return out
}

// prPoster posts the review and the sticky comment of one PR. Failures
// degrade to warnings: annotations and the job summary still carry every
// finding.
type prPoster struct {
	gh     *github.Client
	repo   repoRef
	number int
	head   string
	links  report.Links
	warn   func(string)
	// at finds a secret's lines at head; nil in API mode, where the PR's
	// file list already gives head-side lines.
	at func(path, raw string) []int
}

// existingMarkers returns the finding ids already carried by review
// comments on the PR, so that a re-run posts nothing twice.
func (p *prPoster) existingMarkers(ctx context.Context) (map[string]bool, error) {
	done := map[string]bool{}
	opts := &github.PullRequestListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	for {
		cs, resp, err := p.gh.PullRequests.ListComments(ctx, p.repo.owner, p.repo.name, p.number, opts)
		if err != nil {
			return done, fmt.Errorf("failed to list the review comments of pull request #%d: %w", p.number, err)
		}
		for _, c := range cs {
			for _, id := range report.ReviewMarkers(c.GetBody()) {
				done[id] = true
			}
		}
		if resp.NextPage == 0 {
			return done, nil
		}
		opts.Page = resp.NextPage
	}
}

// review posts one review with a comment per new finding on an added line,
// at most report.ReviewCommentLimit. It returns how many comments it
// posted.
func (p *prPoster) review(ctx context.Context, fs []scanner.Finding, added map[string][]LineRange) int {
	done, err := p.existingMarkers(ctx)
	if err != nil {
		p.warn(degraded("could not read earlier review comments, so none were posted", err))
		return 0
	}
	targets := reviewTargets(fs, added, done, p.at)
	if len(targets) == 0 {
		return 0
	}
	extra := 0
	if len(targets) > report.ReviewCommentLimit {
		extra = len(targets) - report.ReviewCommentLimit
		targets = targets[:report.ReviewCommentLimit]
	}
	req := &github.PullRequestReviewRequest{
		CommitID: github.String(p.head),
		Event:    github.String("COMMENT"),
		Body:     github.String(reviewBody(len(targets), extra)),
	}
	for _, t := range targets {
		req.Comments = append(req.Comments, &github.DraftReviewComment{
			Path: github.String(t.path),
			Line: github.Int(t.line),
			Side: github.String("RIGHT"),
			Body: github.String(report.ReviewCommentBody(t.finding)),
		})
	}
	if _, _, err := p.gh.PullRequests.CreateReview(ctx, p.repo.owner, p.repo.name, p.number, req); err != nil {
		p.warn(degraded("could not post the pull request review; the findings are in the annotations and the job summary", err))
		return 0
	}
	return len(targets)
}

func reviewBody(n, extra int) string {
	s := fmt.Sprintf("ClickUp secret scan found %d credential(s) on lines this pull request adds. Each one must be rotated, not only removed.", n)
	if extra > 0 {
		s += fmt.Sprintf(" %d more are listed in the sticky comment and the job summary.", extra)
	}
	return s
}

// presentAtHead reports whether location l is still in the PR's head: a
// secret that an earlier commit of the PR added and a later one removed is
// resolved in the PR, though it was pushed and must still be rotated.
func presentAtHead(l scanner.Location, head string) bool {
	switch {
	case l.Change == scanner.Removed:
		return false
	case l.Object != "":
		// A commit message or the PR's text stays in the PR while the
		// commit or the text does; no later commit takes it out.
		return true
	case l.AtHead != nil:
		return *l.AtHead
	case l.Source == scanner.SourceDiff:
		// API mode: only the PR-wide diff and the head commit are known
		// to be at head.
		return l.Commit == head
	}
	return true
}

// splitAtHead separates the findings still in the PR's head from those
// only in its earlier commits. A finding that ignore rules suppress at some
// location (suppressed) is in neither list when it is not open: the token
// is still in the PR, only hidden, and it is listed as suppressed, never
// as gone.
func splitAtHead(fs []scanner.Finding, suppressed []report.Ignored, head string) (open, gone []scanner.Finding) {
	hidden := make(map[string]bool, len(suppressed))
	for _, ig := range suppressed {
		hidden[ig.Finding.ID] = true
	}
	for _, f := range fs {
		switch {
		case slices.ContainsFunc(f.Locations, func(l scanner.Location) bool { return presentAtHead(l, head) }):
			open = append(open, f)
		case !hidden[f.ID]:
			gone = append(gone, f)
		}
	}
	return open, gone
}

// sticky creates or edits the one comment that lists every finding of the
// PR and every finding that ignore rules suppress in it (the rules come
// from the PR's own tree, so reviewers must see what they hide), and marks
// earlier ones resolved when a later push removed them. It posts nothing on
// a PR that never had either.
func (p *prPoster) sticky(ctx context.Context, all []scanner.Finding, suppressed []report.Ignored, notes []string) {
	fs, gone := splitAtHead(all, suppressed, p.head)
	existing, err := p.findSticky(ctx)
	if err != nil {
		p.warn(degraded("could not read the pull request's comments, so the summary comment was not updated", err))
		return
	}
	var before []report.StickyEntry
	if existing != nil {
		before = report.ParseStickyState(existing.GetBody())
	}
	// A finding has vanished when an earlier run listed it and it is now
	// neither found nor suppressed: a token that a push hid behind an
	// ignore rule is still in the pull request, and one that a later
	// commit removed is listed as removed, still exposed.
	present := map[string]bool{}
	for _, f := range all {
		present[f.ID] = true
	}
	for _, ig := range suppressed {
		present[ig.Finding.ID] = true
	}
	var vanished []report.StickyEntry
	for _, e := range before {
		if !present[e.ID] {
			vanished = append(vanished, e)
		}
	}
	if existing == nil && len(all) == 0 && len(suppressed) == 0 {
		return
	}
	body := report.StickyCommentBody(report.Sticky{Findings: fs, Removed: gone, Suppressed: suppressed, Vanished: vanished, Notes: notes, Links: p.links})
	if existing != nil {
		if existing.GetBody() == body {
			return
		}
		_, _, err = p.gh.Issues.EditComment(ctx, p.repo.owner, p.repo.name, existing.GetID(), &github.IssueComment{Body: github.String(body)})
	} else {
		_, _, err = p.gh.Issues.CreateComment(ctx, p.repo.owner, p.repo.name, p.number, &github.IssueComment{Body: github.String(body)})
	}
	if err != nil {
		p.warn(degraded("could not post the summary comment on the pull request", err))
	}
}

func (p *prPoster) findSticky(ctx context.Context) (*github.IssueComment, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	for {
		cs, resp, err := p.gh.Issues.ListComments(ctx, p.repo.owner, p.repo.name, p.number, opts)
		if err != nil {
			return nil, fmt.Errorf("failed to list the comments of pull request #%d: %w", p.number, err)
		}
		for _, c := range cs {
			if strings.Contains(c.GetBody(), report.StickyMarker) {
				return c, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

// degraded words a GitHub failure for the log: a 403 is what fork PRs get
// with their read-only token.
func degraded(what string, err error) string {
	switch statusOf(err) {
	case http.StatusForbidden:
		return what + " (403: the token cannot write here; on pull requests from forks GitHub gives a read-only token)"
	case http.StatusNotFound:
		return what + " (404: not found, or the token cannot see it)"
	case http.StatusUnprocessableEntity:
		return what + " (422: GitHub rejected the request)"
	}
	return what + ": " + shortError(err)
}

// shortError keeps the first line of a go-github error, which names the
// method, URL and status but not the request body.
func shortError(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// onHead returns a copy of fs whose locations still at head name head's
// line of the secret, for the annotations GitHub shows on the PR's files;
// the report keeps the line in the commit that added it.
func onHead(fs []scanner.Finding, head string, at func(path, raw string) []int) []scanner.Finding {
	out := make([]scanner.Finding, len(fs))
	for i, f := range fs {
		f.Locations = slices.Clone(f.Locations)
		for j := range f.Locations {
			l := &f.Locations[j]
			if l.InnerPath != "" || l.Object != "" || !presentAtHead(*l, head) {
				continue
			}
			if lines := at(l.Path, f.Secret.Reveal()); len(lines) > 0 && !slices.Contains(lines, l.Line) {
				// The column was on the commit's line, not this one.
				l.Line, l.Column, l.ColumnUTF16 = lines[0], 0, 0
			}
		}
		out[i] = f
	}
	return out
}
