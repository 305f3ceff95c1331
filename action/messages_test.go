package action

import (
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// commitMessage commits files with msg as the message; it returns the
// commit id.
func (g *repo) commitMessage(files map[string]string, msg string) string {
	g.t.Helper()
	wt, err := g.r.Worktree()
	if err != nil {
		g.t.Fatal(err)
	}
	for p, c := range files {
		fixtures.WriteFile(g.t, g.dir, p, c)
		if _, err := wt.Add(p); err != nil {
			g.t.Fatal(err)
		}
	}
	g.n++
	sig := &object.Signature{Name: "Dev", Email: "dev@example.com", When: time.Date(2026, 1, 1, 0, g.n, 0, 0, time.UTC)}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		g.t.Fatal(err)
	}
	return h.String()
}

// setPRText plants title and body in a pull_request payload.
func setPRText(title, body string) func(map[string]any) {
	return func(m map[string]any) {
		pr := m["pull_request"].(map[string]any)
		pr["title"], pr["body"] = title, body
	}
}

// errorAnnotations returns the ::error lines of a run's stdout.
func errorAnnotations(stdout string) []string {
	var out []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "::error ") && strings.Contains(l, "title=ClickUp") {
			out = append(out, l)
		}
	}
	return out
}

// TestPullRequestMessagesAndText plants tokens in a commit message of a
// pull request and in its title and body (the octokit opened payload),
// scanned from the local clone: each is reported, with guidance to rotate,
// no annotation on a file and no review comment; a vendor key in the body
// is not.
func TestPullRequestMessagesAndText(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(1320)
	inMsg, inTitle, inBody := g.PersonalToken(), g.PersonalToken(), g.PersonalToken()
	gr := newRepo(t)
	base := gr.commitMessage(map[string]string{"README.md": "# hello\n"}, "root")
	head := gr.commitMessage(map[string]string{"src/app.js": "console.log(1);\n"}, "add app\n\ntested with CLICKUP_TOKEN="+inMsg)
	tmp := t.TempDir()
	ev := payload(t, tmp, "pull_request/opened.payload.json", func(m map[string]any) {
		setPR(base, head)(m)
		setPRText("Add app (token "+inTitle+")", "Deploy notes.\r\n\r\nCLICKUP_API_TOKEN="+inBody+"\r\nstripe: pk_live_"+strings.Repeat("aB3", 8)+"\r\n")(m)
	})
	gh := newFakeGitHub(t, "")
	r := runAction(t, actionEnv(gr.dir, "pull_request", ev, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, inMsg, inTitle, inBody)
	wantFindings(t, r, 3)
	if !masked(r.stdout, inMsg, inTitle, inBody) {
		t.Errorf("not every token is masked")
	}
	anns := errorAnnotations(r.stdout)
	if len(anns) != 3 {
		t.Errorf("%d finding annotations, want 3:\n%s", len(anns), redactAll(r.stdout))
	}
	for _, a := range anns {
		if strings.Contains(a, "file=") || strings.Contains(a, "line=") {
			t.Errorf("annotation points at a file line that does not exist: %s", redactAll(a))
		}
	}
	if cs := reviewComments(t, gh); len(cs) != 0 {
		t.Errorf("%d review comments, want none: no finding is on a file line", len(cs))
	}
	for _, want := range []string{`pr\-title\:1\:16`, `pr\-body\:3`, `commit\-message\:3`, head[:12], scanner.NewSecret(inTitle).Redacted()} {
		if !strings.Contains(r.summary, want) {
			t.Errorf("job summary does not say %q:\n%s", want, redactAll(r.summary))
		}
	}
	sticky := gh.calls("POST", epIssueComments)
	if len(sticky) != 1 {
		t.Fatalf("summary comments = %d, want 1", len(sticky))
	}
	for _, want := range []string{"cannot be edited away", "Edit the pull request", "pull request title"} {
		if !strings.Contains(string(sticky[0].Body), want) {
			t.Errorf("PR comment lacks %q:\n%s", want, redactAll(string(sticky[0].Body)))
		}
	}
}

// TestPullRequestMessagesThroughAPI scans a pull request's commit messages
// through the API (a shallow checkout) and its title from the payload.
func TestPullRequestMessagesThroughAPI(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(1321)
	inMsg, inTitle := g.PersonalToken(), g.PersonalToken()
	p := newPRFixture(t, 1322)
	shallow := newRepo(t)
	shallow.commit(map[string]string{"src/config.js": "merge commit content\n"})
	ev := payload(t, p.tmp, "pull_request/opened.payload.json", func(m map[string]any) {
		setPR(p.base, p.head)(m)
		setPRText("token "+inTitle, "")(m)
	})
	gh := newFakeGitHub(t, "")
	gh.prCommits = []string{p.head}
	gh.commitFiles[p.head] = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}}
	gh.commitMessages = map[string]string{p.head: "add config\n\nCLICKUP_TOKEN=" + inMsg}
	gh.prFiles = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}}
	r := runAction(t, actionEnv(shallow.dir, "pull_request", ev, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token, inMsg, inTitle)
	wantFindings(t, r, 3)
	if !strings.Contains(r.summary, `commit\-message\:3`) || !strings.Contains(r.summary, p.head[:12]) || !strings.Contains(r.summary, `pr\-title`) {
		t.Errorf("summary lacks the commit message of %s or the title:\n%s", p.head[:12], redactAll(r.summary))
	}
	cs := reviewComments(t, gh)
	if len(cs) != 1 || cs[0]["path"] != "src/config.js" {
		t.Errorf("review comments = %d, want one, on src/config.js", len(cs))
	}
}

// TestPushScansCommitMessages scans a push's commit messages from the local
// clone.
func TestPushScansCommitMessages(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(1323).PersonalToken()
	gr := newRepo(t)
	before := gr.commitMessage(map[string]string{"README.md": "# hello\n"}, "root")
	after := gr.commitMessage(nil, "wip "+tok)
	tmp := t.TempDir()
	ev := payload(t, tmp, "push/payload.json", func(m map[string]any) {
		m["before"], m["after"] = before, after
	})
	gh := newFakeGitHub(t, "")
	r := runAction(t, actionEnv(gr.dir, "push", ev, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, tok)
	wantFindings(t, r, 1)
	if n := len(gh.requests); n != 0 {
		t.Errorf("a push scanned locally made %d API calls, want 0", n)
	}
	if anns := errorAnnotations(r.stdout); len(anns) != 1 || strings.Contains(anns[0], "file=") {
		t.Errorf("annotations %q: want one, on no file", redactAll(strings.Join(anns, "\n")))
	}
}
