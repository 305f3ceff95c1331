package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/clickup-secret-scan/clickup-secret-scan/action"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// actionToken is a FAKE personal token (random body) used only here.
const actionToken = "pk_52718364_K3V9QZ2M7TXR4B8N1WJ6HD0PLC5YGE9A"

// actionRepo commits a file without and then with the token; it returns
// the workspace and both commit ids.
func actionRepo(t *testing.T) (ws, base, head string) {
	t.Helper()
	r := fixtures.NewRepo(t, fixtures.Identity{Name: "Dev", Email: "dev@example.com"}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 0)
	ws = r.Dir
	commit := func(content string) string {
		r.Write("app.js", content)
		return r.Commit("c")
	}
	base = commit("const a = 1;\n")
	head = commit("const a = 1;\nconst token = '" + actionToken + "';\n")
	return ws, base, head
}

// prEvent writes the octokit pull_request example with its commit ids
// rewritten to base and head (no repository has the example's commits).
func prEvent(t *testing.T, dir, base, head string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/octokit-webhooks/payload-examples/api.github.com/pull_request/opened.payload.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	pr := m["pull_request"].(map[string]any)
	pr["base"].(map[string]any)["sha"] = base
	pr["head"].(map[string]any)["sha"] = head
	out, _ := json.Marshal(m)
	p := filepath.Join(dir, "event.json")
	os.WriteFile(p, out, 0o644)
	return p
}

func TestRunActionExitCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(env map[string]string, tmp string)
		want  int
		found bool
		// summaryHas are texts the job summary must hold.
		summaryHas []string
	}{
		{"findings fail the step", nil, exitFindings, true, nil},
		{"fail-on-findings false", func(e map[string]string, _ string) { e["INPUT_FAIL-ON-FINDINGS"] = "false" }, exitClean, true, nil},
		{"bad input", func(e map[string]string, _ string) { e["INPUT_SUMMARY"] = "maybe" }, exitUsage, false, nil},
		{"unknown mode", func(e map[string]string, _ string) { e["INPUT_MODE"] = "all" }, exitUsage, false, nil},
		{"malformed payload", func(e map[string]string, tmp string) {
			p := filepath.Join(tmp, "bad.json")
			os.WriteFile(p, []byte("{"), 0o644)
			e["GITHUB_EVENT_PATH"] = p
		}, exitUsage, false, nil},
		{"branch deletion", func(e map[string]string, tmp string) {
			e["GITHUB_EVENT_NAME"] = "push"
			e["GITHUB_EVENT_PATH"] = "testdata/octokit-webhooks/payload-examples/api.github.com/push/payload.json"
		}, exitClean, false, nil},
		{"unsupported event", func(e map[string]string, _ string) { e["GITHUB_EVENT_NAME"] = "issues" }, exitClean, false, nil},
		// The PR's own ignore file hides its token: ignored findings do not
		// fail the step, but the job summary shows the token (redacted) and
		// the rule's reason, escaped, for reviewers.
		{"ignored by the PR's own rule", func(e map[string]string, _ string) {
			rule := scanner.NewSecret(actionToken).ID() + "  demo | <img src=x>\n"
			os.WriteFile(filepath.Join(e["GITHUB_WORKSPACE"], ".clickup-secret-scan-ignore"), []byte(rule), 0o644)
		}, exitClean, false, []string{"Suppressed by ignore rules", "`" + scanner.NewSecret(actionToken).Redacted() + "`", `demo \| \<img src=x\>`}},
		// The history holds a token, so the checklist fails.
		{"audit mode", func(e map[string]string, _ string) { e["INPUT_MODE"] = "audit" }, exitFindings, false, nil},
		{"audit mode without a workspace", func(e map[string]string, tmp string) {
			e["INPUT_MODE"] = "audit"
			e["GITHUB_WORKSPACE"] = filepath.Join(tmp, "missing")
		}, exitUsage, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws, base, head := actionRepo(t)
			tmp := t.TempDir()
			env := map[string]string{
				"GITHUB_WORKSPACE":    ws,
				"GITHUB_EVENT_NAME":   "pull_request",
				"GITHUB_EVENT_PATH":   prEvent(t, tmp, base, head),
				"GITHUB_REPOSITORY":   "Codertocat/Hello-World",
				"GITHUB_API_URL":      "http://127.0.0.1:1",
				"GITHUB_OUTPUT":       filepath.Join(tmp, "output"),
				"GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary.md"),
				"INPUT_COMMENT":       "false",
			}
			if tc.edit != nil {
				tc.edit(env, tmp)
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"action"}, func(k string) string { return env[k] }, &stdout, &stderr)
			if code != tc.want {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tc.want, redactToken(stdout.String()), redactToken(stderr.String()))
			}
			outputs, _ := os.ReadFile(env["GITHUB_OUTPUT"])
			summary, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
			sarif, _ := os.ReadFile(filepath.Join(ws, "clickup-secret-scan.sarif"))
			if tc.found {
				if !strings.HasPrefix(stdout.String(), "::add-mask::"+actionToken+"\n") {
					t.Errorf("stdout does not start by masking the token")
				}
				if !strings.Contains(string(outputs), "findings<<") || !strings.Contains(string(outputs), "\n1\n") ||
					!strings.Contains(string(outputs), "sarif-file<<_GitHubActionsFileCommandDelimeter_\nclickup-secret-scan.sarif\n") {
					t.Errorf("outputs = %q, want findings=1 and sarif-file", redactToken(string(outputs)))
				}
				if len(summary) == 0 || len(sarif) == 0 {
					t.Errorf("summary (%d bytes) or SARIF (%d bytes) missing", len(summary), len(sarif))
				}
			}
			for _, want := range tc.summaryHas {
				if !strings.Contains(string(summary), want) {
					t.Errorf("the job summary lacks %q: %q", redactToken(want), redactToken(string(summary)))
				}
			}
			if env["INPUT_MODE"] == "audit" && code == exitFindings && !strings.Contains(string(summary), "ClickUp security checklist") {
				t.Errorf("audit mode wrote no checklist to the job summary: %q", redactToken(string(summary)))
			}
			rest := strings.ReplaceAll(stdout.String(), "::add-mask::"+actionToken+"\n", "")
			for name, b := range map[string]string{"stdout": rest, "stderr": stderr.String(), "outputs": string(outputs), "summary": string(summary), "sarif": string(sarif)} {
				if strings.Contains(b, actionToken) {
					t.Errorf("%s holds the raw token %s", name, scanner.NewSecret(actionToken))
				}
			}
		})
	}
}

