package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/org/orgtest"
)

func init() { orgBackoff = time.Millisecond }

type orgCLI struct {
	t   *testing.T
	w   *orgtest.World
	env map[string]string
}

func newOrgCLI(t *testing.T) *orgCLI {
	w := orgtest.NewWorld(t, ".", orgtest.GitHubToken)
	return &orgCLI{t: t, w: w, env: map[string]string{
		"GITHUB_API_URL": w.Srv.APIURL(),
		"GH_TOKEN":       orgtest.GitHubToken,
	}}
}

// run runs the CLI and fails the test if any output holds a token.
func (c *orgCLI) run(args ...string) (int, string, string) {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return c.env[k] }, &stdout, &stderr)
	c.noTokens("stdout", stdout.String())
	c.noTokens("stderr", stderr.String())
	return code, stdout.String(), stderr.String()
}

func (c *orgCLI) noTokens(where, s string) {
	c.t.Helper()
	for role, tok := range c.w.Tokens {
		if strings.Contains(s, tok) {
			c.t.Errorf("%s holds the %s ClickUp token in clear", where, role)
		}
	}
	if strings.Contains(s, orgtest.GitHubToken) {
		c.t.Errorf("%s holds the GitHub token", where)
	}
}

func (c *orgCLI) noTokensInDir(dir string) {
	c.t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			c.noTokens(p, string(b))
		}
		return nil
	})
}

var progressRE = regexp.MustCompile(`(?m)^org: \[\d+/\d+\] (acme/[a-z]+):`)

// comparable is what must survive sharding and merging unchanged.
type comparable struct {
	IDs       []string
	Locations map[string][]scanner.Location
	Files     int64
	Bytes     int64
	Errors    []string
}

