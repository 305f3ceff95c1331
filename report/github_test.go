package report

import (
	"bytes"
	"fmt"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"regexp"
	"strings"
	"testing"

	"github.com/sethvargo/go-githubactions"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// ghToken returns a fake personal token in the real shape, fixed by seed.
func ghToken(seed uint64) string { return fixtures.NewGen(seed).PersonalToken() }

func ghFinding(kind scanner.Kind, raw, path string, line int) scanner.Finding {
	s := scanner.NewSecret(raw)
	f := scanner.Finding{ID: s.ID(), Kind: kind, Secret: s, Locations: []scanner.Location{{Source: "dir", Path: path, Line: line, Column: 5}}}
	if kind == scanner.PersonalToken {
		f.UserID = strings.Split(raw, "_")[1]
	}
	return f
}

var ghTokenRE = regexp.MustCompile(`pk_[0-9]+_[0-9A-Z]{32}`)

// ghRedactAll keeps raw tokens out of failure messages, also those whose
// underscores are escaped (the markdown renderers' regression).
func ghRedactAll(s string) string {
	return scanner.RedactShapesString(ghTokenRE.ReplaceAllStringFunc(s, func(m string) string { return scanner.NewSecret(m).Redacted() }))
}

// ghLeak fails when out holds a raw secret of fs. Personal tokens are found
// by shape and looked up in a set, so that thousands of findings are
// checked in one pass.
func ghLeak(t *testing.T, where, out string, fs []scanner.Finding) {
	t.Helper()
	raw := map[string]scanner.Secret{}
	for _, f := range fs {
		if f.Kind == scanner.PersonalToken {
			raw[f.Secret.Reveal()] = f.Secret
		} else if strings.Contains(out, f.Secret.Reveal()) {
			t.Errorf("%s holds the raw secret %s", where, f.Secret)
		}
	}
	for _, m := range ghTokenRE.FindAllString(out, -1) {
		if s, ok := raw[m]; ok {
			t.Errorf("%s holds the raw secret %s", where, s)
		}
	}
}

func annotate(fs []scanner.Finding, limit int) (string, int) {
	var buf bytes.Buffer
	gha := githubactions.New(githubactions.WithWriter(&buf), githubactions.WithGetenv(func(string) string { return "" }))
	n := WriteAnnotations(gha, fs, limit)
	return buf.String(), n
}

func TestAnnotationsCannotBeInjected(t *testing.T) {
	t.Parallel()
	tok := ghToken(1)
	for _, name := range []string{
		"a,b:%0A::error::x",
		"evil\n::error::pwned",
		"x\r\n::add-mask::y,line=1",
		"dist/" + tok + ".js", // the secret in the file name itself
	} {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			t.Parallel()
			f := ghFinding(scanner.PersonalToken, tok, name, 3)
			f.Locations[0].InnerPath = "in\nner::error::z"
			out, n := annotate([]scanner.Finding{f}, AnnotationLimit)
			if n != 1 {
				t.Fatalf("annotations = %d, want 1", n)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 1 {
				t.Fatalf("one annotation became %d lines: %q", len(lines), ghRedactAll(out))
			}
			if !strings.HasPrefix(lines[0], "::error ") {
				t.Errorf("annotation does not start with ::error: %q", ghRedactAll(lines[0]))
			}
			props := strings.SplitN(strings.TrimPrefix(lines[0], "::error "), "::", 2)[0]
			// An archive member has no line: file and title are the only
			// properties, whatever the name holds.
			var keys []string
			for _, kv := range strings.Split(props, ",") {
				keys = append(keys, strings.SplitN(kv, "=", 2)[0])
			}
			if strings.ContainsAny(props, "\n\r") || strings.Join(keys, ",") != "file,title" {
				t.Errorf("properties not escaped, got %q", ghRedactAll(props))
			}
			if name == "a,b:%0A::error::x" && !strings.Contains(props, "file=a%2Cb%3A%250A%3A%3Aerror%3A%3Ax") {
				t.Errorf("file property = %q, want it escaped", ghRedactAll(props))
			}
			ghLeak(t, "annotation", out, []scanner.Finding{f})
		})
	}
}

