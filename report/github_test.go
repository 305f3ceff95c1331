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
