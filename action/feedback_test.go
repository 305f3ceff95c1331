package action

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/ignore"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// removedFixture is a PR whose first commit adds a token on line 3 of
// a.js and whose second commit replaces it with unrelated lines, so that
// head's line 3 is an added line that holds no secret.
type removedFixture struct {
	repo             *repo
	base, c1, head   string
	token            string
	event, tmp       string
	c1Patch, c2Patch string
	netPatch         string
}

func newRemovedFixture(t *testing.T, seed uint64) *removedFixture {
	t.Helper()
	tok := fixtures.NewGen(seed).PersonalToken()
	g := newRepo(t)
	base := g.commit(map[string]string{"a.js": "line1\nline2\n"})
	c1 := g.commit(map[string]string{"a.js": "line1\nline2\nconst CLICKUP_TOKEN = '" + tok + "';\n"})
	head := g.commit(map[string]string{"a.js": "line1\nline2\nconst unrelated = 1;\nconst more = 2;\n"})
	tmp := t.TempDir()
	ev := payload(t, tmp, "pull_request/opened.payload.json", setPR(base, head))
	return &removedFixture{repo: g, base: base, c1: c1, head: head, token: tok, event: ev, tmp: tmp,
		c1Patch:  "@@ -1,2 +1,3 @@\n line1\n line2\n+const CLICKUP_TOKEN = '" + tok + "';",
		c2Patch:  "@@ -1,3 +1,4 @@\n line1\n line2\n-const CLICKUP_TOKEN = '" + tok + "';\n+const unrelated = 1;\n+const more = 2;",
		netPatch: "@@ -1,2 +1,4 @@\n line1\n line2\n+const unrelated = 1;\n+const more = 2;",
	}
}

// headline returns the first heading of a sticky comment body.
func headline(body string) string {
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "### ") {
			return l
		}
	}
	return ""
}

// TestRemovedTokenGetsNoReviewComment: a token one PR commit adds and a
// later one removes gets no review comment and no annotation on head's
// unrelated line 3; the sticky comment counts it as removed, still
// exposed, like the findings output; local and API mode say the same.
func TestRemovedTokenGetsNoReviewComment(t *testing.T) {
	t.Parallel()
	headlines := make(chan string, 2)
	for _, mode := range []string{"local", "api"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			p := newRemovedFixture(t, 60)
			gh := newFakeGitHub(t, "")
			ws := p.repo.dir
			if mode == "api" {
				ws = t.TempDir()
				gh.prCommits = []string{p.c1, p.head}
				gh.commitFiles[p.c1] = []file{{Filename: "a.js", Status: "modified", Patch: p.c1Patch}}
				gh.commitFiles[p.head] = []file{{Filename: "a.js", Status: "modified", Patch: p.c2Patch}}
				gh.prFiles = []file{{Filename: "a.js", Status: "modified", Patch: p.netPatch}}
			}
			r := runAction(t, actionEnv(ws, "pull_request", p.event, gh.URL()), nil)
			gh.check()
			assertNoLeak(t, r, gh, p.token)
			wantFindings(t, r, 1)
			if cs := reviewComments(t, gh); len(cs) != 0 {
				t.Errorf("review comments = %v, want none: head holds no secret", redactAll(fmt.Sprint(cs)))
			}
			if strings.Contains(r.stdout, "file=a.js,line=3") {
				t.Errorf("the annotation points at head's unrelated line 3:\n%s", redactAll(r.stdout))
			}
			body := stickyBody(t, gh)
			h := headline(body)
			if !strings.Contains(h, "1 credential(s) in this pull request (1 removed from the code, still exposed)") {
				t.Errorf("sticky headline %q does not count the removed token", h)
			}
			if !strings.Contains(body, "removed from the code, still exposed: rotate") || strings.Contains(body, "Resolved") {
				t.Errorf("sticky does not ask to rotate the removed token:\n%s", redactAll(body))
			}
			if !strings.Contains(r.summary, scanner.NewSecret(p.token).Redacted()) {
				t.Errorf("summary does not list the token:\n%s", redactAll(r.summary))
			}
			if !regexp.MustCompile(`"atHead":\s*false`).MatchString(r.sarif) {
				t.Errorf("SARIF does not say the location is gone from head:\n%.2000s", redactAll(r.sarif))
			}
			headlines <- h
		})
	}
	t.Cleanup(func() {
		close(headlines)
		var hs []string
		for h := range headlines {
			hs = append(hs, h)
		}
		if len(hs) == 2 && hs[0] != hs[1] {
			t.Errorf("local and API mode disagree: %q vs %q", hs[0], hs[1])
		}
	})
}

