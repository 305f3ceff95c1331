package action

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

const (
	epReviews        = "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"
	epReviewComments = "/repos/{owner}/{repo}/pulls/{pull_number}/comments"
	epIssueComments  = "/repos/{owner}/{repo}/issues/{issue_number}/comments"
	epIssueComment   = "/repos/{owner}/{repo}/issues/comments/{comment_id}"
	epIssues         = "/repos/{owner}/{repo}/issues"
	epIssue          = "/repos/{owner}/{repo}/issues/{issue_number}"
	epPRCommits      = "/repos/{owner}/{repo}/pulls/{pull_number}/commits"
	epPRFiles        = "/repos/{owner}/{repo}/pulls/{pull_number}/files"
	epCommit         = "/repos/{owner}/{repo}/commits/{ref}"
	epCompare        = "/repos/{owner}/{repo}/compare/{basehead}"
)

// prFixture is a repository whose head commit adds a token on line 3 of
// src/config.js, and a pull_request payload pointing at it.
type prFixture struct {
	repo       *repo
	base, head string
	token      string
	event      string
	tmp        string
}

func newPRFixture(t *testing.T, seed uint64) *prFixture {
	t.Helper()
	tok := fixtures.NewGen(seed).PersonalToken()
	g := newRepo(t)
	base := g.commit(map[string]string{"README.md": "# hello\n", "src/config.js": "// config\nexport const url = 'https://api.clickup.com';\n"})
	head := g.commit(map[string]string{"src/config.js": "// config\nexport const url = 'https://api.clickup.com';\nexport const CLICKUP_TOKEN = '" + tok + "';\n"})
	tmp := t.TempDir()
	ev := payload(t, tmp, "pull_request/opened.payload.json", setPR(base, head))
	return &prFixture{repo: g, base: base, head: head, token: tok, event: ev, tmp: tmp}
}

func (p *prFixture) env(gh *fakeGitHub) map[string]string {
	return actionEnv(p.repo.dir, "pull_request", p.event, gh.URL())
}

// tokenPatch is the PR's diff of src/config.js as GitHub's API gives it.
func (p *prFixture) tokenPatch() string {
	return "@@ -1,2 +1,3 @@\n // config\n export const url = 'https://api.clickup.com';\n+export const CLICKUP_TOKEN = '" + p.token + "';"
}

func wantFindings(t *testing.T, r run, n int) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("Run: %v\nstderr: %s", redactAll(fmt.Sprint(r.err)), redactAll(r.stderr))
	}
	if r.out.Findings != n {
		t.Errorf("findings = %d, want %d", r.out.Findings, n)
	}
	if !strings.Contains(r.outputs, fmt.Sprintf("findings<<_GitHubActionsFileCommandDelimeter_\n%d\n", n)) {
		t.Errorf("outputs do not set findings=%d:\n%s", n, redactAll(r.outputs))
	}
}

func reviewComments(t *testing.T, gh *fakeGitHub) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, c := range gh.calls("POST", epReviews) {
		var req struct {
			CommitID string           `json:"commit_id"`
			Event    string           `json:"event"`
			Comments []map[string]any `json:"comments"`
		}
		if err := json.Unmarshal(c.Body, &req); err != nil {
			t.Fatal(err)
		}
		out = append(out, req.Comments...)
	}
	return out
}

