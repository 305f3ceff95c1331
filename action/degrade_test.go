package action

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

// shallowCheckout is a depth-1 style workspace: one commit (the merge
// commit GitHub checks out) holding the token on line 3 of src/config.js,
// and none of the PR's or push's commits.
func shallowCheckout(t *testing.T, tok string) string {
	t.Helper()
	g := newRepo(t)
	g.commit(map[string]string{
		"README.md":     "# hello\n",
		"src/config.js": "// config\nexport const url = 'https://api.clickup.com';\nexport const CLICKUP_TOKEN = '" + tok + "';\n",
	})
	return g.dir
}

var sarifDirSource = regexp.MustCompile(`"source":\s*"dir"`)

// TestShallowAPIFailureScansCheckout: the base commit is not in the clone
// and GitHub fails throughout (a 5xx storm, or no network at all), so the
// commit range cannot be scanned. The checked-out files are scanned
// instead: the token at head is reported everywhere, with a warning that
// the range was not scanned, and the run stays incomplete. Never on
// pull_request_target.
func TestShallowAPIFailureScansCheckout(t *testing.T) {
	t.Parallel()
	storm := func(status int) fault {
		return func(string, string, int) (int, http.Header, bool) { return status, nil, true }
	}
	for _, tc := range []struct {
		name  string
		event string
		// write writes the event payload for base..head into dir.
		write func(t *testing.T, dir, base, head string) string
		fault fault
		// down makes GITHUB_API_URL a closed port: network errors.
		down     bool
		fallback bool
	}{
		{"pull_request, 500 storm", "pull_request", func(t *testing.T, dir, base, head string) string {
			return payload(t, dir, "pull_request/opened.payload.json", setPR(base, head))
		}, storm(http.StatusInternalServerError), false, true},
		{"pull_request, network down", "pull_request", func(t *testing.T, dir, base, head string) string {
			return payload(t, dir, "pull_request/opened.payload.json", setPR(base, head))
		}, nil, true, true},
		{"push, 502 storm", "push", func(t *testing.T, dir, base, head string) string {
			p := filepath.Join(dir, "push.json")
			os.WriteFile(p, []byte(`{"ref":"refs/heads/main","before":"`+base+`","after":"`+head+`","repository":{"full_name":"Codertocat/Hello-World","default_branch":"main"}}`), 0o644)
			return p
		}, storm(http.StatusBadGateway), false, true},
		{"merge_group, 503 storm", "merge_group", func(t *testing.T, dir, base, head string) string {
			p := filepath.Join(dir, "merge_group.json")
			os.WriteFile(p, []byte(`{"action":"checks_requested","merge_group":{"base_sha":"`+base+`","head_sha":"`+head+`"}}`), 0o644)
			return p
		}, storm(http.StatusServiceUnavailable), false, true},
		{"pull_request_target never reads the checkout", "pull_request_target", func(t *testing.T, dir, base, head string) string {
			return payload(t, dir, "pull_request/opened.payload.json", setPR(base, head))
		}, storm(http.StatusInternalServerError), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok := fixtures.NewGen(21).PersonalToken()
			ws := shallowCheckout(t, tok)
			base, head := strings.Repeat("1", 40), strings.Repeat("2", 40)
			tmp := t.TempDir()
			ev := tc.write(t, tmp, base, head)
			gh := newFakeGitHub(t, "")
			gh.fault = tc.fault
			apiURL := gh.URL()
			if tc.down {
				apiURL = "http://127.0.0.1:1"
			}
			env := actionEnv(ws, tc.event, ev, apiURL)
			var roots [][]string
			r := runAction(t, env, fakeSources{dirs: func(rs, include, exclude []string) source.Source {
				roots = append(roots, rs)
				return LocalSources{}.Dirs(rs, include, exclude)
			}})
			gh.check()
			assertNoLeak(t, r, gh, tok)
			if r.err != nil {
				t.Fatalf("Run: %v\nstderr: %s", redactAll(fmt.Sprint(r.err)), redactAll(r.stderr))
			}
			if !r.out.Incomplete || r.out.CheckoutScanned != tc.fallback {
				t.Errorf("outcome = %+v, want Incomplete and CheckoutScanned=%v", r.out, tc.fallback)
			}
			if !strings.Contains(r.stdout, "::error::") {
				t.Errorf("no error annotation says the range was not scanned:\n%s", redactAll(r.stdout))
			}
			if !tc.fallback {
				if len(roots) != 0 || r.out.Findings != 0 {
					t.Errorf("pull_request_target read the checkout (dir scans of %q, %d findings)", roots, r.out.Findings)
				}
				return
			}
			if len(roots) != 1 || len(roots[0]) != 1 || roots[0][0] != ws {
				t.Errorf("dir scans = %q, want one of the workspace %s", roots, ws)
			}
			wantFindings(t, r, 1)
			if !masked(r.stdout, tok) {
				t.Errorf("stdout does not mask the token")
			}
			for _, want := range []string{"::warning::", "could NOT be scanned", "fetch-depth: 0"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, redactAll(r.stdout))
				}
			}
			if !strings.Contains(r.stdout, "::error col=") || !strings.Contains(r.stdout, "file=src/config.js,line=3") {
				t.Errorf("no error annotation on src/config.js:3:\n%s", redactAll(r.stdout))
			}
			red := scanner.NewSecret(tok).Redacted()
			if !strings.Contains(r.summary, red) || !strings.Contains(r.summary, "could NOT be scanned") {
				t.Errorf("the job summary lacks the finding or the warning:\n%s", redactAll(r.summary))
			}
			if !strings.Contains(r.sarif, "clickup-personal-token") || !strings.Contains(r.sarif, "src/config.js") || !sarifDirSource.MatchString(r.sarif) {
				t.Errorf("SARIF lacks the finding at src/config.js with source dir:\n%.2000s", redactAll(r.sarif))
			}
			if strings.Contains(r.sarif, ".git/") {
				t.Errorf("the fallback scanned .git:\n%.2000s", redactAll(r.sarif))
			}
		})
	}
}

