package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// dhRepo is a real git repository for the diff, staged and hook tests,
// driven by the git binary with an isolated HOME.
type dhRepo struct {
	t    *testing.T
	dir  string
	home string
	n    int
}

func newDHRepo(t *testing.T) *dhRepo {
	t.Helper()
	r := &dhRepo{t: t, dir: t.TempDir(), home: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *dhRepo) env() []string {
	return r.fx().Env()
}

// fx is the repository as a fixtures.Repo at its current commit count.
func (r *dhRepo) fx() *fixtures.Repo {
	return &fixtures.Repo{T: r.t, Dir: r.dir, Home: r.home, As: fixtures.Identity{Name: "Ada", Email: "ada@example.com"},
		Date: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Step: time.Minute, Commits: r.n}
}

// run runs git and returns its exit code, stdout and stderr.
func (r *dhRepo) run(args ...string) (int, string, string) {
	r.t.Helper()
	return r.runWithEnv(nil, args...)
}

// runWithEnv is run with extra environment variables.
func (r *dhRepo) runWithEnv(extra []string, args ...string) (int, string, string) {
	r.t.Helper()
	cmd := r.fx().Command(args...)
	cmd.Env = append(cmd.Env, extra...)
	return runExit(r.t, cmd)
}

// runExit runs cmd and returns its exit code, stdout and stderr; a command
// that cannot be run at all fails t.
func runExit(t testing.TB, cmd *exec.Cmd) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(cmd.Args, " "), err)
	}
	return 0, stdout.String(), stderr.String()
}

func (r *dhRepo) git(args ...string) string {
	r.t.Helper()
	code, out, errOut := r.run(args...)
	if code != 0 {
		r.t.Fatalf("git %s: exit %d: %s", strings.Join(args, " "), code, dhShow(errOut))
	}
	return strings.TrimSpace(out)
}

func (r *dhRepo) write(path, content string) {
	r.t.Helper()
	r.fx().Write(path, content)
}

func (r *dhRepo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.n++
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// dhRun runs the CLI in-process with the given environment.
func dhRun(env map[string]string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// dhAssertNoRaw fails when an output holds a raw token; it names the
// redacted form only.
func dhAssertNoRaw(t *testing.T, outputs map[string]string, tokens ...string) {
	t.Helper()
	for name, out := range outputs {
		for _, tok := range tokens {
			if strings.Contains(out, tok) {
				t.Errorf("%s holds a raw token (…%s)", name, tok[len(tok)-4:])
			}
		}
	}
}

type dhLocation struct {
	Source string `json:"source"`
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Commit string `json:"commit"`
	Change string `json:"change"`
	AtHead *bool  `json:"at_head"`
}

type dhReport struct {
	Mode     string `json:"mode"`
	Findings []struct {
		Redacted  string       `json:"redacted"`
		Locations []dhLocation `json:"locations"`
	} `json:"findings"`
	Warnings []string `json:"warnings"`
}

func TestDiffCommand(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(41)
	tAdded, tRemoved := g.PersonalToken(), g.PersonalToken()
	r := newDHRepo(t)
	r.write("config/old.env", "A=1\nCLICKUP_TOKEN="+tRemoved+"\n")
	base := r.commit("base")
	r.write("src/app.js", "const a = 1;\nconst token = '"+tAdded+"';\n")
	added := r.commit("add a token")
	r.write("config/old.env", "A=1\n")
	removed := r.commit("drop the old token")

	code, stdout, stderr := dhRun(nil, "diff", "--base", base, "--repo", r.dir, "--format", "json")
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFindings, dhShow(stderr))
	}
	dhAssertNoRaw(t, map[string]string{"stdout": stdout, "stderr": stderr}, tAdded, tRemoved)
	var rep dhReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("json: %v", err)
	}
	if rep.Mode != "diff" {
		t.Errorf("mode %q, want diff", rep.Mode)
	}
	got := map[string]dhLocation{}
	for _, f := range rep.Findings {
		for _, l := range f.Locations {
			got[l.Change] = l
		}
	}
	if l := got["added"]; l.Source != "diff" || l.Path != "src/app.js" || l.Line != 2 || l.Column != 16 || l.Commit != added || l.AtHead == nil || !*l.AtHead {
		t.Errorf("added location %+v, want diff src/app.js:2:16 in %s, at head", l, added)
	}
	if l := got["removed"]; l.Path != "config/old.env" || l.Line != 2 || l.Commit != removed || l.AtHead == nil || *l.AtHead {
		t.Errorf("removed location %+v, want config/old.env:2 in %s, not at head", l, removed)
	}

	// The text report says the same without the raw tokens.
	code, stdout, stderr = dhRun(nil, "diff", "--base", base, "--head", "HEAD", "--repo", r.dir)
	if code != exitFindings || !strings.Contains(stdout, "src/app.js") {
		t.Errorf("text: exit %d, stdout:\n%s", code, dhShow(stdout))
	}
	dhAssertNoRaw(t, map[string]string{"text stdout": stdout, "text stderr": stderr}, tAdded, tRemoved)

	// A range without tokens is clean.
	if code, _, stderr := dhRun(nil, "diff", "--base", removed, "--repo", r.dir); code != exitClean {
		t.Errorf("empty range: exit %d, stderr:\n%s", code, dhShow(stderr))
	}
}