func TestAnnotationsRankedAndLimited(t *testing.T) {
	t.Parallel()
	var fs []scanner.Finding
	for i := 0; i < 8; i++ {
		fs = append(fs, ghFinding(scanner.WebhookSecret, strings.Repeat(fmt.Sprintf("W%dQ7Z", i), 13)[:64], fmt.Sprintf("a/%02d.txt", i), 1))
	}
	for i := 0; i < 4; i++ {
		fs = append(fs, ghFinding(scanner.PersonalToken, ghToken(uint64(10+i)), fmt.Sprintf("z/%02d.js", i), 2))
	}
	live := ghFinding(scanner.OAuthClientSecret, strings.Repeat("K8J2", 16), "zz/live.env", 1)
	live.Verification = "live"
	fs = append(fs, live)

	out, n := annotate(fs, AnnotationLimit)
	if n != AnnotationLimit {
		t.Errorf("annotations = %d, want %d", n, AnnotationLimit)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if got := strings.Count(out, "::error "); got != AnnotationLimit {
		t.Errorf("error commands = %d, want %d", got, AnnotationLimit)
	}
	if !strings.Contains(lines[0], "file=zz/live.env") {
		t.Errorf("first annotation is not the live finding: %q", ghRedactAll(lines[0]))
	}
	for i := 1; i <= 4; i++ {
		if !strings.Contains(lines[i], "personal API token") {
			t.Errorf("annotation %d is not a personal token: %q", i, ghRedactAll(lines[i]))
		}
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "::notice::") || !strings.Contains(last, "+3 more") || !strings.Contains(last, "job summary") {
		t.Errorf("last line = %q, want a +3 more notice", ghRedactAll(last))
	}
	ghLeak(t, "annotations", out, fs)
}

func TestStepSummaryStaysUnderLimit(t *testing.T) {
	t.Parallel()
	var fs []scanner.Finding
	for i := 0; i < 3000; i++ {
		f := ghFinding(scanner.PersonalToken, ghToken(uint64(1000+i)), strings.Repeat("deep/", 60)+fmt.Sprintf("f%d|<b>.js", i), i+1)
		for j := 0; j < 5; j++ {
			f.Locations = append(f.Locations, scanner.Location{Source: "history", Path: fmt.Sprintf("copy%d.js", j), Line: 1, Commit: strings.Repeat("ab", 20)})
		}
		fs = append(fs, f)
	}
	r := Report{Mode: "dir", Findings: fs, Warnings: []string{"a warning with | pipes"}}
	out := StepSummary(r, StepSummaryLimit)
	if len(out) > StepSummaryLimit {
		t.Errorf("summary is %d bytes, over %d", len(out), StepSummaryLimit)
	}
	for _, want := range []string{"3000 credential(s) found", "did not fit", "How to rotate", "| 1 |", "\\|", "\\<b\\>"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	ghLeak(t, "summary", out, fs)
	if small := StepSummary(Report{Mode: "diff"}, StepSummaryLimit); !strings.Contains(small, "no credentials found") {
		t.Errorf("clean summary = %q", small)
	}
}

func TestReviewCommentBodyCarriesMarker(t *testing.T) {
	t.Parallel()
	f := ghFinding(scanner.PersonalToken, ghToken(7), "src/a.js", 3)
	body := ReviewCommentBody(f)
	for _, want := range []string{"<!-- clickup-secret-scan:" + f.ID + " -->", f.Secret.Redacted(), f.UserID, "<details>", "</details>", "personal API token"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, ghRedactAll(body))
		}
	}
	if ids := ReviewMarkers("noise\n" + body + "\n" + ReviewMarker(strings.Repeat("0", 64))); len(ids) != 2 || ids[0] != f.ID {
		t.Errorf("ReviewMarkers = %v", ids)
	}
	ghLeak(t, "review comment", body, []scanner.Finding{f})
}

func TestStickyStateRoundTrip(t *testing.T) {
	t.Parallel()
	open := []scanner.Finding{ghFinding(scanner.PersonalToken, ghToken(8), "x --><script>.js", 1)}
	gone := EntryOf(ghFinding(scanner.PersonalToken, ghToken(9), "y.js", 1))
	body := StickyCommentBody(Sticky{Findings: open, Vanished: []StickyEntry{gone}, Notes: []string{"a note"}})
	if !strings.HasPrefix(body, StickyMarker) {
		t.Errorf("sticky body does not start with its marker")
	}
	st := ParseStickyState(body)
	if len(st) != 1 || st[0] != EntryOf(open[0]) {
		t.Errorf("state = %+v, want the open finding only", st)
	}
	for _, want := range []string{"No longer in the pull request's commits", gone.Redacted, "rotate each one", "1 credential(s)"} {
		if !strings.Contains(body, want) {
			t.Errorf("sticky body lacks %q", want)
		}
	}
	ghLeak(t, "sticky", body, open)
	if ParseStickyState("<!-- clickup-secret-scan:state [{broken -->") != nil {
		t.Errorf("a broken state parsed")
	}
	clean := StickyCommentBody(Sticky{})
	if ParseStickyState(clean) == nil || !strings.Contains(clean, "no credentials") {
		t.Errorf("clean sticky = %q", clean)
	}
}

