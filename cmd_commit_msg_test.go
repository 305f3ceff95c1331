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

// TestCommitMsgHookRefusesTokenInMessage installs, by hand, the commit-msg
// hook line that install-hook and pre-commit run (`staged --message-file
// "$1"`) with the real binary, and lets real `git commit` runs go through
// it: a message holding a token is refused, a clean one passes.
func TestCommitMsgHookRefusesTokenInMessage(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "clickup-secret-scan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tok := fixtures.NewGen(1310).PersonalToken()
	r := newDHRepo(t)
	r.write("README.md", "hello\n")
	r.commit("root")
	hook := "#!/bin/sh\nexec '" + bin + "' staged --message-file \"$1\"\n"
	if err := os.WriteFile(filepath.Join(r.dir, ".git", "hooks", "commit-msg"), []byte(hook), 0o755); err != nil {
		t.Fatal(err)
	}

	r.write("app.js", "console.log(1);\n")
	r.git("add", "app.js")
	r.n++
	code, out, errOut := r.run("commit", "-m", "add app", "-m", "tested with CLICKUP_TOKEN="+tok)
	all := out + errOut
	if code != 1 {
		t.Errorf("git commit with a token in the message: exit %d, want 1\n%s", code, dhShow(all))
	}
	for _, want := range []string{"commit-message:3", scanner.NewSecret(tok).Redacted(), "remove it from the commit message", "git commit -e -F"} {
		if !strings.Contains(all, want) {
			t.Errorf("git commit output does not say %q:\n%s", want, dhShow(all))
		}
	}
	dhAssertNoRaw(t, map[string]string{"git commit output": all}, tok)
	if n := r.git("rev-list", "--count", "HEAD"); n != "1" {
		t.Errorf("%s commits after a refused commit, want 1", n)
	}

	r.n++
	if code, out, errOut := r.run("commit", "-m", "add app", "-m", "tested with CLICKUP_TOKEN from the environment"); code != 0 {
		t.Fatalf("clean commit refused: exit %d\n%s%s", code, dhShow(out), dhShow(errOut))
	}
	if n := r.git("rev-list", "--count", "HEAD"); n != "2" {
		t.Errorf("%s commits after a clean commit, want 2", n)
	}
}

// TestStagedMessageFileErrors checks the flag's bad input: exit 2 with
// the file named.
func TestStagedMessageFileErrors(t *testing.T) {
	t.Parallel()
	r := newDHRepo(t)
	r.write("README.md", "hello\n")
	r.commit("root")
	missing := filepath.Join(t.TempDir(), "COMMIT_EDITMSG")
	code, _, stderr := dhRun(nil, "staged", "--repo", r.dir, "--message-file", missing)
	if code != exitUsage || !strings.Contains(stderr, missing) {
		t.Errorf("missing message file: exit %d, want %d, stderr %q", code, exitUsage, stderr)
	}
}

// TestDiffReportsCommitMessage runs `diff --base --head` on a range whose
// commit message holds a token: one finding, in the commit message of that
// commit, in JSON without the raw value.
func TestDiffReportsCommitMessage(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(1311).PersonalToken()
	r := newDHRepo(t)
	r.write("README.md", "hello\n")
	base := r.commit("root")
	r.write("app.js", "console.log(1);\n")
	c := r.commit("add app\n\nCLICKUP_TOKEN=" + tok)
	code, stdout, stderr := dhRun(nil, "diff", "--repo", r.dir, "--base", base, "--head", c, "--format", "json")
	if code != 1 {
		t.Fatalf("diff: exit %d, want 1\n%s", code, dhShow(stderr))
	}
	var rep struct {
		Findings []struct {
			Locations []struct {
				Source, Object, Commit, Path string
				Line                         int
			} `json:"locations"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("json: %v", err)
	}
	if len(rep.Findings) != 1 || len(rep.Findings[0].Locations) != 1 {
		t.Fatalf("findings %+v: want one with one location", rep.Findings)
	}
	l := rep.Findings[0].Locations[0]
	if l.Source != "diff" || l.Object != "commit-message" || l.Commit != c || l.Path != "" || l.Line != 3 {
		t.Errorf("location %+v: want source diff, object commit-message, commit %s, line 3, no path", l, c)
	}
	code, text, _ := dhRun(nil, "diff", "--repo", r.dir, "--base", base, "--head", c)
	if code != 1 || !strings.Contains(text, "cannot be edited away") {
		t.Errorf("text report (exit %d) lacks the message guidance:\n%s", code, dhShow(text))
	}
	dhAssertNoRaw(t, map[string]string{"diff json": stdout, "diff text": text, "stderr": stderr}, tok)
}
