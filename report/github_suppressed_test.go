package report

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clickup-secret-scan/clickup-secret-scan/ignore"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// hostileReason is an ignore reason written to break the markdown it lands
// in: HTML, a table pipe, backticks, a link, emphasis, a heading, a
// mention, an entity, a newline. raw is a secret the reason quotes; it must
// come out redacted, not merely escaped.
func hostileReason(raw string) string {
	return "fixture `x` | <img src=x onerror=alert(1)> [click](https://evil.example) **bold** ~~gone~~ &amp; @team\n## heading " + raw + " end"
}

// suppressedSample is a PR with one open token, a token an id rule hides
// (with a hostile reason quoting it), a webhook secret hidden by the inline
// marker, and the open token hidden at one more location by a path rule.
type suppressedSample struct {
	open       []scanner.Finding
	suppressed []Ignored
	secrets    []scanner.Secret
}

func newSuppressedSample() suppressedSample {
	openTok := fakePersonal(21, "7043602")
	hiddenTok := fakePersonal(22, "5550123")
	hook := fake64(23)
	at := boolPtr(true)
	open := scanner.Finding{ID: openTok.ID(), Kind: scanner.PersonalToken, Secret: openTok, UserID: "7043602",
		Locations: []scanner.Location{{Source: "diff", Path: "src/config.ts", Line: 12, Column: 7, Commit: commitA, Change: "added", AtHead: at}}}
	hidden := scanner.Finding{ID: hiddenTok.ID(), Kind: scanner.PersonalToken, Secret: hiddenTok, UserID: "5550123",
		Locations: []scanner.Location{{Source: "diff", Path: "src/client.ts", Line: 3, Column: 15, Commit: commitB, Change: "added", AtHead: at}}}
	marked := scanner.Finding{ID: hook.ID(), Kind: scanner.WebhookSecret, Secret: hook,
		Locations: []scanner.Location{{Source: "diff", Path: "hooks/verify.py", Line: 8, Column: 12, Commit: commitB, Change: "added", AtHead: at}}}
	partial := open
	partial.Locations = []scanner.Location{{Source: "diff", Path: "testdata/copy.ts", Line: 1, Column: 1, Commit: commitB, Change: "added", AtHead: at}}
	return suppressedSample{
		open: []scanner.Finding{open},
		suppressed: []Ignored{
			{Finding: hidden, Reason: hostileReason(hiddenTok.Reveal())},
			{Finding: marked, Reason: ignore.MarkerReason},
			{Finding: partial, Reason: "fake tokens generated for tests"},
		},
		secrets: []scanner.Secret{openTok, hiddenTok, hook},
	}
}

