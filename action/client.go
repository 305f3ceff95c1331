package action

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/clickup-secret-scan/clickup-secret-scan/auditlog"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/retry"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// Retry bounds for GitHub calls. A run must finish in minutes even when
// GitHub throttles it, so the total wait is capped and the Action degrades
// (summary, SARIF and exit code still work) rather than waiting on.
const (
	maxAttempts = 4
	// maxTotalWait bounds the sum of every wait of one run.
	maxTotalWait = 90 * time.Second
	// maxOneWait bounds a single Retry-After or reset wait.
	maxOneWait  = 60 * time.Second
	baseBackoff = time.Second
)

// redactBody returns req with every personal-token shape in its body
// redacted: comment, review and issue bodies quote paths, authors and
// warnings from the repository, and none of them may carry a token to
// GitHub, where a fork's readers would see it.
func redactBody(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return req, nil
	}
	raw, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("failed to read the request body: %w", err)
	}
	body := scanner.RedactShapes(raw)
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	out.ContentLength = int64(len(body))
	return out, nil
}

// Sleeper waits for d or until ctx is done. Tests replace it to avoid real
// waits and to record what the client would have waited.
type Sleeper func(ctx context.Context, d time.Duration) error

func realSleep(ctx context.Context, d time.Duration) error { return retry.Sleep(ctx, d) }

// githubHeaders is how GitHub states a wait: X-RateLimit-Reset comes with
// every response but means a wait only once the quota is spent, and a
// second is added for clock skew.
var githubHeaders = retry.Headers{ResetWhenSpent: true, ResetSlack: time.Second}

// transport retries GitHub calls on 429, secondary rate limits, 5xx and
// network errors, honouring Retry-After and X-RateLimit-Reset within a
// bounded total wait, and writes one audit line per attempt.
type transport struct {
	base    http.RoundTripper
	audit   *auditlog.Logger
	sleep   Sleeper
	now     func() time.Time
	prefix  string        // the path of GITHUB_API_URL, "" or "/api/v3"
	budget  *retry.Budget // the total wait of the run, maxTotalWait
	retries int
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	endpoint := endpointTemplate(strings.TrimPrefix(req.URL.Path, t.prefix))
	req, err := redactBody(req)
	if err != nil {
		return nil, err
	}
	var resp *http.Response
	policy := retry.Policy{MaxAttempts: maxAttempts, MaxWait: maxOneWait, Budget: t.budget, Sleep: t.sleep}
	serr := retry.Do(req.Context(), policy, func(attempt int) retry.Attempt {
		r := req
		if attempt > 1 {
			t.retries++
			r = req.Clone(req.Context())
			if req.GetBody != nil {
				body, berr := req.GetBody()
				if berr != nil {
					resp, err = nil, fmt.Errorf("failed to replay the request body: %w", berr)
					return retry.Attempt{}
				}
				r.Body = body
			}
		}
		resp, err = t.base.RoundTrip(r)
		entry := auditlog.Entry{Service: "github", Method: req.Method, Endpoint: endpoint, RateLimitRemaining: -1, Attempt: attempt}
		if err != nil {
			entry.Error = redactURLError(err)
		} else {
			entry.Status = resp.StatusCode
			if v, perr := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining")); perr == nil {
				entry.RateLimitRemaining = v
			}
		}
		t.audit.Log(entry)

		wait, again := t.retryAfter(resp, err, attempt)
		a := retry.Attempt{Retry: again && req.Context().Err() == nil, Wait: wait}
		if resp != nil {
			body := resp.Body
			// Drain so the connection can be reused; the body of a failed
			// attempt is never shown.
			a.Discard = func() {
				io.Copy(io.Discard, io.LimitReader(body, 1<<16))
				body.Close()
			}
		}
		return a
	})
	// A wait beyond the policy leaves the last answer to the caller;
	// only a cancelled wait replaces it.
	var stop *retry.StopError
	if serr != nil && !errors.As(serr, &stop) {
		return nil, serr
	}
	return resp, err
}

