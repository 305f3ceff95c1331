package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// historyRepo makes a repository where tok is added to .env by the second
// commit and removed by the third; it returns the dir and the commit ids.
func historyRepo(t *testing.T, tok string) (string, []string) {
	t.Helper()
	r := fixtures.NewRepo(t, fixtures.DevOne, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), 0)
	dir := r.Dir
	var ids []string
	steps := []func(){
		func() { os.WriteFile(filepath.Join(dir, "README"), []byte("hello\n"), 0o644) },
		func() {
			os.WriteFile(filepath.Join(dir, ".env"), []byte("DEBUG=1\nCLICKUP_API_TOKEN="+tok+"\n"), 0o644)
		},
		func() { os.Remove(filepath.Join(dir, ".env")) },
	}
	for i, step := range steps {
		step()
		ids = append(ids, r.Commit(fmt.Sprintf("step %d", i)))
	}
	return dir, ids
}

func runHistoryCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"history"}, args...), func(string) string { return "" }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestHistoryCommand(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(1).PersonalToken()
	dir, ids := historyRepo(t, tok)
	state := filepath.Join(t.TempDir(), "state.json")
	for run := range 2 {
		code, stdout, stderr := runHistoryCLI(t, "--repo", dir, "--format", "json", "--state", state)
		if code != exitFindings {
			t.Fatalf("run %d: exit %d, want %d; stderr: %s", run, code, exitFindings, stderr)
		}
		for name, out := range map[string]string{"stdout": stdout, "stderr": stderr} {
			if strings.Contains(out, tok) || strings.Contains(out, tok[12:]) {
				t.Errorf("run %d: %s holds the raw token", run, name)
			}
		}
		var rep struct {
			Mode     string `json:"mode"`
			Findings []struct {
				Locations []struct {
					Source string `json:"source"`
					Path   string `json:"path"`
					Line   int    `json:"line"`
					Commit string `json:"commit"`
					Author string `json:"author"`
					Date   string `json:"date"`
					AtHead *bool  `json:"at_head"`
				} `json:"locations"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("run %d: bad JSON: %v", run, err)
		}
		if rep.Mode != "history" || len(rep.Findings) != 1 || len(rep.Findings[0].Locations) != 1 {
			t.Fatalf("run %d: mode %q, %d findings", run, rep.Mode, len(rep.Findings))
		}
		l := rep.Findings[0].Locations[0]
		if l.Source != "history" || l.Path != ".env" || l.Line != 2 || l.Commit != ids[1] ||
			l.Author != "Dev One <dev@example.com>" || l.Date != "2024-01-02T03:04:05Z" || l.AtHead == nil || *l.AtHead {
			t.Errorf("run %d: location %+v, want .env:2 in %s, not at head", run, l, ids[1])
		}
	}
	raw, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(tok)) || bytes.Contains(raw, []byte(tok[12:])) {
		t.Errorf("the state file holds the raw token")
	}
}

func TestHistoryCommandErrors(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(2).PersonalToken()
	dir, ids := historyRepo(t, tok)
	garbage := filepath.Join(t.TempDir(), "state.json")
	os.WriteFile(garbage, []byte("{not a state"), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"not a repository", []string{"--repo", t.TempDir()}, exitUsage, "not a git repository"},
		{"corrupt state", []string{"--repo", dir, "--state", garbage}, exitUsage, "bad state file"},
		{"bad revision", []string{"--repo", dir, "--since-commit", "nope"}, exitUsage, "bad revision"},
		{"stray argument", []string{dir}, exitUsage, "--repo"},
		{"bad format", []string{"--repo", dir, "--format", "xml"}, exitUsage, "format"},
		{"since the last commit", []string{"--repo", dir, "--since-commit", ids[2]}, exitClean, ""},
		{"since the first commit", []string{"--repo", dir, "--since-commit", ids[0]}, exitFindings, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runHistoryCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.msg) {
				t.Errorf("stderr %q does not say %q", stderr, tt.msg)
			}
			if strings.Contains(stdout+stderr, tok) {
				t.Errorf("output holds the raw token")
			}
		})
	}
}

func TestHistoryStateFileFaults(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(77).PersonalToken()
	dir, _ := historyRepo(t, tok)
	// A state path that is a directory is bad input.
	if code, _, stderr := runHistoryCLI(t, "--repo", dir, "--state", t.TempDir()); code != exitUsage {
		t.Errorf("state path is a directory: exit %d, want 2; %s", code, scanner.RedactShapesString(stderr))
	}
	// A state file that cannot be written must not hide the findings.
	code, stdout, stderr := runHistoryCLI(t, "--repo", dir, "--state", filepath.Join(t.TempDir(), "missing", "dir", "state.json"), "--format", "json")
	if code != exitFindings || !strings.Contains(stdout, `"findings"`) || !strings.Contains(stderr, "state file not saved") {
		t.Errorf("unwritable state with findings: exit %d, want 1 with the report and the error; stderr %s", code, scanner.RedactShapesString(stderr))
	}
}
