package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/hook"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// runInstallHookBinary runs the built binary's install-hook with TMPDIR
// pointing away from the test's temporary directory, where the binary was
// built: install-hook refuses a binary in the temporary directory.
func runInstallHookBinary(t *testing.T, r *dhRepo, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"install-hook"}, args...)...)
	cmd.Dir = r.dir
	cmd.Env = append(r.env(), "TMPDIR="+r.home)
	return runExit(t, cmd)
}

// TestInstallHookRefusesTransientBinary: a binary from `go run`/`go test`
// (in a go-build directory), the Go build cache or the temporary directory
// would vanish and leave a hook that refuses every commit.
func TestInstallHookRefusesTransientBinary(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newDHRepo(t)
	cases := []struct {
		name string
		env  []string
		want string
	}{
		{"temporary directory", []string{"TMPDIR=" + filepath.Dir(bin)}, "temporary directory"},
		{"build cache", []string{"TMPDIR=" + r.home, "GOCACHE=" + filepath.Dir(bin)}, "Go build cache"},
	}
	for _, c := range cases {
		cmd := exec.Command(bin, "install-hook", "--repo", r.dir)
		cmd.Env = append(r.env(), c.env...)
		code, stdout, stderr := runExit(t, cmd)
		if code != exitUsage || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "go install") || !strings.Contains(stderr, "--on-path") {
			t.Errorf("%s: exit %d, want %d and advice\nstdout: %s\nstderr: %s", c.name, code, exitUsage, stdout, stderr)
		}
		if _, err := os.Stat(filepath.Join(r.dir, ".git", "hooks", "pre-commit")); err == nil {
			t.Fatalf("%s: a hook was written", c.name)
		}
	}
	// In-process, this test binary lives in a go-build directory.
	if code, _, stderr := dhRun(nil, "install-hook", "--repo", r.dir); code != exitUsage || !strings.Contains(stderr, "Go build directory") {
		t.Errorf("go test binary: exit %d, stderr %q", code, stderr)
	}
	// --on-path writes a hook that looks the binary up on PATH.
	if code, _, stderr := dhRun(nil, "install-hook", "--on-path", "--repo", r.dir); code != exitClean {
		t.Fatalf("--on-path: exit %d, stderr %q", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(r.dir, ".git", "hooks", "pre-commit"))
	if err != nil || !hook.IsOurs(b) || !strings.Contains(string(b), "command -v clickup-secret-scan") {
		t.Errorf("--on-path hook (%v):\n%s", err, b)
	}
	// The commit-msg hook is installed exactly when staged can scan a
	// message file: a hook calling a missing flag would refuse every commit.
	msg, err := os.ReadFile(filepath.Join(r.dir, ".git", "hooks", "commit-msg"))
	switch has := stagedScansMessages(t.Context(), func(string) string { return "" }); {
	case has && (err != nil || !strings.Contains(string(msg), `staged --message-file "$1"`)):
		t.Errorf("staged has --message-file but the commit-msg hook is missing or wrong (%v):\n%s", err, msg)
	case !has && err == nil:
		t.Errorf("staged has no --message-file, yet a commit-msg hook was written:\n%s", msg)
	}
}

// TestInstallHookChainsAndIsQuiet: with --force a foreign hook runs after
// ours, its exit code the commit's; a clean commit prints nothing of ours;
// a token still stops the commit before the foreign hook runs.
func TestInstallHookChainsAndIsQuiet(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	tok := fixtures.NewGen(77).PersonalToken()
	r := newDHRepo(t)
	r.write("README.md", "hello\n")
	r.commit("root")
	hooks := filepath.Join(r.dir, ".git", "hooks")
	marker := filepath.Join(r.dir, "foreign-ran")
	foreign := "#!/bin/sh\necho foreign >> " + marker + "\nexit ${FOREIGN_EXIT:-0}\n"
	if err := os.WriteFile(filepath.Join(hooks, "pre-commit"), []byte(foreign), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runInstallHookBinary(t, r, bin, "--force"); code != exitClean || !strings.Contains(stdout, "runs after ours") {
		t.Fatalf("install-hook --force: exit %d\n%s%s", code, stdout, stderr)
	}
	// Installing again keeps the chain.
	if code, _, stderr := runInstallHookBinary(t, r, bin, "--force"); code != exitClean {
		t.Fatalf("second install-hook: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(hooks, "pre-commit.bak")); string(b) != foreign {
		t.Fatalf("the foreign hook was not kept as pre-commit.bak: %q", b)
	}

	r.write("notes.txt", "clean\n")
	r.git("add", "notes.txt")
	r.n++
	code, out, errOut := r.run("commit", "-q", "-m", "clean change")
	if code != 0 || out+errOut != "" {
		t.Errorf("clean commit: exit %d, output %q, want 0 and nothing", code, out+errOut)
	}
	if b, _ := os.ReadFile(marker); string(b) != "foreign\n" {
		t.Errorf("the chained hook ran %q times, want once", b)
	}

	r.write("more.txt", "more\n")
	r.git("add", "more.txt")
	r.n++
	code, out, errOut = r.runWithEnv([]string{"FOREIGN_EXIT=7"}, "commit", "-q", "-m", "foreign refuses")
	if code == 0 {
		t.Errorf("commit with the chained hook failing: exit 0, want a refused commit\n%s%s", out, errOut)
	}

	r.write("a.env", "T="+tok+"\n")
	r.git("add", "a.env")
	r.n++
	os.Remove(marker)
	code, out, errOut = r.run("commit", "-q", "-m", "token")
	if code == 0 || !strings.Contains(out+errOut, "do not commit this") {
		t.Errorf("commit with a token: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("the chained hook ran although ours refused the commit")
	}
	dhAssertNoRaw(t, map[string]string{"commit output": out + errOut}, tok)
}