// redactToken keeps the raw token out of failure messages.
func redactToken(s string) string {
	return strings.ReplaceAll(s, actionToken, scanner.NewSecret(actionToken).Redacted())
}

// actionEnvFor is the runner environment of the cmd-level tests.
func actionEnvFor(ws, event, tmp string) map[string]string {
	return map[string]string{
		"GITHUB_WORKSPACE":    ws,
		"GITHUB_EVENT_NAME":   "pull_request",
		"GITHUB_EVENT_PATH":   event,
		"GITHUB_REPOSITORY":   "Codertocat/Hello-World",
		"GITHUB_API_URL":      "http://127.0.0.1:1",
		"GITHUB_OUTPUT":       filepath.Join(tmp, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary.md"),
		"INPUT_COMMENT":       "false",
	}
}

// runActionCmd runs the action command and fails the test on any raw
// token in what it printed (bar the ::add-mask:: line).
func runActionCmd(t *testing.T, env map[string]string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), []string{"action"}, func(k string) string { return env[k] }, &out, &errb)
	rest := strings.ReplaceAll(out.String(), "::add-mask::"+actionToken+"\n", "")
	outputs, _ := os.ReadFile(env["GITHUB_OUTPUT"])
	summary, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
	for name, b := range map[string]string{"stdout": rest, "stderr": errb.String(), "outputs": string(outputs), "summary": string(summary)} {
		if strings.Contains(b, actionToken) {
			t.Errorf("%s holds the raw token %s", name, scanner.NewSecret(actionToken))
		}
	}
	return code, out.String(), errb.String()
}

// TestRunActionUnwritableOutputs: GITHUB_OUTPUT cannot be written (here a
// directory, which fails for root too). A clean run exits 3 instead of 0;
// a run with findings keeps exit 1, the code a workflow reads as "found",
// and still prints the error.
func TestRunActionUnwritableOutputs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		clean bool
		want  int
	}{
		{"clean", true, exitInternal},
		{"findings", false, exitFindings},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws, base, head := actionRepo(t)
			if tc.clean {
				head = base
			}
			tmp := t.TempDir()
			env := actionEnvFor(ws, prEvent(t, tmp, base, head), tmp)
			env["GITHUB_OUTPUT"] = t.TempDir()
			code, stdout, stderr := runActionCmd(t, env)
			if code != tc.want {
				t.Errorf("exit code = %d, want %d\nstderr: %s", code, tc.want, redactToken(stderr))
			}
			if !strings.Contains(stderr, "could not write GITHUB_OUTPUT") || !strings.Contains(stdout, "::error::clickup-secret-scan: could not write GITHUB_OUTPUT") {
				t.Errorf("the unwritable outputs are not reported:\nstdout: %s\nstderr: %s", redactToken(stdout), redactToken(stderr))
			}
			if summary, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"]); len(summary) == 0 {
				t.Errorf("the job summary was not written")
			}
		})
	}
}

