package action

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// trackIssue keeps one open issue listing the history findings of
// scheduled scans: it opens it on the first findings, updates it on each
// run, and closes it when the history is clean.
func trackIssue(ctx context.Context, gh *github.Client, repo repoRef, fs []scanner.Finding, runURL string, links report.Links) (string, error) {
	existing, err := findTrackingIssue(ctx, gh, repo)
	if err != nil {
		return "", err
	}
	body := report.TrackingIssueBody(fs, runURL, links)
	switch {
	case existing == nil && len(fs) == 0:
		return "", nil
	case existing == nil:
		is, _, err := gh.Issues.Create(ctx, repo.owner, repo.name, &github.IssueRequest{
			Title: github.String(report.TrackingIssueTitle),
			Body:  github.String(body),
		})
		if err != nil {
			return "", fmt.Errorf("failed to open the tracking issue: %w", err)
		}
		return fmt.Sprintf("opened tracking issue #%d", is.GetNumber()), nil
	case len(fs) == 0:
		_, _, err := gh.Issues.Edit(ctx, repo.owner, repo.name, existing.GetNumber(), &github.IssueRequest{
			Body:        github.String(body),
			State:       github.String("closed"),
			StateReason: github.String("completed"),
		})
		if err != nil {
			return "", fmt.Errorf("failed to close tracking issue #%d: %w", existing.GetNumber(), err)
		}
		return fmt.Sprintf("closed tracking issue #%d: the history is clean", existing.GetNumber()), nil
	default:
		if existing.GetBody() == body {
			return fmt.Sprintf("tracking issue #%d is up to date", existing.GetNumber()), nil
		}
		_, _, err := gh.Issues.Edit(ctx, repo.owner, repo.name, existing.GetNumber(), &github.IssueRequest{Body: github.String(body)})
		if err != nil {
			return "", fmt.Errorf("failed to update tracking issue #%d: %w", existing.GetNumber(), err)
		}
		return fmt.Sprintf("updated tracking issue #%d", existing.GetNumber()), nil
	}
}

func findTrackingIssue(ctx context.Context, gh *github.Client, repo repoRef) (*github.Issue, error) {
	opts := &github.IssueListByRepoOptions{State: "open", ListOptions: github.ListOptions{PerPage: perPage}}
	for {
		is, resp, err := gh.Issues.ListByRepo(ctx, repo.owner, repo.name, opts)
		if err != nil {
			return nil, fmt.Errorf("failed to list the open issues: %w", err)
		}
		for _, i := range is {
			if !i.IsPullRequest() && strings.Contains(i.GetBody(), report.TrackingMarker) {
				return i, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}
