package action

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/ignore"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// ignorePost applies the ignore file of the workspace ws and the inline
// marker as the CLI's post-processing does: ignored findings, or ignored
// locations of a finding, move to rep.Ignored with their reason.
func ignorePost(ws string) func(context.Context, report.Report) (report.Report, error) {
	return func(_ context.Context, rep report.Report) (report.Report, error) {
		rules, err := ignore.Load(filepath.Join(ws, ignore.DefaultFile))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return rep, err
		}
		kept, ignored := rules.Apply(rep.Findings, ws)
		rep.Findings = kept
		for _, ig := range ignored {
			rep.Ignored = append(rep.Ignored, report.Ignored{Finding: ig.Finding, Reason: ig.Reason})
		}
		return rep, nil
	}
}

// hostileIgnoreReason is the reason of the rule a PR adds for its own
// token: markdown and HTML that must reach the comment escaped.
const hostileIgnoreReason = "demo fixture | <img src=x onerror=alert(1)> `revoked` **trust me**"

// escapedIgnoreReason is hostileIgnoreReason as the comment must show it.
const escapedIgnoreReason = "demo fixture \\| \\<img src=x onerror=alert\\(1\\)\\> \\`revoked\\` \\*\\*trust me\\*\\*"

// stickyBody returns the body of the one sticky comment on the fake PR, ""
// when there is none.
func stickyBody(t *testing.T, gh *fakeGitHub) string {
	t.Helper()
	gh.mu.Lock()
	defer gh.mu.Unlock()
	var bodies []string
	for _, c := range gh.issueComments {
		if b, _ := c["body"].(string); strings.Contains(b, report.StickyMarker) {
			bodies = append(bodies, b)
		}
	}
	if len(bodies) > 1 {
		t.Fatalf("%d sticky comments, want at most 1", len(bodies))
	}
	if len(bodies) == 0 {
		return ""
	}
	return bodies[0]
}

// section returns the part of body from the heading that starts with
// title to the next heading of the same level, "" when there is none.
func section(body, title string) string {
	i := strings.Index(body, "\n"+title)
	if i < 0 {
		return ""
	}
	rest := body[i+1:]
	level := title[:strings.IndexByte(title, ' ')+1]
	if j := strings.Index(rest[1:], "\n"+level); j >= 0 {
		return rest[:j+1]
	}
	return rest
}

