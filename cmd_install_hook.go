package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/clickup-secret-scan/clickup-secret-scan/hook"
)

// runInstallHook writes a pre-commit hook that runs this binary's `staged`
// command by absolute path.
func runInstallHook(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fs := newFlagSet("install-hook", stderr)
	repo := fs.String("repo", ".", "the repository to install the hook in")
	force := fs.Bool("force", false, "replace a pre-commit hook that clickup-secret-scan did not write (the old one is kept as pre-commit.bak)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: clickup-secret-scan install-hook [--repo PATH] [--force]")
		fmt.Fprintln(stderr, "\nWrites a pre-commit hook (in core.hooksPath when set) that runs 'clickup-secret-scan staged'.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return withUsage{usageErrorf("install-hook takes no arguments"), fs.Usage}
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return fmt.Errorf("failed to find this binary's path: %w", err)
	}
	res, err := hook.Install(hook.Options{RepoPath: *repo, Executable: exe, Force: *force, Getenv: env})
	if err != nil {
		return err
	}
	switch {
	case res.Unchanged:
		fmt.Fprintf(stdout, "pre-commit hook already installed at %s\n", res.Path)
	case res.Updated:
		fmt.Fprintf(stdout, "pre-commit hook updated at %s\n", res.Path)
	default:
		fmt.Fprintf(stdout, "pre-commit hook installed at %s\n", res.Path)
	}
	if res.Backup != "" {
		fmt.Fprintf(stdout, "the previous hook was moved to %s\n", res.Backup)
	}
	fmt.Fprintln(stdout, "every commit now runs 'clickup-secret-scan staged'; 'git commit --no-verify' skips it, so keep the GitHub Action as the net")
	return nil
}
