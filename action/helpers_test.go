package action

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/sethvargo/go-githubactions"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

const payloads = "../testdata/octokit-webhooks/payload-examples/api.github.com/"

// repo is a real git repository in a temporary directory.
type repo struct {
	t   *testing.T
	dir string
	r   *git.Repository
	n   int
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	fx := fixtures.NewRepo(t, fixtures.Identity{}, time.Time{}, 0)
	r, err := git.PlainOpen(fx.Dir)
	if err != nil {
		t.Fatal(err)
	}
	return &repo{t: t, dir: fx.Dir, r: r}
}

// commit writes files (path -> content; "" deletes) and commits them,
// returning the commit id.
func (g *repo) commit(files map[string]string) string {
	g.t.Helper()
	fx := &fixtures.Repo{T: g.t, Dir: g.dir, As: fixtures.Identity{Name: "Dev", Email: "dev@example.com"},
		Date: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Step: time.Minute, Commits: g.n}
	// Only the named files are staged: tests keep event files in the
	// work tree that are not part of the history.
	for p, c := range files {
		if c == "" {
			fx.Git("rm", "-q", "--", p)
			continue
		}
		fx.Write(p, c)
		fx.Git("add", "--", p)
	}
	g.n++
	fx.Commits = g.n
	fx.Git("commit", "-q", "--allow-empty", "-m", "commit "+string(rune('a'+g.n)))
	return fx.Git("rev-parse", "HEAD")
}

func (g *repo) branch(name, sha string) {
	g.t.Helper()
	(&fixtures.Repo{T: g.t, Dir: g.dir}).Branch(name, sha)
}

// payload copies a webhook example into dir with edits applied. The
// examples' commit ids are rewritten to the test repository's, since no
// repository with the examples' commits exists.
func payload(t *testing.T, dir, example string, edit func(m map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile(payloads + example)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(m)
	}
	out, _ := json.Marshal(m)
	p := filepath.Join(dir, "event.json")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// setPR points a pull_request payload at base..head.
func setPR(base, head string) func(map[string]any) {
	return func(m map[string]any) {
		pr := m["pull_request"].(map[string]any)
		pr["base"].(map[string]any)["sha"] = base
		pr["head"].(map[string]any)["sha"] = head
	}
}

// sleeps records the waits the client asked for instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

func (s *sleeps) total() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var t time.Duration
	for _, d := range s.d {
		t += d
	}
	return t
}

// run is one Action run and everything it wrote.
type run struct {
	out            Outcome
	err            error
	stdout, stderr string
	outputs        string
	summary        string
	sarif          string
	audit          string
	sleeps         *sleeps
}

