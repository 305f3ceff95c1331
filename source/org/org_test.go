package org_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/org"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/org/orgtest"
)

var githubToken = orgtest.GitHubToken

type world = orgtest.World

func newWorld(t *testing.T) *world { return orgtest.NewWorld(t, "../..", githubToken) }

func options(w *world) org.Options {
	return org.Options{
		Client:  &org.Client{APIURL: w.Srv.APIURL(), Token: githubToken, Retries: 3, Backoff: time.Millisecond},
		Owner:   "acme",
		Workers: 3,
	}
}
func findingIDs(rep report.Report) []string {
	var ids []string
	for _, f := range rep.Findings {
		ids = append(ids, f.ID)
	}
	slices.Sort(ids)
	return ids
}

func idOf(tok string) string { return scanner.NewSecret(tok).ID() }

func TestScanOrganisation(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	opts := options(w)
	opts.TempDir = t.TempDir()
	res, err := org.Scan(context.Background(), opts)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if left, _ := os.ReadDir(opts.TempDir); len(left) != 0 {
		t.Errorf("%d clones left behind without --cache-dir", len(left))
	}
	var names []string
	for _, rr := range res.Repos {
		names = append(names, rr.Repo.Name)
	}
	if want := []string{"api", "clean", "empty", "flaky", "gone", "web"}; !slices.Equal(names, want) {
		t.Fatalf("scanned %v, want %v (archived and forks skipped)", names, want)
	}
	if res.Listed != 8 {
		t.Errorf("listed %d repositories, want 8 (three pages of three)", res.Listed)
	}
	for _, rr := range res.Repos {
		switch rr.Repo.Name {
		case "gone":
			if rr.Err == nil || !strings.Contains(rr.Err.Error(), "not found") {
				t.Errorf("gone: error %v, want a not-found clone error", rr.Err)
			}
		default:
			if rr.Err != nil {
				t.Errorf("%s: %v", rr.Repo.Name, rr.Err)
			}
		}
		if rr.Repo.Name == "empty" && rr.Stats.Files != 0 {
			t.Errorf("empty: %d blobs scanned, want 0", rr.Stats.Files)
		}
	}
	if res.Failed() != 1 {
		t.Errorf("Failed() = %d, want 1", res.Failed())
	}
	if n := w.Srv.UploadPacks["flaky"]; n != 1 {
		t.Errorf("flaky: %d upload-pack requests served, want 1 after two 500s", n)
	}

	rep := res.Report()
	want := []string{idOf(w.Tokens["shared"]), idOf(w.Tokens["web"]), idOf(w.Tokens["flaky"])}
	slices.Sort(want)
	if got := findingIDs(rep); !slices.Equal(got, want) {
		t.Fatalf("finding ids %v, want %v", got, want)
	}
	for _, f := range rep.Findings {
		for _, l := range f.Locations {
			if l.Repository == "" || !strings.HasPrefix(l.Repository, "acme/") {
				t.Errorf("location %s has repository %q", l.Path, l.Repository)
			}
		}
		if f.ID == idOf(w.Tokens["shared"]) {
			var repos []string
			for _, l := range f.Locations {
				repos = append(repos, l.Repository)
			}
			if !slices.Equal(repos, []string{"acme/api", "acme/web"}) {
				t.Errorf("shared token found in %v, want one finding in acme/api and acme/web", repos)
			}
		}
	}
	if !slices.ContainsFunc(rep.Stats.Errors, func(e string) bool { return strings.HasPrefix(e, "acme/gone: ") }) {
		t.Errorf("stats.errors %q do not name acme/gone", rep.Stats.Errors)
	}

	var out bytes.Buffer
	for _, format := range []string{"json", "sarif"} {
		if err := report.Write(&out, format, rep); err != nil {
			t.Fatal(err)
		}
	}
	if err := org.WriteText(&out, rep, res); err != nil {
		t.Fatal(err)
	}
	for name, tok := range w.Tokens {
		if strings.Contains(out.String(), tok) {
			t.Errorf("the %s ClickUp token is in clear in a report", name)
		}
	}
	if strings.Contains(out.String(), githubToken) {
		t.Error("the GitHub token is in a report")
	}
	if !strings.Contains(out.String(), `"repository": "acme/web"`) {
		t.Error(`JSON locations lack "repository": "acme/web"`)
	}
	if w.Srv.Contains(githubToken) {
		t.Error("the GitHub token travelled in a request URL")
	}
}