// TestPullRequestIgnoreRuleIsSuppressedNotResolved: a PR leaks a token, then
// a later push adds an ignore rule for it. The token is still in the PR,
// only hidden: the sticky comment must move it under "Suppressed", with
// the rule's reason escaped, and never call it resolved.
func TestPullRequestIgnoreRuleIsSuppressedNotResolved(t *testing.T) {
	t.Parallel()
	p := newPRFixture(t, 40)
	sec := scanner.NewSecret(p.token)
	red := sec.Redacted()
	gh := newFakeGitHub(t, "")
	post := ignorePost(p.repo.dir)

	first := runActionPost(t, p.env(gh), nil, post)
	assertNoLeak(t, first, gh, p.token)
	wantFindings(t, first, 1)
	body := stickyBody(t, gh)
	if !strings.Contains(body, "1 credential(s) in this pull request") || !strings.Contains(body, "`"+red+"`") || strings.Contains(body, "Suppressed") {
		t.Fatalf("first sticky does not list the token open, alone:\n%s", redactAll(body))
	}

	// The push adds a rule for the token's id, with a reason.
	head2 := p.repo.commit(map[string]string{ignore.DefaultFile: "# added by the PR\n" + sec.ID() + "  " + hostileIgnoreReason + "\n"})
	payload(t, p.tmp, "pull_request/synchronize.payload.json", func(m map[string]any) {
		setPR(p.base, head2)(m)
		m["before"], m["after"] = p.head, head2
	})
	second := runActionPost(t, p.env(gh), nil, post)
	// Rerun on the same head: the comment is up to date, not edited again.
	third := runActionPost(t, p.env(gh), nil, post)
	gh.check()
	for _, r := range []run{first, second, third} {
		assertNoLeak(t, r, gh, p.token)
	}
	// Ignored findings do not count: outputs findings=0, which the CLI
	// maps to exit 0 (README, "Ignore rules": they do not change the exit
	// code).
	wantFindings(t, second, 0)
	if second.out.Incomplete || second.out.FileCommandErr != nil {
		t.Errorf("outcome = %+v, want a complete run", second.out)
	}

	if n := len(gh.calls("POST", epIssueComments)); n != 1 {
		t.Errorf("sticky comments created = %d, want 1 (edited in place)", n)
	}
	edits := gh.calls("PATCH", epIssueComment)
	if len(edits) != 1 {
		t.Fatalf("sticky edits = %d, want 1 (the third run changes nothing)", len(edits))
	}
	var sent struct{ Body string }
	if err := json.Unmarshal(edits[0].Body, &sent); err != nil {
		t.Fatal(err)
	}
	body = sent.Body
	if body != stickyBody(t, gh) {
		t.Errorf("the fake did not keep the edited body")
	}
	sup := section(body, "#### Suppressed by ignore rules in this pull request")
	for _, want := range []string{"`" + red + "`", escapedIgnoreReason, "src/config.js\\:3", "review these"} {
		if !strings.Contains(sup, want) {
			t.Errorf("the Suppressed section lacks %q:\n%s", want, redactAll(body))
		}
	}
	if !strings.Contains(body, "no open credentials; 1 suppressed by ignore rules in this pull request, review them") {
		t.Errorf("headline does not say the PR suppresses a credential:\n%s", redactAll(body))
	}
	for _, bad := range []string{"Resolved since the last run", "no longer in the pull request", "no credentials in this pull request any more", "<img", "| open |"} {
		if strings.Contains(strings.ReplaceAll(body, `\<`, ""), bad) {
			t.Errorf("the edited sticky holds %q:\n%s", bad, redactAll(body))
		}
	}
	if st := report.ParseStickyState(body); len(st) != 1 || st[0].ID != sec.ID() {
		t.Errorf("state = %+v, want the suppressed finding", st)
	}

	// The job summary lists it too, with the reason.
	ss := section(second.summary, "### Suppressed by ignore rules")
	for _, want := range []string{"`" + red + "`", escapedIgnoreReason} {
		if !strings.Contains(ss, want) {
			t.Errorf("the summary's Suppressed section lacks %q:\n%s", want, redactAll(second.summary))
		}
	}
	if strings.Contains(strings.ReplaceAll(second.summary, `\<`, ""), "<img") {
		t.Errorf("the summary holds unescaped HTML:\n%s", redactAll(second.summary))
	}
	// No annotation, no review comment for a suppressed finding.
	if strings.Contains(second.stdout, "::error ") {
		t.Errorf("a suppressed finding got an error annotation:\n%s", redactAll(second.stdout))
	}
	if n := len(reviewComments(t, gh)); n != 1 {
		t.Errorf("review comments = %d, want the first run's only", n)
	}
}

