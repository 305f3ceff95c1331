// Package verify checks ClickUp personal tokens and OAuth access tokens
// against ClickUp's API (GET /api/v2/user) to tell a live leak from a
// revoked one. It is opt-in:
// the token is sent to the configured ClickUp API and to nothing else, and
// every call leaves an audit line that holds no token.
package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/auditlog"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/retry"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// DefaultBaseURL is ClickUp's public API.
const DefaultBaseURL = "https://api.clickup.com"

// endpoint is the path called, also the audit log's endpoint template.
const endpoint = "/api/v2/user"

// The verification outcomes, as they appear in Finding.Verification
// (scanner.Verification says what each means).
const (
	Live    = scanner.VerifiedLive
	Revoked = scanner.VerifiedRevoked
	Unknown = scanner.VerifiedUnknown
)

// Defaults for Client.
const (
	DefaultTimeout       = 10 * time.Second
	DefaultAttempts      = 3
	DefaultConcurrency   = 4
	DefaultMaxRetryAfter = 30 * time.Second
	defaultBackoff       = 500 * time.Millisecond
)

// Client checks tokens. The zero value is ready to use against ClickUp's
// public API with the defaults above.
type Client struct {
	// BaseURL replaces DefaultBaseURL (tests, proxies). Plain http is only
	// accepted for loopback hosts, so that a token never crosses a network
	// in clear.
	BaseURL string
	// HTTPClient is used for requests; nil means a client that does not
	// follow redirects (a redirect could carry the token elsewhere).
	HTTPClient *http.Client
	// Timeout bounds one attempt, connection and body included.
	Timeout time.Duration
	// Attempts is how many times a token is tried in all (429, 5xx and
	// network errors are retried; 200 and 401 are final).
	Attempts int
	// Concurrency is how many tokens are checked at once.
	Concurrency int
	// MaxRetryAfter is the longest wait honoured between attempts: a
	// Retry-After beyond it ends the retries with Unknown rather than
	// stalling the scan.
	MaxRetryAfter time.Duration
	// Audit receives one entry per attempt; nil discards them.
	Audit *auditlog.Logger
	// Sleep waits between attempts; nil means a timer that honours ctx.
	// Tests replace it to record the waits.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Result is the outcome of checking one token.
type Result struct {
	Status scanner.Verification // Live, Revoked or Unknown
	// Username is the ClickUp username of a live token's owner.
	Username string
	// Detail says why the status is Unknown (last HTTP status or error);
	// it never holds the token.
	Detail string
}

// CheckBaseURL validates a base URL: absolute, http or https, and plain
// http only towards a loopback host.
func CheckBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid ClickUp API URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("invalid ClickUp API URL %q: want an http(s) URL", u.Redacted())
	case u.Host == "":
		return fmt.Errorf("invalid ClickUp API URL %q: no host", u.Redacted())
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return fmt.Errorf("refusing ClickUp API URL %q: tokens are only sent over https (plain http is allowed for loopback hosts only)", u.Redacted())
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c *Client) baseURL() string {
	if c.BaseURL == "" {
		return DefaultBaseURL
	}
	return strings.TrimRight(c.BaseURL, "/")
}

func (c *Client) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Check asks ClickUp whether secret, a personal token or an OAuth access
// token, works. Errors are
// not returned: whatever prevents an answer yields Unknown with a Detail.
func (c *Client) Check(ctx context.Context, secret scanner.Secret) Result {
	base := c.baseURL()
	if err := CheckBaseURL(base); err != nil {
		return Result{Status: Unknown, Detail: err.Error()}
	}
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	maxWait := c.MaxRetryAfter
	if maxWait <= 0 {
		maxWait = DefaultMaxRetryAfter
	}
	backoff := defaultBackoff
	var res Result
	policy := retry.Policy{MaxAttempts: attempts, MaxWait: maxWait, Sleep: c.Sleep}
	err := retry.Do(ctx, policy, func(attempt int) retry.Attempt {
		var wait time.Duration
		var final bool
		res, wait, final = c.try(ctx, base, secret, attempt)
		if final {
			return retry.Attempt{}
		}
		if wait == 0 {
			wait = backoff
			backoff *= 2
		}
		return retry.Attempt{Retry: true, Wait: wait}
	})
	if err != nil {
		res.Detail += "; " + err.Error()
	}
	return res
}

