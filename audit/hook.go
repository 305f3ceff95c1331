package audit

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/config"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
)

// secretScanners are the tools whose pre-commit hook passes the check.
var secretScanners = []string{"clickup-secret-scan", "gitleaks", "trufflehog", "detect-secrets", "ggshield"}

// maxHookBytes bounds what is read of a hook or a config file.
const maxHookBytes = 256 << 10

// hooksDir returns the directory git runs hooks from: core.hooksPath (the
// repository's, else the user's), relative to the work tree root, or the
// hooks directory of the common git dir.
func (a *auditor) hooksDir() (dir, how string) {
	hp := ""
	if cfg, err := a.repo.Config(); err == nil {
		hp = cfg.Raw.Section("core").Option("hooksPath")
	}
	if hp == "" {
		if cfg, err := config.LoadConfig(config.GlobalScope); err == nil {
			hp = cfg.Raw.Section("core").Option("hooksPath")
		}
	}
	if hp != "" {
		if strings.HasPrefix(hp, "~/") {
			if home, err := os.UserHomeDir(); err == nil {
				hp = filepath.Join(home, hp[2:])
			}
		}
		if !filepath.IsAbs(hp) {
			hp = filepath.Join(a.root, hp)
		}
		return hp, "core.hooksPath"
	}
	return filepath.Join(commonGitDir(a.root), "hooks"), ""
}

// commonGitDir finds the git directory that holds hooks for the work tree
// at root: .git itself, or for a linked worktree (.git is a file) the
// common dir it points to.
func commonGitDir(root string) string {
	dotgit := filepath.Join(root, ".git")
	fi, err := os.Stat(dotgit)
	if err != nil || fi.IsDir() {
		return dotgit
	}
	data, err := os.ReadFile(dotgit)
	if err != nil {
		return dotgit
	}
	gd := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(data)), "gitdir:"))
	if !filepath.IsAbs(gd) {
		gd = filepath.Join(root, gd)
	}
	if c, err := os.ReadFile(filepath.Join(gd, "commondir")); err == nil {
		cd := strings.TrimSpace(string(c))
		if !filepath.IsAbs(cd) {
			cd = filepath.Join(gd, cd)
		}
		return filepath.Clean(cd)
	}
	return gd
}

func readHead(name string) ([]byte, os.FileInfo, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxHookBytes))
	return data, fi, err
}

// mentionsScanner returns the first secret scanner named in data.
func mentionsScanner(data []byte) string {
	lower := bytes.ToLower(data)
	for _, s := range secretScanners {
		if bytes.Contains(lower, []byte(s)) {
			return s
		}
	}
	return ""
}

func (a *auditor) checkHook() report.Check {
	c := report.Check{ID: "pre-commit-hook", Title: "a pre-commit hook runs a secret scanner"}
	fix := []string{
		"install this scanner's hook: clickup-secret-scan install-hook (it runs 'clickup-secret-scan staged' before each commit)",
		"or, with the pre-commit framework, add a secret scanner (gitleaks, trufflehog, detect-secrets, ggshield) to .pre-commit-config.yaml and run: pre-commit install",
		"hooks live in each clone: have every developer install it, and run the scanner in CI too (the GitHub Action), which no one can skip with --no-verify",
	}
	if a.repo == nil {
		c.Status = report.CheckSkip
		c.Details = []string{"not a git repository"}
		return c
	}
	dir, how := a.hooksDir()
	hook := filepath.Join(dir, "pre-commit")
	where := hook
	if rel, err := filepath.Rel(a.root, hook); err == nil && !strings.HasPrefix(rel, "..") {
		where = filepath.ToSlash(rel)
	}
	if how != "" {
		where += " (from " + how + ")"
	}
	data, fi, err := readHead(hook)
	if err != nil {
		c.Status = report.CheckFail
		c.Details = []string{"no pre-commit hook at " + where}
		c.Fix = fix
		return c
	}
	if fi.Mode().Perm()&0o111 == 0 {
		c.Status = report.CheckFail
		c.Details = []string{where + " is not executable, so git does not run it"}
		c.Fix = append([]string{"make it executable: chmod +x " + shellQuote(hook)}, fix...)
		return c
	}
	// Husky's hooksPath .husky/_ holds shims that run .husky/<hook>.
	if filepath.Base(dir) == "_" && filepath.Base(filepath.Dir(dir)) == ".husky" {
		if more, _, err := readHead(filepath.Join(filepath.Dir(dir), "pre-commit")); err == nil {
			data = append(append(data, '\n'), more...)
		}
	}
	if s := mentionsScanner(data); s != "" {
		c.Status = report.CheckPass
		c.Details = []string{where + " runs " + s}
		return c
	}
	if bytes.Contains(data, []byte("pre-commit.com")) || bytes.Contains(data, []byte("pre_commit")) {
		cfg, _, err := readHead(filepath.Join(a.root, ".pre-commit-config.yaml"))
		if err == nil {
			if s := mentionsScanner(cfg); s != "" {
				c.Status = report.CheckPass
				c.Details = []string{where + " runs the pre-commit framework, configured with " + s}
				return c
			}
		}
		c.Status = report.CheckFail
		c.Details = []string{where + " runs the pre-commit framework, but .pre-commit-config.yaml has no secret scanner"}
		c.Fix = fix[1:]
		return c
	}
	c.Status = report.CheckFail
	c.Details = []string{where + " runs no secret scanner"}
	c.Fix = fix
	return c
}