// assertNoSecretRendered fails when out holds a secret, raw or as GitHub
// would render it: markdown escapes are dropped first, since "pk\_1\_X"
// displays as "pk_1_X".
func assertNoSecretRendered(t *testing.T, what, out string, secrets []scanner.Secret) {
	t.Helper()
	assertNoSecret(t, what, []byte(out), secrets)
	assertNoSecret(t, what+" (as rendered)", []byte(strings.ReplaceAll(out, `\`, "")), secrets)
}

// unescapedPipes counts the '|' of line that are not escaped: the cells of
// a table row.
func unescapedPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

// rowWith returns the one line of out that contains s.
func rowWith(t *testing.T, out, s string) string {
	t.Helper()
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			rows = append(rows, l)
		}
	}
	if len(rows) != 1 {
		t.Fatalf("%d lines hold %q, want 1:\n%s", len(rows), s, ghRedactAll(out))
	}
	return rows[0]
}

func TestSuppressedGolden(t *testing.T) {
	t.Parallel()
	s := newSuppressedSample()
	gone := StickyEntry{ID: strings.Repeat("ab", 32), Kind: scanner.OAuthAccessToken, Redacted: "7043602_…9f3e", UserID: "7043602"}
	for _, tc := range []struct {
		name, golden string
		render       func() string
	}{
		{"sticky with open and suppressed", "sticky_suppressed.md", func() string {
			return StickyCommentBody(Sticky{Findings: s.open, Suppressed: s.suppressed, Vanished: []StickyEntry{gone}, Notes: []string{"a note"}})
		}},
		{"sticky with suppressed only", "sticky_suppressed_only.md", func() string {
			return StickyCommentBody(Sticky{Suppressed: s.suppressed[:2]})
		}},
		{"summary with open and suppressed", "summary_suppressed.md", func() string {
			return StepSummary(Report{Mode: "diff", Findings: s.open, Ignored: s.suppressed, Stats: scanner.StatsSnapshot{Files: 3, Bytes: 300}}, StepSummaryLimit)
		}},
		{"summary with suppressed only", "summary_suppressed_only.md", func() string {
			return StepSummary(Report{Mode: "diff", Ignored: s.suppressed[:2], Stats: scanner.StatsSnapshot{Files: 3, Bytes: 300}}, StepSummaryLimit)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := tc.render()
			assertNoSecretRendered(t, tc.name, out, s.secrets)
			checkGolden(t, filepath.Join("testdata", "golden", tc.golden), []byte(out), "go test ./report -run TestSuppressedGolden -update")

			// The golden file is reviewed once; these say why it is right.
			for _, want := range []string{
				"Suppressed by ignore rules",
				"review",
				s.suppressed[0].Finding.Secret.Redacted(), "`5550123`", "src/client.ts\\:3\\:15", "`9a8b7c6d5e4f`",
				s.suppressed[1].Finding.Secret.Redacted(), "inline clickup\\-secret\\-scan\\:allow marker",
				// The hostile reason, escaped: no HTML, no code span, no
				// link, no heading, and its token redacted.
				"\\<img src=x onerror=alert\\(1\\)\\>", "\\`x\\`", "\\[click\\]\\(https\\://evil.example\\)", "\\#\\# heading",
				ghMdText(s.suppressed[0].Finding.Secret.Redacted()) + " end",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, ghRedactAll(out))
				}
			}
			// Drop the escaped forms; what is left must hold none of these.
			bare := strings.NewReplacer("\\<", "", "\\`", "", "\\]", "", "\\#", "").Replace(out)
			for _, bad := range []string{"<img", "`x`", "](https", "## heading"} {
				if strings.Contains(bare, bad) {
					t.Errorf("output holds %q:\n%s", bad, ghRedactAll(out))
				}
			}
			// One row per suppressed finding, 7 cells: the reason's pipe
			// and newline stay inside its cell.
			row := rowWith(t, out, s.suppressed[0].Finding.Secret.Redacted()+"` |")
			if n := unescapedPipes(row); n != 8 {
				t.Errorf("the hostile row has %d cell separators, want 8: %s", n, ghRedactAll(row))
			}
		})
	}
}

// headline returns the first heading line of a summary or comment.
func headline(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "#") {
			return l
		}
	}
	return ""
}

// TestSuppressedHeadlines: the first line a reviewer reads says whether
// ignore rules hid anything, in each combination.
func TestSuppressedHeadlines(t *testing.T) {
	t.Parallel()
	s := newSuppressedSample()
	for _, tc := range []struct {
		name      string
		open      []scanner.Finding
		sup       []Ignored
		sticky    string
		summary   string
		noSection bool
	}{
		{"neither", nil, nil, "no credentials in this pull request any more", "no credentials found", true},
		{"open only", s.open, nil, "1 credential(s) in this pull request\n", "1 credential(s) found\n", true},
		{"suppressed only", nil, s.suppressed[:2], "no open credentials; 2 suppressed by ignore rules in this pull request, review them", "no open credentials; 2 suppressed by ignore rules, review them", false},
		{"both", s.open, s.suppressed, "1 credential(s) in this pull request; 3 suppressed by ignore rules, review them", "1 credential(s) found; 3 suppressed by ignore rules", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sticky := StickyCommentBody(Sticky{Findings: tc.open, Suppressed: tc.sup})
			summary := StepSummary(Report{Mode: "diff", Findings: tc.open, Ignored: tc.sup}, StepSummaryLimit)
			for what, out := range map[string]string{"sticky": sticky, "summary": summary} {
				want := tc.sticky
				if what == "summary" {
					want = tc.summary
				}
				if h := headline(out); !strings.Contains(h+"\n", want) {
					t.Errorf("%s headline = %q, want it to hold %q", what, ghRedactAll(h), want)
				}
				if strings.Contains(out, "Suppressed by ignore rules") == tc.noSection {
					t.Errorf("%s: suppressed section present = %v, want %v", what, !tc.noSection, !tc.noSection)
				}
				assertNoSecretRendered(t, what, out, s.secrets)
			}
			// The state remembers the suppressed findings, so that one a
			// later push removes for good can be called resolved.
			want := map[string]bool{}
			for _, f := range tc.open {
				want[f.ID] = true
			}
			for _, ig := range tc.sup {
				want[ig.Finding.ID] = true
			}
			st := ParseStickyState(sticky)
			got := map[string]bool{}
			for _, e := range st {
				got[e.ID] = true
			}
			if len(st) != len(want) || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("state = %+v, want one entry per id of %v", st, want)
			}
		})
	}
	// A credential suppressed at some locations only is said to be so.
	if out := StickyCommentBody(Sticky{Findings: s.open, Suppressed: s.suppressed}); !strings.Contains(out, "suppressed at some of its locations only") {
		t.Errorf("the partial suppression is not explained:\n%s", ghRedactAll(out))
	}
	if out := StickyCommentBody(Sticky{Findings: s.open, Suppressed: s.suppressed[:2]}); strings.Contains(out, "some of its locations only") {
		t.Errorf("a partial suppression is claimed where there is none")
	}
}