// retryAfter decides whether an attempt is retried and after how long.
func (t *transport) retryAfter(resp *http.Response, err error, attempt int) (time.Duration, bool) {
	backoff := baseBackoff << (attempt - 1)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return 0, false
		}
		return backoff, true
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests,
		resp.StatusCode == http.StatusForbidden && isRateLimited(resp):
		if d, ok := githubHeaders.Wait(resp.Header, t.now()); ok {
			return d, d <= maxOneWait
		}
		// A secondary rate limit without a hint: GitHub asks to wait at
		// least a minute, more than this run can afford; back off a bit
		// and let the bounded budget decide.
		return backoff * 2, true
	case resp.StatusCode >= 500:
		return backoff, true
	}
	return 0, false
}

// isRateLimited tells a rate-limit 403 from a permission 403 (fork PRs).
func isRateLimited(resp *http.Response) bool {
	return resp.Header.Get("Retry-After") != "" || resp.Header.Get("X-RateLimit-Remaining") == "0"
}

// redactURLError keeps the error text but drops the URL's query, which
// never carries a token here but could carry one in a proxy setup.
func redactURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + " " + ue.Err.Error()
	}
	return err.Error()
}

// templates are the endpoints the Action calls, in the OpenAPI spelling,
// so that the audit log names the endpoint rather than the filled-in URL.
var templates = []string{
	"/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
	"/repos/{owner}/{repo}/pulls/{pull_number}/comments",
	"/repos/{owner}/{repo}/pulls/{pull_number}/files",
	"/repos/{owner}/{repo}/pulls/{pull_number}/commits",
	"/repos/{owner}/{repo}/pulls/comments/{comment_id}",
	"/repos/{owner}/{repo}/pulls/{pull_number}",
	"/repos/{owner}/{repo}/commits/{ref}",
	"/repos/{owner}/{repo}/compare/{basehead}",
	"/repos/{owner}/{repo}/issues/{issue_number}/comments",
	"/repos/{owner}/{repo}/issues/comments/{comment_id}",
	"/repos/{owner}/{repo}/issues/{issue_number}",
	"/repos/{owner}/{repo}/issues",
	"/repos/{owner}/{repo}/check-runs/{check_run_id}",
	"/repos/{owner}/{repo}/check-runs",
	"/repos/{owner}/{repo}/code-scanning/sarifs",
	"/repos/{owner}/{repo}",
}

// endpointTemplate maps a request path to its template, or "other".
func endpointTemplate(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, tpl := range templates {
		ts := strings.Split(strings.Trim(tpl, "/"), "/")
		last := ts[len(ts)-1]
		// {basehead} and {ref} may hold slashes (branch names).
		greedy := last == "{basehead}" || last == "{ref}"
		if len(segs) != len(ts) && !(greedy && len(segs) > len(ts)) {
			continue
		}
		ok := true
		for i, s := range ts {
			if !strings.HasPrefix(s, "{") && segs[i] != s {
				ok = false
				break
			}
		}
		if ok {
			return tpl
		}
	}
	return "other"
}

// newClient returns a go-github client for apiURL (GITHUB_API_URL; GitHub
// Enterprise Server included) that authenticates with token and goes
// through the retrying, auditing transport.
func newClient(apiURL, token string, base http.RoundTripper, audit *auditlog.Logger, sleep Sleeper, now func() time.Time) (*github.Client, *transport, error) {
	if apiURL == "" {
		apiURL = "https://api.github.com"
	}
	u, err := url.Parse(strings.TrimSuffix(apiURL, "/") + "/")
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, nil, fmt.Errorf("%w: GITHUB_API_URL %q is not an http(s) URL", ErrUsage, apiURL)
	}
	if base == nil {
		base = http.DefaultTransport
	}
	t := &transport{base: base, audit: audit, sleep: sleep, now: now, prefix: strings.TrimSuffix(u.Path, "/"), budget: &retry.Budget{Total: maxTotalWait}}
	c := github.NewClient(&http.Client{Transport: t, Timeout: 60 * time.Second})
	if token != "" {
		c = c.WithAuthToken(token)
	}
	// Set BaseURL directly: WithEnterpriseURLs would append /api/v3 to any
	// host not named api.*, which is wrong for a proxy or a test server.
	c.BaseURL = u
	c.UploadURL = u
	return c, t, nil
}