// TestPullRequestOnlySuppressedGetsAComment: a PR whose every finding is
// suppressed from its first run still gets the sticky comment, whatever
// hides it; a clean PR still gets none.
func TestPullRequestOnlySuppressedGetsAComment(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// files the PR's head commit adds besides the token line; line is
		// the line that holds the token.
		files  func(tok, id string) map[string]string
		reason string // "" for a clean PR
	}{
		{"id rule", func(tok, id string) map[string]string {
			return map[string]string{"src/config.js": "const t = '" + tok + "';\n", ignore.DefaultFile: id + "  " + hostileIgnoreReason + "\n"}
		}, escapedIgnoreReason},
		{"path rule", func(tok, id string) map[string]string {
			return map[string]string{"demo/config.js": "const t = '" + tok + "';\n", ignore.DefaultFile: "path:demo/**  " + hostileIgnoreReason + "\n"}
		}, escapedIgnoreReason},
		{"inline marker", func(tok, id string) map[string]string {
			return map[string]string{"src/config.js": "const t = '" + tok + "'; // " + ignore.Marker + "\n"}
		}, "inline clickup\\-secret\\-scan\\:allow marker"},
		{"clean", func(tok, id string) map[string]string {
			return map[string]string{"src/config.js": "const t = process.env.CLICKUP_TOKEN;\n"}
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok := fixtures.NewGen(41).PersonalToken()
			sec := scanner.NewSecret(tok)
			g := newRepo(t)
			base := g.commit(map[string]string{"README.md": "# hello\n"})
			head := g.commit(tc.files(tok, sec.ID()))
			tmp := t.TempDir()
			ev := payload(t, tmp, "pull_request/opened.payload.json", setPR(base, head))
			gh := newFakeGitHub(t, "")
			r := runActionPost(t, actionEnv(g.dir, "pull_request", ev, gh.URL()), nil, ignorePost(g.dir))
			gh.check()
			assertNoLeak(t, r, gh, tok)
			wantFindings(t, r, 0)
			body := stickyBody(t, gh)
			if tc.reason == "" {
				if body != "" || len(gh.calls("POST", epIssueComments)) != 0 {
					t.Errorf("a clean PR got a sticky comment:\n%s", redactAll(body))
				}
				if strings.Contains(r.summary, "Suppressed") {
					t.Errorf("a clean summary has a Suppressed section")
				}
				return
			}
			sup := section(body, "#### Suppressed by ignore rules in this pull request")
			for _, want := range []string{"`" + sec.Redacted() + "`", tc.reason} {
				if !strings.Contains(sup, want) {
					t.Errorf("the Suppressed section lacks %q:\n%s", want, redactAll(body))
				}
			}
			if !strings.Contains(body, "no open credentials; 1 suppressed") || strings.Contains(body, "Resolved") {
				t.Errorf("wrong headline or a resolved section:\n%s", redactAll(body))
			}
			if !strings.Contains(section(r.summary, "### Suppressed by ignore rules"), tc.reason) {
				t.Errorf("the summary does not list the reason:\n%s", redactAll(r.summary))
			}
		})
	}
}

// TestSplitAtHeadCountsEveryFinding: a finding whose kept locations are
// all gone from head while a rule hides it at another location is still
// reported (the findings output counts it), so it must be in one of the
// two lists: the sticky headline counts what the findings output counts.
func TestSplitAtHeadCountsEveryFinding(t *testing.T) {
	t.Parallel()
	no, yes := false, true
	mk := func(seed uint64, at *bool) scanner.Finding {
		s := scanner.NewSecret(fixtures.NewGen(seed).PersonalToken())
		return scanner.Finding{ID: s.ID(), Secret: s, Locations: []scanner.Location{{Source: "diff", Path: "a.js", Line: 1, Commit: "c1", Change: "added", AtHead: at}}}
	}
	open, gone, moved := mk(50, &yes), mk(51, &no), mk(52, &no)
	hidden := moved
	hidden.Locations = []scanner.Location{{Source: "diff", Path: "demo/a.js", Line: 1, Commit: "c2", Change: "added", AtHead: &yes}}
	for _, tc := range []struct {
		name             string
		suppressed       []report.Ignored
		wantOpen, wantGo []string
	}{
		{"no rules", nil, []string{open.ID}, []string{gone.ID, moved.ID}},
		{"moved under a path rule", []report.Ignored{{Finding: hidden, Reason: "demo"}}, []string{open.ID}, []string{gone.ID, moved.ID}},
		{"open and also suppressed elsewhere", []report.Ignored{{Finding: open, Reason: "demo"}}, []string{open.ID}, []string{gone.ID, moved.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_ = tc.suppressed // the split no longer depends on the rules
			o, g := splitAtHead([]scanner.Finding{open, gone, moved}, "head")
			ids := func(fs []scanner.Finding) string {
				var s []string
				for _, f := range fs {
					s = append(s, f.ID)
				}
				return strings.Join(s, ",")
			}
			if ids(o) != strings.Join(tc.wantOpen, ",") || ids(g) != strings.Join(tc.wantGo, ",") {
				t.Errorf("open %s gone %s, want open %s gone %s", ids(o), ids(g), strings.Join(tc.wantOpen, ","), strings.Join(tc.wantGo, ","))
			}
		})
	}
}