// try makes one attempt. wait is the delay the server asked for (0 when it
// did not say); final is true when retrying cannot change the answer.
func (c *Client) try(ctx context.Context, base string, secret scanner.Secret, attempt int) (res Result, wait time.Duration, final bool) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	entry := auditlog.Entry{Service: "clickup", Method: http.MethodGet, Endpoint: endpoint, RateLimitRemaining: -1, Attempt: attempt}
	req, err := http.NewRequestWithContext(actx, http.MethodGet, base+endpoint, nil)
	if err != nil {
		entry.Error = "failed to build request"
		c.Audit.Log(entry)
		return Result{Status: Unknown, Detail: entry.Error}, 0, true
	}
	req.Header.Set("Authorization", secret.Reveal())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "clickup-secret-scan")
	resp, err := c.httpClient().Do(req)
	if err != nil {
		entry.Error = errorText(err)
		c.Audit.Log(entry)
		return Result{Status: Unknown, Detail: entry.Error}, 0, ctx.Err() != nil
	}
	defer resp.Body.Close()
	entry.Status = resp.StatusCode
	entry.RateLimitRemaining = headerInt(resp.Header, "X-RateLimit-Remaining", -1)
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil && resp.StatusCode == http.StatusOK {
		entry.Error = errorText(err)
		c.Audit.Log(entry)
		return Result{Status: Unknown, Detail: entry.Error}, 0, false
	}
	c.Audit.Log(entry)
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		var u struct {
			User struct {
				Username string `json:"username"`
			} `json:"user"`
		}
		// A 200 is proof enough of a live token even if the body is odd.
		_ = json.Unmarshal(body, &u)
		return Result{Status: Live, Username: u.User.Username}, 0, true
	case code == http.StatusUnauthorized:
		return Result{Status: Revoked, Detail: ecode(body)}, 0, true
	case retry.Transient(code):
		return Result{Status: Unknown, Detail: "HTTP " + strconv.Itoa(code)}, retryAfter(resp.Header, time.Now()), false
	default:
		return Result{Status: Unknown, Detail: "HTTP " + strconv.Itoa(code)}, 0, true
	}
}

// errorText describes a transport error without the URL, which is kept out
// of messages to avoid echoing a proxy's credentials.
func errorText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return err.Error()
}

// ecode returns ClickUp's error code (OAUTH_025) from a 401 body, if any.
func ecode(body []byte) string {
	var e struct {
		ECODE string `json:"ECODE"`
	}
	if json.Unmarshal(body, &e) == nil && e.ECODE != "" && len(e.ECODE) <= 32 {
		return e.ECODE
	}
	return ""
}

func headerInt(h http.Header, key string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get(key)))
	if err != nil {
		return def
	}
	return n
}

// clickupHeaders is how ClickUp states a wait: X-RateLimit-Reset only
// when it throttles, and a Retry-After date is worth at least a second.
var clickupHeaders = retry.Headers{DateFloor: time.Second, ResetFutureOnly: true}

// retryAfter reads Retry-After (seconds or an HTTP date), falling back to
// ClickUp's X-RateLimit-Reset (a Unix time in seconds); 0 when absent.
func retryAfter(h http.Header, now time.Time) time.Duration {
	d, _ := clickupHeaders.Wait(h, now)
	return d
}

// Summary counts the outcomes of Findings.
type Summary struct {
	Live, Revoked, Unknown int
	// Notes say why each unknown token could not be verified, naming it by
	// its redacted form ("pk_7043602_…L8VY: HTTP 503").
	Notes []string
}

// Verifiable reports whether findings of kind k can be checked with the
// secret alone. Personal tokens and OAuth access tokens both authenticate
// GET /api/v2/user in the Authorization header. A client secret only works
// together with its app's client id and a fresh authorization code, and a
// webhook secret is never sent to ClickUp at all, so neither can be checked.
func Verifiable(k scanner.Kind) bool {
	return k == scanner.PersonalToken || k == scanner.OAuthAccessToken
}

// Findings checks every distinct verifiable token among fs (see
// Verifiable), at most Concurrency at a time, and sets Verification and
// Username in place.
func (c *Client) Findings(ctx context.Context, fs []scanner.Finding) Summary {
	byID := map[string][]int{}
	var order []string
	for i, f := range fs {
		if !Verifiable(f.Kind) || f.Secret.IsZero() {
			continue
		}
		if _, ok := byID[f.ID]; !ok {
			order = append(order, f.ID)
		}
		byID[f.ID] = append(byID[f.ID], i)
	}
	n := c.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	results := make([]Result, len(order))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for k, id := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[k] = c.Check(ctx, fs[byID[id][0]].Secret)
		}()
	}
	wg.Wait()
	var sum Summary
	for k, id := range order {
		r := results[k]
		for _, i := range byID[id] {
			fs[i].Verification = r.Status
			fs[i].Username = r.Username
		}
		switch r.Status {
		case Live:
			sum.Live++
		case Revoked:
			sum.Revoked++
		default:
			sum.Unknown++
			sum.Notes = append(sum.Notes, fs[byID[id][0]].Secret.Redacted()+": "+r.Detail)
		}
	}
	return sum
}
