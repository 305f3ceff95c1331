package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func boolPtr(b bool) *bool { return &b }

const commitA = "0f3c9a1e5b7d24681357ace02468bdf13579ace0"
const commitB = "9a8b7c6d5e4f30211203948576abcdef01234567"

// sample is a named report used by the golden and safety tests, with the
// secrets it holds so that tests can search the output for them.
type sample struct {
	name    string
	report  Report
	secrets []scanner.Secret
}

// hostilePaths are file names an attacker controls: workflow-command
// injection, URL escapes, unicode, spaces, newlines, bidi overrides,
// markdown and SARIF link syntax, and backticks.
var hostilePaths = []string{
	"a,b:%0A::error::x",
	"конфиг/秘密 файл.env",
	"my dir/app config.env",
	"x\n::error file=y::owned",
	"evil\u202etxt.env",
	"[click](https://evil.example)/`x`/.env",
	"c:/windows/path.env",
	"../../etc/passwd",
}

func samples() []sample {
	personal := fakePersonal(1, "7043602")
	personal2 := fakePersonal(2, "81234567")
	client := fake64(3)
	access := fakeAccess(4, "7043602")
	webhook := fake64(5)
	ignoredTok := fakePersonal(6, "5550123")

	c := scanner.NewCollector()
	c.AddLocation(scanner.PersonalToken, personal, "7043602", scanner.Location{Source: "dir", Path: "dist/app.zip", InnerPath: "config/.env", Line: 3, Column: 19, Encoding: "base64", Key: "CLICKUP_API_TOKEN_PROD"})
	c.AddLocation(scanner.PersonalToken, personal, "7043602", scanner.Location{Source: "dir", Path: "src/config.ts", Line: 12, Column: 7})
	c.AddLocation(scanner.PersonalToken, personal2, "81234567", scanner.Location{Source: "history", Path: "deploy/.env", Line: 1, Column: 24, Key: "CLICKUP_TOKEN", Commit: commitA, Author: "Dev One <dev@example.com>", Date: "2024-03-01T10:00:00Z", AtHead: boolPtr(false)})
	c.AddLocation(scanner.PersonalToken, personal2, "81234567", scanner.Location{Source: "history", Path: "", Object: "commit-message", Commit: commitB, Unreachable: true})
	c.AddLocation(scanner.PersonalToken, personal2, "81234567", scanner.Location{Source: "history", Path: "3b18e512dba79e4c8300dd08aeb37f8e728b8dad", Object: "blob", Line: 4, Column: 11, Unreachable: true})
	c.AddLocation(scanner.OAuthClientSecret, client, "", scanner.Location{Source: "dir", Path: ".next/static/chunks/main.js", Line: 1, Column: 104857, Key: "CLICKUP_CLIENT_SECRET"})
	c.AddLocation(scanner.OAuthAccessToken, access, "7043602", scanner.Location{Source: "diff", Path: "api/client.go", Line: 40, Column: 22, Change: "added", Commit: commitA})
	c.AddLocation(scanner.WebhookSecret, webhook, "", scanner.Location{Source: "diff", Path: "hooks/verify.py", Line: 8, Column: 0, Change: "removed", Commit: commitB})
	findings := c.Findings()
	for i := range findings {
		if findings[i].ID == personal.ID() {
			findings[i].Verification = "live"
			findings[i].Username = "dev.one"
		}
		if findings[i].ID == personal2.ID() {
			findings[i].Verification = "revoked"
		}
	}
	ic := scanner.NewCollector()
	ic.AddLocation(scanner.PersonalToken, ignoredTok, "5550123", scanner.Location{Source: "dir", Path: "test/fixtures/token.txt", Line: 2, Column: 1})
	full := Report{
		Mode:     "dir",
		Findings: findings,
		Ignored:  []Ignored{{Finding: ic.Findings()[0], Reason: "test fixture, revoked 2024-01-02"}},
		Stats: scanner.StatsSnapshot{Files: 42, Bytes: 1234567, Skipped: 2, Placeholders: 3, ErrorCount: 2,
			Errors: []string{"dist/big.zip: archive limit reached", "secret/unreadable: permission denied"}},
		Warnings:    []string{"shallow clone: history before 0f3c9a1e5b7d not scanned"},
		ToolVersion: "1.2.3",
	}

	hc := scanner.NewCollector()
	hostileTok := fakePersonal(7, "9876543")
	for i, p := range hostilePaths {
		hc.AddLocation(scanner.PersonalToken, hostileTok, "9876543", scanner.Location{Source: "history", Path: p, Line: i + 1, Column: 5, Commit: commitA, Key: "CLICKUP_API_TOKEN;rm -rf /"})
	}
	// A file named after the token: the name itself must be redacted.
	hc.AddLocation(scanner.PersonalToken, hostileTok, "9876543", scanner.Location{Source: "dir", Path: "leak/" + hostileTok.Reveal() + ".txt", Line: 1, Column: 1})
	hostile := Report{
		Mode:     "history",
		Findings: hc.Findings(),
		Stats:    scanner.StatsSnapshot{Files: 1, Bytes: 10, Errors: []string{"x\x1b[31m\n::error::injected: bad"}, ErrorCount: 1},
	}
	hostile.Findings[0].Username = "<img src=x onerror=alert(1)> @everyone"
	hostile.Findings[0].Verification = "live"

	return []sample{
		{name: "full", report: full, secrets: []scanner.Secret{personal, personal2, client, access, webhook, ignoredTok}},
		{name: "empty", report: Report{Mode: "dir"}},
		{name: "hostile", report: hostile, secrets: []scanner.Secret{hostileTok}},
	}
}

