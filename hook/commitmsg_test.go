package hook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstallCommitMsg: the commit-msg hook scans the message file git
// passes as $1, is ours on a second run, and chains a foreign one.
func TestInstallCommitMsg(t *testing.T) {
	t.Parallel()
	dir, home := newRepo(t)
	p := filepath.Join(dir, ".git", "hooks", CommitMsg)
	foreign := "#!/bin/sh\ngrep -q JIRA- \"$1\"\n"
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(foreign), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Install(Options{RepoPath: dir, Executable: exe, Hook: CommitMsg, Getenv: env(home)}); err == nil {
		t.Fatal("a foreign commit-msg hook was replaced without Force")
	}
	res, err := Install(Options{RepoPath: dir, Executable: exe, Hook: CommitMsg, Force: true, Getenv: env(home)})
	if err != nil || res.Path != p || res.Backup != p+".bak" {
		t.Fatalf("Install commit-msg --force: %+v, %v", res, err)
	}
	b, _ := os.ReadFile(p)
	s := string(b)
	for _, want := range []string{CommitMsgMarker, "\"$exe\" staged --message-file \"$1\" --quiet || exit $?\n", "chained='commit-msg.bak'\n", "exec \"$chained\" \"$@\"\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("commit-msg hook lacks %q:\n%s", want, s)
		}
	}
	if !IsOurs(b) {
		t.Error("IsOurs does not recognise the commit-msg hook")
	}
	res, err = Install(Options{RepoPath: dir, Executable: exe, Hook: CommitMsg, Getenv: env(home)})
	if err != nil || !res.Unchanged {
		t.Errorf("second install: %+v, %v; want unchanged, chain kept", res, err)
	}
	// The pre-commit hook is a separate file and unaffected.
	if _, err := os.Stat(filepath.Join(dir, ".git", "hooks", PreCommit)); err == nil {
		t.Error("installing commit-msg wrote a pre-commit hook")
	}
}
