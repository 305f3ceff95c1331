package report

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// The rendering tests put the bodies the Action posts through cmark-gfm,
// the C library GitHub's own markdown renderer is built on, with GitHub's
// extensions, and look at the HTML a reader gets: no markdown left raw
// where GitHub renders none (inside <summary>), no tag a hostile file name
// could inject, links where they belong, no secret. The HTML is kept as
// golden files under testdata/render, from which
// scripts/render-screenshots.sh makes the screenshots in docs/img.

const renderHead = "1d4c2e8f0a6b3957c1e2d3f4a5b6c7d8e9f0a1b2"

// renderLinks are the links of a repository on github.com.
var renderLinks = Links{Server: "https://github.com", Repo: "octo-org/billing-api", Head: renderHead}

// renderHostilePath is a file name written to break the markdown and HTML
// it lands in.
const renderHostilePath = "src/[x](javascript:alert(1)) <img src=x onerror=alert(1)> `**b**`&amp;.js"

// renderSample is a pull request as a reviewer meets it: a token on a line
// the PR adds under a JavaScript name, a token an earlier commit added and
// a later one removed, a live client secret baked into build output, a
// webhook secret under an environment variable name, a token in a hostile
// file name, a suppressed token, and a token an earlier run saw.
type renderSample struct {
	findings   []scanner.Finding
	suppressed []Ignored
	vanished   []StickyEntry
	history    []scanner.Finding
	secrets    []scanner.Secret
}

func newRenderSample() renderSample {
	yes, no := boolPtr(true), boolPtr(false)
	tok := fakePersonal(101, "7043602")
	gone := fakePersonal(102, "5550123")
	client := fake64(103)
	hook := fake64(104)
	hostile := fakePersonal(105, "8811223")
	hidden := fakePersonal(106, "7043602")
	mk := func(kind scanner.Kind, s scanner.Secret, user string, locs ...scanner.Location) scanner.Finding {
		return scanner.Finding{ID: s.ID(), Kind: kind, Secret: s, UserID: user, Locations: locs}
	}
	fs := []scanner.Finding{
		mk(scanner.PersonalToken, tok, "7043602", scanner.Location{Source: "diff", Path: "src/config.ts", Line: 12, Column: 31, Key: "clickupToken", Commit: commitA, Change: "added", AtHead: yes}),
		mk(scanner.PersonalToken, gone, "5550123", scanner.Location{Source: "diff", Path: "deploy/old.env", Line: 3, Column: 19, Key: "CLICKUP_API_TOKEN", Commit: commitA, Change: "added", AtHead: no}),
		mk(scanner.OAuthClientSecret, client, "", scanner.Location{Source: "dir", Path: "dist/assets/index-4f2a.js", Line: 1, Column: 18211, Key: "clientSecret"}),
		mk(scanner.WebhookSecret, hook, "", scanner.Location{Source: "diff", Path: "hooks/verify.py", Line: 8, Column: 12, Key: "CLICKUP_WEBHOOK_SECRET", Commit: commitB, Change: "added", AtHead: yes}),
		mk(scanner.PersonalToken, hostile, "8811223", scanner.Location{Source: "diff", Path: renderHostilePath, Line: 2, Column: 9, Commit: commitB, Change: "added", AtHead: yes}),
	}
	fs[2].Verification = "live"
	hid := mk(scanner.PersonalToken, hidden, "7043602", scanner.Location{Source: "diff", Path: "test/fixtures/api.json", Line: 4, Column: 15, Commit: commitB, Change: "added", AtHead: yes})
	hist := []scanner.Finding{
		mk(scanner.PersonalToken, tok, "7043602", scanner.Location{Source: "history", Path: "config/.env", Line: 2, Column: 19, Key: "CLICKUP_API_TOKEN", Commit: commitA, AtHead: yes}),
		mk(scanner.WebhookSecret, hook, "", scanner.Location{Source: "history", Path: "hooks/verify.py", Line: 8, Column: 12, Commit: commitB, AtHead: no}),
	}
	return renderSample{
		findings:   fs,
		suppressed: []Ignored{{Finding: hid, Reason: "fixture `x` | <img src=x> **bold** " + hidden.Reveal()}},
		vanished:   []StickyEntry{{ID: strings.Repeat("ab", 32), Kind: scanner.OAuthAccessToken, Redacted: "7043602_…9f3e", UserID: "7043602"}},
		history:    hist,
		secrets:    []scanner.Secret{tok, gone, client, hook, hostile, hidden},
	}
}

