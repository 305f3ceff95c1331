package action

// What each GitHub failure status means for the user, in the words of the
// warning the Action prints: none of them fails the scan.

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v60/github"
)

// The permissions a call needs, named as a workflow's permissions block
// spells them.
const (
	permRead    = "contents: read"
	permPRWrite = "pull-requests: write"
	permIssues  = "issues: write"
)

// degraded words a failure of a call that reads (commits, files, comments).
func degraded(what string, err error) string { return degradedAs(what, permRead, err) }

// degradedWrite words a failure to post on a pull request.
func degradedWrite(what string, err error) string { return degradedAs(what, permPRWrite, err) }

// degradedAs words a GitHub failure for the log; perm is the permission
// the call needs, named when a 403 says the token lacks it.
func degradedAs(what, perm string, err error) string {
	switch statusOf(err) {
	case http.StatusUnauthorized:
		return what + ": the github-token is invalid or expired (401)"
	case http.StatusForbidden:
		if isRateLimitErr(err) {
			return what + " (403: GitHub's rate limit is spent; the next run retries)"
		}
		return what + fmt.Sprintf(" (403: the token may not do this: add `%s` to the job's permissions; on pull requests from forks GitHub gives a read-only token whatever the workflow asks, so the findings are only in the annotations and the job summary)", perm)
	case http.StatusNotFound:
		return what + " (404: not found, or the token cannot see it: a private repository needs `" + permRead + "`)"
	case http.StatusUnprocessableEntity:
		return what + " (422: GitHub rejected it: " + ghReason(err) + ")"
	}
	return what + ": " + shortError(err)
}

func isRateLimitErr(err error) bool {
	var rl *github.RateLimitError
	var ab *github.AbuseRateLimitError
	return errors.As(err, &rl) || errors.As(err, &ab)
}

// ghReason is GitHub's own reason for a rejected request ("Line could not
// be resolved"), from the error list of its body, else its message.
func ghReason(err error) string {
	var er *github.ErrorResponse
	if !errors.As(err, &er) {
		return shortError(err)
	}
	var rs []string
	for _, e := range er.Errors {
		switch {
		case e.Message != "":
			rs = append(rs, e.Message)
		case e.Code != "":
			rs = append(rs, strings.TrimSpace(e.Field+" "+e.Code))
		}
	}
	s := strings.Join(rs, "; ")
	if s == "" {
		s = er.Message
	}
	if s == "" {
		s = "no reason given"
	}
	return clip(oneLine(s), 200)
}

// shortError keeps the first line of a go-github error, which names the
// method, URL and status but not the request body.
func shortError(err error) string {
	// go-github ends the line with the body's error list, "[]" when empty.
	return clip(strings.TrimSuffix(oneLine(err.Error()), " []"), 300)
}

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
