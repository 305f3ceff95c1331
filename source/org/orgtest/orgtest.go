// Package orgtest is a fake GitHub for tests of org-wide scans: the REST
// listing of an owner's repositories, validated against GitHub's own
// OpenAPI description, and real git over smart HTTP (git http-backend run
// as CGI) that refuses any request without the token. Both are served from
// one 127.0.0.1 server, the way GitHub Enterprise Server serves them
// (API under /api/v3).
package orgtest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// Repo is one repository of the fake owner.
type Repo struct {
	Name     string
	Archived bool
	Fork     bool
	// SizeKB is what the API reports; 0 means the size of the bare repo.
	SizeKB int
	// Bare is the repository the git server serves.
	Bare string
	// commits counts the commits Commit made.
	commits int
	// CloneFault, when set, answers the n-th (from 1) git request for the
	// repository with a status instead of serving it; 0 serves it.
	CloneFault func(n int) int
	// CorruptPack makes the server answer git-upload-pack with bytes that
	// are not a pack.
	CorruptPack bool
	// CloneURL, when set, replaces the URL the API gives.
	CloneURL string
}

// T is what the server needs of a test; testing.TB has it, and so can a
// benchmark's own server command.
type T interface {
	Helper()
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
	TempDir() string
	Cleanup(func())
}

// Server is the fake GitHub.
type Server struct {
	t      T
	srv    *httptest.Server
	Owner  string
	Token  string
	root   string
	router routers.Router
	// PageSize is how many repositories a page holds at most (GitHub
	// allows up to 100; a small size forces pagination).
	PageSize int
	// APIFault, when set, answers the n-th (from 1) API request with a
	// status and body instead of the listing; 0 answers normally.
	APIFault func(n int) (int, string)

	mu       sync.Mutex
	repos    []*Repo
	apiCalls int
	gitCalls map[string]int
	// Requests records every request line received (method, path, query),
	// so tests can check that no token travelled in a URL.
	Requests []string
	// Invalid records requests that broke the API description or came
	// without the token.
	Invalid []string
	// UploadPacks counts POST .../git-upload-pack per repository (a clone
	// or a fetch that had something to fetch).
	UploadPacks map[string]int
}

// SpecPath is relative to the module root.
const SpecPath = "testdata/github-openapi/org.subset.json"

// New starts a fake GitHub for owner with the given token, reading the
// OpenAPI description from moduleRoot/SpecPath.
func New(t T, moduleRoot, owner, token string) *Server {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join(moduleRoot, SpecPath))
	if err != nil {
		t.Fatalf("failed to load the OpenAPI description: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("failed to route the OpenAPI description: %v", err)
	}
	s := &Server{t: t, Owner: owner, Token: token, root: t.TempDir(), router: router, PageSize: 100,
		gitCalls: map[string]int{}, UploadPacks: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		s.srv.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, inv := range s.Invalid {
			t.Errorf("fake GitHub: %s", inv)
		}
	})
	return s
}

// URL returns the server's base URL (http://127.0.0.1:PORT).
func (s *Server) URL() string { return s.srv.URL }

// APIURL returns GITHUB_API_URL for the fake.
func (s *Server) APIURL() string { return s.srv.URL + "/api/v3" }

// Root returns the directory the git server serves: a repository NAME of
// the owner is Root()/OWNER/NAME.git.
func (s *Server) Root() string { return s.root }

// Register adds a repository whose bare copy the caller already made at
// Root()/OWNER/NAME.git.
func (s *Server) Register(r Repo) {
	r.Bare = filepath.Join(s.root, s.Owner, r.Name+".git")
	s.mu.Lock()
	s.repos = append(s.repos, &r)
	s.mu.Unlock()
}

// tb returns the test for the helpers that run git through fixtures.
func (s *Server) tb() testing.TB {
	tb, ok := s.t.(testing.TB)
	if !ok {
		panic("orgtest: AddRepo needs a *testing.T")
	}
	return tb
}