func TestPullRequestReviewOnAddedLine(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 1)
	gh := newFakeGitHub(t, "")
	r := runAction(t, p.env(gh), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	wantFindings(t, r, 1)
	if !masked(r.stdout, p.token) {
		t.Errorf("stdout does not mask the token")
	}
	cs := reviewComments(t, gh)
	if len(cs) != 1 {
		t.Fatalf("review comments = %d, want 1", len(cs))
	}
	c := cs[0]
	if c["path"] != "src/config.js" || c["line"] != float64(3) || c["side"] != "RIGHT" {
		t.Errorf("review comment on %v:%v side %v, want src/config.js:3 RIGHT", c["path"], c["line"], c["side"])
	}
	if _, ok := c["position"]; ok {
		t.Errorf("review comment uses position; want line + side")
	}
	id := scanner.NewSecret(p.token).ID()
	body, _ := c["body"].(string)
	for _, want := range []string{report.ReviewMarker(id), scanner.NewSecret(p.token).Redacted(), "<details>", "personal API token"} {
		if !strings.Contains(body, want) {
			t.Errorf("review comment lacks %q:\n%s", want, redactAll(body))
		}
	}
	if got := gh.calls("POST", epReviews); len(got) == 1 && !strings.Contains(string(got[0].Body), `"commit_id":"`+p.head+`"`) {
		t.Errorf("review not on the PR head %s: %s", p.head, redactAll(string(got[0].Body)))
	}
	if n := len(gh.calls("POST", epIssueComments)); n != 1 {
		t.Errorf("sticky comments created = %d, want 1", n)
	}
	// A full clone needs 4 calls: list review comments, review, list issue
	// comments, create the summary comment.
	if n := len(gh.requests); n != 4 {
		t.Errorf("API calls = %d, want 4", n)
	}
	if !strings.Contains(r.stdout, "::error col=") || !strings.Contains(r.stdout, "file=src/config.js,line=3") {
		t.Errorf("no error annotation on src/config.js:3:\n%s", redactAll(r.stdout))
	}
	if !strings.Contains(r.summary, scanner.NewSecret(p.token).Redacted()) {
		t.Errorf("job summary does not list the finding:\n%s", redactAll(r.summary))
	}
	if !strings.Contains(r.sarif, "clickup-personal-token") {
		t.Errorf("SARIF file lacks the rule id:\n%.500s", r.sarif)
	}
	if !strings.Contains(r.outputs, "sarif-file<<_GitHubActionsFileCommandDelimeter_\nout.sarif\n") {
		t.Errorf("outputs lack sarif-file:\n%s", redactAll(r.outputs))
	}
	// One audit line per call, with the endpoint template.
	lines := strings.Split(strings.TrimSpace(r.audit), "\n")
	if len(lines) != len(gh.allBodies())/2 {
		t.Errorf("audit lines = %d, want one per request (%d)", len(lines), len(gh.allBodies())/2)
	}
	if !strings.Contains(r.audit, `"endpoint":"`+epReviews+`"`) || strings.Contains(r.audit, "test-github-token") {
		t.Errorf("audit log lacks the review endpoint or holds the GitHub token:\n%s", r.audit)
	}
}

func TestPullRequestRerunPostsNothingTwice(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 2)
	gh := newFakeGitHub(t, "")
	first := runAction(t, p.env(gh), nil)
	second := runAction(t, p.env(gh), nil)
	gh.check()
	assertNoLeak(t, first, gh, p.token)
	assertNoLeak(t, second, gh, p.token)
	wantFindings(t, second, 1)
	if n := len(gh.calls("POST", epReviews)); n != 1 {
		t.Errorf("reviews posted over two runs = %d, want 1", n)
	}
	if n := len(gh.calls("POST", epIssueComments)); n != 1 {
		t.Errorf("sticky comments created over two runs = %d, want 1", n)
	}
	if n := len(gh.calls("PATCH", epIssueComment)); n != 0 {
		t.Errorf("sticky comment edited %d times with nothing new, want 0", n)
	}
	// The re-run only reads: list review comments, list issue comments.
	if n := len(gh.requests); n != 6 {
		t.Errorf("API calls over two runs = %d, want 4 + 2", n)
	}
}

func TestPullRequestTokenRemovedStaysInSticky(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 3)
	gh := newFakeGitHub(t, "")
	first := runAction(t, p.env(gh), nil)
	wantFindings(t, first, 1)
	// A later push removes the line.
	head2 := p.repo.commit(map[string]string{"src/config.js": "// config\nexport const url = 'https://api.clickup.com';\nexport const CLICKUP_TOKEN = process.env.CLICKUP_TOKEN;\n"})
	payload(t, p.tmp, "pull_request/synchronize.payload.json", func(m map[string]any) {
		setPR(p.base, head2)(m)
		m["before"], m["after"] = p.head, head2
	})
	env := p.env(gh)
	env["GITHUB_EVENT_NAME"] = "pull_request"
	second := runAction(t, env, nil)
	gh.check()
	assertNoLeak(t, first, gh, p.token)
	assertNoLeak(t, second, gh, p.token)
	// The token is still in the PR's first commit: it was pushed, so it
	// still counts until rotated and ignored.
	wantFindings(t, second, 1)
	edits := gh.calls("PATCH", epIssueComment)
	if len(edits) != 1 {
		t.Fatalf("sticky edits = %d, want 1", len(edits))
	}
	var body struct{ Body string }
	json.Unmarshal(edits[0].Body, &body)
	// Removed from the code is not resolved: the sticky counts it like the
	// findings output, and asks to rotate it.
	for _, want := range []string{"1 credential(s) in this pull request (1 removed from the code, still exposed)", scanner.NewSecret(p.token).Redacted(), "removed from the code, still exposed: rotate", "Regenerate it in ClickUp"} {
		if !strings.Contains(body.Body, want) {
			t.Errorf("sticky after the removal lacks %q:\n%s", want, redactAll(body.Body))
		}
	}
	for _, bad := range []string{"Resolved", "~~", "no credentials in this pull request any more"} {
		if strings.Contains(body.Body, bad) {
			t.Errorf("sticky after the removal holds %q:\n%s", bad, redactAll(body.Body))
		}
	}
	if n := len(gh.calls("POST", epIssueComments)); n != 1 {
		t.Errorf("sticky comments created = %d, want 1 (edited in place)", n)
	}
	if n := len(reviewComments(t, gh)); n != 1 {
		t.Errorf("review comments = %d, want 1 (the removed line gets none)", n)
	}
}

