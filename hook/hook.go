// Package hook installs the pre-commit hook that runs
// `clickup-secret-scan staged` before every commit. It finds the hooks
// directory as git does (core.hooksPath from the worktree, local, global and
// system config; the common git directory for linked worktrees) without
// needing the git binary, and never overwrites a hook it did not write
// unless forced.
package hook

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	format "github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

// Marker is the comment line that identifies a pre-commit hook written by
// this package; a later run replaces such a hook without --force.
const Marker = "# clickup-secret-scan pre-commit hook"

// CommitMsgMarker identifies a commit-msg hook written by this package.
const CommitMsgMarker = "# clickup-secret-scan commit-msg hook"

// The hooks Install writes.
const (
	PreCommit = "pre-commit"
	// CommitMsg scans the commit message: git passes the message file as
	// the hook's first argument.
	CommitMsg = "commit-msg"
)

// ErrForeignHook is wrapped when a pre-commit hook that this package did
// not write is in the way and Force is not set.
var ErrForeignHook error = usage.Error{Err: errors.New("a hook not written by clickup-secret-scan already exists")}

// ErrNotRepository is wrapped when the path is not inside a git
// repository; it is source.ErrNotRepository.
var ErrNotRepository = source.ErrNotRepository

// Options says where and what to install.
type Options struct {
	// RepoPath is a path inside the repository (working tree or, for a
	// bare repository, its directory); "" means the current directory.
	RepoPath string
	// Executable is the absolute path of the clickup-secret-scan binary the
	// hook runs; "" writes a hook that finds clickup-secret-scan on PATH
	// when it runs.
	Executable string
	// Force keeps a foreign hook and chains it: it is moved next to ours
	// as pre-commit.bak (or pre-commit.bak.N) and runs after ours, its exit
	// code the commit's.
	Force bool
	// Hook is PreCommit ("" too) or CommitMsg.
	Hook string
	// Getenv looks up HOME, XDG_CONFIG_HOME, GIT_CONFIG_GLOBAL,
	// GIT_CONFIG_SYSTEM and GIT_CONFIG_NOSYSTEM for the global and system
	// config files; nil means os.Getenv.
	Getenv func(string) string
}

// Result says what Install did.
type Result struct {
	// Path is the hook file.
	Path string
	// Unchanged is true when the same hook was already installed.
	Unchanged bool
	// Updated is true when an older hook of ours was replaced.
	Updated bool
	// Backup is where a foreign hook chained with Force was moved, else "".
	Backup string
}

// chainPrefix starts the line of a hook that names the chained hook.
const chainPrefix = "chained="

// Script returns the hook's content for the binary at exe ("" = found on
// PATH). A clean commit prints nothing (staged --quiet). chained, when not
// "", is the file name of a foreign hook in the same directory that runs
// after ours when ours passes, with the commit's arguments; its exit code
// is the hook's.
func Script(exe, chained string) string {
	return ScriptFor(PreCommit, exe, chained)
}

// ScriptFor is Script for the hook name (PreCommit or CommitMsg); the
// commit-msg hook runs `staged --message-file` on the message git passes.
func ScriptFor(name, exe, chained string) string {
	marker, what, run := Marker, "that adds a ClickUp credential", "staged --quiet"
	if name == CommitMsg {
		marker, what, run = CommitMsgMarker, "whose message holds a ClickUp credential", "staged --message-file \"$1\" --quiet"
	}
	var b strings.Builder
	b.WriteString("#!/bin/sh\n" +
		marker + ": refuses a commit " + what + ".\n" +
		"# Written by `clickup-secret-scan install-hook`; run that again to update it, delete this file to remove it.\n" +
		"# `git commit --no-verify` skips every hook: the GitHub Action is the net behind it.\n")
	if exe == "" {
		b.WriteString("exe=$(command -v clickup-secret-scan)\n" +
			"if [ -z \"$exe\" ]; then\n" +
			"\techo \"clickup-secret-scan " + name + " hook: clickup-secret-scan is not on PATH; install it, or delete $0\" >&2\n" +
			"\texit 1\n" +
			"fi\n")
	} else {
		b.WriteString("exe=" + shellQuote(exe) + "\n" +
			"if [ ! -x \"$exe\" ]; then\n" +
			"\techo \"clickup-secret-scan " + name + " hook: $exe is missing; reinstall it and run 'clickup-secret-scan install-hook', or delete $0\" >&2\n" +
			"\texit 1\n" +
			"fi\n")
	}
	if chained == "" {
		b.WriteString("exec \"$exe\" " + run + "\n")
		return b.String()
	}
	b.WriteString("\"$exe\" " + run + " || exit $?\n" +
		"# The hook that was here before, kept by install-hook --force: it runs after ours.\n" +
		chainPrefix + shellQuote(chained) + "\n" +
		"chained=\"$(dirname \"$0\")/$chained\"\n" +
		"# git skips a hook that is not executable; so does the chain.\n" +
		"[ -x \"$chained\" ] || exit 0\n" +
		"exec \"$chained\" \"$@\"\n")
	return b.String()
}