// AddRepo creates an empty bare repository served over git; Commit adds
// to it.
func (s *Server) AddRepo(r Repo) *Repo {
	s.t.Helper()
	rp := &r
	rp.Bare = filepath.Join(s.root, s.Owner, r.Name+".git")
	if err := os.MkdirAll(filepath.Dir(rp.Bare), 0o755); err != nil {
		s.t.Fatalf("%v", err)
	}
	fixtures.Git(s.tb(), filepath.Dir(rp.Bare), "init", "-q", "--bare", "-b", "main", rp.Bare)
	s.mu.Lock()
	s.repos = append(s.repos, rp)
	s.mu.Unlock()
	return rp
}

// Commit adds one commit to the main branch of r's bare repository, with
// files (slash-separated path to content) written over its parent's tree,
// through one git fast-import: faster than a work tree and a push, and
// with fixed dates, so commit ids are stable.
func (s *Server) Commit(r *Repo, message string, files map[string]string) {
	s.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "commit refs/heads/main\ncommitter Dev One <dev@example.com> %d +0000\n", 1704164645+r.commits)
	fmt.Fprintf(&b, "data %d\n%s\n", len(message), message)
	if r.commits > 0 {
		b.WriteString("from refs/heads/main^0\n")
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		fmt.Fprintf(&b, "M 100644 inline %s\ndata %d\n%s\n", p, len(files[p]), files[p])
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = r.Bare
	cmd.Env = append(os.Environ(), "GIT_DIR="+r.Bare, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("git fast-import in %s: %v\n%s", r.Bare, err, out)
	}
	r.commits++
}

// Lookup returns the repository named name.
func (s *Server) Lookup(name string) *Repo {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.repos {
		if r.Name == name {
			return r
		}
	}
	s.t.Fatalf("no repository %q", name)
	return nil
}

// GitCalls returns how many git requests reached the repository.
func (s *Server) GitCalls(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gitCalls[name]
}

// APICalls returns how many API requests were answered.
func (s *Server) APICalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiCalls
}

func (s *Server) invalidf(format string, a ...any) {
	s.mu.Lock()
	s.Invalid = append(s.Invalid, fmt.Sprintf(format, a...))
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, req *http.Request) {
	s.mu.Lock()
	s.Requests = append(s.Requests, req.Method+" "+req.URL.RequestURI())
	s.mu.Unlock()
	if p, ok := strings.CutPrefix(req.URL.Path, "/api/v3"); ok {
		s.serveAPI(w, req, p)
		return
	}
	s.serveGit(w, req)
}

func (s *Server) serveAPI(w http.ResponseWriter, req *http.Request, path string) {
	vr := req.Clone(context.Background())
	vr.URL = &url.URL{Scheme: "https", Host: "api.github.com", Path: path, RawQuery: req.URL.RawQuery}
	vr.Host = "api.github.com"
	vr.RequestURI = ""
	vr.Body = http.NoBody
	route, params, err := s.router.FindRoute(vr)
	if err != nil {
		s.invalidf("%s %s: no such operation: %v", req.Method, path, err)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if req.Header.Get("Authorization") != "Bearer "+s.Token {
		s.invalidf("%s %s: Authorization header is missing or wrong", req.Method, path)
	}
	in := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		s.invalidf("%s %s: %v", req.Method, path, err)
	}
	s.mu.Lock()
	s.apiCalls++
	n := s.apiCalls
	fault := s.APIFault
	s.mu.Unlock()
	if fault != nil {
		if status, body := fault(n); status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]string{"message": body, "documentation_url": "https://docs.github.com/rest"})
			return
		}
	}
	owner := params["org"]
	if owner == "" {
		owner = params["username"]
	}
	if owner != s.Owner {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)
		return
	}
	perPage := 30
	if v, err := strconv.Atoi(req.URL.Query().Get("per_page")); err == nil {
		perPage = v
	}
	perPage = min(perPage, s.PageSize)
	page := 1
	if v, err := strconv.Atoi(req.URL.Query().Get("page")); err == nil {
		page = v
	}
	s.mu.Lock()
	repos := append([]*Repo(nil), s.repos...)
	s.mu.Unlock()
	last := max(1, (len(repos)+perPage-1)/perPage)
	lo, hi := min((page-1)*perPage, len(repos)), min(page*perPage, len(repos))
	items := make([]map[string]any, 0, hi-lo)
	example := route.Operation.Responses.Status(200).Value.Content.Get("application/json").Examples["default"].Value.Value.([]any)[0].(map[string]any)
	for _, r := range repos[lo:hi] {
		items = append(items, s.repoJSON(example, r))
	}
	body, err := json.Marshal(items)
	if err != nil {
		s.t.Errorf("fake GitHub: %v", err)
	}
	link := func(p int, rel string) string {
		u := *req.URL
		q := u.Query()
		q.Set("page", strconv.Itoa(p))
		u.RawQuery = q.Encode()
		return fmt.Sprintf("<%s%s>; rel=%q", s.srv.URL, u.RequestURI(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	rv := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: 200, Header: w.Header(),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	rv.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), rv); err != nil {
		s.invalidf("the fake's own answer to %s breaks the description: %v", path, err)
	}
	w.Write(body)
}

