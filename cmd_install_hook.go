package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/hook"
)

// runInstallHook writes a pre-commit hook that runs this binary's `staged`
// command by absolute path, or clickup-secret-scan from PATH (--on-path).
func runInstallHook(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fs := newFlagSet("install-hook", stdout, stderr)
	repo := fs.String("repo", ".", "the repository to install the hook in")
	force := fs.Bool("force", false, "keep a pre-commit hook that clickup-secret-scan did not write: it is moved to pre-commit.bak and runs after ours, its exit code the commit's")
	onPath := fs.Bool("on-path", false, "write a hook that runs clickup-secret-scan found on PATH instead of this binary's absolute path")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fs.usageErrorf("install-hook takes no arguments")
	}
	// A path outside a repository is the first thing to say.
	if _, err := hook.HooksDir(*repo, env); err != nil {
		return err
	}
	exe := ""
	if !*onPath {
		var err error
		exe, err = os.Executable()
		if err == nil {
			exe, err = filepath.EvalSymlinks(exe)
		}
		if err != nil {
			return fmt.Errorf("failed to find this binary's path: %w", err)
		}
		if where := transientDir(exe, env); where != "" {
			return usageErrorf("this binary (%s) is in %s and will not outlive it: install it first "+
				"(go install github.com/clickup-secret-scan/clickup-secret-scan@latest, or a release binary on PATH) "+
				"and run its install-hook, or pass --on-path for a hook that runs clickup-secret-scan from PATH", exe, where)
		}
	}
	names := []string{hook.PreCommit}
	if stagedScansMessages(ctx, env) {
		names = append(names, hook.CommitMsg)
	}
	for _, name := range names {
		res, err := hook.Install(hook.Options{RepoPath: *repo, Executable: exe, Force: *force, Hook: name, Getenv: env})
		if err != nil {
			return err
		}
		switch {
		case res.Unchanged:
			fmt.Fprintf(stdout, "%s hook already installed at %s\n", name, res.Path)
		case res.Updated:
			fmt.Fprintf(stdout, "%s hook updated at %s\n", name, res.Path)
		default:
			fmt.Fprintf(stdout, "%s hook installed at %s\n", name, res.Path)
		}
		if res.Backup != "" {
			fmt.Fprintf(stdout, "the previous %s hook was moved to %s and runs after ours\n", name, res.Backup)
		}
	}
	fmt.Fprintln(stdout, "every commit now runs 'clickup-secret-scan staged'; 'git commit --no-verify' skips it, so keep the GitHub Action as the net")
	return nil
}

// stagedScansMessages reports whether this binary's staged command has
// --message-file, which the commit-msg hook runs: a hook calling a flag
// the binary lacks would refuse every commit.
func stagedScansMessages(ctx context.Context, env Env) bool {
	var h errHelp
	if err := runStaged(ctx, []string{"-h"}, env, io.Discard, io.Discard); errors.As(err, &h) {
		return h.flags().Lookup("message-file") != nil
	}
	return false
}

// transientDir names where exe lives when that place is cleaned up behind
// the user's back (the Go build cache, the go-build directory of `go run`
// and `go test`, the temporary directory), else "".
func transientDir(exe string, env Env) string {
	under := func(dir string) bool {
		if dir == "" {
			return false
		}
		if d, err := filepath.EvalSymlinks(dir); err == nil {
			dir = d
		}
		rel, err := filepath.Rel(dir, exe)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	}
	for _, seg := range strings.Split(filepath.ToSlash(exe), "/") {
		if strings.HasPrefix(seg, "go-build") {
			return "a Go build directory (go run, go test)"
		}
	}
	gocache := env("GOCACHE")
	if gocache == "" {
		if d, err := os.UserCacheDir(); err == nil {
			gocache = filepath.Join(d, "go-build")
		}
	}
	if under(gocache) {
		return "the Go build cache"
	}
	tmp := env("TMPDIR")
	if tmp == "" {
		tmp = "/tmp"
	}
	if under(tmp) {
		return "the temporary directory"
	}
	return ""
}
