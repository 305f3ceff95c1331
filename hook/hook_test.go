package hook

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// gitEnv isolates git from the machine's config.
func gitEnv(home string) []string {
	return (&fixtures.Repo{Home: home, As: fixtures.Identity{Name: "A", Email: "a@example.com"}}).Env()
}

func git(t *testing.T, dir, home string, args ...string) {
	t.Helper()
	r := &fixtures.Repo{T: t, Dir: dir, Home: home, As: fixtures.Identity{Name: "A", Email: "a@example.com"}}
	r.Git(args...)
}

// env returns a Getenv that sees only HOME, so the machine's global config
// cannot leak into a test.
func env(home string) func(string) string {
	return func(k string) string {
		switch k {
		case "HOME":
			return home
		case "GIT_CONFIG_NOSYSTEM":
			return "1"
		}
		return ""
	}
}

// newRepo returns a repository with one commit and an isolated HOME.
func newRepo(t *testing.T) (dir, home string) {
	t.Helper()
	dir, home = t.TempDir(), t.TempDir()
	git(t, dir, home, "init", "-q", "-b", "main")
	git(t, dir, home, "commit", "-q", "--allow-empty", "-m", "root")
	return dir, home
}

const exe = "/opt/clickup secret scan/bin/clickup-secret-scan"

func TestInstall(t *testing.T) {
	t.Parallel()
	dir, home := newRepo(t)
	sub := filepath.Join(dir, "src", "deep")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := Install(Options{RepoPath: sub, Executable: exe, Getenv: env(home)})
	if err != nil {
		t.Fatalf("Install: %v", err)
	}
	want := filepath.Join(dir, ".git", "hooks", "pre-commit")
	if res.Path != want || res.Unchanged || res.Updated || res.Backup != "" {
		t.Errorf("result %+v, want a fresh install at %s", res, want)
	}
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !IsOurs(b) || !bytes.Contains(b, []byte("exe='"+exe+"'\n")) || !bytes.Contains(b, []byte("exec \"$exe\" staged --quiet\n")) || !bytes.HasPrefix(b, []byte("#!/bin/sh\n")) {
		t.Errorf("hook content:\n%s", b)
	}
	if fi, _ := os.Stat(want); fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("hook mode %v is not executable", fi.Mode())
	}

	// Twice in a row: nothing changes.
	res, err = Install(Options{RepoPath: dir, Executable: exe, Getenv: env(home)})
	if err != nil || !res.Unchanged {
		t.Errorf("second Install = %+v, %v; want Unchanged", res, err)
	}
	// A moved binary: our own hook is updated without --force.
	res, err = Install(Options{RepoPath: dir, Executable: "/usr/local/bin/clickup-secret-scan", Getenv: env(home)})
	if err != nil || !res.Updated {
		t.Errorf("Install with a new path = %+v, %v; want Updated", res, err)
	}
	if b, _ := os.ReadFile(want); !bytes.Contains(b, []byte("exe='/usr/local/bin/clickup-secret-scan'\n")) {
		t.Errorf("hook not updated:\n%s", b)
	}
	if entries, _ := os.ReadDir(filepath.Dir(want)); hasPrefix(entries, ".pre-commit-") {
		t.Errorf("temporary file left behind in %s", filepath.Dir(want))
	}
}

func hasPrefix(entries []os.DirEntry, prefix string) bool {
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			return true
		}
	}
	return false
}

func TestInstallForeignHook(t *testing.T) {
	t.Parallel()
	dir, home := newRepo(t)
	p := filepath.Join(dir, ".git", "hooks", "pre-commit")
	foreign := "#!/bin/sh\nnpx lint-staged\n"
	if err := os.WriteFile(p, []byte(foreign), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Install(Options{RepoPath: dir, Executable: exe, Getenv: env(home)})
	if !errors.Is(err, ErrForeignHook) || !strings.Contains(err.Error(), "--force") || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v, want ErrForeignHook naming the file and --force", err)
	}
	if b, _ := os.ReadFile(p); string(b) != foreign {
		t.Fatalf("foreign hook changed without --force:\n%s", b)
	}

	res, err := Install(Options{RepoPath: dir, Executable: exe, Force: true, Getenv: env(home)})
	if err != nil {
		t.Fatalf("Install --force: %v", err)
	}
	if res.Backup != p+".bak" {
		t.Errorf("backup %q, want %q", res.Backup, p+".bak")
	}
	if b, _ := os.ReadFile(res.Backup); string(b) != foreign {
		t.Errorf("backup holds %q, want the foreign hook", b)
	}
	if b, _ := os.ReadFile(p); !IsOurs(b) {
		t.Errorf("hook not replaced:\n%s", b)
	}
}

func TestHooksDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(t *testing.T, dir, home string) (repoPath string)
		want  func(dir, home string) string
	}{
		{
			name:  "default",
			setup: func(t *testing.T, dir, home string) string { return dir },
			want:  func(dir, home string) string { return filepath.Join(dir, ".git", "hooks") },
		},
		{
			name: "relative core.hooksPath is relative to the working tree",
			setup: func(t *testing.T, dir, home string) string {
				git(t, dir, home, "config", "core.hooksPath", ".githooks")
				return filepath.Join(dir)
			},
			want: func(dir, home string) string { return filepath.Join(dir, ".githooks") },
		},
		{
			name: "global core.hooksPath with ~",
			setup: func(t *testing.T, dir, home string) string {
				git(t, dir, home, "config", "--global", "core.hooksPath", "~/git-hooks")
				return dir
			},
			want: func(dir, home string) string { return filepath.Join(home, "git-hooks") },
		},
		{
			name: "local core.hooksPath wins over global",
			setup: func(t *testing.T, dir, home string) string {
				git(t, dir, home, "config", "--global", "core.hooksPath", "/global/hooks")
				git(t, dir, home, "config", "core.hooksPath", "/local/hooks")
				return dir
			},
			want: func(dir, home string) string { return "/local/hooks" },
		},
		{
			name: "linked worktree uses the common git directory",
			setup: func(t *testing.T, dir, home string) string {
				wt := filepath.Join(home, "wt")
				git(t, dir, home, "worktree", "add", "-q", wt)
				return wt
			},
			want: func(dir, home string) string { return filepath.Join(dir, ".git", "hooks") },
		},
		{
			name: "linked worktree with a relative core.hooksPath",
			setup: func(t *testing.T, dir, home string) string {
				git(t, dir, home, "config", "core.hooksPath", "tools/hooks")
				wt := filepath.Join(home, "wt")
				git(t, dir, home, "worktree", "add", "-q", wt)
				return filepath.Join(wt)
			},
			want: func(dir, home string) string { return filepath.Join(home, "wt", "tools", "hooks") },
		},
		{
			name: "bare repository",
			setup: func(t *testing.T, dir, home string) string {
				bare := filepath.Join(home, "bare.git")
				git(t, home, home, "init", "-q", "--bare", bare)
				return bare
			},
			want: func(dir, home string) string { return filepath.Join(home, "bare.git", "hooks") },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir, home := newRepo(t)
			p := tt.setup(t, dir, home)
			got, err := HooksDir(p, env(home))
			if err != nil {
				t.Fatalf("HooksDir: %v", err)
			}
			if want := tt.want(dir, home); got != want {
				t.Errorf("HooksDir = %s, want %s", got, want)
			}
		})
	}
}

func TestInstallErrors(t *testing.T) {
	t.Parallel()
	if _, err := Install(Options{RepoPath: t.TempDir(), Executable: exe, Getenv: env(t.TempDir())}); !errors.Is(err, ErrNotRepository) {
		t.Errorf("outside a repository: err = %v, want ErrNotRepository", err)
	}
	dir, home := newRepo(t)
	if _, err := Install(Options{RepoPath: dir, Executable: "clickup-secret-scan", Getenv: env(home)}); err == nil {
		t.Errorf("relative executable accepted")
	}
}

func TestScriptQuotesThePath(t *testing.T) {
	t.Parallel()
	s := Script("/tmp/it's here/clickup-secret-scan", "")
	if !strings.Contains(s, `exe='/tmp/it'\''s here/clickup-secret-scan'`) {
		t.Errorf("script does not quote the path for sh:\n%s", s)
	}
	if !IsOurs([]byte(s)) || IsOurs([]byte("#!/bin/sh\nexec gitleaks protect\n")) {
		t.Errorf("IsOurs does not tell our hook from a foreign one")
	}
	// The shell must parse it.
	cmd := exec.Command("sh", "-n")
	cmd.Stdin = strings.NewReader(s)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sh -n: %v\n%s", err, out)
	}
}

// TestScriptMissingBinary: a hook whose binary is gone refuses the commit
// with a message that says how to fix it, rather than sh's "not found".
func TestScriptMissingBinary(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "pre-commit")
	if err := os.WriteFile(p, []byte(Script("/nonexistent/clickup-secret-scan", "")), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sh", p).CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("err = %v, want exit 1", err)
	}
	if !strings.Contains(string(out), "/nonexistent/clickup-secret-scan is missing") || !strings.Contains(string(out), "install-hook") {
		t.Errorf("output %q does not say the binary is missing and how to fix it", out)
	}
}