// renderMany is a pull request with 60 findings of every kind.
func renderMany() []scanner.Finding {
	var fs []scanner.Finding
	for i := range 60 {
		var s scanner.Secret
		kind, user := scanner.PersonalToken, fmt.Sprintf("%d", 7000000+i)
		switch i % 4 {
		case 0, 1:
			s = fakePersonal(uint64(200+i), user)
		case 2:
			kind, user, s = scanner.WebhookSecret, "", fake64(uint64(200+i))
		case 3:
			kind, s = scanner.OAuthAccessToken, fakeAccess(uint64(200+i), user)
		}
		at := boolPtr(i%10 != 9)
		fs = append(fs, scanner.Finding{ID: s.ID(), Kind: kind, Secret: s, UserID: user, Locations: []scanner.Location{
			{Source: "diff", Path: fmt.Sprintf("services/svc%02d/config.ts", i), Line: 3 + i, Column: 7, Commit: commitA, Change: "added", AtHead: at}}})
	}
	return fs
}

// renderBodies returns the bodies the Action posts for the samples, by
// golden file name, and whether GitHub renders each as a comment (where a
// newline is a line break) or as a file.
func renderBodies() (map[string]string, []scanner.Secret) {
	s := newRenderSample()
	many := renderMany()
	secrets := slices.Clone(s.secrets)
	for _, f := range many {
		secrets = append(secrets, f.Secret)
	}
	return map[string]string{
		"sticky": StickyCommentBody(Sticky{Findings: s.findings, Suppressed: s.suppressed, Vanished: s.vanished,
			Notes: []string{"The review comments could not be posted (403: the token cannot write here)."}, Links: renderLinks}),
		"sticky_many": StickyCommentBody(Sticky{Findings: many, Links: renderLinks}),
		"review":      ReviewCommentBody(s.findings[0]),
		"summary": StepSummary(Report{Mode: "diff", Findings: s.findings, Ignored: s.suppressed, Links: renderLinks,
			Stats: scanner.StatsSnapshot{Files: 6, Bytes: 792}}, StepSummaryLimit),
		"tracking": TrackingIssueBody(s.history, "https://github.com/octo-org/billing-api/actions/runs/42", renderLinks),
	}, secrets
}

// cmarkGFM renders md as GitHub does: GitHub's extensions, raw HTML kept
// (GitHub then sanitizes it to an allowlist that holds every tag the
// bodies use; the test checks that list below), and in comments and issues
// a newline is a line break.
func cmarkGFM(t *testing.T, md string, comment bool) string {
	t.Helper()
	bin, err := exec.LookPath("cmark-gfm")
	if err != nil {
		const why = "cmark-gfm is not installed: install it with scripts/install-render-tools.sh (Debian package cmark-gfm); the rendering test needs GitHub's markdown renderer"
		// The tests need only Go and git on a developer's machine; CI
		// installs the renderer, so there a missing one is a failure.
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: %v", why, err)
		}
		t.Skipf("SKIPPED outside CI: %s", why)
	}
	args := []string{"--unsafe", "-e", "table", "-e", "strikethrough", "-e", "autolink", "-e", "tagfilter", "-e", "tasklist"}
	if comment {
		args = append(args, "--hardbreaks")
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(md)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("cmark-gfm failed: %v: %s", err, errb.String())
	}
	return out.String()
}

