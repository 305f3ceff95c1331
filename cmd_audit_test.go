package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// vtGit runs git in dir with a fixed identity and no user or system config.
func vtGit(t *testing.T, dir string, args ...string) {
	t.Helper()
	r := &fixtures.Repo{T: t, Dir: dir, As: fixtures.Identity{Name: "Test", Email: "test@example.invalid"}}
	r.Git(args...)
}

// vtRepo makes a git repository holding files in one commit.
func vtRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	r := fixtures.NewRepo(t, fixtures.Identity{Name: "Test", Email: "test@example.invalid"}, time.Time{}, 0)
	vtWrite(t, r.Dir, files)
	r.Commit("init")
	return r.Dir
}

func vtRun(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestRunAudit(t *testing.T) {
	t.Parallel()
	tok := vtToken(41)
	clean := vtRepo(t, map[string]string{".gitignore": ".env*\n*.pem\n", "src/a.js": "x = process.env.CLICKUP_API_TOKEN\n"})
	vtWrite(t, clean, map[string]string{".git/hooks/pre-commit": "#!/bin/sh\nclickup-secret-scan staged\n"})
	if err := os.Chmod(filepath.Join(clean, ".git/hooks/pre-commit"), 0o755); err != nil {
		t.Fatal(err)
	}
	leaky := vtRepo(t, map[string]string{"src/a.js": "x = '" + tok + "'\n", ".env": "A=1\n"})
	allowed := vtRepo(t, map[string]string{".gitignore": ".env*\n*.pem\n", "src/a.js": "x = '" + tok + "' // clickup-secret-scan:allow\n"})
	vtWrite(t, allowed, map[string]string{".git/hooks/pre-commit": "#!/bin/sh\ngitleaks protect\n"})
	os.Chmod(filepath.Join(allowed, ".git/hooks/pre-commit"), 0o755)

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
		wantErr  string
	}{
		{"clean repo passes", []string{"--repo", clean}, exitClean, []string{"[PASS] no ClickUp credential in the tree or history", "7 checks: 7 passed, 0 failed"}, ""},
		{"leaky repo fails", []string{"--repo", leaky}, exitFindings, []string{"[FAIL] no ClickUp credential", "[FAIL] no .env", ".env is tracked now", scanner.NewSecret(tok).Redacted(), "Credentials found, and how to rotate them"}, ""},
		{"leaky repo with --exit-zero", []string{"--repo", leaky, "--exit-zero"}, exitClean, []string{"[FAIL] no ClickUp credential", scanner.NewSecret(tok).Redacted()}, ""},
		{"json", []string{"--repo", leaky, "--format", "json"}, exitFindings, []string{`"passed": false`, `"id": "no-credentials"`}, ""},
		{"inline marker ignores", []string{"--repo", allowed}, exitClean, []string{"1 finding(s) ignored by rules", "does not make a leaked token safe"}, ""},
		{"bad format", []string{"--repo", clean, "--format", "sarif"}, exitUsage, nil, "unknown --format"},
		{"missing repo", []string{"--repo", filepath.Join(clean, "nope")}, exitUsage, nil, "not a directory"},
		{"stray argument", []string{clean}, exitUsage, nil, "takes no arguments"},
		{"stray argument with --exit-zero", []string{clean, "--exit-zero"}, exitUsage, nil, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := vtRun(append([]string{"audit"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.wantCode, redactAll(errOut, []string{tok}))
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, redactAll(out, []string{tok}))
				}
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr lacks %q: %s", tt.wantErr, redactAll(errOut, []string{tok}))
			}
			vtAssertNoToken(t, "stdout", []byte(out), tok)
			vtAssertNoToken(t, "stderr", []byte(errOut), tok)
			if strings.Contains(strings.Join(tt.args, " "), "json") {
				var v map[string]any
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					t.Errorf("json output does not parse: %v", err)
				}
			}
		})
	}
}