// TestUnwritableFileCommands: GITHUB_OUTPUT or GITHUB_STEP_SUMMARY cannot
// be written (a directory, a missing parent: both fail for root too). The
// run still does everything else (annotations, SARIF, the other file),
// then reports each failure once, on stderr and as an error annotation,
// and returns it in the Outcome; the findings count is not lost.
func TestUnwritableFileCommands(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		clean  bool
		broken string // GITHUB_OUTPUT or GITHUB_STEP_SUMMARY
		// path makes the unwritable path in tmp.
		path func(tmp string) string
	}{
		{"outputs a directory, findings", false, "GITHUB_OUTPUT", func(tmp string) string { return tmp }},
		{"outputs a directory, clean", true, "GITHUB_OUTPUT", func(tmp string) string { return tmp }},
		{"outputs in a missing directory, findings", false, "GITHUB_OUTPUT", func(tmp string) string { return filepath.Join(tmp, "gone", "output") }},
		{"summary in a missing directory, findings", false, "GITHUB_STEP_SUMMARY", func(tmp string) string { return filepath.Join(tmp, "gone", "summary.md") }},
		{"summary a directory, clean", true, "GITHUB_STEP_SUMMARY", func(tmp string) string { return tmp }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPRFixture(t, 22)
			if tc.clean {
				payload(t, p.tmp, "pull_request/opened.payload.json", setPR(p.base, p.base))
			}
			env := actionEnv(p.repo.dir, "pull_request", p.event, "http://127.0.0.1:1")
			env["INPUT_COMMENT"] = "false"
			env[tc.broken] = tc.path(t.TempDir())
			r := runAction(t, env, nil)
			assertNoLeak(t, r, nil, p.token)
			if r.err != nil {
				t.Fatalf("Run: %v", redactAll(fmt.Sprint(r.err)))
			}
			want := 1
			if tc.clean {
				want = 0
			}
			if r.out.Findings != want {
				t.Errorf("findings = %d, want %d", r.out.Findings, want)
			}
			if r.out.FileCommandErr == nil || !strings.Contains(r.out.FileCommandErr.Error(), "could not write "+tc.broken) {
				t.Fatalf("FileCommandErr = %v, want one naming %s", r.out.FileCommandErr, tc.broken)
			}
			if other := map[string]string{"GITHUB_OUTPUT": "GITHUB_STEP_SUMMARY", "GITHUB_STEP_SUMMARY": "GITHUB_OUTPUT"}[tc.broken]; strings.Contains(r.out.FileCommandErr.Error(), other) {
				t.Errorf("FileCommandErr = %v also blames %s, which was writable", r.out.FileCommandErr, other)
			}
			msg := "could not write " + tc.broken
			if n := strings.Count(r.stderr, msg); n != 1 {
				t.Errorf("stderr says %q %d times, want once:\n%s", msg, n, redactAll(r.stderr))
			}
			if !strings.Contains(r.stdout, "::error::clickup-secret-scan: "+msg) {
				t.Errorf("no error annotation about %s:\n%s", tc.broken, redactAll(r.stdout))
			}
			// Everything else still happened.
			if !strings.Contains(r.sarif, `"version": "2.1.0"`) && !strings.Contains(r.sarif, `"version":"2.1.0"`) {
				t.Errorf("the SARIF file was not written:\n%.300s", r.sarif)
			}
			if tc.broken == "GITHUB_STEP_SUMMARY" && !strings.Contains(r.outputs, fmt.Sprintf("findings<<_GitHubActionsFileCommandDelimeter_\n%d\n", want)) {
				t.Errorf("outputs not set though GITHUB_OUTPUT was writable:\n%s", redactAll(r.outputs))
			}
			if tc.broken == "GITHUB_OUTPUT" && !strings.Contains(r.summary, "ClickUp secret scan") {
				t.Errorf("job summary not written though GITHUB_STEP_SUMMARY was writable:\n%s", redactAll(r.summary))
			}
			if !tc.clean && !strings.Contains(r.stdout, "file=src/config.js,line=3") {
				t.Errorf("the finding lost its annotation:\n%s", redactAll(r.stdout))
			}
		})
	}
}

// TestAuditModeUnwritableSummary: mode audit writes the checklist to the
// job summary; when it cannot, the Outcome says so.
func TestAuditModeUnwritableSummary(t *testing.T) {
	t.Parallel()
	env := actionEnv(t.TempDir(), "workflow_dispatch", filepath.Join(t.TempDir(), "e.json"), "http://127.0.0.1:1")
	env["INPUT_MODE"] = "audit"
	env["GITHUB_STEP_SUMMARY"] = t.TempDir()
	r := runActionOpts(t, env, Options{Audit: func(context.Context, string) (string, bool, error) {
		return "ClickUp security checklist: all passed\n", false, nil
	}})
	if r.err != nil || r.out.AuditFailed {
		t.Fatalf("err=%v outcome=%+v, want a passing audit", r.err, r.out)
	}
	if r.out.FileCommandErr == nil || !strings.Contains(r.stderr, "could not write GITHUB_STEP_SUMMARY") {
		t.Errorf("FileCommandErr = %v, stderr %q: want the unwritable summary reported", r.out.FileCommandErr, r.stderr)
	}
}