// renderAllowedTags are the tags GitHub keeps in a comment that the bodies
// may produce: those of markdown itself, and the few raw ones the bodies
// write (details, summary, b, code, br, sub).
var renderAllowedTags = []string{"a", "b", "blockquote", "br", "code", "del", "details", "em", "h2", "h3", "h4", "li", "ol", "p", "pre", "strong", "sub", "summary", "table", "tbody", "td", "th", "thead", "tr", "ul"}

var (
	renderTagRE     = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
	renderSummaryRE = regexp.MustCompile(`(?s)<summary>(.*?)</summary>`)
	renderCodeRE    = regexp.MustCompile(`(?s)<code>.*?</code>`)
	renderHrefRE    = regexp.MustCompile(`href="([^"]*)"`)
	renderCommentRE = regexp.MustCompile(`(?s)<!--.*?-->`)
)

func TestRenderedBodies(t *testing.T) {
	t.Parallel()
	bodies, secrets := renderBodies()
	for name, md := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out := cmarkGFM(t, md, name != "summary")
			assertNoSecret(t, name+" (rendered)", []byte(html.UnescapeString(out)), secrets)
			checkGolden(t, filepath.Join("testdata", "render", name+".html"), []byte(out), "go test ./report -run TestRenderedBodies -update")

			// GitHub does not render markdown inside <summary>: what is
			// there must already be HTML.
			sums := renderSummaryRE.FindAllStringSubmatch(out, -1)
			if len(sums) == 0 {
				t.Errorf("no <summary> rendered")
			}
			for _, m := range sums {
				for _, raw := range []string{"**", "`", "~~", "](", "&lt;b&gt;", "&lt;code&gt;"} {
					if strings.Contains(m[1], raw) {
						t.Errorf("a <summary> shows raw %q: %s", raw, ghRedactAll(m[1]))
					}
				}
			}
			// Nothing outside the allowlist, and no attribute but the
			// href of a link: a hostile name cannot add an image, a
			// script or an event handler.
			for _, m := range renderTagRE.FindAllStringSubmatch(renderCommentRE.ReplaceAllString(out, ""), -1) {
				tag, attrs := strings.ToLower(m[2]), strings.TrimSpace(m[3])
				if !slices.Contains(renderAllowedTags, tag) {
					t.Errorf("rendered a <%s> tag: %s", tag, ghRedactAll(m[0]))
				}
				if attrs != "" && !(tag == "a" && renderHrefRE.MatchString(attrs) && strings.Count(attrs, "=") == 1) {
					t.Errorf("rendered attributes %q on <%s>", ghRedactAll(attrs), tag)
				}
			}
			// Every link goes to the repository, or to a URL of ours.
			for _, m := range renderHrefRE.FindAllStringSubmatch(out, -1) {
				if !strings.HasPrefix(m[1], "https://github.com/octo-org/billing-api/") {
					t.Errorf("link to %q", ghRedactAll(m[1]))
				}
			}
			// Markdown left raw outside code shows as text; the only place
			// it may is a value taken from the scan (a file name, an
			// ignore reason), which must show as typed.
			text := renderCodeRE.ReplaceAllString(out, "")
			text = strings.ReplaceAll(text, html.EscapeString(renderHostilePath), "")
			text = strings.ReplaceAll(text, "fixture `x` | &lt;img src=x&gt; **bold**", "")
			for _, raw := range []string{"**", "`", "~~", "](", "\\_", "\\:"} {
				if strings.Contains(text, raw) {
					i := strings.Index(text, raw)
					t.Errorf("rendered text shows raw %q near %q", raw, ghRedactAll(text[max(0, i-80):min(len(text), i+80)]))
				}
			}
		})
	}
}