// actionEnv is a runner environment for the workspace ws.
func actionEnv(ws, event, eventPath, apiURL string) map[string]string {
	tmp := filepath.Join(filepath.Dir(eventPath))
	return map[string]string{
		"GITHUB_WORKSPACE":    ws,
		"GITHUB_EVENT_NAME":   event,
		"GITHUB_EVENT_PATH":   eventPath,
		"GITHUB_REPOSITORY":   "Codertocat/Hello-World",
		"GITHUB_API_URL":      apiURL,
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_RUN_ID":       "42",
		"GITHUB_OUTPUT":       filepath.Join(tmp, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary.md"),
		"INPUT_GITHUB-TOKEN":  "test-github-token",
		"INPUT_AUDIT-LOG":     filepath.Join(tmp, "audit.jsonl"),
		"INPUT_SARIF-FILE":    "out.sarif",
	}
}

// scanFunc is a source.Source made of its Scan function, to inject faults.
type scanFunc func(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (source.Result, error)

func (scanFunc) Mode() report.Mode { return "" }

func (f scanFunc) Scan(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (source.Result, error) {
	return f(ctx, sc, col)
}

// fakeSources are LocalSources with some of their sources replaced.
type fakeSources struct {
	LocalSources
	rng  func(repoPath, base, head string) source.Source
	hist func(repoPath, statePath string) source.Source
	dirs func(roots, include, exclude []string) source.Source
}

func (f fakeSources) Range(repoPath, base, head string) source.Source {
	if f.rng != nil {
		return f.rng(repoPath, base, head)
	}
	return f.LocalSources.Range(repoPath, base, head)
}

func (f fakeSources) History(repoPath, statePath string) source.Source {
	if f.hist != nil {
		return f.hist(repoPath, statePath)
	}
	return f.LocalSources.History(repoPath, statePath)
}

func (f fakeSources) Dirs(roots, include, exclude []string) source.Source {
	if f.dirs != nil {
		return f.dirs(roots, include, exclude)
	}
	return f.LocalSources.Dirs(roots, include, exclude)
}

// runAction runs the Action with env and collects its outputs; nil src
// means LocalSources.
func runAction(t *testing.T, env map[string]string, src Sources) run {
	t.Helper()
	return runActionOpts(t, env, Options{Sources: src})
}

// runActionPost is runAction with a post-processing step (ignore rules,
// verification), as the CLI passes one.
func runActionPost(t *testing.T, env map[string]string, src Sources, post func(context.Context, report.Report) (report.Report, error)) run {
	t.Helper()
	return runActionOpts(t, env, Options{Sources: src, PostProcess: post})
}

// runActionOpts runs the Action with env and o's Sources, PostProcess and
// Audit, and collects its outputs.
func runActionOpts(t *testing.T, env map[string]string, o Options) run {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	gha := githubactions.New(githubactions.WithWriter(&stdout), githubactions.WithGetenv(getenv))
	res := run{sleeps: &sleeps{}}
	in, err := ReadInputs(gha)
	if err != nil {
		res.err = err
	} else {
		res.out, res.err = Run(context.Background(), in, Options{Getenv: getenv, Stdout: &stdout, Stderr: &stderr, Sleep: res.sleeps.sleep, Sources: o.Sources, PostProcess: o.PostProcess, Audit: o.Audit})
	}
	res.stdout, res.stderr = stdout.String(), stderr.String()
	read := func(p string) string {
		if p == "" {
			return ""
		}
		b, _ := os.ReadFile(p)
		return string(b)
	}
	res.outputs = read(env["GITHUB_OUTPUT"])
	res.summary = read(env["GITHUB_STEP_SUMMARY"])
	res.audit = read(env["INPUT_AUDIT-LOG"])
	if s := env["INPUT_SARIF-FILE"]; s != "" {
		res.sarif = read(filepath.Join(env["GITHUB_WORKSPACE"], s))
	}
	return res
}

// assertNoLeak searches every byte a run wrote, and every request the fake
// server received, for the raw secrets. The only place a raw value may
// appear is a ::add-mask:: line on stdout, which the runner consumes and
// never shows; those lines must come before any other output.
func assertNoLeak(t *testing.T, r run, gh *fakeGitHub, secrets ...string) {
	t.Helper()
	var stdout []string
	masking := true
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, "::add-mask::") {
			if !masking {
				t.Errorf("::add-mask:: came after other output")
			}
			continue
		}
		if l != "" {
			masking = false
		}
		stdout = append(stdout, l)
	}
	blobs := map[string][]byte{
		"stdout":  []byte(strings.Join(stdout, "\n")),
		"stderr":  []byte(r.stderr),
		"outputs": []byte(r.outputs),
		"summary": []byte(r.summary),
		"sarif":   []byte(r.sarif),
		"audit":   []byte(r.audit),
	}
	if gh != nil {
		for i, b := range gh.allBodies() {
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("request %d sent to GitHub holds the raw secret %s", i, scanner.NewSecret(s))
				}
			}
		}
	}
	for name, b := range blobs {
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the raw secret %s", name, scanner.NewSecret(s))
			}
		}
	}
	if r.err != nil {
		for _, s := range secrets {
			if strings.Contains(r.err.Error(), s) {
				t.Errorf("the error holds the raw secret %s", scanner.NewSecret(s))
			}
		}
	}
}

// masked reports whether stdout masks each secret.
func masked(stdout string, secrets ...string) bool {
	for _, s := range secrets {
		if !strings.Contains(stdout, "::add-mask::"+s+"\n") {
			return false
		}
	}
	return true
}

var tokenShape = regexp.MustCompile(`pk_[0-9]{7,9}_[0-9A-Z]{32}`)

// redactAll replaces every personal token in s with its redacted form, so
// that a failure message never prints a raw token (stdout holds them in
// its ::add-mask:: lines).
func redactAll(s string) string {
	// RedactShapesString also catches the escaped spellings (pk\_...).
	return scanner.RedactShapesString(tokenShape.ReplaceAllStringFunc(s, func(m string) string { return scanner.NewSecret(m).Redacted() }))
}
