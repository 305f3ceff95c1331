package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

func TestStagedCommand(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(42)
	tok, old := g.PersonalToken(), g.PersonalToken()

	t.Run("empty repository", func(t *testing.T) {
		t.Parallel()
		r := newDHRepo(t)
		r.write("settings.py", "import os\nCLICKUP = \""+tok+"\"\n")
		r.git("add", "settings.py")
		code, stdout, stderr := dhRun(nil, "staged", "--repo", r.dir)
		if code != exitFindings {
			t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFindings, dhShow(stderr))
		}
		// File and line, the redacted token, and the fix.
		for _, want := range []string{"settings.py:2", scanner.NewSecret(tok).Redacted()} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout does not name %q:\n%s", want, dhShow(stdout))
			}
		}
		for _, want := range []string{"git restore --staged", ".gitignore", "environment variable", "Rotate"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr does not say %q:\n%s", want, dhShow(stderr))
			}
		}
		dhAssertNoRaw(t, map[string]string{"stdout": stdout, "stderr": stderr}, tok)
	})

	t.Run("normal repository", func(t *testing.T) {
		t.Parallel()
		r := newDHRepo(t)
		r.write("app.env", "OLD="+old+"\n")
		r.commit("base")
		r.write("app.env", "OLD="+old+"\nNAME=x\n")
		r.git("add", "app.env")
		// The token committed before is not new, and an unstaged token
		// is not what the commit will hold.
		r.write("notes.txt", "NEW="+tok+"\n")
		code, stdout, stderr := dhRun(nil, "staged", "--repo", r.dir, "--format", "json")
		if code != exitClean {
			t.Fatalf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, exitClean, dhShow(stdout), dhShow(stderr))
		}
		r.write("app.env", "OLD="+old+"\nNAME=x\nNEW="+tok+"\n")
		r.git("add", "app.env")
		code, stdout, stderr = dhRun(nil, "staged", "--repo", r.dir, "--format", "json")
		if code != exitFindings {
			t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFindings, dhShow(stderr))
		}
		var rep dhReport
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("json: %v", err)
		}
		if len(rep.Findings) != 1 || len(rep.Findings[0].Locations) != 1 {
			t.Fatalf("findings %+v, want one with one location", rep.Findings)
		}
		l := rep.Findings[0].Locations[0]
		if rep.Mode != "staged" || l.Source != "staged" || l.Path != "app.env" || l.Line != 3 || l.Change != "added" || l.Commit != "" {
			t.Errorf("mode %s, location %+v; want staged app.env:3 added, no commit", rep.Mode, l)
		}
		dhAssertNoRaw(t, map[string]string{"stdout": stdout, "stderr": stderr}, tok, old)
	})

	t.Run("temporary index of git commit -a", func(t *testing.T) {
		t.Parallel()
		r := newDHRepo(t)
		r.write("a.env", "A=1\n")
		r.commit("base")
		// What `git commit -a` does: a temporary index holding the
		// worktree's tracked changes, named in GIT_INDEX_FILE.
		r.write("a.env", "A=1\nT="+tok+"\n")
		idx := filepath.Join(r.dir, ".git", "next-index.lock")
		data, err := os.ReadFile(filepath.Join(r.dir, ".git", "index"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(idx, data, 0o644); err != nil {
			t.Fatal(err)
		}
		cmdEnv := map[string]string{"GIT_INDEX_FILE": idx}
		if code, _, stderr := dhRun(cmdEnv, "staged", "--repo", r.dir); code != exitClean {
			t.Fatalf("before staging into the temporary index: exit %d\n%s", code, dhShow(stderr))
		}
		r.runWithEnv([]string{"GIT_INDEX_FILE=" + idx}, "add", "a.env")
		if code, _, stderr := dhRun(cmdEnv, "staged", "--repo", r.dir); code != exitFindings {
			t.Errorf("temporary index: exit %d, want %d\n%s", code, exitFindings, dhShow(stderr))
		}
		if code, _, stderr := dhRun(nil, "staged", "--repo", r.dir); code != exitClean {
			t.Errorf("the real index is unchanged: exit %d, want %d\n%s", code, exitClean, dhShow(stderr))
		}
	})

	t.Run("usage", func(t *testing.T) {
		t.Parallel()
		if code, _, stderr := dhRun(nil, "staged", "--repo", t.TempDir()); code != exitUsage || !strings.Contains(stderr, "not a git repository") {
			t.Errorf("outside a repository: exit %d, stderr %q", code, dhShow(stderr))
		}
		if code, _, _ := dhRun(nil, "staged", "extra"); code != exitUsage {
			t.Errorf("stray argument: exit %d, want %d", code, exitUsage)
		}
	})
}

// TestStagedHonoursGitDir: git runs the hook with GIT_DIR set when the
// repository is not the work tree's own .git (git --git-dir=X
// --work-tree=Y, a dotfiles repository). The staged token must be found in
// that repository, not be looked up in an enclosing one and passed.
func TestStagedHonoursGitDir(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(71).PersonalToken()
	outer := newDHRepo(t)
	outer.write("readme", "x\n")
	outer.commit("outer")
	wt := filepath.Join(outer.dir, "wt")
	sep := filepath.Join(t.TempDir(), "sep.git")
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"--git-dir=" + sep, "--work-tree=" + wt}, args...)...)
		cmd.Dir, cmd.Env = wt, outer.env()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
	}
	if err := os.MkdirAll(wt, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("git", "init", "-q", "--bare", sep).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v: %s", err, out)
	}
	git("config", "core.bare", "false")
	os.WriteFile(filepath.Join(wt, "f"), []byte("hello\n"), 0o644)
	git("add", "f")
	git("commit", "-qm", "init")
	os.WriteFile(filepath.Join(wt, "f"), []byte("hello\nCLICKUP_TOKEN="+tok+"\n"), 0o644)
	git("add", "f")
	env := map[string]string{"GIT_DIR": sep, "GIT_WORK_TREE": wt, "GIT_INDEX_FILE": filepath.Join(sep, "index")}
	if code, stdout, stderr := dhRun(env, "staged", "--repo", wt); code != exitFindings || !strings.Contains(stdout, scanner.NewSecret(tok).Redacted()) {
		t.Errorf("exit %d, want 1 with the staged token reported; stderr: %s", code, scanner.RedactShapesString(stderr))
	}
}

