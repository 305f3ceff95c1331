package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// fakeToken returns a fake personal token in the real shape, fixed by seed.
func fakeToken(seed uint64) string { return fixtures.NewGen(seed).PersonalToken() }

// gitRun runs git in dir with a fixed identity and no user or system config.
func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	r := &fixtures.Repo{T: t, Dir: dir, As: fixtures.Identity{Name: "Test", Email: "test@example.invalid"},
		Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	r.Git(args...)
}

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.Contains(name, "hooks/") || strings.HasPrefix(name, ".husky/") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
}

// newRepo makes a git repository with one commit per element of commits
// (each a set of files to write, "" content meaning delete).
func newRepo(t *testing.T, commits ...map[string]string) string {
	t.Helper()
	root := t.TempDir()
	gitRun(t, root, "init", "-q", "-b", "main")
	for i, files := range commits {
		for name, content := range files {
			if content == "" {
				gitRun(t, root, "rm", "-q", "--cached", name)
				os.Remove(filepath.Join(root, name))
				delete(files, name)
			}
		}
		write(t, root, files)
		gitRun(t, root, "add", "-A")
		gitRun(t, root, "commit", "-q", "--allow-empty", "-m", fmt.Sprintf("commit %d", i+1))
	}
	return root
}

const goodIgnore = ".env\n.env.local\n.env.*.local\n*.pem\nnode_modules/\n"

const goodHook = "#!/bin/sh\nexec clickup-secret-scan staged\n"

func find(t *testing.T, cl report.Checklist, id string) report.Check {
	t.Helper()
	for _, c := range cl.Checks {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no check %q", id)
	return report.Check{}
}

func runAudit(t *testing.T, root string) report.Checklist {
	t.Helper()
	cl, err := Run(context.Background(), Options{RepoPath: root})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return cl
}

func TestAuditAllPass(t *testing.T) {
	t.Parallel()
	root := newRepo(t, map[string]string{
		".gitignore":         goodIgnore,
		"src/app.js":         "const token = process.env.CLICKUP_API_TOKEN;\n",
		"server/webhook.js":  "// ClickUp webhook registration\nfetch('https://api.clickup.com/api/v2/team/1/webhook', {body: JSON.stringify({\"endpoint\": \"https://hooks.example.com/clickup\"})})\n",
		".env":               "CLICKUP_API_TOKEN=" + fakeToken(1) + "\n", // ignored, never committed
		"dev/local.env.toml": "x = 1\n",
	})
	write(t, root, map[string]string{".git/hooks/pre-commit": goodHook})
	cl := runAudit(t, root)
	if len(cl.Checks) != 7 {
		t.Fatalf("%d checks, want 7", len(cl.Checks))
	}
	for _, c := range cl.Checks {
		if c.Status != report.CheckPass {
			t.Errorf("check %s = %s %v, want pass", c.ID, c.Status, c.Details)
		}
	}
	if cl.Failed() != 0 {
		t.Errorf("Failed() = %d", cl.Failed())
	}
}

func TestGitignoreSemantics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		files      map[string]string
		wantStatus report.CheckStatus
		wantDetail string
	}{
		{"every pattern", map[string]string{".gitignore": goodIgnore}, report.CheckPass, ""},
		{"wildcards cover the list", map[string]string{".gitignore": ".env*\n*.pem\n"}, report.CheckPass, ""},
		{"no gitignore", map[string]string{"a.txt": "x"}, report.CheckFail, ".env is not ignored"},
		{"missing pem", map[string]string{".gitignore": ".env*\n"}, report.CheckFail, "key.pem is not ignored (pattern *.pem)"},
		{"negation re-includes", map[string]string{".gitignore": ".env*\n!.env.local\n*.pem\n"}, report.CheckFail, ".env.local is not ignored"},
		{"anchored pattern misses a nested file", map[string]string{".gitignore": "/.env\n/.env.*\n*.pem\n", "api/.env": "X=1\n"}, report.CheckFail, "api/.env exists and is not ignored"},
		{"nested gitignore negates", map[string]string{".gitignore": ".env*\n*.pem\n", "web/.gitignore": "!.env\n", "web/.env": "X=1\n"}, report.CheckFail, "web/.env exists and is not ignored"},
		{"nested gitignore adds", map[string]string{".gitignore": ".env*\n*.pem\n", "ops/.gitignore": "*.key\n", "ops/tls.pem": "-"}, report.CheckPass, ""},
		{"file in ignored directory", map[string]string{".gitignore": ".env*\n*.pem\nsecrets/\n", "secrets/.gitignore": "!*.pem\n", "secrets/k.pem": "-"}, report.CheckPass, ""},
		{"pem only in one dir", map[string]string{".gitignore": ".env*\ncerts/*.pem\n"}, report.CheckFail, "key.pem is not ignored"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			write(t, root, tt.files)
			set, err := readGitignores(root)
			a := &auditor{root: root, gitignore: set}
			c := a.checkGitignore(err)
			if c.Status != tt.wantStatus {
				t.Fatalf("status %s, want %s; details %v", c.Status, tt.wantStatus, c.Details)
			}
			if tt.wantDetail != "" && !strings.Contains(strings.Join(c.Details, "\n"), tt.wantDetail) {
				t.Errorf("details %v do not mention %q", c.Details, tt.wantDetail)
			}
			if c.Status == report.CheckFail && len(c.Fix) == 0 {
				t.Errorf("failed check without a fix")
			}
		})
	}
}