// TestRejectedReviewFallsBack: GitHub refuses a review whose comment sits
// on a file whose patch it omitted (422, "Line could not be resolved").
// The other comment still gets in, the refusal is reported with GitHub's
// reason, and the re-run does not post the doomed comment again.
func TestRejectedReviewFallsBack(t *testing.T) {
	t.Parallel()
	gen := fixtures.NewGen(61)
	tok1, tok2 := gen.PersonalToken(), gen.PersonalToken()
	g := newRepo(t)
	base := g.commit(map[string]string{"README.md": "# hi\n"})
	head := g.commit(map[string]string{"a.js": "const CLICKUP_TOKEN = '" + tok1 + "';\n", "big.js": "const CLICKUP_KEY = '" + tok2 + "';\n"})
	tmp := t.TempDir()
	ev := payload(t, tmp, "pull_request/opened.payload.json", setPR(base, head))
	gh := newFakeGitHub(t, "")
	gh.rejectOffDiff = true
	gh.prFiles = []file{
		{Filename: "a.js", Status: "added", Patch: "@@ -0,0 +1 @@\n+const CLICKUP_TOKEN = '" + tok1 + "';"},
		{Filename: "big.js", Status: "added", NoPatch: true},
	}
	env := actionEnv(g.dir, "pull_request", ev, gh.URL())
	first := runAction(t, env, nil)
	gh.check()
	assertNoLeak(t, first, gh, tok1, tok2)
	wantFindings(t, first, 2)
	gh.mu.Lock()
	posted := len(gh.reviewComments)
	var postedPath any
	if posted == 1 {
		postedPath = gh.reviewComments[0]["path"]
	}
	gh.mu.Unlock()
	if posted != 1 || postedPath != "a.js" {
		t.Fatalf("review comments GitHub accepted = %d (%v), want 1 on a.js", posted, postedPath)
	}
	want := "GitHub refused the review comment on big.js line 1 (422: Line could not be resolved)"
	if !strings.Contains(first.stdout, want) || !strings.Contains(first.summary, "Line could not be resolved") {
		t.Errorf("the refusal and GitHub's reason are not reported:\n%s", redactAll(first.stdout))
	}
	body := stickyBody(t, gh)
	if !strings.Contains(body, "Line could not be resolved") || len(parseRefused(body)) != 1 {
		t.Errorf("the sticky comment does not record the refusal:\n%s", redactAll(body))
	}
	reviewsBefore := len(gh.calls("POST", epReviews))
	second := runAction(t, env, nil)
	gh.check()
	assertNoLeak(t, second, gh, tok1, tok2)
	wantFindings(t, second, 2)
	if n := len(gh.calls("POST", epReviews)) - reviewsBefore; n != 0 {
		t.Errorf("the re-run posted %d review(s), want 0: the only comment left is known to be refused", n)
	}
	if n := len(gh.calls("PATCH", epIssueComment)); n != 0 {
		t.Errorf("the re-run edited the sticky comment %d time(s) with nothing new", n)
	}
}

// shas returns n fake commit ids, starting at from.
func shas(from, n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("%040x", from+i))
	}
	return out
}