func comparableOf(t *testing.T, path string) comparable {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Findings []struct {
			ID        string             `json:"id"`
			Locations []scanner.Location `json:"locations"`
		} `json:"findings"`
		Stats struct {
			Files, Bytes int64
			ErrorCount   int64    `json:"error_count"`
			Errors       []string `json:"errors"`
		} `json:"stats"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	c := comparable{Locations: map[string][]scanner.Location{}, Files: r.Stats.Files, Bytes: r.Stats.Bytes, Errors: r.Stats.Errors}
	for _, f := range r.Findings {
		c.IDs = append(c.IDs, f.ID)
		c.Locations[f.ID] = f.Locations
	}
	slices.Sort(c.Errors)
	if int64(len(r.Stats.Errors)) != r.Stats.ErrorCount {
		t.Errorf("%s: error_count %d for %d errors", path, r.Stats.ErrorCount, len(r.Stats.Errors))
	}
	return c
}

func TestOrgShardsMergeToTheSingleRun(t *testing.T) {
	t.Parallel()
	c := newOrgCLI(t)
	tmp := t.TempDir()
	cache := filepath.Join(tmp, "cache")

	code, stdout, stderr := c.run("org", "--list", "--shards", "8", "acme")
	if code != exitClean || stdout != `{"include":[{"shard":"1/6"},{"shard":"2/6"},{"shard":"3/6"},{"shard":"4/6"},{"shard":"5/6"},{"shard":"6/6"}]}`+"\n" {
		t.Fatalf("--list: exit %d, stdout %q, stderr %s; want six shards for six repositories", code, stdout, stderr)
	}

	single := filepath.Join(tmp, "single.json")
	code, _, stderr = c.run("org", "--format", "json", "--output", single, "--cache-dir", cache, "acme")
	if code != exitFindings {
		t.Fatalf("single run: exit %d, want %d; stderr %s", code, exitFindings, stderr)
	}
	want := comparableOf(t, single)
	if len(want.IDs) != 3 || len(want.Errors) != 1 {
		t.Fatalf("single run: %d findings and errors %q, want 3 and the one of acme/gone", len(want.IDs), want.Errors)
	}

	for n := 1; n <= 8; n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			scanned := map[string]int{}
			var reports []string
			for k := 1; k <= n; k++ {
				out := filepath.Join(tmp, fmt.Sprintf("shard-%d-of-%d.json", k, n))
				code, _, stderr := c.run("org", "--shard", fmt.Sprintf("%d/%d", k, n), "--format", "json", "--output", out, "--cache-dir", cache, "acme")
				if code != exitClean && code != exitFindings && code != exitInternal {
					t.Fatalf("shard %d/%d: exit %d; stderr %s", k, n, code, stderr)
				}
				for _, m := range progressRE.FindAllStringSubmatch(stderr, -1) {
					scanned[m[1]]++
				}
				reports = append(reports, out)
			}
			for _, repo := range []string{"acme/api", "acme/clean", "acme/empty", "acme/flaky", "acme/gone", "acme/web"} {
				if scanned[repo] != 1 {
					t.Errorf("%s scanned %d times across %d shards, want once", repo, scanned[repo], n)
				}
			}
			if len(scanned) != 6 {
				t.Errorf("scanned %v, want six repositories", scanned)
			}
			merged := filepath.Join(tmp, fmt.Sprintf("merged-%d.json", n))
			code, _, stderr := c.run(append([]string{"merge", "--format", "json", "--output", merged}, reports...)...)
			if code != exitFindings {
				t.Fatalf("merge: exit %d; stderr %s", code, stderr)
			}
			got := comparableOf(t, merged)
			slices.Sort(got.IDs)
			w := want
			w.IDs = slices.Sorted(slices.Values(want.IDs))
			if !equalJSON(got, w) {
				gj, _ := json.MarshalIndent(got, "", " ")
				wj, _ := json.MarshalIndent(w, "", " ")
				t.Errorf("merge of %d shards differs from the single run:\n%s\nwant\n%s", n, gj, wj)
			}
		})
	}
	c.noTokensInDir(tmp)
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestOrgExitCodesAndOutputs(t *testing.T) {
	t.Parallel()
	c := newOrgCLI(t)
	tmp := t.TempDir()
	sarif := filepath.Join(tmp, "sarif")
	for _, tc := range []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"clean", []string{"--repo", "clean", "acme"}, exitClean, ""},
		{"empty", []string{"--repo", "empty", "acme"}, exitClean, ""},
		{"failed", []string{"--repo", "gone", "acme"}, exitInternal, "could not be scanned"},
		{"failed beats nothing, findings beat failed", []string{"--repo", "gone", "--repo", "api", "--sarif-dir", sarif, "acme"}, exitFindings, "1 repositor(ies) could not be scanned"},
		{"bad shard", []string{"--shard", "9/8", "acme"}, exitUsage, "invalid shard"},
		{"no owner", []string{}, exitUsage, "one argument"},
		{"bad owner", []string{"../etc"}, exitUsage, "invalid owner"},
		{"unknown owner", []string{"nobody"}, exitUsage, "owner not found"},
		{"bad format", []string{"--format", "xml", "acme"}, exitUsage, "--format"},
		{"bad glob", []string{"--repo", "a[", "acme"}, exitUsage, "--repo: invalid repository name pattern"},
		{"list and shard", []string{"--list", "--shard", "1/2", "acme"}, exitUsage, "exclude"},
		{"shards without list", []string{"--shards", "4", "acme"}, exitUsage, "--shard K/N"},
		{"too many shards", []string{"--list", "--shards", "257", "acme"}, exitUsage, "between 1 and 256"},
	} {
		code, _, stderr := c.run(append([]string{"org"}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.err) {
			t.Errorf("%s: exit %d, want %d; stderr %q should hold %q", tc.name, code, tc.code, stderr, tc.err)
		}
	}
	entries, err := os.ReadDir(sarif)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"acme__api.sarif"}) {
		t.Errorf("--sarif-dir wrote %v, want acme__api.sarif alone", names)
	}
	b, _ := os.ReadFile(filepath.Join(sarif, "acme__api.sarif"))
	if !strings.Contains(string(b), `"uri": "config/.env"`) {
		t.Errorf("the SARIF file does not point at config/.env relative to the repository:\n%s", b)
	}
	c.noTokensInDir(tmp)
}

func TestOrgTextGroupsByRepository(t *testing.T) {
	t.Parallel()
	c := newOrgCLI(t)
	code, stdout, _ := c.run("org", "--repo", "api", "--repo", "web", "acme")
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	api, web := strings.Index(stdout, "== acme/api =="), strings.Index(stdout, "== acme/web ==")
	if api < 0 || web < api {
		t.Fatalf("no repository headers in order:\n%s", stdout)
	}
	if strings.Count(stdout, scanner.NewSecret(c.w.Tokens["shared"]).ID()) != 2 {
		t.Errorf("the shared token is not listed under both repositories:\n%s", stdout)
	}
	if !strings.Contains(stdout, "acme: 2 ClickUp credential(s) in 3 location(s) across 2 repositories") {
		t.Errorf("no totals line counting the shared token once:\n%s", stdout)
	}
}

func TestOrgPlanFileSparesTheListing(t *testing.T) {
	t.Parallel()
	c := newOrgCLI(t)
	plan := filepath.Join(t.TempDir(), "plan.json")
	code, stdout, stderr := c.run("org", "--list", "--shards", "3", "--plan", plan, "acme")
	if code != exitClean || !strings.Contains(stdout, `"3/3"`) {
		t.Fatalf("--list --plan: exit %d, %s %s", code, stdout, stderr)
	}
	calls := c.w.Srv.APICalls()
	scanned := map[string]int{}
	for k := 1; k <= 3; k++ {
		code, _, stderr := c.run("org", "--shard", fmt.Sprintf("%d/3", k), "--plan", plan, "--format", "json", "acme")
		if code == exitUsage {
			t.Fatalf("shard %d: %s", k, stderr)
		}
		for _, m := range progressRE.FindAllStringSubmatch(stderr, -1) {
			scanned[m[1]]++
		}
	}
	if n := c.w.Srv.APICalls(); n != calls {
		t.Errorf("the shard jobs made %d API requests, want none with a plan", n-calls)
	}
	if len(scanned) != 6 {
		t.Errorf("scanned %v, want the six planned repositories once each", scanned)
	}
	for repo, n := range scanned {
		if n != 1 {
			t.Errorf("%s scanned %d times", repo, n)
		}
	}
	if code, _, stderr := c.run("org", "--plan", plan, "other"); code != exitUsage || !strings.Contains(stderr, `"acme", not "other"`) {
		t.Errorf("a plan for another owner: exit %d, %s", code, stderr)
	}
}

// TestOrgMemoryLimitScalesWithWorkers checks that an org run holds one
// soft memory limit for its whole run, the history scan's limit times
// --workers, and puts the previous one back. It is not parallel: the limit
// is process-wide, and another test's history run would change it.
func TestOrgMemoryLimitScalesWithWorkers(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	c := newOrgCLI(t)
	prev := debug.SetMemoryLimit(-1)
	stop, seen := make(chan struct{}), make(chan []int64)
	go func() {
		var limits []int64
		for {
			select {
			case <-stop:
				seen <- limits
				return
			default:
			}
			if got := debug.SetMemoryLimit(-1); got != prev && !slices.Contains(limits, got) {
				limits = append(limits, got)
			}
			time.Sleep(time.Millisecond)
		}
	}()
	code, _, stderr := c.run("org", "--workers", "3", "--repo", "api", "--repo", "web", "acme")
	close(stop)
	limits := <-seen
	if code != exitFindings {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	if want := []int64{3 * history.ScanMemoryLimit}; !slices.Equal(limits, want) {
		t.Errorf("memory limits during the run %v, want only %v", limits, want)
	}
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("limit after the run %d, want the previous %d", got, prev)
	}
}

// TestOrgOutcomeExitZero checks the exit rule with and without
// --exit-zero: findings alone exit 0 with it, a failed repository still
// fails the run.
func TestOrgOutcomeExitZero(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		findings, failed int
		exitZero         bool
		want             int
	}{
		{0, 0, false, exitClean},
		{2, 0, false, exitFindings},
		{2, 1, false, exitFindings},
		{0, 1, false, exitInternal},
		{2, 0, true, exitClean},
		{2, 1, true, exitInternal},
		{0, 1, true, exitInternal},
	} {
		if got := exitCode(orgOutcome(tc.findings, tc.failed, tc.exitZero), io.Discard); got != tc.want {
			t.Errorf("orgOutcome(findings %d, failed %d, exit-zero %v): exit %d, want %d", tc.findings, tc.failed, tc.exitZero, got, tc.want)
		}
	}
}

// TestOrgQuiet: --quiet prints nothing for a clean run, and keeps the line
// of a repository that failed, which the exit code alone would not explain.
func TestOrgQuiet(t *testing.T) {
	t.Parallel()
	c := newOrgCLI(t)
	if code, stdout, stderr := c.run("org", "--quiet", "--repo", "clean", "acme"); code != exitClean || stdout != "" || stderr != "" {
		t.Errorf("org --quiet on a clean repository: exit %d, stdout %q, stderr %q; want nothing", code, stdout, stderr)
	}
	code, _, stderr := c.run("org", "-q", "--repo", "gone", "acme")
	if code != exitInternal || !strings.Contains(stderr, "acme/gone: FAILED") {
		t.Errorf("org -q with a failed repository: exit %d, stderr %q; want its FAILED line", code, stderr)
	}
}