func TestTrackedFiles(t *testing.T) {
	t.Parallel()
	t.Run("tracked now", func(t *testing.T) {
		t.Parallel()
		root := newRepo(t, map[string]string{"config/server.pem": "-----BEGIN-----\n", ".env.staging.local": "A=1\n"})
		c := find(t, runAudit(t, root), "tracked-files")
		got := strings.Join(c.Details, "\n")
		if c.Status != report.CheckFail || !strings.Contains(got, "config/server.pem is tracked now") || !strings.Contains(got, ".env.staging.local is tracked now") {
			t.Errorf("check = %s %v", c.Status, c.Details)
		}
		if !strings.Contains(strings.Join(c.Fix, "\n"), "git rm --cached") {
			t.Errorf("fix does not say git rm --cached: %v", c.Fix)
		}
	})
	t.Run("only in history, on another branch", func(t *testing.T) {
		t.Parallel()
		root := newRepo(t, map[string]string{"README": "x"})
		gitRun(t, root, "checkout", "-q", "-b", "old")
		write(t, root, map[string]string{"deploy/.env": "A=1\n"})
		gitRun(t, root, "add", "-A")
		gitRun(t, root, "commit", "-q", "-m", "oops")
		gitRun(t, root, "rm", "-q", "deploy/.env")
		gitRun(t, root, "commit", "-q", "-m", "remove")
		gitRun(t, root, "checkout", "-q", "main")
		c := find(t, runAudit(t, root), "tracked-files")
		if c.Status != report.CheckFail || !strings.Contains(strings.Join(c.Details, "\n"), "deploy/.env is in history (commit ") {
			t.Errorf("check = %s %v", c.Status, c.Details)
		}
		if !strings.Contains(strings.Join(c.Fix, "\n"), "git filter-repo --invert-paths --path deploy/.env") {
			t.Errorf("fix does not name the path: %v", c.Fix)
		}
	})
	t.Run("clean", func(t *testing.T) {
		t.Parallel()
		root := newRepo(t, map[string]string{".env.example": "A=\n", "docs/pem.md": "x", "a.pem.txt": "x"})
		if c := find(t, runAudit(t, root), "tracked-files"); c.Status != report.CheckPass {
			t.Errorf("check = %s %v", c.Status, c.Details)
		}
	})
	t.Run("not a repository", func(t *testing.T) {
		t.Parallel()
		root := t.TempDir()
		write(t, root, map[string]string{"a.txt": "x"})
		if c := find(t, runAudit(t, root), "tracked-files"); c.Status != report.CheckSkip {
			t.Errorf("check = %s %v", c.Status, c.Details)
		}
	})
	t.Run("max commits bounds the walk", func(t *testing.T) {
		t.Parallel()
		root := newRepo(t, map[string]string{"a/.env": "A=1\n"}, map[string]string{"b": "x"}, map[string]string{"c": "x"})
		gitRun(t, root, "rm", "-q", "a/.env")
		gitRun(t, root, "commit", "-q", "-m", "rm")
		cl, err := Run(context.Background(), Options{RepoPath: root, MaxCommits: 2})
		if err != nil {
			t.Fatal(err)
		}
		c := find(t, cl, "tracked-files")
		if !strings.Contains(strings.Join(c.Details, "\n"), "stopped after 2 commits") {
			t.Errorf("details %v do not say the walk was cut", c.Details)
		}
	})
}