// TestRunActionShallowFallback: a depth-1 checkout (none of the PR's
// commits) and a GitHub API that refuses every call (401, not retried, so
// the test does not wait on backoff). The checked-out files are scanned:
// a token there exits 1; a clean checkout exits 3, since the commits were
// not scanned. fail-on-findings false does not turn the blind spot into a
// pass either.
func TestRunActionShallowFallback(t *testing.T) {
	t.Parallel()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`)
	}))
	t.Cleanup(api.Close)
	for _, tc := range []struct {
		name    string
		content string
		edit    func(env map[string]string)
		want    int
	}{
		{"token at head", "const token = '" + actionToken + "';\n", nil, exitFindings},
		{"clean checkout", "const a = 1;\n", nil, exitInternal},
		{"token at head, fail-on-findings false", "const token = '" + actionToken + "';\n", func(e map[string]string) { e["INPUT_FAIL-ON-FINDINGS"] = "false" }, exitInternal},
		{"pull_request_target reads no checkout", "const token = '" + actionToken + "';\n", func(e map[string]string) { e["GITHUB_EVENT_NAME"] = "pull_request_target" }, exitInternal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, base, head := actionRepo(t)
			ws := t.TempDir()
			r, err := git.PlainInit(ws, false)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(ws, "app.js"), []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			wt, _ := r.Worktree()
			wt.Add("app.js")
			sig := &object.Signature{Name: "GitHub", Email: "noreply@github.com", When: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}
			if _, err := wt.Commit("Merge into main", &git.CommitOptions{Author: sig}); err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			env := actionEnvFor(ws, prEvent(t, tmp, base, head), tmp)
			env["GITHUB_API_URL"] = api.URL
			if tc.edit != nil {
				tc.edit(env)
			}
			code, stdout, stderr := runActionCmd(t, env)
			if code != tc.want {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tc.want, redactToken(stdout), redactToken(stderr))
			}
			if tc.want == exitFindings && !strings.Contains(stdout, "file=app.js,line=1") {
				t.Errorf("no annotation on app.js:1:\n%s", redactToken(stdout))
			}
			if env["GITHUB_EVENT_NAME"] == "pull_request_target" {
				if strings.Contains(stdout, "file=app.js") {
					t.Errorf("pull_request_target reported a file of the checkout:\n%s", redactToken(stdout))
				}
			} else if !strings.Contains(stdout, "fetch-depth: 0") {
				t.Errorf("stdout does not point at fetch-depth: 0:\n%s", redactToken(stdout))
			}
		})
	}
}

func TestActionExit(t *testing.T) {
	t.Parallel()
	boom := errors.New("could not write GITHUB_OUTPUT")
	for _, tc := range []struct {
		name string
		fail bool
		out  action.Outcome
		want int
	}{
		{"clean", true, action.Outcome{}, exitClean},
		{"findings", true, action.Outcome{Findings: 2}, exitFindings},
		{"findings waived", false, action.Outcome{Findings: 2}, exitClean},
		{"audit failed", false, action.Outcome{AuditFailed: true}, exitFindings},
		{"incomplete", true, action.Outcome{Incomplete: true}, exitInternal},
		{"incomplete, checkout finds one", true, action.Outcome{Incomplete: true, CheckoutScanned: true, Findings: 1}, exitFindings},
		{"incomplete, finding waived", false, action.Outcome{Incomplete: true, CheckoutScanned: true, Findings: 1}, exitInternal},
		{"outputs unwritable, clean", true, action.Outcome{FileCommandErr: boom}, exitInternal},
		{"outputs unwritable, findings", true, action.Outcome{Findings: 1, FileCommandErr: boom}, exitFindings},
		{"outputs unwritable, findings waived", false, action.Outcome{Findings: 1, FileCommandErr: boom}, exitInternal},
		{"outputs unwritable, audit failed", true, action.Outcome{AuditFailed: true, FileCommandErr: boom}, exitFindings},
		{"history state not saved, clean", true, action.Outcome{StateNotSaved: boom}, exitInternal},
		{"history state not saved, findings", true, action.Outcome{Findings: 1, StateNotSaved: boom}, exitFindings},
		{"history state not saved, findings waived", false, action.Outcome{Findings: 1, StateNotSaved: boom}, exitInternal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := exitCode(actionExit(action.Inputs{FailOnFindings: tc.fail}, tc.out), io.Discard); got != tc.want {
				t.Errorf("actionExit = %d, want %d", got, tc.want)
			}
		})
	}
}

// historyWorkspace is a repository with one commit, holding actionToken
// when token is true.
func historyWorkspace(t *testing.T, token bool) string {
	t.Helper()
	ws := t.TempDir()
	r, err := git.PlainInit(ws, false)
	if err != nil {
		t.Fatal(err)
	}
	content := "const token = process.env.CLICKUP_TOKEN;\n"
	if token {
		content = "const token = '" + actionToken + "';\n"
	}
	if err := os.WriteFile(filepath.Join(ws, "app.js"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	wt, _ := r.Worktree()
	if _, err := wt.Add("app.js"); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Dev", Email: "dev@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := wt.Commit("c", &git.CommitOptions{Author: sig}); err != nil {
		t.Fatal(err)
	}
	return ws
}

// TestRunActionHistoryState checks the exit codes of the history-state
// input through run, on workflow_dispatch (octokit's example payload): a
// state that cannot be used is a warning, never a failure of its own; a
// state that cannot be saved fails a run that nothing else fails (3), and
// findings still win (1); a pull_request run ignores the input. The state
// file is searched for the raw token, as every other output.
func TestRunActionHistoryState(t *testing.T) {
	t.Parallel()
	const stateFile = ".clickup-secret-scan-state.json"
	corrupt := func(t *testing.T, ws string) {
		if err := os.WriteFile(filepath.Join(ws, stateFile), []byte("{\"format\":"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	unwritable := func(t *testing.T, ws string) {
		// A directory at the path cannot be replaced by a file, root or not.
		if err := os.MkdirAll(filepath.Join(ws, stateFile, "keep"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		token bool
		prep  func(t *testing.T, ws string)
		edit  func(env map[string]string)
		want  int
		// stdoutHas are texts stdout must hold.
		stdoutHas []string
		// saved is true when a valid state must exist afterwards.
		saved bool
	}{
		{"first run, findings", true, nil, nil, exitFindings, []string{"::notice::history-state " + stateFile + " did not exist yet"}, true},
		{"first run, clean", false, nil, nil, exitClean, nil, true},
		{"corrupt state, findings", true, corrupt, nil, exitFindings, []string{"::warning::history-state " + stateFile + " could not be used"}, true},
		{"corrupt state, clean", false, corrupt, nil, exitClean, []string{"::warning::history-state " + stateFile + " could not be used"}, true},
		{"state not saved, findings", true, unwritable, nil, exitFindings, []string{"state file not saved"}, false},
		{"state not saved, clean", false, unwritable, nil, exitInternal, []string{"state file not saved"}, false},
		{"state not saved, findings waived", true, unwritable, func(e map[string]string) { e["INPUT_FAIL-ON-FINDINGS"] = "false" }, exitInternal, []string{"state file not saved"}, false},
		{"pull_request ignores it", true, nil, func(e map[string]string) { e["GITHUB_EVENT_NAME"] = "pull_request" }, exitFindings, []string{"::notice::the history-state input is ignored"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := historyWorkspace(t, tc.token)
			if tc.prep != nil {
				tc.prep(t, ws)
			}
			tmp := t.TempDir()
			env := actionEnvFor(ws, "testdata/octokit-webhooks/payload-examples/api.github.com/workflow_dispatch/payload.json", tmp)
			env["GITHUB_EVENT_NAME"] = "workflow_dispatch"
			env["INPUT_HISTORY-STATE"] = stateFile
			if tc.edit != nil {
				tc.edit(env)
			}
			if env["GITHUB_EVENT_NAME"] == "pull_request" {
				// A PR that adds the token, scanned locally as without the
				// input.
				var base, head string
				ws, base, head = actionRepo(t)
				env["GITHUB_WORKSPACE"] = ws
				env["GITHUB_EVENT_PATH"] = prEvent(t, tmp, base, head)
			}
			code, stdout, stderr := runActionCmd(t, env)
			if code != tc.want {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tc.want, redactToken(stdout), redactToken(stderr))
			}
			for _, want := range tc.stdoutHas {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, redactToken(stdout))
				}
			}
			if sarif, _ := os.ReadFile(filepath.Join(ws, "clickup-secret-scan.sarif")); strings.Contains(string(sarif), actionToken) {
				t.Errorf("the SARIF file holds the raw token %s", scanner.NewSecret(actionToken))
			}
			state, err := os.ReadFile(filepath.Join(ws, stateFile))
			if strings.Contains(string(state), actionToken) {
				t.Errorf("the state file holds the raw token %s", scanner.NewSecret(actionToken))
			}
			switch {
			case tc.saved && (err != nil || !strings.HasPrefix(string(state), `{"format":"clickup-secret-scan/history-state","version":1,`)):
				t.Errorf("no valid state after the run (%v): %.200s", err, redactToken(string(state)))
			case env["GITHUB_EVENT_NAME"] == "pull_request" && err == nil:
				t.Errorf("a pull_request run wrote a history state")
			}
		})
	}
}