// TestCompareFollowsEveryPage: a push of 300 commits on a shallow
// checkout; the compare endpoint gives them in pages, and the token in
// commit 280 is found.
func TestCompareFollowsEveryPage(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(62).PersonalToken()
	gh := newFakeGitHub(t, "")
	before, after := fmt.Sprintf("%040x", 0xb0), fmt.Sprintf("%040x", 0xaf)
	cs := shas(0x1000, 300)
	gh.compare[before+"..."+after] = cs
	for i, sha := range cs {
		gh.commitFiles[sha] = []file{{Filename: fmt.Sprintf("f%d.txt", i), Status: "added", Patch: "@@ -0,0 +1 @@\n+nothing"}}
	}
	gh.commitFiles[cs[279]] = []file{{Filename: "late.js", Status: "added", Patch: "@@ -0,0 +1 @@\n+const CLICKUP_TOKEN = '" + tok + "';"}}
	tmp := t.TempDir()
	ev := payload(t, tmp, "push/payload.json", func(m map[string]any) {
		m["before"], m["after"], m["deleted"] = before, after, false
	})
	r := runAction(t, actionEnv(t.TempDir(), "push", ev, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, tok)
	wantFindings(t, r, 1)
	if n := len(gh.calls("GET", epCommit)); n != 300 {
		t.Errorf("commits fetched = %d, want all 300", n)
	}
	if n := len(gh.calls("GET", epCompare)); n < 2 {
		t.Errorf("compare pages read = %d, want every page", n)
	}
	if strings.Contains(r.stdout, "listed 100 of") || strings.Contains(r.stdout, "listed 250 of") {
		t.Errorf("a silent cap is left:\n%s", redactAll(r.stdout))
	}
}

// TestLongPullRequestListsCommitsThroughCompare: GitHub lists at most 250
// commits of a pull request; the Action says so and lists them all through
// the compare endpoint, so a token in commit 260 is found.
func TestLongPullRequestListsCommitsThroughCompare(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 63)
	tok := fixtures.NewGen(64).PersonalToken()
	gh := newFakeGitHub(t, "")
	cs := append(shas(0x2000, 269), p.head)
	gh.prCommits = cs
	gh.compare[p.base+"..."+p.head] = cs
	for i, sha := range cs {
		gh.commitFiles[sha] = []file{{Filename: fmt.Sprintf("f%d.txt", i), Status: "added", Patch: "@@ -0,0 +1 @@\n+nothing"}}
	}
	gh.commitFiles[cs[259]] = []file{{Filename: "late.js", Status: "added", Patch: "@@ -0,0 +1 @@\n+const CLICKUP_TOKEN = '" + tok + "';"}}
	gh.commitFiles[p.head] = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}}
	gh.prFiles = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}}
	r := runAction(t, actionEnv(t.TempDir(), "pull_request", p.event, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token, tok)
	wantFindings(t, r, 2)
	if !strings.Contains(r.stdout, "GitHub lists only 250") {
		t.Errorf("no warning about GitHub's cap of 250 commits:\n%s", redactAll(r.stdout))
	}
	if n := len(gh.calls("GET", epCommit)); n != 270 {
		t.Errorf("commits fetched = %d, want all 270", n)
	}
}

var sarifResultRE = regexp.MustCompile(`"ruleId"`)