func TestRunAuditIgnoreFile(t *testing.T) {
	t.Parallel()
	tok := vtToken(42)
	id := scanner.NewSecret(tok).ID()
	root := vtRepo(t, map[string]string{"a.js": "x = '" + tok + "'\n"})
	vtWrite(t, root, map[string]string{".clickup-secret-scan-ignore": id + "  rotated in ticket 7\n"})
	code, out, _ := vtRun("audit", "--repo", root, "--format", "json")
	var v struct {
		Checks []struct{ ID, Status string }
		Scan   struct {
			Ignored []struct{ ID, Reason string }
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if code != exitFindings { // the hook and gitignore checks still fail
		t.Errorf("exit %d", code)
	}
	for _, c := range v.Checks {
		if c.ID == "no-credentials" && c.Status != "pass" {
			t.Errorf("no-credentials = %s, want pass with the finding ignored", c.Status)
		}
	}
	if len(v.Scan.Ignored) != 1 || v.Scan.Ignored[0].ID != id || v.Scan.Ignored[0].Reason != "rotated in ticket 7" {
		t.Errorf("ignored = %+v", v.Scan.Ignored)
	}
	vtWrite(t, root, map[string]string{".clickup-secret-scan-ignore": "# x\n" + id + "\n"})
	code, _, errOut := vtRun("audit", "--repo", root)
	if code != exitUsage || !strings.Contains(errOut, ".clickup-secret-scan-ignore:2: finding id needs a reason") {
		t.Errorf("malformed ignore file: exit %d, stderr %q", code, errOut)
	}
}

var baselineLine = regexp.MustCompile(`^([0-9a-f]{64})  baseline \d{4}-\d{2}-\d{2}$`)

func TestRunBaseline(t *testing.T) {
	t.Parallel()
	old1, old2, fresh := vtToken(51), vtToken(52), vtToken(53)
	toks := []string{old1, old2, fresh}
	for _, kind := range []string{"git", "dir"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			files := map[string]string{"a.js": "x = '" + old1 + "'\n", "b/c.env": "CLICKUP_API_TOKEN=" + old2 + "\n"}
			var root string
			if kind == "git" {
				root = vtRepo(t, files)
			} else {
				root = t.TempDir()
				vtWrite(t, root, files)
			}
			code, out, errOut := vtRun("baseline", "--repo", root)
			if code != exitClean {
				t.Fatalf("baseline exit %d: %s", code, redactAll(errOut, toks))
			}
			if !strings.Contains(errOut, "2 new finding(s)") || !strings.Contains(errOut, "does not make a leaked token safe") {
				t.Errorf("stderr = %q", redactAll(errOut, toks))
			}
			data, err := os.ReadFile(filepath.Join(root, ".clickup-secret-scan-ignore"))
			if err != nil {
				t.Fatal(err)
			}
			for name, s := range map[string]string{"stdout": out, "stderr": errOut, "ignore file": string(data)} {
				vtAssertNoToken(t, name, []byte(s), toks...)
			}
			ids := map[string]bool{}
			for _, line := range strings.Split(string(data), "\n") {
				if m := baselineLine.FindStringSubmatch(line); m != nil {
					ids[m[1]] = true
				} else if line != "" && !strings.HasPrefix(line, "#") {
					t.Errorf("unexpected line %q", line)
				}
			}
			if len(ids) != 2 || !ids[scanner.NewSecret(old1).ID()] || !ids[scanner.NewSecret(old2).ID()] {
				t.Errorf("baseline ids = %v", ids)
			}
			// With the baseline in place old leaks pass, a new one fails.
			ign := filepath.Join(root, ".clickup-secret-scan-ignore")
			if code, _, _ := vtRun("dir", "--ignore-file", ign, root); code != exitClean {
				t.Errorf("dir after baseline: exit %d, want 0", code)
			}
			vtWrite(t, root, map[string]string{"new.js": "y = '" + fresh + "'\n"})
			code, out, _ = vtRun("dir", "--ignore-file", ign, "--format", "json", root)
			if code != exitFindings || !strings.Contains(out, scanner.NewSecret(fresh).ID()) {
				t.Errorf("dir with a new leak: exit %d", code)
			}
			// A second baseline keeps the first entries and adds the new one.
			if kind == "git" {
				vtGit(t, root, "add", "-A")
				vtGit(t, root, "commit", "-q", "-m", "new")
			}
			if code, _, errOut := vtRun("baseline", "--repo", root); code != exitClean || !strings.Contains(errOut, "1 new finding(s)") || !strings.Contains(errOut, "2 already ignored") {
				t.Errorf("second baseline: exit %d, stderr %q", code, redactAll(errOut, toks))
			}
			data2, _ := os.ReadFile(filepath.Join(root, ".clickup-secret-scan-ignore"))
			if !bytes.HasPrefix(data2, data) {
				t.Errorf("second baseline rewrote the existing entries")
			}
		})
	}
	t.Run("stdout", func(t *testing.T) {
		t.Parallel()
		root := t.TempDir()
		vtWrite(t, root, map[string]string{"a.js": old1 + "\n"})
		code, out, _ := vtRun("baseline", "--repo", root, "--output", "-")
		if code != exitClean || !strings.Contains(out, scanner.NewSecret(old1).ID()+"  baseline ") {
			t.Errorf("exit %d, stdout %q", code, redactAll(out, toks))
		}
		if _, err := os.Stat(filepath.Join(root, ".clickup-secret-scan-ignore")); err == nil {
			t.Errorf("--output - wrote the ignore file")
		}
	})
	t.Run("malformed existing file", func(t *testing.T) {
		t.Parallel()
		root := t.TempDir()
		vtWrite(t, root, map[string]string{".clickup-secret-scan-ignore": "path:x\n"})
		if code, _, errOut := vtRun("baseline", "--repo", root); code != exitUsage || !strings.Contains(errOut, ":1:") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
}

// TestAuditAcceptsInstalledHook checks that the hook install-hook writes
// passes the audit's hook check, with and without core.hooksPath.
func TestAuditAcceptsInstalledHook(t *testing.T) {
	t.Parallel()
	for _, hooksPath := range []string{"", ".githooks"} {
		t.Run("hooksPath="+hooksPath, func(t *testing.T) {
			t.Parallel()
			root := vtRepo(t, map[string]string{"README": "x"})
			if hooksPath != "" {
				vtGit(t, root, "config", "core.hooksPath", hooksPath)
			}
			if code, _, errOut := vtRun("install-hook", "--on-path", "--repo", root); code != exitClean {
				t.Fatalf("install-hook: exit %d: %s", code, errOut)
			}
			_, out, _ := vtRun("audit", "--repo", root, "--format", "json")
			var v struct{ Checks []struct{ ID, Status string } }
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatal(err)
			}
			for _, c := range v.Checks {
				if c.ID == "pre-commit-hook" && c.Status != "pass" {
					t.Errorf("pre-commit-hook = %s after install-hook", c.Status)
				}
			}
		})
	}
}
