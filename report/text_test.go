package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

func TestTextClean(t *testing.T) {
	t.Parallel()
	out := string(render(t, "text", Report{}))
	if !strings.HasPrefix(out, "no ClickUp credentials found") {
		t.Errorf("clean report = %q, want it to start with %q", out, "no ClickUp credentials found")
	}
}

func TestTextFull(t *testing.T) {
	t.Parallel()
	s := samples()[0]
	var buf bytes.Buffer
	if err := WriteWith(&buf, "text", s.report, Options{ShowIgnored: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if brief := string(render(t, "text", s.report)); !strings.Contains(brief, "1 ignored: see --show-ignored\n") || strings.Contains(brief, "reason: test fixture") {
		t.Errorf("text report without ShowIgnored lists the ignored finding in full or lacks the count line:\n%s", brief)
	}
	for _, want := range []string{
		"LIVE ClickUp personal API token pk_7043602_",
		"dist/app.zip!/config/.env:3:19 (base64-encoded, key CLICKUP_API_TOKEN_PROD)",
		"commit-message of 9a8b7c6d5e4f",
		"hooks/verify.py:8:1 (diff, removed, commit 9a8b7c6d5e4f)",
		"verification: live, username dev.one",
		"rotate it: regenerate it in ClickUp",
		"ignored: ClickUp personal API token pk_5550123_",
		"reason: test fixture, revoked 2024-01-02",
		"5 ClickUp credentials (1 live) found in 8 locations",
		"blob 3b18e512dba79e4c8300dd08aeb37f8e728b8dad:4:11 (history, unreachable)",
		"2 skipped, 3 placeholders suppressed, 2 errors; 1 ignored",
		"error: dist/big.zip: archive limit reached",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q", want)
		}
	}
	if n := strings.Count(out, "  rotate it: "); n != len(s.report.Findings) {
		t.Errorf("%d rotate hints, want one per finding (%d)", n, len(s.report.Findings))
	}
}

// TestTextHostilePaths checks that file names cannot add lines, inject
// workflow commands or terminal escapes, or hide text with bidi controls.
func TestTextHostilePaths(t *testing.T) {
	t.Parallel()
	s := samples()[2]
	out := render(t, "text", s.report)
	for i, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("line %d starts a workflow command: %q", i+1, line)
		}
		for _, r := range line {
			if r != '\t' && !unicode.IsPrint(r) && r != ' ' {
				t.Errorf("line %d holds control or format character %U", i+1, r)
			}
		}
	}
	if bytes.ContainsRune(out, 0x1b) {
		t.Error("text holds an ESC byte")
	}
	// One location line per location: a newline in a path must not split it.
	locLines := 0
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "    ") {
			locLines++
		}
	}
	if want := len(s.report.Findings[0].Locations); locLines != want {
		t.Errorf("%d location lines, want %d", locLines, want)
	}
	for _, want := range []string{
		`"x\n::error file=y::owned":4:5`,
		`"evil\u202etxt.env":5:5`,
		"конфиг/秘密 файл.env:2:5",
		"my dir/app config.env:3:5",
		"a,b:%0A::error::x:1:5",
		"leak/pk_9876543_…",
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("text lacks the safe rendering %q", want)
		}
	}
}

func TestTextVerification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		verification, username string
		want                   []string
		notWant                string
	}{
		{"", "", []string{"rotate it now"}, "verification:"},
		{"live", "dev.one", []string{"LIVE ClickUp", "verification: live, username dev.one"}, "revoked"},
		{"revoked", "", []string{"revoked, remove it", "verification: revoked", "ClickUp already rejects it"}, "LIVE"},
		{"unknown", "", []string{"verification: unknown (ClickUp gave no answer: treat it as live)", "rotate it now"}, "LIVE"},
	}
	for _, tt := range tests {
		f := finding(scanner.PersonalToken, fakePersonal(71, "7043602"), "7043602", scanner.Location{Source: "dir", Path: "a.env", Line: 1, Column: 1})
		f.Verification, f.Username = scanner.Verification(tt.verification), tt.username
		out := string(render(t, "text", Report{Findings: []scanner.Finding{f}}))
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("verification %q: text lacks %q", tt.verification, w)
			}
		}
		if strings.Contains(out, tt.notWant) {
			t.Errorf("verification %q: text holds %q", tt.verification, tt.notWant)
		}
	}
}