func TestDiffCommandErrors(t *testing.T) {
	t.Parallel()
	r := newDHRepo(t)
	r.write("a.txt", "a\n")
	c0 := r.commit("c0")
	r.write("a.txt", "b\n")
	r.commit("c1")
	shallow := filepath.Join(t.TempDir(), "shallow")
	r.git("clone", "-q", "--depth", "1", "file://"+r.dir, shallow)

	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"shallow clone lacks the base", []string{"diff", "--base", c0, "--repo", shallow}, exitUsage, "fetch-depth: 0"},
		{"missing --base", []string{"diff", "--repo", r.dir}, exitUsage, "--base"},
		{"stray argument", []string{"diff", "--base", c0, "--repo", r.dir, "extra"}, exitUsage, "no arguments"},
		{"not a repository", []string{"diff", "--base", "HEAD", "--repo", t.TempDir()}, exitUsage, "not a git repository"},
		{"bad format", []string{"diff", "--base", c0, "--repo", r.dir, "--format", "xml"}, exitUsage, "xml"},
		{"unknown head", []string{"diff", "--base", c0, "--head", "nope", "--repo", r.dir}, exitUsage, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := dhRun(nil, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, want %d; stderr %q should contain %q", code, tt.code, dhShow(stderr), tt.inStderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing: no silent empty report", dhShow(stdout))
			}
		})
	}
}

var dhTokenShape = regexp.MustCompile(`pk_[0-9]{7,9}_[0-9A-Z]{32}`)

// dhShow prepares command output for a failure message: any token shape
// is replaced by its redacted form, so a leak under test is not printed.
func dhShow(s string) string {
	return dhTokenShape.ReplaceAllStringFunc(s, func(tok string) string { return scanner.NewSecret(tok).Redacted() })
}

// TestDiffCommandIgnoreFileAtRoot: with --repo naming a subdirectory, the
// ignore file and its path globs are still taken from the working tree's
// top, where location paths are rooted.
func TestDiffCommandIgnoreFileAtRoot(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(44).PersonalToken()
	r := newDHRepo(t)
	r.write(".clickup-secret-scan-ignore", "path:fixtures/**  generated test data\n")
	base := r.commit("base")
	r.write("fixtures/tokens.env", "T="+tok+"\n")
	r.commit("add fixture")
	sub := filepath.Join(r.dir, "fixtures")
	for _, args := range [][]string{
		{"diff", "--base", base, "--repo", sub, "--show-ignored"},
		{"staged", "--repo", sub, "--show-ignored"},
	} {
		if args[0] == "staged" {
			r.write("fixtures/more.env", "OTHER="+tok+"\n") // not an exact copy of tokens.env
			r.git("add", "fixtures/more.env")
		}
		code, stdout, stderr := dhRun(nil, args...)
		if code != exitClean || !strings.Contains(stdout, "generated test data") {
			t.Errorf("%s: exit %d, want %d with the finding listed as ignored\nstdout: %s\nstderr: %s", args[0], code, exitClean, dhShow(stdout), dhShow(stderr))
		}
		dhAssertNoRaw(t, map[string]string{args[0] + " stdout": stdout, args[0] + " stderr": stderr}, tok)
	}
}
