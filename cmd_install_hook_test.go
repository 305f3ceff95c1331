package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/clickup-secret-scan/clickup-secret-scan/hook"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// buildBinary builds the real binary: the hook calls it by absolute path,
// and a test binary cannot stand in for it.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "clickup-secret-scan")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBinary runs the built binary with the repository's git environment.
func runBinary(t *testing.T, r *dhRepo, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = r.dir
	cmd.Env = r.env()
	return runExit(t, cmd)
}

// TestInstallHookEndToEnd installs the hook with the real binary and lets
// real `git commit` runs go through it: refused with a token, passed without.
func TestInstallHookEndToEnd(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	g := fixtures.NewGen(43)
	tok, tok2 := g.PersonalToken(), g.PersonalToken()

	t.Run("commit refused, then passes", func(t *testing.T) {
		t.Parallel()
		r := newDHRepo(t)
		r.write("README.md", "hello\n")
		r.commit("root")

		code, stdout, stderr := runInstallHookBinary(t, r, bin)
		hookPath := filepath.Join(r.dir, ".git", "hooks", "pre-commit")
		if code != exitClean || !strings.Contains(stdout, "installed at "+hookPath) {
			t.Fatalf("install-hook: exit %d\nstdout: %s\nstderr: %s", code, dhShow(stdout), dhShow(stderr))
		}
		code, stdout, _ = runInstallHookBinary(t, r, bin, "--repo", r.dir)
		if code != exitClean || !strings.Contains(stdout, "already installed") {
			t.Errorf("second install-hook: exit %d, stdout %q", code, dhShow(stdout))
		}
		content, err := os.ReadFile(hookPath)
		if err != nil || !hook.IsOurs(content) || !strings.Contains(string(content), bin) {
			t.Fatalf("hook content %q (%v): want our marker and %s", content, err, bin)
		}

		r.write("deploy/settings.env", "REGION=eu\nCLICKUP_API_TOKEN="+tok+"\n")
		r.git("add", "deploy/settings.env")
		r.n++
		code, out, errOut := r.run("commit", "-m", "add settings")
		all := out + errOut
		if code != 1 {
			t.Errorf("git commit with a token: exit %d, want 1\n%s", code, dhShow(all))
		}
		for _, want := range []string{"deploy/settings.env:2", scanner.NewSecret(tok).Redacted(), "do not commit this", "git restore --staged"} {
			if !strings.Contains(all, want) {
				t.Errorf("git commit output does not say %q:\n%s", want, dhShow(all))
			}
		}
		dhAssertNoRaw(t, map[string]string{"git commit output": all}, tok)
		if n := r.git("rev-list", "--count", "HEAD"); n != "1" {
			t.Errorf("%s commits after a refused commit, want 1", n)
		}

		r.git("restore", "--staged", "deploy/settings.env")
		r.write("deploy/settings.env", "REGION=eu\nCLICKUP_API_TOKEN=${CLICKUP_API_TOKEN}\n")
		r.git("add", "deploy/settings.env")
		r.n++
		if code, out, errOut := r.run("commit", "-m", "settings from the environment"); code != 0 {
			t.Fatalf("clean commit refused: exit %d\n%s%s", code, dhShow(out), dhShow(errOut))
		}

		// `git commit -a` stages into a temporary index: still caught.
		r.write("deploy/settings.env", "REGION=eu\nCLICKUP_API_TOKEN="+tok2+"\n")
		r.n++
		code, out, errOut = r.run("commit", "-a", "-m", "oops")
		if code != 1 || !strings.Contains(out+errOut, scanner.NewSecret(tok2).Redacted()) {
			t.Errorf("git commit -a with a token: exit %d, want 1\n%s%s", code, dhShow(out), dhShow(errOut))
		}
		dhAssertNoRaw(t, map[string]string{"git commit -a output": out + errOut}, tok2)
		if n := r.git("rev-list", "--count", "HEAD"); n != "2" {
			t.Errorf("%s commits, want 2", n)
		}
	})

	t.Run("core.hooksPath", func(t *testing.T) {
		t.Parallel()
		r := newDHRepo(t)
		r.git("config", "core.hooksPath", ".githooks")
		code, stdout, stderr := runInstallHookBinary(t, r, bin, "--repo", r.dir)
		want := filepath.Join(r.dir, ".githooks", "pre-commit")
		if code != exitClean || !strings.Contains(stdout, want) {
			t.Fatalf("install-hook: exit %d\nstdout: %s\nstderr: %s", code, dhShow(stdout), dhShow(stderr))
		}
		r.write("a.env", "T="+tok+"\n")
		r.git("add", "a.env")
		r.n++
		if code, out, errOut := r.run("commit", "-m", "first commit"); code != 1 {
			t.Errorf("first commit with a token in a fresh repository: exit %d, want 1\n%s%s", code, dhShow(out), dhShow(errOut))
		}
	})

	t.Run("foreign hook", func(t *testing.T) {
		t.Parallel()
		r := newDHRepo(t)
		hookPath := filepath.Join(r.dir, ".git", "hooks", "pre-commit")
		foreign := "#!/bin/sh\nexit 0\n"
		if err := os.WriteFile(hookPath, []byte(foreign), 0o755); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runInstallHookBinary(t, r, bin, "--repo", r.dir)
		if code != exitUsage || !strings.Contains(stderr, "--force") || !strings.Contains(stderr, hookPath) {
			t.Errorf("install-hook over a foreign hook: exit %d, want %d\nstdout: %s\nstderr: %s", code, exitUsage, dhShow(stdout), dhShow(stderr))
		}
		if b, _ := os.ReadFile(hookPath); string(b) != foreign {
			t.Fatalf("foreign hook changed: %q", b)
		}
		code, stdout, stderr = runInstallHookBinary(t, r, bin, "--repo", r.dir, "--force")
		if code != exitClean || !strings.Contains(stdout, hookPath+".bak") {
			t.Errorf("install-hook --force: exit %d\nstdout: %s\nstderr: %s", code, dhShow(stdout), dhShow(stderr))
		}
		if b, _ := os.ReadFile(hookPath + ".bak"); string(b) != foreign {
			t.Errorf("backup holds %q, want the foreign hook", b)
		}
	})
}