func TestTextGroupedByRepository(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	res, err := org.Scan(context.Background(), options(w))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := org.WriteText(&out, res.Report(), res); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	var headers []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "== ") {
			headers = append(headers, line)
		}
	}
	want := []string{"== acme/api ==", "== acme/flaky ==", "== acme/gone ==", "== acme/web ==", ""}[:4]
	if !slices.Equal(headers, want) {
		t.Errorf("headers %q, want %q", headers, want)
	}
	// The shared token is listed under both repositories, each with its own path.
	api := text[strings.Index(text, "== acme/api =="):strings.Index(text, "== acme/flaky ==")]
	if !strings.Contains(api, "config/.env") || strings.Contains(api, "deploy/ci.env") {
		t.Errorf("acme/api block does not hold only its own locations:\n%s", api)
	}
	if !strings.Contains(text, "acme: 3 ClickUp credential(s) in 4 location(s) across 3 repositories; 6 repositories scanned, 1 failed") {
		t.Errorf("totals line missing or wrong:\n%s", text)
	}
}

func TestCacheAndStateRerun(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	opts := options(w)
	opts.CacheDir = filepath.Join(t.TempDir(), "cache")
	opts.StateDir = filepath.Join(t.TempDir(), "state")
	first, err := org.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	packs := w.Srv.UploadPacks["api"]
	if _, err := os.Stat(filepath.Join(opts.CacheDir, "acme__api.git", "HEAD")); err != nil {
		t.Fatalf("no cached clone: %v", err)
	}
	if _, err := os.Stat(filepath.Join(opts.StateDir, "acme__api.json")); err != nil {
		t.Fatalf("no history state: %v", err)
	}

	second, err := org.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.Srv.UploadPacks["api"]; got != packs {
		t.Errorf("api: %d upload-packs after an up-to-date rerun, want %d (fetch, not clone)", got, packs)
	}
	// With nothing new, the history state lets a rerun read only the blobs
	// that held open findings (to report them again): one in api, one in
	// flaky, two in web, none in clean.
	if f := second.Report().Stats.Files; f != 4 {
		t.Errorf("rerun with nothing new scanned %d blobs, want the 4 that hold findings", f)
	}
	if a, b := findingIDs(first.Report()), findingIDs(second.Report()); !slices.Equal(a, b) {
		t.Errorf("rerun reports %v, want the open findings %v again", b, a)
	}

	// A new commit with a new token: only it is fetched and scanned.
	late := w.Tokens["late"]
	repo := w.Srv.Lookup("api")
	w.Srv.Commit(repo, "late", map[string]string{"late.env": "CLICKUP_API_TOKEN=" + late + "\n"})
	// The empty repository gets its first commit: its cached clone, made
	// empty, is fetched into.
	w.Srv.Commit(w.Srv.Lookup("empty"), "first", map[string]string{"notes.txt": "no secret here\n"})
	third, err := org.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	rep := third.Report()
	if !slices.Contains(findingIDs(rep), idOf(late)) {
		t.Errorf("the token committed after the first run was not found")
	}
	if rep.Stats.Files != 6 {
		t.Errorf("third run scanned %d blobs, want 6: the 4 with open findings and the 2 new ones", rep.Stats.Files)
	}
	for i, res := range []org.Result{first, second, third} {
		for _, rr := range res.Repos {
			if (rr.Err != nil) != (rr.Repo.Name == "gone") {
				t.Errorf("run %d, %s: error %v", i+1, rr.Repo.Name, rr.Err)
			}
			if rr.Repo.Name == "empty" && i == 2 && rr.Stats.Files != 1 {
				t.Errorf("run 3: %d blobs scanned in the formerly empty repository, want 1", rr.Stats.Files)
			}
		}
	}
}