// repoJSON adapts the description's own example repository to r.
func (s *Server) repoJSON(example map[string]any, r *Repo) map[string]any {
	var m map[string]any
	b, _ := json.Marshal(example)
	json.Unmarshal(b, &m)
	owner := m["owner"].(map[string]any)
	owner["login"] = s.Owner
	m["name"] = r.Name
	m["full_name"] = s.Owner + "/" + r.Name
	m["clone_url"] = s.srv.URL + "/" + s.Owner + "/" + r.Name + ".git"
	if r.CloneURL != "" {
		m["clone_url"] = r.CloneURL
	}
	m["archived"] = r.Archived
	m["fork"] = r.Fork
	size := r.SizeKB
	if size == 0 {
		size = int(dirSize(r.Bare) / 1024)
	}
	m["size"] = size
	return m
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// serveGit serves /OWNER/NAME.git/... with git http-backend, after checking
// that the request carries the token as basic auth (user x-access-token),
// as GitHub accepts it.
func (s *Server) serveGit(w http.ResponseWriter, req *http.Request) {
	parts := strings.SplitN(strings.TrimPrefix(req.URL.Path, "/"), "/", 3)
	if len(parts) < 3 || parts[0] != s.Owner || !strings.HasSuffix(parts[1], ".git") {
		http.NotFound(w, req)
		return
	}
	name := strings.TrimSuffix(parts[1], ".git")
	if strings.Contains(req.URL.RawQuery, s.Token) || strings.Contains(req.URL.Path, s.Token) {
		s.invalidf("the token travelled in the URL of a git request for %q", name)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("x-access-token:"+s.Token))
	if req.Header.Get("Authorization") != want {
		w.Header().Set("WWW-Authenticate", `Basic realm="GitHub"`)
		http.Error(w, "authentication required", http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	var repo *Repo
	for _, r := range s.repos {
		if r.Name == name {
			repo = r
		}
	}
	s.gitCalls[name]++
	n := s.gitCalls[name]
	if strings.HasSuffix(req.URL.Path, "/git-upload-pack") {
		s.UploadPacks[name]++
	}
	s.mu.Unlock()
	if repo == nil {
		http.NotFound(w, req)
		return
	}
	if repo.CloneFault != nil {
		if status := repo.CloneFault(n); status != 0 {
			http.Error(w, http.StatusText(status), status)
			return
		}
	}
	if repo.CorruptPack && strings.HasSuffix(req.URL.Path, "/git-upload-pack") {
		w.Header().Set("Content-Type", "application/x-git-upload-pack-result")
		io.WriteString(w, "0008NAK\nPACK\x00\x00\x00\x02\x00\x00\x00\x05garbage, not a pack")
		return
	}
	execPath, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		s.t.Errorf("git --exec-path: %v", err)
		return
	}
	h := &cgi.Handler{
		Path: filepath.Join(strings.TrimSpace(string(execPath)), "git-http-backend"),
		Root: "/",
		Env:  []string{"GIT_PROJECT_ROOT=" + s.root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"},
	}
	h.ServeHTTP(w, req)
}

// Contains reports whether any recorded request line holds needle.
func (s *Server) Contains(needle string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.Requests {
		if strings.Contains(r, needle) {
			return true
		}
	}
	return false
}
