package org

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/lazyre"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/retry"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// Repo is one repository as the listing API describes it.
type Repo struct {
	// Owner and Name spell the repository as GitHub does ("acme", "api").
	Owner string
	Name  string
	// CloneURL is the API's clone_url (https), never holding credentials.
	CloneURL string
	// SizeKB is the API's size, in kibibytes of the stored repository.
	SizeKB   int64
	Archived bool
	Fork     bool
}

// FullName returns "OWNER/NAME", the form the reports use.
func (r Repo) FullName() string { return r.Owner + "/" + r.Name }

// FileStem returns "OWNER__NAME", the stem of every per-repository file
// (clone, state, SARIF); safe as a file name because List refuses names
// outside GitHub's alphabet. A repository named after a token (a name may
// hold one: pk_..._... is a valid name) gets "OWNER__repo-" and 16 hex
// digits of the name's SHA-256 instead, since file names end up in
// listings, artifact names and upload logs.
func (r Repo) FileStem() string {
	stem := r.Owner + "__" + r.Name
	if scanner.RedactShapesString(stem) == stem {
		return stem
	}
	sum := sha256.Sum256([]byte(r.Name))
	return r.Owner + "__repo-" + hex.EncodeToString(sum[:8])
}

// ErrOwnerNotFound is returned (wrapped) when the API answers 404 for the
// owner itself: a typo or an owner the token cannot see. It is the user's
// to fix and matches usage.Err.
var ErrOwnerNotFound error = usage.Error{Err: errors.New("owner not found")}

// ErrInvalidOwner is returned (wrapped) for an owner outside GitHub's
// alphabet. It is the user's to fix and matches usage.Err.
var ErrInvalidOwner error = usage.Error{Err: errors.New("invalid owner")}

// Client lists repositories through GitHub's REST API.
type Client struct {
	// APIURL is GITHUB_API_URL: https://api.github.com, or
	// https://HOST/api/v3 for GitHub Enterprise Server.
	APIURL string
	// Token is the GitHub token; it is only ever sent in a header.
	Token string
	// HTTP is the client used for the API; nil means a client with a
	// 60 s timeout.
	HTTP *http.Client
	// Retries is how many times a 5xx or network failure is retried per
	// page (and per clone); Backoff is the first wait, doubled each time.
	Retries int
	Backoff time.Duration
}

// nameRE is GitHub's alphabet for owner and repository names. A name
// outside it (a hostile or broken API) could escape the cache directory.
var nameRE = lazyre.New(`^[A-Za-z0-9._-]+$`)

func validName(s string) bool { return nameRE().MatchString(s) && s != "." && s != ".." }

func (c *Client) gh() (*github.Client, error) {
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	api := c.APIURL
	if api == "" {
		api = "https://api.github.com"
	}
	u, err := url.Parse(strings.TrimSuffix(api, "/") + "/")
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("invalid GitHub API URL %q", api)
	}
	g := github.NewClient(hc)
	if c.Token != "" {
		g = g.WithAuthToken(c.Token)
	}
	// Set BaseURL directly: WithEnterpriseURLs would append /api/v3 to a
	// URL that already is the full API root.
	g.BaseURL = u
	return g, nil
}

// List returns every repository of owner (an organisation, or a user when
// user is true), all pages, in the API's order. A page that fails with a
// 5xx or a network error is retried.
func (c *Client) List(ctx context.Context, owner string, user bool) ([]Repo, error) {
	if !validName(owner) {
		return nil, fmt.Errorf("%w %q", ErrInvalidOwner, owner)
	}
	g, err := c.gh()
	if err != nil {
		return nil, err
	}
	var out []Repo
	page := 1
	for page != 0 {
		var repos []*github.Repository
		var resp *github.Response
		err := c.retry(ctx, transient, func() error {
			var err error
			lo := github.ListOptions{Page: page, PerPage: 100}
			if user {
				repos, resp, err = g.Repositories.ListByUser(ctx, owner, &github.RepositoryListByUserOptions{Type: "owner", ListOptions: lo})
			} else {
				repos, resp, err = g.Repositories.ListByOrg(ctx, owner, &github.RepositoryListByOrgOptions{Type: "all", ListOptions: lo})
			}
			return err
		})
		if err != nil {
			if resp != nil && resp.StatusCode == http.StatusNotFound {
				return nil, fmt.Errorf("failed to list the repositories of %s: %w", owner, ErrOwnerNotFound)
			}
			return nil, fmt.Errorf("failed to list the repositories of %s (page %d): %w", owner, page, c.scrubErr(err))
		}
		for _, r := range repos {
			rp := Repo{
				Owner:    r.GetOwner().GetLogin(),
				Name:     r.GetName(),
				CloneURL: r.GetCloneURL(),
				SizeKB:   int64(r.GetSize()),
				Archived: r.GetArchived(),
				Fork:     r.GetFork(),
			}
			if rp.Owner == "" {
				rp.Owner = owner
			}
			if !validName(rp.Owner) || !validName(rp.Name) {
				return nil, fmt.Errorf("failed to list the repositories of %s: the API returned an invalid name %q", owner, rp.FullName())
			}
			out = append(out, rp)
		}
		page = resp.NextPage
	}
	return out, nil
}

// retry runs fn until it succeeds, fails with an error that transient
// says a retry cannot mend (a 4xx), ctx is done, or c.Retries retries are
// spent, waiting c.Backoff before the first retry and twice as long before
// each next one.
func (c *Client) retry(ctx context.Context, transient func(error) bool, fn func() error) error {
	var err error
	wait := c.Backoff
	stop := retry.Do(ctx, retry.Policy{MaxAttempts: c.Retries + 1}, func(int) retry.Attempt {
		err = fn()
		a := retry.Attempt{Retry: err != nil && transient(err) && ctx.Err() == nil, Wait: wait}
		wait *= 2
		return a
	})
	if stop != nil {
		return stop
	}
	return err
}

// transient reports whether err is worth retrying: a 5xx from the API or
// a failure below HTTP.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) {
		return er.Response != nil && er.Response.StatusCode >= 500
	}
	var rl *github.RateLimitError
	var arl *github.AbuseRateLimitError
	if errors.As(err, &rl) || errors.As(err, &arl) {
		return false
	}
	return true
}

// scrubErr makes sure that no error leaving this package holds the token,
// whatever a server echoed back.
func (c *Client) scrubErr(err error) error {
	if err == nil || c.Token == "" || !strings.Contains(err.Error(), c.Token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), c.Token, "***"))
}