// postFault answers every POST and PATCH with status.
func postFault(status int) fault {
	return func(method, endpoint string, n int) (int, http.Header, bool) {
		if method == "POST" || method == "PATCH" {
			return status, nil, true
		}
		return 0, nil, false
	}
}

func TestPullRequestPostingFailuresDegrade(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		fault  fault
		expect string
	}{
		{"fork read-only token", postFault(http.StatusForbidden), "403"},
		{"review rejected", func(method, endpoint string, n int) (int, http.Header, bool) {
			if method == "POST" && endpoint == epReviews {
				return http.StatusUnprocessableEntity, nil, true
			}
			return 0, nil, false
		}, "422"},
		{"not found", postFault(http.StatusNotFound), "404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPRFixture(t, 4)
			gh := newFakeGitHub(t, "")
			gh.fault = tc.fault
			r := runAction(t, p.env(gh), nil)
			gh.check()
			assertNoLeak(t, r, gh, p.token)
			wantFindings(t, r, 1)
			if !strings.Contains(r.stdout, "::warning::") || !strings.Contains(r.stdout, tc.expect) {
				t.Errorf("no warning naming %s:\n%s", tc.expect, redactAll(r.stdout))
			}
			if !strings.Contains(r.stdout, "::error ") || !strings.Contains(r.stdout, "file=src/config.js,line=3") {
				t.Errorf("the finding lost its annotation:\n%s", redactAll(r.stdout))
			}
			if !strings.Contains(r.summary, scanner.NewSecret(p.token).Redacted()) || !strings.Contains(r.summary, tc.expect) {
				t.Errorf("summary lacks the finding or the warning:\n%s", redactAll(r.summary))
			}
			if len(gh.calls("POST", epReviews)) != 1 {
				t.Errorf("a non-retryable failure was retried")
			}
		})
	}
}

func TestRateLimitThenSuccess(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 5)
	gh := newFakeGitHub(t, "")
	gh.fault = func(method, endpoint string, n int) (int, http.Header, bool) {
		if method == "POST" && endpoint == epReviews && n == 1 {
			return http.StatusTooManyRequests, http.Header{"Retry-After": {"7"}, "X-Ratelimit-Remaining": {"0"}}, true
		}
		return 0, nil, false
	}
	r := runAction(t, p.env(gh), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	wantFindings(t, r, 1)
	if n := len(gh.calls("POST", epReviews)); n != 2 {
		t.Errorf("review attempts = %d, want 2", n)
	}
	if len(r.sleeps.d) != 1 || r.sleeps.d[0] != 7*time.Second {
		t.Errorf("waits = %v, want [7s] from Retry-After", r.sleeps.d)
	}
	if len(reviewComments(t, gh)) != 2 || len(gh.reviewComments) != 1 {
		t.Errorf("the retried review did not land once")
	}
	if !strings.Contains(r.audit, `"status":429,"rate_limit_remaining":0,"attempt":1`) || !strings.Contains(r.audit, `"status":200,"rate_limit_remaining":4999,"attempt":2`) {
		t.Errorf("audit log lacks both attempts:\n%s", r.audit)
	}
}

func TestServerErrorStormDegrades(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 6)
	gh := newFakeGitHub(t, "")
	gh.fault = func(method, endpoint string, n int) (int, http.Header, bool) {
		return http.StatusInternalServerError, nil, true
	}
	r := runAction(t, p.env(gh), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	wantFindings(t, r, 1)
	if r.sleeps.total() > maxTotalWait {
		t.Errorf("waited %v in all, more than the %v budget", r.sleeps.total(), maxTotalWait)
	}
	for _, ep := range []string{epReviewComments, epIssueComments} {
		if n := len(gh.calls("GET", ep)); n > maxAttempts || n == 0 {
			t.Errorf("GET %s attempts = %d, want 1..%d", ep, n, maxAttempts)
		}
	}
	if !strings.Contains(r.summary, scanner.NewSecret(p.token).Redacted()) || !strings.Contains(r.sarif, "clickup-personal-token") {
		t.Errorf("summary or SARIF missing after the storm")
	}
	if !strings.Contains(r.stdout, "::warning::") {
		t.Errorf("no warning about the failed posting:\n%s", redactAll(r.stdout))
	}
}