func TestInstallHookUsage(t *testing.T) {
	t.Parallel()
	if code, _, stderr := dhRun(nil, "install-hook", "--repo", t.TempDir()); code != exitUsage || !strings.Contains(stderr, "not a git repository") {
		t.Errorf("outside a repository: exit %d, stderr %q", code, dhShow(stderr))
	}
	if code, _, _ := dhRun(nil, "install-hook", "extra"); code != exitUsage {
		t.Errorf("stray argument: exit %d, want %d", code, exitUsage)
	}
}

// TestPreCommitHooksYAML checks the pre-commit framework manifest: a list of
// hooks whose entry runs this binary's staged command, built as Go.
func TestPreCommitHooksYAML(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(".pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string   `yaml:"id"`
		Name          string   `yaml:"name"`
		Entry         string   `yaml:"entry"`
		Language      string   `yaml:"language"`
		PassFilenames *bool    `yaml:"pass_filenames"`
		Stages        []string `yaml:"stages"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	if len(hooks) != 1 {
		t.Fatalf("%d hooks, want 1", len(hooks))
	}
	h := hooks[0]
	if h.ID != "clickup-secret-scan" || h.Name == "" || h.Language != "golang" || h.PassFilenames == nil || *h.PassFilenames {
		t.Errorf("hook %+v: want id clickup-secret-scan, a name, language golang, pass_filenames false", h)
	}
	// pre-commit installs the module's main package, named after the
	// module path's last element, and runs entry with it on PATH.
	f := strings.Fields(h.Entry)
	if len(f) != 2 || f[0] != "clickup-secret-scan" || f[1] != "staged" {
		t.Errorf("entry %q, want \"clickup-secret-scan staged\"", h.Entry)
	}
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(string(mod), "\n"); !strings.HasSuffix(first, "/clickup-secret-scan") {
		t.Errorf("go.mod module line %q: the binary pre-commit builds would not be named clickup-secret-scan", first)
	}
	if !slices.Contains(h.Stages, "pre-commit") {
		t.Errorf("stages %v lack pre-commit", h.Stages)
	}
}