// chainedOf returns the chained hook's file name of a hook we wrote, or "".
func chainedOf(content []byte) string {
	for _, line := range strings.Split(string(content), "\n") {
		if v, ok := strings.CutPrefix(line, chainPrefix); ok {
			return strings.ReplaceAll(strings.Trim(v, "'"), `'\''`, "'")
		}
	}
	return ""
}

// shellQuote quotes s for POSIX sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// IsOurs reports whether hook content was written by this package.
func IsOurs(content []byte) bool {
	for _, line := range bytes.Split(content, []byte("\n")) {
		l := bytes.TrimSpace(line)
		if bytes.HasPrefix(l, []byte(Marker)) || bytes.HasPrefix(l, []byte(CommitMsgMarker)) {
			return true
		}
	}
	return false
}

// Install writes the pre-commit (or commit-msg) hook. Running it again with the same
// executable changes nothing; with another executable it updates the hook.
func Install(opts Options) (Result, error) {
	var res Result
	if opts.Executable != "" && !filepath.IsAbs(opts.Executable) {
		return res, fmt.Errorf("the hook needs the binary's absolute path, got %q", opts.Executable)
	}
	dir, err := HooksDir(opts.RepoPath, opts.Getenv)
	if err != nil {
		return res, err
	}
	name := opts.Hook
	if name == "" {
		name = PreCommit
	}
	res.Path = filepath.Join(dir, name)
	old, err := os.ReadFile(res.Path)
	want := []byte(ScriptFor(name, opts.Executable, ""))
	if err == nil && IsOurs(old) {
		// An update keeps the hook chained earlier.
		want = []byte(ScriptFor(name, opts.Executable, chainedOf(old)))
	}

	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return res, fmt.Errorf("failed to read the existing hook %s: %w", res.Path, err)
	case bytes.Equal(old, want):
		// Make sure it is still executable; a checkout may have reset it.
		if err := os.Chmod(res.Path, 0o755); err != nil {
			return res, fmt.Errorf("failed to make %s executable: %w", res.Path, err)
		}
		res.Unchanged = true
		return res, nil
	case IsOurs(old):
		res.Updated = true
	case !opts.Force:
		return res, fmt.Errorf("%w at %s: call `clickup-secret-scan staged` from it, or re-run with --force to keep it as a .bak file that runs after ours",
			ErrForeignHook, res.Path)
	default:
		res.Backup = backupName(res.Path)
		if err := os.Rename(res.Path, res.Backup); err != nil {
			return res, fmt.Errorf("failed to move the existing hook to %s: %w", res.Backup, err)
		}
		want = []byte(ScriptFor(name, opts.Executable, filepath.Base(res.Backup)))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, fmt.Errorf("failed to create the hooks directory %s: %w", dir, err)
	}
	if err := writeAtomic(res.Path, want); err != nil {
		return res, err
	}
	return res, nil
}

func backupName(p string) string {
	b := p + ".bak"
	for i := 1; ; i++ {
		if _, err := os.Lstat(b); errors.Is(err, fs.ErrNotExist) {
			return b
		}
		b = fmt.Sprintf("%s.bak.%d", p, i)
	}
}

// writeAtomic writes an executable file through a temporary file, so that
// a concurrent `git commit` never runs half a hook.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pre-commit-*")
	if err != nil {
		return fmt.Errorf("failed to write %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o755)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("failed to write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("failed to write %s: %w", path, err)
	}
	return nil
}

// repoDirs are the directories of a repository that hook lookup needs.
type repoDirs struct {
	// workTree is the top of the working tree, "" for a bare repository.
	workTree string
	// gitDir is the repository's (or linked worktree's) git directory.
	gitDir string
	// commonDir holds config, objects and hooks; it equals gitDir except
	// in linked worktrees.
	commonDir string
}

// HooksDir returns the directory git runs hooks from for the repository
// containing path: core.hooksPath when set (relative to the working tree's
// top, "~/" expanded), else hooks/ in the common git directory.
func HooksDir(path string, getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	d, err := findRepo(path)
	if err != nil {
		return "", err
	}
	hp, err := hooksPath(d, getenv)
	if err != nil {
		return "", err
	}
	if hp == "" {
		return filepath.Join(d.commonDir, "hooks"), nil
	}
	if strings.HasPrefix(hp, "~/") {
		hp = filepath.Join(getenv("HOME"), hp[2:])
	}
	if !filepath.IsAbs(hp) {
		root := d.workTree
		if root == "" {
			root = d.gitDir
		}
		hp = filepath.Join(root, hp)
	}
	return filepath.Clean(hp), nil
}