func TestTrackingIssueBody(t *testing.T) {
	t.Parallel()
	f := ghFinding(scanner.PersonalToken, ghToken(10), "app.env", 1)
	f.Locations[0].Commit = strings.Repeat("c", 40)
	body := TrackingIssueBody([]scanner.Finding{f}, "https://github.com/o/r/actions/runs/1", Links{})
	for _, want := range []string{TrackingMarker, f.Secret.Redacted(), "cccccccccccc", "actions/runs/1", "How to rotate"} {
		if !strings.Contains(body, want) {
			t.Errorf("tracking body lacks %q", want)
		}
	}
	ghLeak(t, "tracking issue", body, []scanner.Finding{f})
	if closed := TrackingIssueBody(nil, "", Links{}); !strings.Contains(closed, "no ClickUp credentials") {
		t.Errorf("closing body = %q", closed)
	}
}

// FuzzParseStickyState: comment bodies come from GitHub and anyone can
// edit them; parsing must not panic, and what a body yields must survive a
// render and a parse unchanged.
func FuzzParseStickyState(f *testing.F) {
	f.Add(StickyCommentBody(Sticky{Findings: []scanner.Finding{ghFinding(scanner.PersonalToken, ghToken(3), "a.js", 1)}}))
	f.Add(`<!-- clickup-secret-scan:state [{"id":"x","kind":"personal_token","redacted":"--><b>"}] -->`)
	f.Fuzz(func(t *testing.T, body string) {
		es := ParseStickyState(body)
		ReviewMarkers(body)
		if es == nil {
			return
		}
		var fs []scanner.Finding
		for _, e := range es {
			fs = append(fs, scanner.Finding{ID: e.ID, Kind: e.Kind, UserID: e.UserID})
		}
		again := ParseStickyState(StickyCommentBody(Sticky{Findings: fs}))
		if len(again) != len(es) {
			t.Fatalf("state of %d entries re-parsed as %d", len(es), len(again))
		}
	})
}

// TestRemovedFindingIsCountedNotResolved: a token a later commit removed
// was pushed. Every headline counts it, as the findings output does, and
// it is listed with its rotation steps, never struck through.
func TestRemovedFindingIsCountedNotResolved(t *testing.T) {
	t.Parallel()
	at := ghFinding(scanner.PersonalToken, ghToken(21), "src/a.js", 3)
	byFlag := ghFinding(scanner.PersonalToken, ghToken(22), "src/b.js", 4)
	byFlag.Locations[0].AtHead = boolPtr(false)
	byCaller := ghFinding(scanner.WebhookSecret, strings.Repeat("W7Q2", 16), "hooks/v.py", 5)
	all := []scanner.Finding{at, byFlag, byCaller}
	sticky := StickyCommentBody(Sticky{Findings: all[:2], Removed: all[2:]})
	summary := StepSummary(Report{Findings: all}, StepSummaryLimit)
	byCaller.Locations = []scanner.Location{{Source: "history", Path: "hooks/v.py", Line: 5, Commit: commitA, AtHead: boolPtr(false)}}
	tracking := TrackingIssueBody([]scanner.Finding{at, byFlag, byCaller}, "", Links{})
	for name, tc := range map[string]struct {
		out, head string
		removed   int
	}{
		"sticky":   {sticky, "3 credential(s) in this pull request (2 removed from the code, still exposed)", 2},
		"summary":  {summary, "3 credential(s) found (1 removed from the code, still exposed)", 1},
		"tracking": {tracking, "3 ClickUp credential(s) (2 removed from the code, still exposed)", 2},
	} {
		if !strings.Contains(tc.out, tc.head) {
			t.Errorf("%s lacks the headline %q:\n%s", name, tc.head, ghRedactAll(tc.out))
		}
		if n := strings.Count(tc.out, "removed from the code, still exposed: rotate it</summary>"); n != tc.removed {
			t.Errorf("%s has %d rotation blocks for removed findings, want %d", name, n, tc.removed)
		}
		for _, bad := range []string{"~~", "Resolved", "resolved"} {
			if strings.Contains(tc.out, bad) {
				t.Errorf("%s holds %q", name, bad)
			}
		}
		ghLeak(t, name, tc.out, all)
	}
	if InCode(byFlag) || !InCode(at) {
		t.Errorf("InCode(at head) = %v, InCode(gone from head) = %v", InCode(at), InCode(byFlag))
	}
}