func TestErrorsNeverHoldTheToken(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.Srv.APIFault = func(n int) (int, string) {
		return http.StatusInternalServerError, "upstream said: token " + githubToken
	}
	opts := options(w)
	_, err := org.Scan(context.Background(), opts)
	if err == nil {
		t.Fatal("a listing that always fails gave no error")
	}
	if strings.Contains(err.Error(), githubToken) {
		t.Errorf("the error holds the token: %v", err)
	}
	if n := w.Srv.APICalls(); n != 4 {
		t.Errorf("%d API calls, want 4 (one and three retries)", n)
	}
}

func TestOwnerNotFound(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	opts := options(w)
	opts.Owner = "nobody"
	_, err := org.Scan(context.Background(), opts)
	if !errors.Is(err, org.ErrOwnerNotFound) {
		t.Fatalf("error %v, want ErrOwnerNotFound", err)
	}
	// A user's repositories come from GET /users/{username}/repos, which
	// the fake validates against its own description.
	opts.Owner, opts.User = "acme", true
	repos, listed, err := org.Plan(context.Background(), opts)
	if err != nil || listed != 8 || len(repos) != 6 {
		t.Errorf("--user listing: %d listed, %d kept, %v; want 8 and 6", listed, len(repos), err)
	}
	if !w.Srv.Contains("GET /api/v3/users/acme/repos?") {
		t.Errorf("the user listing did not use GET /users/{username}/repos")
	}
}

func TestTokenNotSentToAnotherHost(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	other := orgtest.New(t, "../..", "acme", "other-token")
	elsewhere := other.AddRepo(orgtest.Repo{Name: "api"})
	other.Commit(elsewhere, "x", map[string]string{"a": "b"})
	w.Srv.AddRepo(orgtest.Repo{Name: "moved", CloneURL: other.URL() + "/acme/api.git"})
	opts := options(w)
	opts.Filter.Globs = []string{"moved"}
	res, err := org.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Repos) != 1 || !errors.Is(res.Repos[0].Err, org.ErrForeignHost) {
		t.Fatalf("results %+v, want one ErrForeignHost", res.Repos)
	}
	if other.GitCalls("api") != 0 {
		t.Errorf("the other host received %d git requests", other.GitCalls("api"))
	}
}

func TestBrokenRepositoriesFailAlone(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, r := range []orgtest.Repo{
		{Name: "broken", CorruptPack: true},
		{Name: "denied", CloneFault: func(int) int { return http.StatusForbidden }},
		{Name: "down", CloneFault: func(int) int { return http.StatusBadGateway }},
	} {
		rp := w.Srv.AddRepo(r)
		w.Srv.Commit(rp, "x", map[string]string{"a.txt": "a\n"})
	}
	opts := options(w)
	opts.Filter.Globs = []string{"broken", "denied", "down", "clean"}
	res, err := org.Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"broken": "failed to clone: ",
		"denied": "failed to clone: access denied",
		"down":   "failed to clone: HTTP 502",
	}
	for _, rr := range res.Repos {
		switch prefix, bad := want[rr.Repo.Name]; {
		case !bad && rr.Err != nil:
			t.Errorf("%s: %v", rr.Repo.Name, rr.Err)
		case bad && (rr.Err == nil || !strings.HasPrefix(rr.Err.Error(), prefix)):
			t.Errorf("%s: error %v, want one starting %q", rr.Repo.Name, rr.Err, prefix)
		}
	}
	if res.Failed() != 3 || len(res.Repos) != 4 {
		t.Errorf("%d of %d failed, want 3 of 4", res.Failed(), len(res.Repos))
	}
	if n := w.Srv.GitCalls("down"); n != 4 {
		t.Errorf("down: %d git requests, want 4 (one and three retries)", n)
	}
	if n := w.Srv.GitCalls("denied"); n != 1 {
		t.Errorf("denied: %d git requests, want 1 (a 403 is not retried)", n)
	}
}