func TestPreCommitHook(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		files      map[string]string
		config     []string // git config arguments
		chmodOff   string
		wantStatus report.CheckStatus
		wantDetail string
	}{
		{"no hook", nil, nil, "", report.CheckFail, "no pre-commit hook at .git/hooks/pre-commit"},
		{"this scanner", map[string]string{".git/hooks/pre-commit": goodHook}, nil, "", report.CheckPass, "runs clickup-secret-scan"},
		{"gitleaks", map[string]string{".git/hooks/pre-commit": "#!/bin/sh\ngitleaks protect --staged\n"}, nil, "", report.CheckPass, "runs gitleaks"},
		{"not executable", map[string]string{".git/hooks/pre-commit": goodHook}, nil, ".git/hooks/pre-commit", report.CheckFail, "not executable"},
		{"unrelated hook", map[string]string{".git/hooks/pre-commit": "#!/bin/sh\nnpm run lint\n"}, nil, "", report.CheckFail, "runs no secret scanner"},
		{"core.hooksPath", map[string]string{".githooks/pre-commit": "#!/bin/sh\ntrufflehog git file://. --since-commit HEAD\n", ".git/hooks/pre-commit": "#!/bin/sh\ntrue\n"},
			[]string{"core.hooksPath", ".githooks"}, "", report.CheckPass, ".githooks/pre-commit (from core.hooksPath) runs trufflehog"},
		{"core.hooksPath without the hook", map[string]string{".git/hooks/pre-commit": goodHook}, []string{"core.hooksPath", "hooks-dir"}, "", report.CheckFail, "hooks-dir/pre-commit"},
		{"pre-commit framework with a scanner", map[string]string{
			".git/hooks/pre-commit":   "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\nexec python -m pre_commit hook-impl\n",
			".pre-commit-config.yaml": "repos:\n- repo: https://github.com/Yelp/detect-secrets\n  hooks:\n  - id: detect-secrets\n",
		}, nil, "", report.CheckPass, "configured with detect-secrets"},
		{"pre-commit framework without a scanner", map[string]string{
			".git/hooks/pre-commit":   "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n",
			".pre-commit-config.yaml": "repos:\n- repo: https://github.com/psf/black\n",
		}, nil, "", report.CheckFail, "no secret scanner"},
		{"husky shim", map[string]string{".husky/_/pre-commit": "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n", ".husky/pre-commit": "npx clickup-secret-scan staged\n"},
			[]string{"core.hooksPath", ".husky/_"}, "", report.CheckPass, "runs clickup-secret-scan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := newRepo(t, map[string]string{"README": "x"})
			write(t, root, tt.files)
			if tt.config != nil {
				gitRun(t, root, append([]string{"config"}, tt.config...)...)
			}
			if tt.chmodOff != "" {
				if err := os.Chmod(filepath.Join(root, tt.chmodOff), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			c := find(t, runAudit(t, root), "pre-commit-hook")
			if c.Status != tt.wantStatus || !strings.Contains(strings.Join(c.Details, "\n"), tt.wantDetail) {
				t.Errorf("check = %s %v, want %s with %q", c.Status, c.Details, tt.wantStatus, tt.wantDetail)
			}
			if c.Status == report.CheckFail && len(c.Fix) == 0 {
				t.Errorf("failed check without a fix")
			}
		})
	}
}