// TestReviewCommentIsShort: rotation first, three steps at most, the
// commands folded away, and no finding id outside the hidden marker.
func TestReviewCommentIsShort(t *testing.T) {
	t.Parallel()
	for _, f := range []scanner.Finding{
		ghFinding(scanner.PersonalToken, ghToken(31), "src/a.js", 3),
		ghFinding(scanner.OAuthClientSecret, strings.Repeat("K8J3", 16), "server/oauth.go", 9),
		ghFinding(scanner.OAuthAccessToken, "7043602_"+strings.Repeat("0a1b", 16), "src/c.ts", 2),
		ghFinding(scanner.WebhookSecret, strings.Repeat("W7Q3", 16), "hooks/v.py", 5),
	} {
		body := ReviewCommentBody(f)
		if strings.Count(body, f.ID) != 1 || !strings.HasPrefix(body, ReviewMarker(f.ID)) {
			t.Errorf("%s: the finding id is outside the hidden marker", f.Kind)
		}
		steps := body[:strings.Index(body, "<details>")]
		n := 0
		for _, l := range strings.Split(steps, "\n") {
			if regexp.MustCompile(`^[0-9]+\. `).MatchString(l) {
				n++
			}
		}
		if n == 0 || n > 3 {
			t.Errorf("%s: %d steps before the commands, want 1 to 3:\n%s", f.Kind, n, ghRedactAll(body))
		}
		if !regexp.MustCompile(`(?m)^1\. (Regenerate|Re-authorize|Re-create)`).MatchString(steps) {
			t.Errorf("%s: the first step is not rotation:\n%s", f.Kind, ghRedactAll(steps))
		}
		for _, bad := range []string{"filter-repo", "rebase", "Finding id", "Status"} {
			if strings.Contains(steps, bad) {
				t.Errorf("%s: the steps hold %q", f.Kind, bad)
			}
		}
		ghLeak(t, "review comment", body, []scanner.Finding{f})
	}
}

// TestNoNoiseInPRBodies: no Status column, no counters line at the top.
func TestNoNoiseInPRBodies(t *testing.T) {
	t.Parallel()
	f := ghFinding(scanner.PersonalToken, ghToken(41), "src/a.js", 3)
	sticky := StickyCommentBody(Sticky{Findings: []scanner.Finding{f}})
	summary := StepSummary(Report{Mode: "diff", Findings: []scanner.Finding{f}, Stats: scanner.StatsSnapshot{Files: 6, Bytes: 792}}, StepSummaryLimit)
	for name, out := range map[string]string{"sticky": sticky, "summary": summary} {
		if strings.Contains(out, "Status") || strings.Contains(out, "| open |") || strings.Contains(out, "Mode: ") {
			t.Errorf("%s holds a Status column or a Mode line:\n%s", name, ghRedactAll(out))
		}
	}
	if i, j := strings.Index(summary, "Scanned 6 item(s), 792 byte(s)"), strings.Index(summary, "How to rotate"); i < j {
		t.Errorf("summary counters at %d, before the rotation steps at %d", i, j)
	}
}

// TestManyFindingsAllGetRotation: with more findings than a block each
// could hold, every finding is still covered, one block per kind.
func TestManyFindingsAllGetRotation(t *testing.T) {
	t.Parallel()
	var fs []scanner.Finding
	for i := range 400 {
		f := ghFinding(scanner.PersonalToken, ghToken(uint64(500+i)), fmt.Sprintf("svc/%03d/config.ts", i), 1)
		if i%3 == 0 {
			f = ghFinding(scanner.WebhookSecret, fmt.Sprintf("%064d", i)[:60]+"QWER", fmt.Sprintf("hooks/%03d.py", i), 1)
		}
		fs = append(fs, f)
	}
	for name, out := range map[string]string{
		"sticky":  StickyCommentBody(Sticky{Findings: fs}),
		"summary": StepSummary(Report{Findings: fs}, StepSummaryLimit),
	} {
		if strings.Contains(out, "Rotation steps for") {
			t.Errorf("%s left findings without rotation steps", name)
		}
		if !strings.Contains(out, "<b>ClickUp personal API token</b>: 266 credential(s)") || !strings.Contains(out, "<b>ClickUp webhook secret</b>: 134 credential(s)") {
			t.Errorf("%s lacks one rotation block per kind covering every finding", name)
		}
		ghLeak(t, name, out, fs)
	}
}