// TestRenderedContent says why the golden HTML is right: what a reviewer
// must see in each body.
func TestRenderedContent(t *testing.T) {
	t.Parallel()
	bodies, _ := renderBodies()
	s := newRenderSample()
	sticky := cmarkGFM(t, bodies["sticky"], true)
	for _, want := range []string{
		// Every finding counted, the removed one too.
		"5 credential(s) in this pull request (1 removed from the code, still exposed)",
		"<strong>removed from the code, still exposed: rotate</strong>",
		// Links to the line at the commit that added it, and to the commit.
		`<a href="https://github.com/octo-org/billing-api/blob/` + commitA + `/src/config.ts#L12">src/config.ts:12:31</a>`,
		`<a href="https://github.com/octo-org/billing-api/commit/` + commitA + `"><code>0f3c9a1e5b7d</code></a>`,
		// The hostile name is linked with every segment escaped.
		`/blob/` + commitB + `/src/%5Bx%5D%28javascript%3Aalert%281%29%29%20%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%60%2A%2Ab%2A%2A%60%26amp%3B.js#L2"`,
		"<summary>1. <b>ClickUp personal API token</b> <code>" + html.EscapeString(s.findings[0].Secret.Redacted()) + "</code> (user <code>7043602</code>): rotate it now</summary>",
		"removed from the code, still exposed: rotate it</summary>",
		"<b>LIVE ClickUp OAuth client secret</b>",
		// Variable advice: the JavaScript name is not a secret name.
		"<code>gh secret set CLICKUP_API_TOKEN</code>",
		"<code>gh secret set CLICKUP_WEBHOOK_SECRET</code>",
		"No longer in the pull request",
	} {
		if !strings.Contains(sticky, want) {
			t.Errorf("rendered sticky lacks %q", ghRedactAll(want))
		}
	}
	for _, bad := range []string{"clickupToken", "clientSecret", "<del>", "Resolved", "Status", "open</td>", "Mode:", "before merging"} {
		if strings.Contains(sticky, bad) {
			t.Errorf("rendered sticky holds %q", bad)
		}
	}

	review := cmarkGFM(t, bodies["review"], true)
	f := s.findings[0]
	if n := strings.Count(review, f.ID); n != 1 || !strings.Contains(review, ReviewMarker(f.ID)) {
		t.Errorf("review comment holds the finding id %d times, want once, in its hidden marker", n)
	}
	steps := review[:strings.Index(review, "<details>")]
	if n := strings.Count(steps, "<li>"); n < 1 || n > maxShortSteps {
		t.Errorf("review comment gives %d steps before the commands, want 1 to %d", n, maxShortSteps)
	}
	if i, j := strings.Index(steps, "Regenerate it in ClickUp"), strings.Index(review, "rewrite the commits"); i < 0 || j < i {
		t.Errorf("review comment does not lead with rotation (rotate at %d, rewrite at %d)", i, j)
	}

	summary := cmarkGFM(t, bodies["summary"], false)
	if strings.Contains(summary, "Mode: ") || strings.Index(summary, "Scanned 6 item(s)") < strings.Index(summary, "How to rotate") {
		t.Errorf("the job summary opens with its counters, want them last")
	}
	if !strings.Contains(summary, "5 credential(s) found (1 removed from the code, still exposed); 1 suppressed") {
		t.Errorf("summary headline does not count every finding")
	}

	tracking := cmarkGFM(t, bodies["tracking"], true)
	if !strings.Contains(tracking, "2 ClickUp credential(s) (1 removed from the code, still exposed)") || !strings.Contains(tracking, "rewriting history is optional") {
		t.Errorf("tracking issue headline lacks the removed count or the rotation-first line")
	}

	many := cmarkGFM(t, bodies["sticky_many"], true)
	if strings.Contains(many, "did not fit") {
		t.Errorf("60 findings did not all fit in the sticky comment")
	}
	total := 0
	for _, m := range regexp.MustCompile(`</b>: (\d+) credential\(s\)`).FindAllStringSubmatch(many, -1) {
		var n int
		fmt.Sscan(m[1], &n)
		total += n
	}
	if total != 60 {
		t.Errorf("per-kind rotation blocks cover %d findings, want 60", total)
	}
	if !strings.Contains(many, "60 credential(s) in this pull request (6 removed from the code, still exposed)") {
		t.Errorf("many: headline does not count every finding")
	}
}
