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

// reviewTargets picks, for each finding, the first line of the PR's head
// that holds the secret and that the PR adds (GitHub rejects the whole
// review when one comment falls outside the diff hunks), and skips findings
// already commented on and comments GitHub refused before (refused, keyed
// by refusedKey). at gives the 1-based lines of a path at head that hold
// the raw secret verbatim; a location's own line is used only when its
// commit is head, where it is head's line by construction. A finding that
// no head line holds (a later commit removed it) gets no comment: the
// sticky comment lists it as removed from the code, still exposed.
func reviewTargets(fs []scanner.Finding, added map[string][]LineRange, done, refused map[string]bool, head string, at func(path, raw string) []int) []reviewTarget {
	var out []reviewTarget
	for _, f := range fs {
		if done[f.ID] {
			continue
		}
	locations:
		for _, l := range f.Locations {
			if l.InnerPath != "" || l.Object != "" || !presentAtHead(l, head) || len(added[l.Path]) == 0 {
				continue
			}
			var lines []int
			if at != nil {
				lines = at(l.Path, f.Secret.Reveal())
			}
			if l.Commit == head && l.Line > 0 {
				lines = append(lines, l.Line)
			}
			for _, n := range lines {
				if inRanges(added[l.Path], n) && !refused[refusedKey(f.ID, pathDigest(l.Path), n)] {
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
	// at finds a secret's 1-based lines at head (from the clone, or from
	// the PR's file list in API mode); nil when unknown.
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
// at most report.ReviewCommentLimit, and skips the comments GitHub refused
// on an earlier run (refused, keyed by refusedKey). When GitHub rejects the
// review (422: a comment off its diff, a file whose patch it omitted), it
// posts the comments one review each, so that only the refused ones are
// lost, and returns those with GitHub's reason.
func (p *prPoster) review(ctx context.Context, fs []scanner.Finding, added map[string][]LineRange, refused map[string]bool) []refusal {
	done, err := p.existingMarkers(ctx)
	if err != nil {
		p.warn(degraded("could not read earlier review comments, so none were posted", err))
		return nil
	}
	targets := reviewTargets(fs, added, done, refused, p.head, p.at)
	if len(targets) == 0 {
		return nil
	}
	extra := 0
	if len(targets) > report.ReviewCommentLimit {
		extra = len(targets) - report.ReviewCommentLimit
		targets = targets[:report.ReviewCommentLimit]
	}
	err = p.postReview(ctx, targets, extra)
	if err == nil {
		return nil
	}
	if statusOf(err) != http.StatusUnprocessableEntity {
		p.warn(degraded("could not post the pull request review; the findings are in the annotations and the job summary", err))
		return nil
	}
	if len(targets) == 1 {
		return []refusal{p.refuse(targets[0], err)}
	}
	// GitHub names neither the comment nor its index: post one review per
	// comment, so that each refusal is attributed and the rest get in.
	var out []refusal
	for i, t := range targets {
		err := p.postReview(ctx, []reviewTarget{t}, 0)
		switch {
		case err == nil:
		case statusOf(err) == http.StatusUnprocessableEntity:
			out = append(out, p.refuse(t, err))
		default:
			p.warn(degraded(fmt.Sprintf("could not post %d review comment(s); the findings are in the annotations and the job summary", len(targets)-i), err))
			return out
		}
	}
	return out
}

// postReview posts one review holding a comment per target.
func (p *prPoster) postReview(ctx context.Context, targets []reviewTarget, extra int) error {
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
	_, _, err := p.gh.PullRequests.CreateReview(ctx, p.repo.owner, p.repo.name, p.number, req)
	return err
}

// refuse records and reports a review comment GitHub refused with a 422.
func (p *prPoster) refuse(t reviewTarget, err error) refusal {
	r := newRefusal(t.finding.ID, t.path, t.line, ghReason(err))
	p.warn(fmt.Sprintf("GitHub refused the review comment on %s line %d (422: %s); the finding is in the summary comment, the annotations and the job summary, and later runs do not post this comment again", t.path, t.line, r.Reason))
	return r
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
// only in its earlier commits. Every finding is in one of the two lists,
// also one that ignore rules suppress at some location: its other
// locations are still reported, so it counts in the sticky headline as in
// the findings output and the job summary.
func splitAtHead(fs []scanner.Finding, head string) (open, gone []scanner.Finding) {
	for _, f := range fs {
		if slices.ContainsFunc(f.Locations, func(l scanner.Location) bool { return presentAtHead(l, head) }) {
			open = append(open, f)
		} else {
			gone = append(gone, f)
		}
	}
	return open, gone
}

// sticky creates or edits (existing, nil for none) the one comment that
// lists every finding of the PR and every finding that ignore rules
// suppress in it (the rules come from the PR's own tree, so reviewers must
// see what they hide), and the review comments GitHub refused (refused,
// also kept in a hidden marker for later runs). It posts nothing on a PR
// that never had any of them.
func (p *prPoster) sticky(ctx context.Context, existing *github.IssueComment, all []scanner.Finding, suppressed []report.Ignored, refused []refusal) {
	fs, gone := splitAtHead(all, p.head)
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
	body := report.StickyCommentBody(report.Sticky{Findings: fs, Removed: gone, Suppressed: suppressed, Vanished: vanished, Notes: refusalNotes(refused), Links: p.links})
	body = withRefused(body, refused)
	var err error
	if existing != nil {
		if existing.GetBody() == body {
			return
		}
		_, _, err = p.gh.Issues.EditComment(ctx, p.repo.owner, p.repo.name, existing.GetID(), &github.IssueComment{Body: github.String(body)})
	} else {
		_, _, err = p.gh.Issues.CreateComment(ctx, p.repo.owner, p.repo.name, p.number, &github.IssueComment{Body: github.String(body)})
	}
	if err != nil {
		p.warn(degradedWrite("could not post the summary comment on the pull request", err))
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

// onHead returns a copy of fs for the annotations GitHub shows on the PR's
// files: a location still at head names head's line of the secret, and one
// no longer at head names no line (its line in the commit that added it
// would point at an unrelated line of head). The report keeps the line in
// the commit that added it.
func onHead(fs []scanner.Finding, head string, at func(path, raw string) []int) []scanner.Finding {
	out := make([]scanner.Finding, len(fs))
	for i, f := range fs {
		f.Locations = slices.Clone(f.Locations)
		for j := range f.Locations {
			l := &f.Locations[j]
			if l.InnerPath != "" || l.Object != "" {
				continue
			}
			if !presentAtHead(*l, head) {
				l.Line, l.Column, l.ColumnUTF16 = 0, 0, 0
				continue
			}
			switch lines := at(l.Path, f.Secret.Reveal()); {
			case len(lines) > 0 && !slices.Contains(lines, l.Line):
				// The column was on the commit's line, not this one.
				l.Line, l.Column, l.ColumnUTF16 = lines[0], 0, 0
			case len(lines) == 0 && l.Commit != "" && l.Commit != head:
				// The secret is at head, but not verbatim on a line of
				// this path: the commit's line may be another one now.
				l.Line, l.Column, l.ColumnUTF16 = 0, 0, 0
			}
		}
		out[i] = f
	}
	return out
}