func TestCredentialsInHistory(t *testing.T) {
	t.Parallel()
	tok := fakeToken(7)
	shared := fakeToken(8)
	root := newRepo(t,
		map[string]string{".gitignore": goodIgnore, "src/config.js": "const CLICKUP_API_TOKEN = '" + tok + "';\n"},
		map[string]string{"src/config.js": "const CLICKUP_API_TOKEN = process.env.CLICKUP_API_TOKEN;\n",
			"deploy/dev.env": "CLICKUP_API_TOKEN_DEV=" + shared + "\n", "deploy/prod.env": "CLICKUP_API_TOKEN_PROD=" + shared + "\n"},
	)
	cl := runAudit(t, root)
	c := find(t, cl, "no-credentials")
	if c.Status != report.CheckFail {
		t.Fatalf("no-credentials = %s %v, want fail", c.Status, c.Details)
	}
	got := strings.Join(c.Details, "\n")
	if !strings.Contains(got, scanner.NewSecret(tok).Redacted()) || !strings.Contains(got, "src/config.js:1 (commit ") {
		t.Errorf("details %q do not name the token and where it was introduced", redact(got, tok, shared))
	}
	if e := find(t, cl, "one-secret-per-env"); e.Status != report.CheckFail || !strings.Contains(strings.Join(e.Details, "\n"), "CLICKUP_API_TOKEN_DEV, CLICKUP_API_TOKEN_PROD (environments: dev, prod)") {
		t.Errorf("one-secret-per-env = %s %q", e.Status, redact(strings.Join(e.Details, "\n"), tok, shared))
	}
	for _, format := range []string{"text", "json"} {
		var b strings.Builder
		if err := report.WriteChecklist(&b, format, cl); err != nil {
			t.Fatal(err)
		}
		for _, raw := range []string{tok, shared} {
			if strings.Contains(b.String(), raw) {
				t.Errorf("%s checklist holds %s in clear", format, scanner.NewSecret(raw))
			}
		}
	}
}

func redact(s string, toks ...string) string {
	for _, tok := range toks {
		s = strings.ReplaceAll(s, tok, scanner.NewSecret(tok).Redacted())
	}
	return s
}

