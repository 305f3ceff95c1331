package action

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// stateInput is the history-state input the tests pass, as a workflow
// would: relative to the workspace, the path actions/cache keeps.
const stateInput = ".clickup-secret-scan-state.json"

// historyEnv is the environment of a scheduled run on g with the
// history-state input set; each call gets its own output files, so that
// what one run wrote is never read as another's.
func historyEnv(t *testing.T, g *repo, gh *fakeGitHub, state string) map[string]string {
	t.Helper()
	tmp := t.TempDir()
	// No webhook example exists for schedule (an Actions-only event).
	ev := filepath.Join(tmp, "event.json")
	if err := os.WriteFile(ev, []byte(`{"schedule":"17 3 * * *"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	api := "http://127.0.0.1:1" // nothing is posted without tracking-issue
	if gh != nil {
		api = gh.URL()
	}
	env := actionEnv(g.dir, "schedule", ev, api)
	if state != "" {
		env["INPUT_HISTORY-STATE"] = state
	}
	return env
}

var itemsRE = regexp.MustCompile(`clickup-secret-scan: \d+ finding\(s\), (\d+) item\(s\) scanned`)

// itemsScanned is the number of items (blobs, messages) the run scanned,
// from the line the Action prints last (the same figure as the report's
// stats.files).
func itemsScanned(t *testing.T, r run) int {
	t.Helper()
	m := itemsRE.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no scan statistics on stdout:\n%s", redactAll(r.stdout))
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// historyState is the part of the state file the tests look at.
type historyState struct {
	Format  string            `json:"format"`
	Version int               `json:"version"`
	Tips    map[string]string `json:"tips"`
	Commits []string          `json:"commits"`
	Open    []struct {
		SecretID string `json:"secret_id"`
	} `json:"open"`
}

// readState reads the state file at path, fails the test unless it is a
// current history state, and searches it for the raw secrets and their
// base64.
func readState(t *testing.T, path string, secrets ...string) historyState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("state file: %v", err)
	}
	for _, s := range secrets {
		for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))} {
			if strings.Contains(string(b), form) {
				t.Errorf("the state file holds the secret %s (raw or base64)", scanner.NewSecret(s))
			}
		}
	}
	var st historyState
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("the state file is not JSON: %v\n%s", err, redactAll(string(b)))
	}
	if st.Format != "clickup-secret-scan/history-state" || st.Version != 1 {
		t.Errorf("state format %q version %d, want clickup-secret-scan/history-state 1", st.Format, st.Version)
	}
	return st
}

func openIDs(st historyState) map[string]bool {
	ids := map[string]bool{}
	for _, o := range st.Open {
		ids[o.SecretID] = true
	}
	return ids
}

// noLeftovers fails when the workspace keeps a temporary state directory.
func noLeftovers(t *testing.T, ws string) {
	t.Helper()
	if m, _ := filepath.Glob(filepath.Join(ws, ".clickup-secret-scan-state-*")); len(m) > 0 {
		t.Errorf("temporary state directories left in the workspace: %v", m)
	}
}

// TestHistoryStateIncrementalSchedule: the first scheduled run scans the
// whole history and writes the state; after a commit that adds a second
// token, the next run scans fewer items than a full scan of the same
// history yet reports both tokens (the first from the state), in the
// outputs, the summary, the SARIF file and the tracking issue.
func TestHistoryStateIncrementalSchedule(t *testing.T) {
	t.Parallel()
	gen := fixtures.NewGen(60)
	tokOld, tokNew, tokRef := gen.PersonalToken(), gen.PersonalToken(), gen.PersonalToken()
	g := newRepo(t)
	g.commit(map[string]string{"README.md": "# app\n", "src/a.js": "export const a = 1;\n", "src/b.js": "export const b = 2;\n"})
	g.commit(map[string]string{"config/app.env": "CLICKUP_TOKEN=" + tokOld + "\n", "src/c.js": "export const c = 3;\n"})
	mid := g.commit(map[string]string{"config/app.env": "CLICKUP_TOKEN=\n", "docs/setup.md": "Set CLICKUP_TOKEN in the environment.\n"})
	// A branch named after a token: its name goes into the state's tips,
	// which must not keep it in clear.
	g.branch("backup-"+tokRef, mid)
	gh := newFakeGitHub(t, "")
	statePath := filepath.Join(g.dir, stateInput)

	env := historyEnv(t, g, gh, stateInput)
	env["INPUT_TRACKING-ISSUE"] = "true"
	first := runAction(t, env, nil)
	wantFindings(t, first, 1)
	if !strings.Contains(first.stdout, "::notice::history-state "+stateInput+" did not exist yet: the whole history was scanned") {
		t.Errorf("the first run does not say it scanned everything and wrote the state:\n%s", redactAll(first.stdout))
	}
	st := readState(t, statePath, tokOld, tokNew, tokRef)
	if !openIDs(st)[scanner.NewSecret(tokOld).ID()] {
		t.Errorf("the state does not record the first token as open")
	}
	full := itemsScanned(t, first)

	g.commit(map[string]string{"deploy/prod.env": "CLICKUP_TOKEN=" + tokNew + "\n"})
	env = historyEnv(t, g, gh, stateInput)
	env["INPUT_TRACKING-ISSUE"] = "true"
	second := runAction(t, env, nil)
	wantFindings(t, second, 2)
	if !strings.Contains(second.stdout, "::notice::history-state "+stateInput+": incremental scan") {
		t.Errorf("the second run does not say it scanned incrementally:\n%s", redactAll(second.stdout))
	}
	// The control: the same history scanned without the state.
	control := runAction(t, historyEnv(t, g, gh, ""), nil)
	wantFindings(t, control, 2)
	inc, all := itemsScanned(t, second), itemsScanned(t, control)
	t.Logf("items scanned: first run %d, incremental run %d, full scan of the same history %d", full, inc, all)
	if inc >= all || all <= full {
		t.Errorf("items scanned: incremental run %d, full scan of the same history %d (first run %d); want the incremental run to scan fewer", inc, all, full)
	}
	if strings.Contains(control.stdout, "history-state") {
		t.Errorf("a run without the input mentions history-state:\n%s", redactAll(control.stdout))
	}
	for _, tok := range []string{tokOld, tokNew} {
		red := scanner.NewSecret(tok).Redacted()
		if !strings.Contains(second.summary, red) {
			t.Errorf("the job summary of the incremental run lacks %s", red)
		}
		if !masked(second.stdout, tok) {
			t.Errorf("the incremental run does not mask %s", red)
		}
	}
	for _, p := range []string{"config/app.env", "deploy/prod.env"} {
		if !strings.Contains(second.sarif, p) {
			t.Errorf("the SARIF file of the incremental run lacks %s", p)
		}
	}
	if n := len(gh.calls("POST", epIssues)); n != 1 {
		t.Errorf("tracking issues opened = %d, want 1", n)
	} else if body := gh.issues[0]["body"].(string); !strings.Contains(body, scanner.NewSecret(tokOld).Redacted()) || !strings.Contains(body, scanner.NewSecret(tokNew).Redacted()) {
		t.Errorf("the tracking issue does not list both tokens:\n%s", redactAll(body))
	}
	st = readState(t, statePath, tokOld, tokNew, tokRef)
	if ids := openIDs(st); !ids[scanner.NewSecret(tokOld).ID()] || !ids[scanner.NewSecret(tokNew).ID()] {
		t.Errorf("the state does not record both tokens as open")
	}

	// Nothing new: the report is the same, from the state.
	env = historyEnv(t, g, gh, stateInput)
	third := runAction(t, env, nil)
	wantFindings(t, third, 2)
	if inc := itemsScanned(t, third); inc > itemsScanned(t, second) {
		t.Errorf("a run with nothing new scanned %d items, more than the run before (%d)", inc, itemsScanned(t, second))
	}
	readState(t, statePath, tokOld, tokNew, tokRef)
	noLeftovers(t, g.dir)
	gh.check()
	for _, r := range []run{first, second, control, third} {
		if strings.Contains(r.stdout, "::warning::") {
			t.Errorf("unexpected warning:\n%s", redactAll(r.stdout))
		}
		assertNoLeak(t, r, gh, tokOld, tokNew, tokRef)
	}
}

// TestHistoryStateBadStateIsReplaced: a state file that cannot be used (a
// broken cache, one restored from another repository, another version)
// does not fail the run: a warning annotation and a job summary warning
// say why, the whole history is scanned, every finding is reported, and a
// valid state replaces the file, which the next run uses without warning.
func TestHistoryStateBadStateIsReplaced(t *testing.T) {
	t.Parallel()
	foreign := func(t *testing.T) []byte {
		// A real state, written by a run on another repository.
		other := newRepo(t)
		other.commit(map[string]string{"other/main.go": "package main\n"})
		r := runAction(t, historyEnv(t, other, nil, stateInput), nil)
		wantFindings(t, r, 0)
		b, err := os.ReadFile(filepath.Join(other.dir, stateInput))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		state func(t *testing.T) []byte
		// why is what the warning must say about the cause.
		why string
	}{
		{"corrupt", func(*testing.T) []byte {
			return []byte(`{"format":"clickup-secret-scan/history-state","version":1,"tips":{`)
		}, "not a history state file"},
		{"empty", func(*testing.T) []byte { return nil }, "not a history state file"},
		{"another version", func(*testing.T) []byte {
			return []byte(`{"format":"clickup-secret-scan/history-state","version":2,"head":"","tips":{},"commits":[],"matched_blobs":[],"open":[]}`)
		}, "version 2 is not supported"},
		{"another repository", foreign, "belongs to another repository"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok := fixtures.NewGen(61).PersonalToken()
			g := newRepo(t)
			g.commit(map[string]string{"src/settings.py": "CLICKUP_TOKEN = '" + tok + "'\n"})
			head := g.commit(map[string]string{"src/settings.py": "CLICKUP_TOKEN = os.environ['CLICKUP_TOKEN']\n"})
			statePath := filepath.Join(g.dir, stateInput)
			if err := os.WriteFile(statePath, tc.state(t), 0o644); err != nil {
				t.Fatal(err)
			}
			gh := newFakeGitHub(t, "")
			r := runAction(t, historyEnv(t, g, gh, stateInput), nil)
			assertNoLeak(t, r, gh, tok)
			wantFindings(t, r, 1)
			if r.out.StateNotSaved != nil {
				t.Errorf("StateNotSaved = %v, want nil: the fresh state could be written", r.out.StateNotSaved)
			}
			warning := "history-state " + stateInput + " could not be used ("
			if !strings.Contains(r.stdout, "::warning::"+warning) || !strings.Contains(r.stdout, tc.why) {
				t.Errorf("no warning annotation saying why the state was not used (%q):\n%s", tc.why, redactAll(r.stdout))
			}
			if summary := unescapeMD(r.summary); !strings.Contains(summary, warning) || !strings.Contains(summary, "the whole history was scanned instead: this report is complete, and a fresh state replaced the file") {
				t.Errorf("the job summary does not warn that a full scan replaced the bad state:\n%s", redactAll(r.summary))
			}
			if strings.Contains(r.stdout, "delete it") {
				t.Errorf("the warning tells the user to delete the state, which the Action already replaced:\n%s", redactAll(r.stdout))
			}
			if strings.Contains(r.stdout, "incremental scan") || strings.Contains(r.stdout, "did not exist") {
				t.Errorf("a run with a bad state claims to be incremental or a first run:\n%s", redactAll(r.stdout))
			}
			st := readState(t, statePath, tok)
			if !openIDs(st)[scanner.NewSecret(tok).ID()] || !strings.Contains(strings.Join(st.Commits, " "), head) {
				t.Errorf("the state was not rewritten for this repository: commits %v", st.Commits)
			}
			noLeftovers(t, g.dir)

			again := runAction(t, historyEnv(t, g, gh, stateInput), nil)
			assertNoLeak(t, again, gh, tok)
			wantFindings(t, again, 1)
			if strings.Contains(again.stdout, "::warning::") || !strings.Contains(again.stdout, "incremental scan") {
				t.Errorf("the run after the replacement did not use the fresh state quietly:\n%s", redactAll(again.stdout))
			}
			gh.check()
		})
	}
}

// TestHistoryStateNotSaved: the state cannot be written. The scan is
// complete: every finding is reported and the SARIF file written; a warning
// annotation, the job summary and stderr say the state was not saved, and
// the outcome carries it for the exit code. The paths are ones that fail
// for root too: a directory at the state's path (read as a bad state, then
// not replaceable), a file where its parent directory should be, and a
// write error injected after a real scan.
func TestHistoryStateNotSaved(t *testing.T) {
	t.Parallel()
	full := func(repoPath, statePath string) source.Source {
		return scanFunc(func(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (source.Result, error) {
			res, err := LocalSources{}.History(repoPath, "").Scan(ctx, sc, col)
			if err != nil {
				return res, err
			}
			return res, fmt.Errorf("%w: failed to write state %s: no space left on device", history.ErrStateNotSaved, statePath)
		})
	}
	for _, tc := range []struct {
		name  string
		token bool
		// setup prepares the workspace and returns the input.
		setup func(t *testing.T, ws string) string
		hist  func(repoPath, statePath string) source.Source
		// badState is true when the state is first read as bad.
		badState bool
	}{
		// These two are not files the Action may replace, so they are
		// left alone from the start rather than read as bad states.
		{"a directory at the path, with a finding", true, dirAtState, nil, false},
		{"a directory at the path, clean", false, dirAtState, nil, false},
		{"a file for a parent", true, func(t *testing.T, ws string) string {
			fixtures.WriteFile(t, ws, "notes.txt", "not a directory\n")
			return "notes.txt/state.json"
		}, nil, false},
		{"write error", true, func(*testing.T, string) string { return stateInput }, full, false},
		{"write error, clean", false, func(*testing.T, string) string { return stateInput }, full, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok := fixtures.NewGen(62).PersonalToken()
			g := newRepo(t)
			content := "CLICKUP_TOKEN=\n"
			if tc.token {
				content = "CLICKUP_TOKEN=" + tok + "\n"
			}
			g.commit(map[string]string{".env.example": content})
			input := tc.setup(t, g.dir)
			gh := newFakeGitHub(t, "")
			r := runAction(t, historyEnv(t, g, gh, input), fakeSources{hist: tc.hist})
			assertNoLeak(t, r, gh, tok)
			want := 0
			if tc.token {
				want = 1
			}
			wantFindings(t, r, want)
			if !errors.Is(r.out.StateNotSaved, history.ErrStateNotSaved) {
				t.Fatalf("StateNotSaved = %v, want the reason the state was not saved", r.out.StateNotSaved)
			}
			msg := "history-state " + input + ": state file not saved"
			if !strings.Contains(r.stdout, "::warning::"+msg) || !strings.Contains(unescapeMD(r.summary), msg) || !strings.Contains(r.stderr, msg) {
				t.Errorf("the unsaved state is not reported in the annotations, the summary and stderr:\nstdout: %s\nsummary: %s\nstderr: %s",
					redactAll(r.stdout), redactAll(r.summary), redactAll(r.stderr))
			}
			if bad := strings.Contains(r.stdout, "::warning::history-state "+input+" could not be used"); bad != tc.badState {
				t.Errorf("warned of a bad state: %v, want %v:\n%s", bad, tc.badState, redactAll(r.stdout))
			}
			if strings.Contains(r.stdout, "replaced the file") || strings.Contains(r.stdout, "::notice::history-state") {
				t.Errorf("the run claims a state it did not write:\n%s", redactAll(r.stdout))
			}
			if r.sarif == "" {
				t.Errorf("the SARIF file was not written")
			}
			noLeftovers(t, g.dir)
			gh.check()
		})
	}
}

// dirAtState puts a directory where the state file goes.
func dirAtState(t *testing.T, ws string) string {
	t.Helper()
	fixtures.WriteFile(t, ws, stateInput+"/keep", "x\n")
	return stateInput
}

// TestHistoryStatePaths: a state under directories that do not exist yet
// (the first run, before actions/cache restored anything) is written there,
// and an absolute path inside the workspace is used as is.
func TestHistoryStatePaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		input func(t *testing.T) (input, path string)
	}{
		{"nested relative", func(t *testing.T) (string, string) {
			return ".cache/clickup-secret-scan/state.json", ".cache/clickup-secret-scan/state.json"
		}},
		{"absolute, in the workspace", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok := fixtures.NewGen(63).PersonalToken()
			g := newRepo(t)
			g.commit(map[string]string{"k8s/secret.yaml": "stringData:\n  token: " + tok + "\n"})
			if tc.input == nil {
				tc.input = func(*testing.T) (string, string) {
					p := filepath.Join(g.dir, ".state", "state.json")
					return p, p
				}
			}
			input, path := tc.input(t)
			if !filepath.IsAbs(path) {
				path = filepath.Join(g.dir, filepath.FromSlash(path))
			}
			r := runAction(t, historyEnv(t, g, nil, input), nil)
			assertNoLeak(t, r, nil, tok)
			wantFindings(t, r, 1)
			if r.out.StateNotSaved != nil {
				t.Errorf("StateNotSaved = %v", r.out.StateNotSaved)
			}
			readState(t, path, tok)
		})
	}
}

// TestHistoryStateIgnoredOutsideHistory: scans that do not read the history
// ignore the input, say so once, write no state, and behave as without it.
func TestHistoryStateIgnoredOutsideHistory(t *testing.T) {
	t.Parallel()
	const notice = "::notice::the history-state input is ignored: this run does not scan the history"
	t.Run("pull_request", func(t *testing.T) {
		t.Parallel()
		p := newPRFixture(t, 64)
		var runs [2]run
		var servers [2]*fakeGitHub
		for i, state := range []string{"", stateInput} {
			servers[i] = newFakeGitHub(t, "")
			env := p.env(servers[i])
			// Each run its own output files: the runner appends to them.
			out := t.TempDir()
			env["GITHUB_OUTPUT"] = filepath.Join(out, "output")
			env["GITHUB_STEP_SUMMARY"] = filepath.Join(out, "summary.md")
			env["INPUT_AUDIT-LOG"] = filepath.Join(out, "audit.jsonl")
			if state != "" {
				env["INPUT_HISTORY-STATE"] = state
			}
			runs[i] = runAction(t, env, nil)
			servers[i].check()
			assertNoLeak(t, runs[i], servers[i], p.token)
			wantFindings(t, runs[i], 1)
		}
		without, with := runs[0], runs[1]
		if n := strings.Count(with.stdout, notice); n != 1 {
			t.Errorf("notices that the input is ignored = %d, want 1:\n%s", n, redactAll(with.stdout))
		}
		if strings.Contains(without.stdout, "history-state") {
			t.Errorf("a run without the input mentions it:\n%s", redactAll(without.stdout))
		}
		if _, err := os.Stat(filepath.Join(p.repo.dir, stateInput)); err == nil {
			t.Errorf("a pull_request run wrote a history state")
		}
		// The same scan and the same posts as without the input.
		if !sameAnnotations(with.stdout, without.stdout, notice) {
			t.Errorf("stdout differs beyond the notice:\nwith: %s\nwithout: %s", redactAll(with.stdout), redactAll(without.stdout))
		}
		if with.summary != without.summary {
			t.Errorf("the summary differs with the input set:\nwith: %s\nwithout: %s", redactAll(with.summary), redactAll(without.summary))
		}
		if with.sarif != without.sarif {
			t.Errorf("the SARIF file differs with the input set:\nwith: %s\nwithout: %s", redactAll(with.sarif), redactAll(without.sarif))
		}
		if with.out != without.out {
			t.Errorf("outcome %+v with the input set, %+v without", with.out, without.out)
		}
		if a, b := endpoints(servers[1]), endpoints(servers[0]); a != b {
			t.Errorf("GitHub calls with the input: %s\nwithout: %s", a, b)
		}
		if len(reviewComments(t, servers[1])) != 1 {
			t.Errorf("the review was not posted")
		}
	})
	t.Run("build output on workflow_run", func(t *testing.T) {
		t.Parallel()
		tok := fixtures.NewGen(65).PersonalToken()
		ws := t.TempDir()
		fixtures.WriteFile(t, ws, "dist/app.js", "var t=\""+tok+"\";")
		env := actionEnv(ws, "workflow_run", filepath.Join(t.TempDir(), "e.json"), "http://127.0.0.1:1")
		env["INPUT_PATHS"] = "dist"
		env["INPUT_HISTORY-STATE"] = stateInput
		r := runAction(t, env, nil)
		assertNoLeak(t, r, nil, tok)
		wantFindings(t, r, 1)
		if n := strings.Count(r.stdout, notice); n != 1 {
			t.Errorf("notices that the input is ignored = %d, want 1:\n%s", n, redactAll(r.stdout))
		}
		if _, err := os.Stat(filepath.Join(ws, stateInput)); err == nil {
			t.Errorf("a dir scan wrote a history state")
		}
	})
}

// sameAnnotations compares two stdouts line by line, bar the line that
// starts with skip.
func sameAnnotations(a, b, skip string) bool {
	var keep []string
	for _, l := range strings.Split(a, "\n") {
		if !strings.HasPrefix(l, skip) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n") == b
}

// endpoints lists the calls a fake server received, in order.
func endpoints(gh *fakeGitHub) string {
	gh.mu.Lock()
	defer gh.mu.Unlock()
	var b strings.Builder
	for _, r := range gh.requests {
		fmt.Fprintf(&b, "%s %s; ", r.Method, r.Endpoint)
	}
	return b.String()
}

// unescapeMD undoes the job summary's Markdown escaping, to search it for
// plain text.
func unescapeMD(s string) string {
	return regexp.MustCompile(`\\([[:punct:]])`).ReplaceAllString(s, "$1")
}

// TestHistoryStateForeignFileLeftAlone: a history-state path that names
// some other file (a package.json typed by mistake) is never overwritten:
// the whole history is scanned, every finding reported, the file keeps its
// bytes, and the run says the state was not saved (exit 3 unless findings
// fail it).
func TestHistoryStateForeignFileLeftAlone(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(65).PersonalToken()
	g := newRepo(t)
	g.commit(map[string]string{"src/settings.py": "CLICKUP_TOKEN = '" + tok + "'\n", "package.json": `{"name":"app","version":"1.0.0"}` + "\n"})
	before, err := os.ReadFile(filepath.Join(g.dir, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := runAction(t, historyEnv(t, g, nil, "package.json"), nil)
	assertNoLeak(t, r, nil, tok)
	wantFindings(t, r, 1)
	if !errors.Is(r.out.StateNotSaved, history.ErrStateNotSaved) {
		t.Errorf("StateNotSaved = %v, want the state reported as not saved", r.out.StateNotSaved)
	}
	if !strings.Contains(r.stdout, "::warning::history-state package.json: state file not saved: it is not a clickup-secret-scan state file, so it was left untouched") {
		t.Errorf("no warning that the file was left untouched:\n%s", redactAll(r.stdout))
	}
	after, err := os.ReadFile(filepath.Join(g.dir, "package.json"))
	if err != nil || string(after) != string(before) {
		t.Errorf("package.json changed: %q, %v", after, err)
	}
	noLeftovers(t, g.dir)
}

// TestHistoryStateOutsideWorkspace: a Docker action keeps nothing outside
// the workspace, so a state path there is a usage error, before any scan.
func TestHistoryStateOutsideWorkspace(t *testing.T) {
	t.Parallel()
	for _, input := range []string{"../state.json", filepath.Join(t.TempDir(), "runner-temp", "state.json"), "."} {
		g := newRepo(t)
		g.commit(map[string]string{"README.md": "hello\n"})
		r := runAction(t, historyEnv(t, g, nil, input), nil)
		if !errors.Is(r.err, ErrUsage) || !strings.Contains(r.err.Error(), "not a file inside the workspace") {
			t.Errorf("history-state %q: err = %v, want a usage error naming the workspace", input, r.err)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(g.dir), "state.json")); err == nil {
			t.Errorf("history-state %q: a state was written outside the workspace", input)
		}
	}
}