// findRepo walks up from path to the repository, as git does.
func findRepo(path string) (repoDirs, error) {
	if path == "" {
		path = "."
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return repoDirs{}, fmt.Errorf("failed to resolve %s: %w", path, err)
	}
	for dir := abs; ; {
		dotGit := filepath.Join(dir, ".git")
		if fi, err := os.Stat(dotGit); err == nil {
			d := repoDirs{workTree: dir, gitDir: dotGit}
			if !fi.IsDir() {
				if d.gitDir, err = readGitFile(dotGit); err != nil {
					return repoDirs{}, err
				}
			}
			return withCommonDir(d)
		}
		if isGitDir(dir) {
			return withCommonDir(repoDirs{gitDir: dir})
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return repoDirs{}, fmt.Errorf("%w: %s", ErrNotRepository, abs)
		}
		dir = parent
	}
}

// readGitFile reads a ".git" file ("gitdir: PATH"), as linked worktrees and
// submodules have.
func readGitFile(p string) (string, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("failed to read %s: %w", p, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	target, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
	if !ok {
		return "", fmt.Errorf("%w: %s does not start with \"gitdir:\"", ErrNotRepository, p)
	}
	target = strings.TrimSpace(target)
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(p), target)
	}
	return filepath.Clean(target), nil
}

// isGitDir recognises a bare repository or a git directory by its layout.
func isGitDir(dir string) bool {
	for _, name := range []string{"HEAD", "objects", "refs"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}

func withCommonDir(d repoDirs) (repoDirs, error) {
	d.commonDir = d.gitDir
	b, err := os.ReadFile(filepath.Join(d.gitDir, "commondir"))
	if errors.Is(err, fs.ErrNotExist) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("failed to read %s: %w", filepath.Join(d.gitDir, "commondir"), err)
	}
	c := strings.TrimSpace(string(b))
	if !filepath.IsAbs(c) {
		c = filepath.Join(d.gitDir, c)
	}
	d.commonDir = filepath.Clean(c)
	return d, nil
}

// hooksPath returns core.hooksPath from the most specific config file that
// sets it: the worktree's config.worktree (when extensions.worktreeConfig
// is on), the repository's config, the global, then the system config.
func hooksPath(d repoDirs, getenv func(string) string) (string, error) {
	local, err := readConfig(filepath.Join(d.commonDir, "config"))
	if err != nil {
		return "", err
	}
	var files []*format.Config
	if local != nil && strings.EqualFold(local.Section("extensions").Option("worktreeConfig"), "true") {
		wt, err := readConfig(filepath.Join(d.gitDir, "config.worktree"))
		if err != nil {
			return "", err
		}
		files = append(files, wt)
	}
	files = append(files, local)
	for _, p := range globalConfigPaths(getenv) {
		c, err := readConfig(p)
		if err != nil {
			return "", err
		}
		files = append(files, c)
	}
	for _, c := range files {
		if c == nil || !c.HasSection("core") {
			continue
		}
		if v := c.Section("core").Option("hooksPath"); v != "" {
			return v, nil
		}
	}
	return "", nil
}

// globalConfigPaths lists the global then system config files, most
// specific first, honouring git's environment overrides.
func globalConfigPaths(getenv func(string) string) []string {
	var out []string
	if g := getenv("GIT_CONFIG_GLOBAL"); g != "" {
		out = append(out, g)
	} else if home := getenv("HOME"); home != "" {
		out = append(out, filepath.Join(home, ".gitconfig"))
		xdg := getenv("XDG_CONFIG_HOME")
		if xdg == "" {
			xdg = filepath.Join(home, ".config")
		}
		out = append(out, filepath.Join(xdg, "git", "config"))
	}
	if getenv("GIT_CONFIG_NOSYSTEM") == "" {
		if s := getenv("GIT_CONFIG_SYSTEM"); s != "" {
			out = append(out, s)
		} else {
			out = append(out, "/etc/gitconfig")
		}
	}
	return out
}

// readConfig parses a git config file; a missing file is nil, no error.
func readConfig(p string) (*format.Config, error) {
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", p, err)
	}
	defer f.Close()
	c := format.New()
	if err := format.NewDecoder(f).Decode(c); err != nil {
		return nil, fmt.Errorf("failed to parse %s: %w", p, err)
	}
	return c, nil
}