// TestShallowCheckoutUsesAPI runs on a workspace without the PR's commits
// (the default depth-1 checkout of the merge commit), behind a GitHub
// Enterprise Server style /api/v3 prefix.
func TestShallowCheckoutUsesAPI(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 7)
	shallow := newRepo(t)
	shallow.commit(map[string]string{"src/config.js": "merge commit content\n"})
	gh := newFakeGitHub(t, "/api/v3")
	older := "1111111111111111111111111111111111111111"
	gh.prCommits = []string{older, p.head}
	// The token was first added in an earlier commit of the PR, on line 1.
	gh.commitFiles[older] = []file{{Filename: "src/old.js", Status: "added", Patch: "@@ -0,0 +1 @@\n+const t = '" + p.token + "';"}}
	gh.commitFiles[p.head] = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}, {Filename: "dist/big.js", Status: "added", NoPatch: true}}
	gh.prFiles = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}, {Filename: "dist/big.js", Status: "added", NoPatch: true}}
	// The omitted patch is read whole from the checkout.
	tok2 := fixtures.NewGen(77).PersonalToken()
	os.MkdirAll(filepath.Join(shallow.dir, "dist"), 0o755)
	os.WriteFile(filepath.Join(shallow.dir, "dist/big.js"), []byte("var a=1;var k=\""+tok2+"\";\n"), 0o644)
	env := actionEnv(shallow.dir, "pull_request", p.event, gh.URL())
	r := runAction(t, env, nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token, tok2)
	wantFindings(t, r, 2)
	if !strings.Contains(r.stdout, "fetch-depth: 0") {
		t.Errorf("no notice about fetch-depth: 0:\n%s", redactAll(r.stdout))
	}
	for _, ep := range []string{epPRCommits, epPRFiles} {
		if len(gh.calls("GET", ep)) == 0 {
			t.Errorf("API mode did not call GET %s", ep)
		}
	}
	if n := len(gh.calls("GET", epCommit)); n != 2 {
		t.Errorf("commits fetched = %d, want 2", n)
	}
	// list commits, 2 commits, list files, list review comments, review,
	// list issue comments, create the summary comment.
	if n := len(gh.requests); n != 8 {
		t.Errorf("API calls = %d, want 8", n)
	}
	cs := reviewComments(t, gh)
	if len(cs) != 1 || cs[0]["path"] != "src/config.js" || cs[0]["line"] != float64(3) {
		t.Errorf("review comments = %v, want one on src/config.js:3", redactAll(fmt.Sprint(cs)))
	}
	if !strings.Contains(r.summary, "src/old.js") {
		t.Errorf("summary does not show the earlier commit's location:\n%s", redactAll(r.summary))
	}
	if !masked(r.stdout, p.token, tok2) {
		t.Errorf("not every token is masked")
	}
	// Behind the /api/v3 prefix the audit log still names the templates.
	if !strings.Contains(r.audit, `"endpoint":"`+epPRCommits+`"`) || strings.Contains(r.audit, `"endpoint":"other"`) {
		t.Errorf("audit endpoints behind /api/v3 are wrong:\n%s", r.audit)
	}
}

func TestPullRequestTargetNeverReadsWorkspace(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 8)
	gh := newFakeGitHub(t, "")
	gh.prCommits = []string{p.head}
	gh.commitFiles[p.head] = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}}
	gh.prFiles = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}, {Filename: "dist/big.js", Status: "added", NoPatch: true}}
	env := p.env(gh)
	env["GITHUB_EVENT_NAME"] = "pull_request_target"
	// The workspace has both commits, but pull_request_target must still
	// go through the API.
	r := runAction(t, env, fakeSources{rng: func(string, string, string) source.Source {
		return scanFunc(func(context.Context, *scanner.Scanner, *scanner.Collector) (source.Result, error) {
			t.Error("pull_request_target read the checkout")
			return source.Result{}, nil
		})
	}})
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	wantFindings(t, r, 1)
	if !strings.Contains(r.summary, "dist/big.js") {
		t.Errorf("the file with an omitted patch is not reported as unscanned:\n%s", redactAll(r.summary))
	}
}

