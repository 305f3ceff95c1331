package org

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// ErrForeignHost is returned (wrapped) when a clone URL points to a host
// the token does not belong to; the token is not sent there.
var ErrForeignHost = errors.New("clone URL is not on the GitHub server")

// gitHosts returns the scheme://host[:port] origins that may receive the
// token: the API's own host (GitHub Enterprise Server serves git and the
// API from one host), the host without its "api." prefix (api.github.com
// serves github.com), and GITHUB_SERVER_URL's.
func gitHosts(apiURL, serverURL string) map[string]bool {
	out := map[string]bool{}
	if apiURL == "" {
		apiURL = "https://api.github.com"
	}
	for _, s := range []string{apiURL, serverURL} {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			continue
		}
		out[u.Scheme+"://"+u.Host] = true
		if h, ok := strings.CutPrefix(u.Host, "api."); ok {
			out[u.Scheme+"://"+h] = true
		}
	}
	return out
}

// auth returns the credentials for cloneURL: the token as HTTP basic auth
// with the user x-access-token, which go-git sends in the Authorization
// header and nowhere else. It refuses a URL with user info (a token could
// hide there) or on another host.
func (c *Client) auth(cloneURL string, hosts map[string]bool) (transport.AuthMethod, error) {
	u, err := url.Parse(cloneURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("invalid clone URL from the API")
	}
	if u.User != nil {
		return nil, fmt.Errorf("clone URL from the API carries credentials; refusing it")
	}
	if !hosts[u.Scheme+"://"+u.Host] {
		return nil, fmt.Errorf("%w: %s://%s", ErrForeignHost, u.Scheme, u.Host)
	}
	if c.Token == "" {
		return nil, nil
	}
	return &githttp.BasicAuth{Username: "x-access-token", Password: c.Token}, nil
}

// fetchRepo makes dir a bare mirror of r (every ref): a fetch into dir
// when it already holds a usable repository (the cache), else a fresh
// clone. A transient failure (5xx, network) is retried; a cache that
// cannot be fetched into is dropped and cloned again once.
func (c *Client) fetchRepo(ctx context.Context, r Repo, dir string, hosts map[string]bool) error {
	authm, err := c.auth(r.CloneURL, hosts)
	if err != nil {
		return err
	}
	if repo, err := git.PlainOpen(dir); err == nil {
		err = c.retry(ctx, transientGit, func() error {
			err := repo.FetchContext(ctx, &git.FetchOptions{RemoteName: "origin", RemoteURL: r.CloneURL, Auth: authm, Force: true, Prune: true, Tags: git.AllTags})
			if errors.Is(err, git.NoErrAlreadyUpToDate) || errors.Is(err, transport.ErrEmptyRemoteRepository) {
				return nil
			}
			return err
		})
		if err == nil || ctx.Err() != nil || isRemoteError(err) {
			return c.wrapGit("fetch", err)
		}
		// A local problem (a corrupt cached pack): start again from scratch.
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("failed to remove %s: %w", dir, err)
	}
	err = c.retry(ctx, transientGit, func() error {
		_, err := git.PlainCloneContext(ctx, dir, true, &git.CloneOptions{URL: r.CloneURL, Auth: authm, Mirror: true, Tags: git.AllTags})
		if err != nil && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
			// A half-written clone must not be taken for a cache next time.
			os.RemoveAll(dir)
		}
		return err
	})
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		// An empty repository has nothing to scan, which is not an error:
		// an empty local repository stands in for it.
		os.RemoveAll(dir)
		repo, ierr := git.PlainInit(dir, true)
		if ierr != nil {
			return fmt.Errorf("failed to create %s: %w", dir, ierr)
		}
		_, ierr = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{r.CloneURL}, Mirror: true, Fetch: []config.RefSpec{"+refs/*:refs/*"}})
		if ierr != nil {
			return fmt.Errorf("failed to create %s: %w", dir, ierr)
		}
		return nil
	}
	return c.wrapGit("clone", err)
}

// isRemoteError tells whether a fetch failed on the server's side (so
// that cloning again would not help).
func isRemoteError(err error) bool {
	return errors.Is(err, transport.ErrRepositoryNotFound) || errors.Is(err, transport.ErrAuthenticationRequired) ||
		errors.Is(err, transport.ErrAuthorizationFailed) || httpStatus(err) != 0
}

// transientGit reports whether a git operation is worth retrying: a 5xx
// answer or a network failure.
func transientGit(err error) bool {
	if code := httpStatus(err); code != 0 {
		return code >= 500
	}
	var ue *url.Error
	return errors.As(err, &ue)
}

// httpStatus digs the HTTP status out of a go-git error (which wraps it in
// an UnexpectedError without Unwrap); 0 when there is none.
func httpStatus(err error) int {
	var ue *plumbing.UnexpectedError
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var he *githttp.Err
	if errors.As(err, &he) && he.Response != nil {
		return he.Response.StatusCode
	}
	return 0
}

// wrapGit names the operation and a short reason; the token never appears
// in it (go-git does not echo credentials, and scrubErr makes sure).
func (c *Client) wrapGit(op string, err error) error {
	if err == nil {
		return nil
	}
	if code := httpStatus(err); code != 0 {
		// The body of a 5xx can be a whole HTML page: the status is enough.
		return fmt.Errorf("failed to %s: HTTP %d", op, code)
	}
	switch {
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("failed to %s: %w", op, transport.ErrRepositoryNotFound)
	case errors.Is(err, transport.ErrAuthorizationFailed), errors.Is(err, transport.ErrAuthenticationRequired):
		return fmt.Errorf("failed to %s: access denied (the token needs contents: read): %w", op, transport.ErrAuthorizationFailed)
	}
	return fmt.Errorf("failed to %s: %w", op, c.scrubErr(err))
}