// TestAPIModeOneLocationPerPlace: on a shallow checkout the token that an
// earlier commit added is also in the PR's file list; that is one place,
// so one location, one SARIF result, credited to the commit that added it
// and marked at head, with the review comment on head's line.
func TestAPIModeOneLocationPerPlace(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 65)
	gh := newFakeGitHub(t, "")
	older := fmt.Sprintf("%040x", 0x3001)
	gh.prCommits = []string{older, p.head}
	gh.commitFiles[older] = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}}
	gh.commitFiles[p.head] = []file{{Filename: "README.md", Status: "modified", Patch: "@@ -1 +1 @@\n-# hello\n+# hello world"}}
	gh.prFiles = []file{{Filename: "src/config.js", Status: "modified", Patch: p.tokenPatch()}, {Filename: "README.md", Status: "modified", Patch: "@@ -1 +1 @@\n-# hello\n+# hello world"}}
	gh.rejectOffDiff = true
	r := runAction(t, actionEnv(t.TempDir(), "pull_request", p.event, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	wantFindings(t, r, 1)
	if n := len(sarifResultRE.FindAllString(r.sarif, -1)); n != 1 {
		t.Errorf("SARIF results = %d, want 1", n)
	}
	var sarif struct {
		Runs []struct {
			Results []struct {
				Locations []any `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.sarif), &sarif); err != nil || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != 1 {
		t.Fatalf("SARIF is not one run with one result (%v)", err)
	}
	if n := len(sarif.Runs[0].Results[0].Locations); n != 1 {
		t.Errorf("SARIF locations = %d, want 1", n)
	}
	if strings.Contains(r.summary, "2 locations") || strings.Contains(stickyBody(t, gh), "2 locations") {
		t.Errorf("the summary counts the same place twice:\n%s", redactAll(r.summary))
	}
	if !strings.Contains(r.summary, older[:7]) {
		t.Errorf("the location is not credited to the commit that added it:\n%s", redactAll(r.summary))
	}
	cs := reviewComments(t, gh)
	if len(cs) != 1 || cs[0]["path"] != "src/config.js" || cs[0]["line"] != float64(3) {
		t.Errorf("review comments = %v, want one on src/config.js:3", redactAll(fmt.Sprint(cs)))
	}
}

// TestErrorWordingPerStatus: each GitHub failure status gets words a user
// can act on, and none fails the scan.
func TestErrorWordingPerStatus(t *testing.T) {
	t.Parallel()
	all := func(status int) fault {
		return func(string, string, int) (int, http.Header, bool) { return status, nil, true }
	}
	for _, tc := range []struct {
		name  string
		fault fault
		want  []string
	}{
		{"401", all(http.StatusUnauthorized), []string{"the github-token is invalid or expired"}},
		{"403 on posting", postFault(http.StatusForbidden), []string{"403", "`pull-requests: write`", "forks"}},
		{"404", all(http.StatusNotFound), []string{"404: not found, or the token cannot see it"}},
		{"422", func(method, endpoint string, n int) (int, http.Header, bool) {
			return http.StatusUnprocessableEntity, nil, method == "POST" && endpoint == epReviews
		}, []string{"422", "Unprocessable Entity"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPRFixture(t, 66)
			gh := newFakeGitHub(t, "")
			gh.fault = tc.fault
			r := runAction(t, p.env(gh), nil)
			assertNoLeak(t, r, gh, p.token)
			wantFindings(t, r, 1)
			for _, w := range tc.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("warnings lack %q:\n%s", w, redactAll(r.stdout))
				}
			}
			if strings.Contains(r.stdout, "[]") {
				t.Errorf("a raw go-github error is shown:\n%s", redactAll(r.stdout))
			}
			if tc.name == "401" {
				if n := strings.Count(r.stdout, "invalid or expired"); n != 1 {
					t.Errorf("the 401 is said %d times, want once:\n%s", n, redactAll(r.stdout))
				}
			}
		})
	}
}

// TestCheckoutFilesLinkToHead: a tracked file of the checkout scanned
// through the paths input links to its line at the PR's head; build output
// and untracked files, which have no page on GitHub, get no link.
func TestCheckoutFilesLinkToHead(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 67)
	gen := fixtures.NewGen(68)
	tok1, tok2, tok3 := gen.PersonalToken(), gen.PersonalToken(), gen.PersonalToken()
	head := p.repo.commit(map[string]string{"config/app.js": "x\nconst CLICKUP_TOKEN = '" + tok1 + "';\n"})
	payload(t, p.tmp, "pull_request/opened.payload.json", setPR(p.base, head))
	os.MkdirAll(filepath.Join(p.repo.dir, "dist"), 0o755)
	os.MkdirAll(filepath.Join(p.repo.dir, "generated"), 0o755)
	os.WriteFile(filepath.Join(p.repo.dir, "dist/app.js"), []byte("var k=\""+tok2+"\";\n"), 0o644)
	os.WriteFile(filepath.Join(p.repo.dir, "generated/keys.js"), []byte("const CLICKUP_TOKEN = '"+tok3+"';\n"), 0o644)
	gh := newFakeGitHub(t, "")
	env := p.env(gh)
	env["INPUT_PATHS"] = "config\ndist\ngenerated"
	r := runAction(t, env, nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token, tok1, tok2, tok3)
	wantFindings(t, r, 4)
	want := "https://github.com/Codertocat/Hello-World/blob/" + head + "/config/app.js#L2"
	if !strings.Contains(r.summary, want) {
		t.Errorf("the summary lacks the link %s:\n%s", want, redactAll(r.summary))
	}
	for _, bad := range []string{"/dist/app.js", "/generated/keys.js"} {
		if strings.Contains(r.summary, bad) {
			t.Errorf("an untracked file got a link (%s):\n%s", bad, redactAll(r.summary))
		}
	}
}

// TestPartlySuppressedRemovedFindingIsCounted: a PR (read through the API)
// adds a token to a.js, copies it to demo/a.js under a path rule, then
// removes both. The a.js location is still reported (the token was
// pushed), so the sticky headline counts it as the findings output and the
// job summary do.
func TestPartlySuppressedRemovedFindingIsCounted(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 69)
	tok := p.token
	add := func(path string) file {
		return file{Filename: path, Status: "added", Patch: "@@ -0,0 +1 @@\n+const CLICKUP_TOKEN = '" + tok + "';"}
	}
	del := func(path string) file {
		return file{Filename: path, Status: "removed", Patch: "@@ -1 +0,0 @@\n-const CLICKUP_TOKEN = '" + tok + "';"}
	}
	c1, c2 := fmt.Sprintf("%040x", 0x4001), fmt.Sprintf("%040x", 0x4002)
	gh := newFakeGitHub(t, "")
	gh.prCommits = []string{c1, c2, p.head}
	gh.commitFiles[c1] = []file{add("a.js")}
	gh.commitFiles[c2] = []file{add("demo/a.js")}
	gh.commitFiles[p.head] = []file{del("a.js"), del("demo/a.js")}
	ignoreFile := "path:demo/**  demo fixture\n"
	gh.prFiles = []file{{Filename: ignore.DefaultFile, Status: "added", Patch: "@@ -0,0 +1 @@\n+" + strings.TrimSuffix(ignoreFile, "\n")}}
	ws := t.TempDir()
	os.WriteFile(filepath.Join(ws, ignore.DefaultFile), []byte(ignoreFile), 0o644)
	r := runActionPost(t, actionEnv(ws, "pull_request", p.event, gh.URL()), nil, ignorePost(ws))
	gh.check()
	assertNoLeak(t, r, gh, tok)
	wantFindings(t, r, 1)
	h := headline(stickyBody(t, gh))
	if !strings.Contains(r.summary, scanner.NewSecret(tok).Redacted()) {
		t.Errorf("the summary does not list the finding:\n%s", redactAll(r.summary))
	}
	if !strings.Contains(h, "1 credential(s) in this pull request (1 removed from the code, still exposed); 1 suppressed") {
		t.Errorf("sticky headline %q does not count the finding the findings output counts", h)
	}
}

// TestCommitAtGitHubsFileCeilingIsWarned: GitHub lists at most 3000 files
// of a commit; a commit that reaches the ceiling is named in a warning and
// counted as skipped, never cut silently.
func TestCommitAtGitHubsFileCeilingIsWarned(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 70)
	gh := newFakeGitHub(t, "")
	for i := 0; i < 3000; i++ {
		gh.commitFiles[p.head] = append(gh.commitFiles[p.head], file{Filename: fmt.Sprintf("f%d.txt", i), Status: "added", Patch: "@@ -0,0 +1 @@\n+x"})
	}
	ev := payload(t, p.tmp, "push/with-new-branch.payload.json", func(m map[string]any) {
		m["after"] = p.head
		m["commits"].([]any)[0].(map[string]any)["id"] = p.head
	})
	r := runAction(t, actionEnv(t.TempDir(), "push", ev, gh.URL()), nil)
	gh.check()
	wantFindings(t, r, 0)
	if !strings.Contains(r.stdout, "GitHub lists only 3000 of them") {
		t.Errorf("no warning about GitHub's ceiling of 3000 files:\n%s", redactAll(r.stdout))
	}
	if n := len(gh.calls("GET", epCommit)); n != 30 {
		t.Errorf("pages of files = %d, want 30", n)
	}
}

// TestRenamedFileInAPIMode: a PR adds a token in old.js, then renames the
// file to new.js without changing it. GitHub lists the rename with no
// patch and no changes (nothing to scan, nothing omitted), and the PR's
// three-dot file list adds new.js: the review comment goes on new.js, and
// nothing is reported as not scanned.
func TestRenamedFileInAPIMode(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 71)
	c1 := fmt.Sprintf("%040x", 0x5001)
	line := "@@ -0,0 +1 @@\n+const CLICKUP_TOKEN = '" + p.token + "';"
	gh := newFakeGitHub(t, "")
	gh.rejectOffDiff = true
	gh.prCommits = []string{c1, p.head}
	gh.commitFiles[c1] = []file{{Filename: "old.js", Status: "added", Patch: line}}
	gh.commitFiles[p.head] = []file{{Filename: "new.js", Status: "renamed", Previous: "old.js", NoPatch: true}}
	gh.prFiles = []file{{Filename: "new.js", Status: "added", Patch: line}}
	r := runAction(t, actionEnv(t.TempDir(), "pull_request", p.event, gh.URL()), nil)
	gh.check()
	assertNoLeak(t, r, gh, p.token)
	wantFindings(t, r, 1)
	if strings.Contains(r.stdout, "NOT scanned") || strings.Contains(r.stdout, "omitted") {
		t.Errorf("the pure rename is reported as not scanned:\n%s", redactAll(r.stdout))
	}
	cs := reviewComments(t, gh)
	if len(cs) != 1 || cs[0]["path"] != "new.js" || cs[0]["line"] != float64(1) {
		t.Errorf("review comments = %v, want one on new.js:1", redactAll(fmt.Sprint(cs)))
	}
	if h := headline(stickyBody(t, gh)); strings.Contains(h, "removed") {
		t.Errorf("a renamed token is called removed: %q", h)
	}
}