func TestPushNewBranch(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 9)
	p.repo.branch("master", p.base)
	gh := newFakeGitHub(t, "")
	ev := payload(t, p.tmp, "push/with-new-branch.payload.json", func(m map[string]any) {
		// The example pushes master itself; a feature branch is the case
		// with a base to find.
		m["ref"] = "refs/heads/feature"
		m["after"] = p.head
	})
	r := runAction(t, actionEnv(p.repo.dir, "push", ev, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	wantFindings(t, r, 1)
	if n := len(gh.requests); n != 0 {
		t.Errorf("a push scanned locally made %d API calls, want 0", n)
	}
	if !strings.Contains(r.stdout, "file=src/config.js,line=3") {
		t.Errorf("no annotation on the pushed line:\n%s", redactAll(r.stdout))
	}
}

func TestPushNewDefaultBranchUsesPayloadCommits(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 10)
	gh := newFakeGitHub(t, "")
	gh.commitFiles[p.head] = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}}
	ev := payload(t, p.tmp, "push/with-new-branch.payload.json", func(m map[string]any) {
		m["after"] = p.head
		m["commits"].([]any)[0].(map[string]any)["id"] = p.head
	})
	empty := t.TempDir()
	r := runAction(t, actionEnv(empty, "push", ev, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	wantFindings(t, r, 1)
	if n := len(gh.calls("GET", epCommit)); n != 1 {
		t.Errorf("commits fetched = %d, want the payload's 1", n)
	}
}

func TestPushDeletionScansNothing(t *testing.T) {
	t.Parallel()
	gh := newFakeGitHub(t, "")
	tmp := t.TempDir()
	ev := payload(t, tmp, "push/payload.json", nil)
	r := runAction(t, actionEnv(t.TempDir(), "push", ev, gh.URL()), nil)
	gh.check()
	wantFindings(t, r, 0)
	if len(gh.requests) != 0 {
		t.Errorf("a deletion made %d API calls", len(gh.requests))
	}
	if !strings.Contains(r.stdout, "deleted: nothing to scan") {
		t.Errorf("no notice for the deletion:\n%s", redactAll(r.stdout))
	}
}

func TestScheduleTrackingIssue(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(11).PersonalToken()
	g := newRepo(t)
	g.commit(map[string]string{"app.env": "CLICKUP_TOKEN=" + tok + "\n"})
	g.commit(map[string]string{"app.env": "CLICKUP_TOKEN=\n"})
	gh := newFakeGitHub(t, "")
	tmp := t.TempDir()
	// No webhook example exists for schedule (an Actions-only event).
	ev := filepath.Join(tmp, "event.json")
	os.WriteFile(ev, []byte(`{"schedule":"17 3 * * *"}`), 0o644)
	env := actionEnv(g.dir, "schedule", ev, gh.URL())
	env["INPUT_TRACKING-ISSUE"] = "true"
	first := runAction(t, env, nil)
	wantFindings(t, first, 1)
	if n := len(gh.calls("POST", epIssues)); n != 1 {
		t.Fatalf("tracking issues opened = %d, want 1", n)
	}
	if !strings.Contains(gh.issues[0]["body"].(string), scanner.NewSecret(tok).Redacted()) {
		t.Errorf("tracking issue does not list the finding")
	}
	// The next run still finds it: the issue is updated, not reopened.
	second := runAction(t, env, nil)
	wantFindings(t, second, 1)
	if n := len(gh.calls("POST", epIssues)); n != 1 {
		t.Errorf("a second issue was opened")
	}
	// The history is cleaned (rewritten): the issue is closed. A
	// workflow_dispatch run does the same as a scheduled one.
	clean := newRepo(t)
	clean.commit(map[string]string{"app.env": "CLICKUP_TOKEN=\n"})
	env2 := actionEnv(clean.dir, "workflow_dispatch", payload(t, t.TempDir(), "workflow_dispatch/payload.json", nil), gh.URL())
	env2["INPUT_TRACKING-ISSUE"] = "true"
	third := runAction(t, env2, nil)
	gh.check()
	wantFindings(t, third, 0)
	if gh.issues[0]["state"] != "closed" {
		t.Errorf("tracking issue state = %v, want closed", gh.issues[0]["state"])
	}
	for _, r := range []run{first, second, third} {
		assertNoLeak(t, r, gh, tok)
	}
}

func TestBadInputsAndPayloads(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad.json")
	os.WriteFile(bad, []byte(`{"pull_request": [`), 0o644)
	noPR := filepath.Join(tmp, "nopr.json")
	os.WriteFile(noPR, []byte(`{"action":"opened"}`), 0o644)
	for _, tc := range []struct {
		name string
		edit func(env map[string]string)
	}{
		{"unknown mode", func(e map[string]string) { e["INPUT_MODE"] = "everything" }},
		{"bad boolean", func(e map[string]string) { e["INPUT_FAIL-ON-FINDINGS"] = "yes please" }},
		{"missing payload", func(e map[string]string) { e["GITHUB_EVENT_PATH"] = filepath.Join(tmp, "missing.json") }},
		{"malformed payload", func(e map[string]string) { e["GITHUB_EVENT_PATH"] = bad }},
		{"payload without pull_request", func(e map[string]string) { e["GITHUB_EVENT_PATH"] = noPR }},
		{"diff mode on schedule", func(e map[string]string) { e["INPUT_MODE"] = "diff"; e["GITHUB_EVENT_NAME"] = "schedule" }},
		{"bad repository", func(e map[string]string) { e["GITHUB_REPOSITORY"] = "no-slash" }},
		{"bad API URL", func(e map[string]string) { e["GITHUB_API_URL"] = "ftp://x" }},
		{"dir mode without paths", func(e map[string]string) { e["INPUT_MODE"] = "dir" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := actionEnv(t.TempDir(), "pull_request", filepath.Join(tmp, "x.json"), "http://127.0.0.1:1")
			os.WriteFile(env["GITHUB_EVENT_PATH"], []byte(`{"number":2,"pull_request":{"number":2,"base":{"sha":"f95f852bd8fca8fcc58a9a2d6c842781e32a215e"},"head":{"sha":"ec26c3e57ca3a959ca5aad62de7213c562f8c821"}}}`), 0o644)
			tc.edit(env)
			r := runAction(t, env, nil)
			if !errors.Is(r.err, ErrUsage) {
				t.Errorf("err = %v, want a usage error", redactAll(fmt.Sprint(r.err)))
			}
		})
	}
}

func TestUnsupportedEventIsANotice(t *testing.T) {
	t.Parallel()
	env := actionEnv(t.TempDir(), "issues", filepath.Join(t.TempDir(), "e.json"), "http://127.0.0.1:1")
	r := runAction(t, env, nil)
	if r.err != nil || r.out.Findings != 0 || !strings.Contains(r.stdout, "::notice::") {
		t.Errorf("err=%v findings=%d stdout=%q, want a notice and a clean exit", redactAll(fmt.Sprint(r.err)), r.out.Findings, redactAll(r.stdout))
	}
}

func TestBuildOutputPaths(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(12).PersonalToken()
	ws := t.TempDir()
	os.MkdirAll(filepath.Join(ws, "dist/assets"), 0o755)
	os.WriteFile(filepath.Join(ws, "dist/assets/app.js"), []byte("!function(){var t=\""+tok+"\"}();"), 0o644)
	env := actionEnv(ws, "workflow_run", filepath.Join(t.TempDir(), "e.json"), "http://127.0.0.1:1")
	env["INPUT_PATHS"] = "dist\nbuild-that-does-not-exist"
	r := runAction(t, env, nil)
	assertNoLeak(t, r, nil, tok)
	wantFindings(t, r, 1)
	if !strings.Contains(r.stdout, "file=dist/assets/app.js") {
		t.Errorf("annotation does not name the workspace-relative path:\n%s", redactAll(r.stdout))
	}
	if !strings.Contains(r.stdout, "matched nothing") {
		t.Errorf("no warning for the pattern that matched nothing:\n%s", redactAll(r.stdout))
	}
}

// TestAPIFailingThroughoutIsNotAPass: on a shallow checkout with GitHub
// down, nothing could be scanned; the run must say so and not pass.
func TestAPIFailingThroughoutIsNotAPass(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 13)
	gh := newFakeGitHub(t, "")
	gh.fault = func(method, endpoint string, n int) (int, http.Header, bool) {
		return http.StatusBadGateway, nil, true
	}
	r := runAction(t, actionEnv(t.TempDir(), "pull_request", p.event, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	// The empty checkout is scanned as a last resort and holds nothing:
	// the run stays incomplete.
	if r.err != nil || !r.out.Incomplete || !r.out.CheckoutScanned || r.out.Findings != 0 {
		t.Errorf("err=%v outcome=%+v, want an incomplete run with no findings after scanning the checkout", redactAll(fmt.Sprint(r.err)), r.out)
	}
	if !strings.Contains(r.stdout, "::error::") || !strings.Contains(r.summary, "NOT scanned") {
		t.Errorf("the failure is not shown:\nstdout: %s\nsummary: %s", redactAll(r.stdout), redactAll(r.summary))
	}
	if r.sleeps.total() > maxTotalWait {
		t.Errorf("waited %v, over the %v budget", r.sleeps.total(), maxTotalWait)
	}
}

// TestFakeGitHubRejectsInvalidRequests checks the checker: a request the
// OpenAPI description does not allow is recorded as invalid.
func TestFakeGitHubRejectsInvalidRequests(t *testing.T) {
	t.Parallel()
	gh := newFakeGitHub(t, "")
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/repos/o/r/pulls/2/reviews", `{"event":"SHOUT","comments":[{"path":"a","line":"three","side":"MIDDLE","body":"x"}]}`},
		{"GET", "/repos/o/r/pulls/2/commits?per_page=banana", ""},
		{"PATCH", "/repos/o/r/issues/1", `{"state":"exploded"}`},
		{"GET", "/repos/o/r/no-such-endpoint", ""},
	} {
		req, _ := http.NewRequest(tc.method, gh.URL()+tc.path, strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer test-github-token")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	gh.mu.Lock()
	defer gh.mu.Unlock()
	if len(gh.invalid) != 4 {
		t.Errorf("invalid requests recorded = %d, want 4: %q", len(gh.invalid), gh.invalid)
	}
}

// TestVerifiedLiveOutput: with verify on, the live count is an output and
// post-processing (ignore rules, verification) shapes what is reported.
func TestVerifiedLiveOutput(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 14)
	gh := newFakeGitHub(t, "")
	env := p.env(gh)
	env["INPUT_VERIFY"] = "true"
	var stdout, stderr strings.Builder
	getenv := func(k string) string { return env[k] }
	in := Inputs{Mode: "auto", Token: "test-github-token", FailOnFindings: true, Comment: true, Summary: true, SARIFFile: "out.sarif", Verify: true}
	var seen int
	out, err := Run(context.Background(), in, Options{Getenv: getenv, Stdout: &stdout, Stderr: &stderr, Sleep: (&sleeps{}).sleep,
		PostProcess: func(_ context.Context, rep report.Report) (report.Report, error) {
			seen = len(rep.Findings)
			for i := range rep.Findings {
				rep.Findings[i].Verification = "live"
			}
			return rep, nil
		}})
	gh.check()
	if err != nil || seen != 1 || out.Live != 1 {
		t.Fatalf("err=%v post-processed=%d outcome=%+v, want one live finding", err, seen, out)
	}
	outputs, _ := os.ReadFile(env["GITHUB_OUTPUT"])
	if !strings.Contains(string(outputs), "live<<_GitHubActionsFileCommandDelimeter_\n1\n") {
		t.Errorf("outputs lack live=1:\n%s", redactAll(string(outputs)))
	}
	if !strings.Contains(stdout.String(), "LIVE") {
		t.Errorf("the annotation does not say LIVE:\n%s", redactAll(stdout.String()))
	}
	assertNoLeak(t, run{stdout: stdout.String(), stderr: stderr.String(), outputs: string(outputs)}, gh, p.token)
}

// TestReviewLineFollowsLaterCommits: the token is added by the PR's first
// commit on line 3, then a second commit pushes it down to line 5; the
// review comment must go on head's line 5.
func TestReviewLineFollowsLaterCommits(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 15)
	head2 := p.repo.commit(map[string]string{"src/config.js": "// license\n// header\n// config\nexport const url = 'https://api.clickup.com';\nexport const CLICKUP_TOKEN = '" + p.token + "';\n"})
	payload(t, p.tmp, "pull_request/opened.payload.json", setPR(p.base, head2))
	gh := newFakeGitHub(t, "")
	r := runAction(t, p.env(gh), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	wantFindings(t, r, 1)
	cs := reviewComments(t, gh)
	if len(cs) != 1 || cs[0]["path"] != "src/config.js" || cs[0]["line"] != float64(5) {
		t.Errorf("review comments = %v, want one on src/config.js:5", redactAll(fmt.Sprint(cs)))
	}
	if !strings.Contains(r.stdout, "file=src/config.js,line=5") {
		t.Errorf("the annotation is not on head's line 5:\n%s", redactAll(r.stdout))
	}
}

func TestMergeGroupScansItsRange(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 16)
	ev := filepath.Join(p.tmp, "merge_group.json")
	os.WriteFile(ev, []byte(`{"action":"checks_requested","merge_group":{"base_sha":"`+p.base+`","head_sha":"`+p.head+`","head_ref":"refs/heads/gh-readonly-queue/main/pr-2"}}`), 0o644)
	gh := newFakeGitHub(t, "")
	r := runAction(t, actionEnv(p.repo.dir, "merge_group", ev, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	wantFindings(t, r, 1)
	if len(gh.requests) != 0 {
		t.Errorf("a merge group scanned locally made %d API calls", len(gh.requests))
	}
}

// TestAPIModePaginates: 130 commits take two pages of GET .../commits
// (per_page=100), and every commit is fetched.
func TestAPIModePaginates(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 17)
	gh := newFakeGitHub(t, "")
	for i := 0; i < 130; i++ {
		sha := fmt.Sprintf("%040x", i+1)
		gh.prCommits = append(gh.prCommits, sha)
		gh.commitFiles[sha] = []file{{Filename: fmt.Sprintf("f%d.txt", i), Status: "added", Patch: "@@ -0,0 +1 @@\n+nothing here"}}
	}
	// The last commit touches 150 files, the token in the last one: its
	// files take two pages.
	last := gh.prCommits[129]
	gh.commitFiles[last] = nil
	for i := 0; i < 149; i++ {
		gh.commitFiles[last] = append(gh.commitFiles[last], file{Filename: fmt.Sprintf("g%d.txt", i), Status: "added", Patch: "@@ -0,0 +1 @@\n+nothing"})
	}
	gh.commitFiles[last] = append(gh.commitFiles[last], file{Filename: "src/old-copy.js", Status: "added", Patch: "@@ -0,0 +1 @@\n+const t = '" + p.token + "';"})
	gh.prFiles = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}}
	r := runAction(t, actionEnv(t.TempDir(), "pull_request", p.event, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	wantFindings(t, r, 1)
	if n := len(gh.calls("GET", epPRCommits)); n != 2 {
		t.Errorf("pages of commits = %d, want 2", n)
	}
	if n := len(gh.calls("GET", epCommit)); n != 131 {
		t.Errorf("commit pages fetched = %d, want 131 (130 commits, one with two pages of files)", n)
	}
	if !strings.Contains(r.summary, "src/old") {
		t.Errorf("the token on the second page of files was not found:\n%s", redactAll(r.summary))
	}
}

// TestReviewCapsAt30Comments: 35 tokens on added lines give one review of
// 30 comments; the rest are in the summary comment, and the next run posts
// the remaining 5.
func TestReviewCapsAt30Comments(t *testing.T) {
	t.Parallel()
	g := newRepo(t)
	base := g.commit(map[string]string{"README.md": "x\n"})
	var b strings.Builder
	var toks []string
	for i := 0; i < 35; i++ {
		tok := fixtures.NewGen(uint64(100 + i)).PersonalToken()
		toks = append(toks, tok)
		fmt.Fprintf(&b, "T%d=%s\n", i, tok)
	}
	head := g.commit(map[string]string{"leaks.env": b.String()})
	tmp := t.TempDir()
	ev := payload(t, tmp, "pull_request/opened.payload.json", setPR(base, head))
	gh := newFakeGitHub(t, "")
	env := actionEnv(g.dir, "pull_request", ev, gh.URL())
	first := runAction(t, env, nil)
	wantFindings(t, first, 35)
	if n := len(reviewComments(t, gh)); n != 30 {
		t.Errorf("first review comments = %d, want 30", n)
	}
	second := runAction(t, env, nil)
	gh.check()
	if n := len(reviewComments(t, gh)); n != 35 {
		t.Errorf("review comments after two runs = %d, want 35 (30 + the 5 left)", n)
	}
	for _, r := range []run{first, second} {
		assertNoLeak(t, r, gh, toks...)
		if !masked(r.stdout, toks...) {
			t.Errorf("not every token is masked")
		}
	}
}

// TestHostileFileNameCannotInject: a PR adds a file whose name tries to
// start a workflow command; every line of stdout stays one command.
func TestHostileFileNameCannotInject(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(18).PersonalToken()
	g := newRepo(t)
	base := g.commit(map[string]string{"README.md": "x\n"})
	name := "a,b:%0A::error::x.js"
	head := g.commit(map[string]string{name: "const t = '" + tok + "';\n"})
	tmp := t.TempDir()
	ev := payload(t, tmp, "pull_request/opened.payload.json", setPR(base, head))
	gh := newFakeGitHub(t, "")
	r := runAction(t, actionEnv(g.dir, "pull_request", ev, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, tok)
	wantFindings(t, r, 1)
	errs := 0
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, "::error") {
			errs++
			if !strings.Contains(l, "file=a%2Cb%3A%250A%3A%3Aerror%3A%3Ax.js,") {
				t.Errorf("annotation property not escaped: %q", redactAll(l))
			}
		}
		if strings.HasPrefix(l, "::error::x") {
			t.Errorf("the file name injected a command: %q", redactAll(l))
		}
	}
	if errs != 1 {
		t.Errorf("error annotations = %d, want 1", errs)
	}
	if cs := reviewComments(t, gh); len(cs) != 1 || cs[0]["path"] != name {
		t.Errorf("review comment not on the hostile path")
	}
}

// TestOmittedPatchNotAtHeadIsReported: in API mode a commit's file whose
// patch GitHub omitted is left to the PR's file list, which only holds the
// head version. When a later commit changed or removed that file, the
// omitted version was read by nothing: the run must say so, never pass
// as clean in silence.
func TestOmittedPatchNotAtHeadIsReported(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 8)
	shallow := newRepo(t)
	shallow.commit(map[string]string{"README.md": "merge commit content\n"})
	gh := newFakeGitHub(t, "")
	older := "2222222222222222222222222222222222222222"
	gh.prCommits = []string{older, p.head}
	gh.commitFiles[older] = []file{{Filename: "dist/bundle.js", Status: "added", NoPatch: true, SHA: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}
	gh.commitFiles[p.head] = []file{{Filename: "dist/bundle.js", Status: "modified", NoPatch: true, SHA: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}}
	gh.prFiles = []file{{Filename: "dist/bundle.js", Status: "added", NoPatch: true, SHA: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}}
	os.MkdirAll(filepath.Join(shallow.dir, "dist"), 0o755)
	os.WriteFile(filepath.Join(shallow.dir, "dist/bundle.js"), []byte("var a=1;\n"), 0o644)
	r := runAction(t, actionEnv(shallow.dir, "pull_request", p.event, gh.URL()), nil)
	gh.check()
	want := "dist/bundle.js in commit 222222222222: GitHub omitted its diff (too large or binary) and the pull request's head holds another version, so this one was NOT scanned"
	if !strings.Contains(r.stdout, "::warning::"+want) || !strings.Contains(unescapeMD(r.summary), want) {
		t.Errorf("the unscanned version is not reported:\n%s", redactAll(r.stdout))
	}
	if strings.Contains(r.stdout, "in commit "+shortSHA(p.head)) {
		t.Errorf("the head version, read from the checkout, is reported as unscanned:\n%s", redactAll(r.stdout))
	}
}