// manySuppressed returns n open findings and n suppressed ones whose
// paths, locations and reasons are all as long as they can be made.
func manySuppressed(n int) ([]scanner.Finding, []Ignored) {
	var open []scanner.Finding
	var sup []Ignored
	for i := 0; i < n; i++ {
		f := ghFinding(scanner.PersonalToken, ghToken(uint64(5000+i)), strings.Repeat("deep/ü/", 40)+fmt.Sprintf("f%d|<b>.js", i), i+1)
		for j := 0; j < 5; j++ {
			f.Locations = append(f.Locations, scanner.Location{Source: "diff", Path: fmt.Sprintf("copy%d.js", j), Line: 1, Commit: strings.Repeat("cd", 20)})
		}
		raw := f.Secret.Reveal()
		// Long, multibyte, hostile, and quoting its own token near the
		// cut, so that a cut before the scrub would leave part of it.
		reason := strings.Repeat("ß|`<x>` ", 30) + raw + strings.Repeat(" ü", 400)
		sup = append(sup, Ignored{Finding: f, Reason: reason})
		open = append(open, ghFinding(scanner.PersonalToken, ghToken(uint64(9000+i)), fmt.Sprintf("open/%d.js", i), 1))
	}
	return open, sup
}

func TestSuppressedStayWithinLimits(t *testing.T) {
	t.Parallel()
	open, sup := manySuppressed(500)
	// Every 10-byte window of every secret is searched for in the first
	// rows only (the search is quadratic); every raw token, escaped or
	// not, is searched for in one pass over the output.
	var secrets []scanner.Secret
	var resolved []StickyEntry
	all := append(slices.Clone(open), ghFindingsOf(sup)...)
	noLeak := func(t *testing.T, what, out string) {
		t.Helper()
		assertNoSecretRendered(t, what, out, secrets)
		ghLeak(t, what, out, all)
		ghLeak(t, what+" (as rendered)", strings.ReplaceAll(out, `\`, ""), all)
	}
	for i := range sup {
		if i < 30 {
			secrets = append(secrets, sup[i].Finding.Secret, open[i].Secret)
		}
		resolved = append(resolved, EntryOf(ghFinding(scanner.PersonalToken, ghToken(uint64(20000+i)), "gone.js", 1)))
	}
	t.Run("sticky", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name string
			open []scanner.Finding
		}{{"suppressed only", nil}, {"500 open too", open}} {
			body := StickyCommentBody(Sticky{Findings: tc.open, Suppressed: sup, Vanished: resolved, Notes: []string{"note"}})
			if len(body) > ghIssueBodyLimit {
				t.Errorf("%s: body is %d bytes, over %d", tc.name, len(body), ghIssueBodyLimit)
			}
			if !utf8.ValidString(body) {
				t.Errorf("%s: body is not valid UTF-8", tc.name)
			}
			st := ParseStickyState(body)
			if len(st) == 0 || len(rowWith(t, body, ghStateOpen)) > ghStateLimit {
				t.Errorf("%s: state of %d entries, line of %d bytes; want some, within %d", tc.name, len(st), len(rowWith(t, body, ghStateOpen)), ghStateLimit)
			}
			for _, want := range []string{"500 suppressed by ignore rules", "Suppressed by ignore rules in this pull request", "more suppressed finding(s) did not fit; see the job summary"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: body lacks %q", tc.name, want)
				}
			}
			if !strings.Contains(body, "| 1 | ClickUp personal API token | "+ghMdCode(sup[0].Finding.Secret.Redacted())) {
				t.Errorf("%s: the first suppressed finding is not listed", tc.name)
			}
			noLeak(t, "sticky", body)
		}
	})
	for _, limit := range []int{StepSummaryLimit, 1 << 16, 1 << 12} {
		t.Run(fmt.Sprintf("summary within %d", limit), func(t *testing.T) {
			t.Parallel()
			out := StepSummary(Report{Mode: "diff", Findings: open, Ignored: sup, Warnings: []string{"w | <b>"}}, limit)
			if len(out) > limit {
				t.Errorf("summary is %d bytes, over %d", len(out), limit)
			}
			if !utf8.ValidString(out) {
				t.Errorf("summary is not valid UTF-8")
			}
			if !strings.Contains(out, "500 credential(s) found; 500 suppressed by ignore rules") {
				t.Errorf("summary headline lost")
			}
			if limit == StepSummaryLimit {
				// Every suppressed finding is either a row or counted.
				var left int
				if i := strings.Index(out, " more suppressed finding(s) did not fit"); i >= 0 {
					fmt.Sscanf(out[strings.LastIndexByte(out[:i], '\n')+1:i], "%d", &left)
				}
				rows := 0
				for _, ig := range sup {
					if strings.Contains(out, ghMdCode(ig.Finding.Secret.Redacted())+" | `"+ig.Finding.UserID+"` | ") {
						rows++
					}
				}
				if rows < 100 || rows+left != len(sup) {
					t.Errorf("suppressed rows %d + not shown %d, want %d with at least 100 shown", rows, left, len(sup))
				}
			}
			noLeak(t, "summary", out)
		})
	}
}

// TestSummariesRenderNoSecret runs the GitHub renderers over the shared
// samples, hostile file names included, with a file named after each
// secret: a field escaped before it is scrubbed would show the secret as
// GitHub renders the markdown ("pk\_1\_X" displays as "pk_1_X"), though
// its raw bytes are not in the output.
func TestSummariesRenderNoSecret(t *testing.T) {
	t.Parallel()
	for _, s := range samples() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			if len(s.secrets) == 0 {
				return
			}
			r := s.report
			// Each finding's first location is a file named after it:
			// the table shows only the first few locations.
			r.Findings = slices.Clone(r.Findings)
			for i, f := range r.Findings {
				loc := scanner.Location{Source: "dir", Path: "leak/" + f.Secret.Reveal() + ".txt", Line: 1}
				r.Findings[i].Locations = append([]scanner.Location{loc}, f.Locations...)
			}
			sup := r.Ignored
			r.Warnings = append(r.Warnings, "warning naming a token file leak/"+s.secrets[0].Reveal()+".txt")
			if s.name == "hostile" {
				sup = []Ignored{{Finding: r.Findings[0], Reason: hostileReason(s.secrets[0].Reveal())}}
				r.Ignored = sup
			}
			outs := map[string]string{
				"summary":  StepSummary(r, StepSummaryLimit),
				"sticky":   StickyCommentBody(Sticky{Findings: r.Findings, Suppressed: sup, Notes: []string{"note " + s.secrets[0].Reveal()}}),
				"tracking": TrackingIssueBody(r.Findings, "", Links{}),
			}
			for what, out := range outs {
				assertNoSecretRendered(t, s.name+" "+what, out, s.secrets)
			}
		})
	}
}

// TestEscapedSecretInFreeText quotes a finding's own token with its
// underscores escaped (markdown, URL, JSON/JS) in an ignore reason, a path
// and a note: each form must come out redacted, whatever a reader decodes.
func TestEscapedSecretInFreeText(t *testing.T) {
	t.Parallel()
	raw := fixtures.NewGen(77).PersonalToken()
	sec := scanner.NewSecret(raw)
	escaped := func(esc string) string { return strings.ReplaceAll(raw, "_", esc) }
	f := scanner.Finding{ID: sec.ID(), Kind: scanner.PersonalToken, Secret: sec, UserID: "1",
		Locations: []scanner.Location{{Source: "dir", Path: "leak/" + escaped("%5F") + ".txt", Line: 1}}}
	reason := "was " + escaped(`\_`) + " then " + escaped(`\u005f`) + " and " + escaped(`\x5f`)
	sup := []Ignored{{Finding: f, Reason: reason}}
	r := Report{Findings: []scanner.Finding{f}, Ignored: sup}
	decode := strings.NewReplacer(`\_`, "_", "%5F", "_", "%5f", "_", `\u005f`, "_", `\u005F`, "_", `\x5f`, "_", `\x5F`, "_")
	for what, out := range map[string]string{
		"summary": StepSummary(r, StepSummaryLimit),
		"sticky":  StickyCommentBody(Sticky{Findings: r.Findings, Suppressed: sup, Notes: []string{"note " + escaped("%5F")}}),
	} {
		for _, form := range []string{out, decode.Replace(out), decode.Replace(strings.ReplaceAll(out, `\\`, `\`))} {
			if strings.Contains(form, raw) {
				t.Errorf("%s holds %v, escaped, in clear", what, sec)
			}
		}
	}
}