// TestStagedLinkedWorktreeWithGitDir: in a linked worktree git sets
// GIT_DIR to the worktree's own directory under .git/worktrees; that is the
// repository the .git file names, and the scan works as without it.
func TestStagedLinkedWorktreeWithGitDir(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(72).PersonalToken()
	r := newDHRepo(t)
	r.write("readme", "x\n")
	r.commit("init")
	wt := filepath.Join(t.TempDir(), "wt")
	r.git("worktree", "add", "-q", wt)
	os.WriteFile(filepath.Join(wt, "g.env"), []byte("CLICKUP_TOKEN="+tok+"\n"), 0o644)
	cmd := exec.Command("git", "add", "g.env")
	cmd.Dir, cmd.Env = wt, r.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git add: %v: %s", err, out)
	}
	gitDir := filepath.Join(r.dir, ".git", "worktrees", filepath.Base(wt))
	env := map[string]string{"GIT_DIR": gitDir, "GIT_INDEX_FILE": filepath.Join(gitDir, "index")}
	if code, _, stderr := dhRun(env, "staged", "--repo", wt); code != exitFindings {
		t.Errorf("exit %d, want 1; stderr: %s", code, scanner.RedactShapesString(stderr))
	}
}

// TestStagedMissingBlobFailsClosed: a staged file whose blob the object
// store lacks (another repository's index, a damaged store) must block the
// commit with an error, never pass it as clean.
func TestStagedMissingBlobFailsClosed(t *testing.T) {
	t.Parallel()
	r := newDHRepo(t)
	r.write("readme", "x\n")
	r.commit("init")
	r.write("new.env", "CLICKUP_TOKEN="+fixtures.NewGen(73).PersonalToken()+"\n")
	r.git("add", "new.env")
	blob := strings.TrimSpace(r.git("rev-parse", ":new.env"))
	if err := os.Remove(filepath.Join(r.dir, ".git", "objects", blob[:2], blob[2:])); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := dhRun(nil, "staged", "--repo", r.dir)
	if code != exitInternal || !strings.Contains(stderr, "staged content not found") {
		t.Errorf("exit %d, want 3 with \"staged content not found\"; stderr: %s", code, scanner.RedactShapesString(stderr))
	}
}