var extensions = map[string]string{"text": "txt", "json": "json", "sarif": "sarif"}

func render(t *testing.T, format string, r Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, r); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.Bytes()
}

// checkGolden compares got with the golden file at path, after writing it
// there under -update; rerun is the command that updates it.
func checkGolden(t *testing.T, path string, got []byte, rerun string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run %s and review the diff", path, rerun)
	}
}

func TestGolden(t *testing.T) {
	t.Parallel()
	for _, s := range samples() {
		for _, format := range Formats {
			t.Run(s.name+"/"+format, func(t *testing.T) {
				t.Parallel()
				got := render(t, format, s.report)
				path := filepath.Join("testdata", "golden", s.name+"."+extensions[format])
				checkGolden(t, path, got, "go test ./report -update")
			})
		}
	}
}

// leakForms returns the forms of a secret that must never appear in
// output: the raw value, its base64 encodings, and every 10-byte window of
// its secret part (the part the redacted form hides).
func leakForms(s scanner.Secret) []string {
	raw := s.Reveal()
	forms := []string{
		raw,
		base64.StdEncoding.EncodeToString([]byte(raw)),
		base64.RawStdEncoding.EncodeToString([]byte(raw)),
		base64.URLEncoding.EncodeToString([]byte(raw)),
	}
	hidden := raw
	if i := strings.LastIndexByte(raw, '_'); i >= 0 {
		hidden = raw[i+1:]
	}
	hidden = hidden[:len(hidden)-4] // the last 4 are shown on purpose
	for i := 0; i+10 <= len(hidden); i++ {
		forms = append(forms, hidden[i:i+10])
	}
	return forms
}

// leaks returns, for each leak form of secrets found in out, a
// description naming the secret by its redacted form only.
func leaks(out []byte, secrets []scanner.Secret) []string {
	var found []string
	for _, s := range secrets {
		for i, form := range leakForms(s) {
			if at := bytes.Index(out, []byte(form)); at >= 0 {
				found = append(found, fmt.Sprintf("secret %v (leak form #%d) at byte %d", s, i, at))
			}
		}
	}
	return found
}

// assertNoSecret fails if out holds any leak form of the secrets.
func assertNoSecret(t *testing.T, what string, out []byte, secrets []scanner.Secret) {
	t.Helper()
	for _, l := range leaks(out, secrets) {
		t.Errorf("%s holds %s", what, l)
	}
}

func TestNoSecretInAnyFormat(t *testing.T) {
	t.Parallel()
	for _, s := range samples() {
		for _, format := range Formats {
			t.Run(s.name+"/"+format, func(t *testing.T) {
				t.Parallel()
				out := render(t, format, s.report)
				if len(out) == 0 {
					t.Fatal("empty output")
				}
				assertNoSecret(t, format+" output", out, s.secrets)
				// The redacted form must be there: the check above would
				// pass trivially on output that lost the findings.
				for _, f := range s.report.Findings {
					if !bytes.Contains(out, []byte(f.Secret.Redacted())) {
						t.Errorf("%s output lacks the redacted form %v", format, f.Secret)
					}
				}
			})
		}
	}
}

func TestNoSecretInGuidance(t *testing.T) {
	t.Parallel()
	for _, s := range samples() {
		for _, f := range s.report.Findings {
			var all []string
			all = append(all, Guidance(f)...)
			all = append(all, GuidanceMarkdown(f), Headline(f), HeadlineMarkdown(f), RotateHint(f))
			assertNoSecret(t, "guidance of "+f.Secret.Redacted(), []byte(strings.Join(all, "\n")), s.secrets)
		}
	}
}

// TestLeakCheckDetects proves the leak check can fail: output holding a
// raw secret, its base64, or a slice of its hidden part must be caught,
// and the redacted form alone must not be.
func TestLeakCheckDetects(t *testing.T) {
	t.Parallel()
	tok := fakePersonal(9, "1234567")
	raw := tok.Reveal()
	tests := []struct {
		name string
		out  string
		leak bool
	}{
		{"raw", "token=" + raw + "\n", true},
		{"base64", "data: " + base64.StdEncoding.EncodeToString([]byte(raw)), true},
		{"middle", "x" + raw[14:26] + "x", true},
		{"redacted", "token=" + tok.Redacted(), false},
		{"id", "id " + tok.ID(), false},
	}
	for _, tt := range tests {
		got := leaks([]byte(tt.out), []scanner.Secret{tok})
		if (len(got) > 0) != tt.leak {
			t.Errorf("%s: leaks() = %v, want leak=%v", tt.name, got, tt.leak)
		}
		for _, g := range got {
			if strings.Contains(g, raw) {
				t.Errorf("%s: the leak description itself holds the raw token", tt.name)
			}
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := Write(&buf, "xml", Report{})
	if err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Fatalf("Write(xml) error = %v, want an unknown-format error naming it", err)
	}
	if buf.Len() != 0 {
		t.Errorf("Write(xml) wrote %d bytes, want none", buf.Len())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriteError(t *testing.T) {
	t.Parallel()
	for _, format := range Formats {
		if err := Write(failWriter{}, format, Report{}); err == nil {
			t.Errorf("Write(%s) to a failing writer returned nil", format)
		}
	}
}

func TestWriteDoesNotMutate(t *testing.T) {
	t.Parallel()
	s := samples()[0]
	before, _ := json.Marshal(s.report.Findings)
	render(t, "json", s.report)
	after, _ := json.Marshal(s.report.Findings)
	if !bytes.Equal(before, after) {
		t.Error("Write reordered or changed the caller's findings")
	}
}