func TestPostProcessApplies(t *testing.T) {
	t.Parallel()
	root := newRepo(t, map[string]string{"a.js": "x = '" + fakeToken(9) + "'\n"})
	calls := 0
	cl, err := Run(context.Background(), Options{RepoPath: root, PostProcess: func(_ context.Context, r report.Report) (report.Report, error) {
		calls++
		for _, f := range r.Findings {
			r.Ignored = append(r.Ignored, report.Ignored{Finding: f, Reason: "test"})
		}
		r.Findings = nil
		return r, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	c := find(t, cl, "no-credentials")
	if calls != 1 || c.Status != report.CheckPass || !strings.Contains(strings.Join(c.Details, "\n"), "1 finding(s) ignored") {
		t.Errorf("calls %d, check %s %v", calls, c.Status, c.Details)
	}
	_, err = Run(context.Background(), Options{RepoPath: root, PostProcess: func(context.Context, report.Report) (report.Report, error) {
		return report.Report{}, fmt.Errorf("bad ignore file")
	}})
	if err == nil || !strings.Contains(err.Error(), "bad ignore file") {
		t.Errorf("Run error = %v, want the post-processing error", err)
	}
}

func TestBadRepo(t *testing.T) {
	t.Parallel()
	if _, err := Run(context.Background(), Options{RepoPath: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Errorf("Run on a missing path succeeded")
	}
}

func TestSharedEnvs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		keys []string
		want string
	}{
		{[]string{"CLICKUP_TOKEN_DEV", "CLICKUP_TOKEN_PROD"}, "dev,prod"},
		{[]string{"CLICKUP_TOKEN", "CLICKUP_TOKEN_PRODUCTION"}, "default,prod"},
		{[]string{"clickupTokenStaging", "clickupTokenProd"}, "staging,prod"},
		{[]string{"Authorization", "token"}, ""},
		{[]string{"CLICKUP_TOKEN_PROD", "PROD_CLICKUP_TOKEN"}, ""},
		{[]string{"CLICKUP_TOKEN_DEV"}, ""},
		{[]string{"DEVELOPER_TOKEN", "PRODUCT_KEY"}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, "+"), func(t *testing.T) {
			t.Parallel()
			if got := strings.Join(sharedEnvs(tt.keys), ","); got != tt.want {
				t.Errorf("sharedEnvs(%v) = %q, want %q", tt.keys, got, tt.want)
			}
		})
	}
}

func TestClientSecret(t *testing.T) {
	t.Parallel()
	mk := func(loc scanner.Location) []scanner.Finding {
		tok := fakeToken(5)
		s := scanner.NewSecret(strings.Repeat(tok[len(tok)-32:], 2))
		return []scanner.Finding{{ID: s.ID(), Kind: scanner.OAuthClientSecret, Secret: s, Locations: []scanner.Location{loc}}}
	}
	tests := []struct {
		loc  scanner.Location
		fail bool
	}{
		{scanner.Location{Path: "dist/assets/index-3f2a.js"}, true},
		{scanner.Location{Path: ".next/static/chunks/main.js"}, true},
		{scanner.Location{Path: "web/app.min.js"}, true},
		{scanner.Location{Path: "release.zip", InnerPath: "public/env.js"}, true},
		{scanner.Location{Path: "src/env.ts", Key: "NEXT_PUBLIC_CLICKUP_CLIENT_SECRET"}, true},
		{scanner.Location{Path: "server/oauth.go", Key: "CLICKUP_CLIENT_SECRET"}, false},
		{scanner.Location{Path: "api/.env"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.loc.Path+tt.loc.Key, func(t *testing.T) {
			t.Parallel()
			c := checkClientSecret(mk(tt.loc), nil)
			if (c.Status == report.CheckFail) != tt.fail {
				t.Errorf("status %s %v, want fail=%v", c.Status, c.Details, tt.fail)
			}
		})
	}
	// A personal token in a bundle is the no-credentials check's business.
	s := scanner.NewSecret(fakeToken(3))
	pt := []scanner.Finding{{ID: s.ID(), Kind: scanner.PersonalToken, Secret: s, Locations: []scanner.Location{{Path: "dist/a.js"}}}}
	if c := checkClientSecret(pt, nil); c.Status != report.CheckPass {
		t.Errorf("personal token failed the client secret check")
	}
}

func TestWebhookHits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"clickup webhook json", "# ClickUp webhook\n{\n  \"endpoint\": \"http://hooks.example.com/clickup?key=abc\",\n  \"events\": [\"taskCreated\"]\n}\n", "3: http://hooks.example.com"},
		{"js call", "await fetch(`https://api.clickup.com/api/v2/team/${team}/webhook`, {\n method: 'POST',\n body: JSON.stringify({ endpoint: 'http://my.app/cu' })\n})\n", "3: http://my.app"},
		{"env setting", "CLICKUP_WEBHOOK_URL=http://10.1.2.3:8080/hook\n", "1: http://10.1.2.3:8080"},
		{"https is fine", "clickup webhook\n\"endpoint\": \"https://hooks.example.com/x\"\n", ""},
		{"loopback is a local setting", "clickup webhook\n\"endpoint\": \"http://localhost:3000/x\"\n", ""},
		{"no clickup context", "github webhook\n\"endpoint\": \"http://hooks.example.com/x\"\n", ""},
		{"far apart", "clickup webhook\n" + strings.Repeat("x\n", 3000) + "\"endpoint\": \"http://hooks.example.com/x\"\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := strings.Join(webhookHits([]byte(tt.in)), ";"); got != tt.want {
				t.Errorf("webhookHits = %q, want %q", got, tt.want)
			}
		})
	}
	root := newRepo(t, map[string]string{
		"infra/clickup-webhooks.json": "{\"clickup_webhook\": {\"endpoint\": \"http://hooks.example.com/clickup\"}}\n",
		"node_modules/x/index.js":     "clickup webhook endpoint: 'http://ignored.example.com'\n",
		".gitignore":                  "node_modules/\n",
	})
	c := find(t, runAudit(t, root), "webhook-https")
	if c.Status != report.CheckFail || strings.Join(c.Details, ";") != "infra/clickup-webhooks.json:1: http://hooks.example.com" {
		t.Errorf("webhook-https = %s %v", c.Status, c.Details)
	}
}

// TestLinkedWorktree audits a linked worktree: hooks and history live in
// the main repository's git directory.
func TestLinkedWorktree(t *testing.T) {
	t.Parallel()
	main := newRepo(t, map[string]string{"README": "x"}, map[string]string{"old/server.pem": "-"}, map[string]string{"old/server.pem": ""}, map[string]string{".gitignore": goodIgnore})
	write(t, main, map[string]string{".git/hooks/pre-commit": goodHook})
	wt := filepath.Join(t.TempDir(), "wt")
	gitRun(t, main, "worktree", "add", "-q", "-b", "feature", wt)
	cl := runAudit(t, filepath.Join(wt))
	if c := find(t, cl, "pre-commit-hook"); c.Status != report.CheckPass {
		t.Errorf("pre-commit-hook = %s %v", c.Status, c.Details)
	}
	if c := find(t, cl, "tracked-files"); c.Status != report.CheckFail || !strings.Contains(strings.Join(c.Details, "\n"), "old/server.pem is in history") {
		t.Errorf("tracked-files = %s %v", c.Status, c.Details)
	}
	if cl.Repo != wt {
		t.Errorf("repo = %s, want the worktree %s", cl.Repo, wt)
	}
}
