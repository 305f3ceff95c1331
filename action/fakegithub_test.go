package action

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/clickup-secret-scan/clickup-secret-scan/source/diff"
)

// specPath is GitHub's own REST description (fully dereferenced), cut down
// to the operations this project calls; see testdata/github-openapi.
const specPath = "../testdata/github-openapi/api.github.com.subset.json"

var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

func loadSpec(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		l := openapi3.NewLoader()
		specDoc, specErr = l.LoadFromFile(specPath)
		if specErr != nil {
			return
		}
		specRouter, specErr = gorillamux.NewRouter(specDoc)
	})
	if specErr != nil {
		t.Fatalf("failed to load %s: %v", specPath, specErr)
	}
	return specDoc, specRouter
}

// recorded is one request the fake server received.
type recorded struct {
	Method, Path, Query string
	// Endpoint is the operation's path template.
	Endpoint string
	Body     []byte
}

// fault lets a scenario answer a request itself (403, 422, 429, 500...);
// it returns handled=false to let the fake answer normally. n counts the
// requests to the same method and endpoint, from 1.
type fault func(method, endpoint string, n int) (status int, header http.Header, handled bool)

type file struct {
	Filename string `json:"filename"`
	Status   string `json:"status"`
	Patch    string `json:"patch,omitempty"`
	// NoPatch makes the fake omit the patch, as GitHub does for big files.
	NoPatch bool `json:"-"`
	// SHA is the blob id GitHub gives the file's version; empty keeps the
	// example's.
	SHA string `json:"-"`
	// Previous is the old name of a renamed file (status "renamed").
	Previous string `json:"-"`
}

// fakeGitHub is a GitHub REST API on 127.0.0.1 that validates every request
// against the OpenAPI description, answers with the description's own
// examples adapted to its state (comments, reviews, issues), and records
// everything it received.
type fakeGitHub struct {
	t      *testing.T
	srv    *httptest.Server
	prefix string // "/api/v3" to play GitHub Enterprise Server

	mu       sync.Mutex
	requests []recorded
	invalid  []string
	counts   map[string]int
	fault    fault

	// State the scenarios set up.
	prCommits   []string
	commitFiles map[string][]file
	prFiles     []file
	compare     map[string][]string // "base...head" -> commit shas
	// commitMessages replace the example's message of a commit, by sha.
	commitMessages map[string]string
	// rejectOffDiff makes POST .../reviews answer 422, as GitHub does, when
	// a comment's line is not on the RIGHT side of a hunk of prFiles (a
	// file whose patch is omitted has none).
	rejectOffDiff bool

	// State the Action changes.
	reviewComments []map[string]any
	issueComments  []map[string]any
	issues         []map[string]any
	nextID         int64
}

func newFakeGitHub(t *testing.T, prefix string) *fakeGitHub {
	t.Helper()
	loadSpec(t)
	f := &fakeGitHub{t: t, prefix: prefix, counts: map[string]int{}, commitFiles: map[string][]file{}, compare: map[string][]string{}, nextID: 1000}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is what GITHUB_API_URL is set to.
func (f *fakeGitHub) URL() string { return f.srv.URL + f.prefix }

// check fails the test on any request that did not match the description.
func (f *fakeGitHub) check() {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.invalid {
		f.t.Errorf("invalid request: %s", s)
	}
}

// calls returns the recorded requests to method and endpoint template.
func (f *fakeGitHub) calls(method, endpoint string) []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, r := range f.requests {
		if r.Method == method && r.Endpoint == endpoint {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeGitHub) allBodies() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out [][]byte
	for _, r := range f.requests {
		out = append(out, r.Body, []byte(r.Path+"?"+r.Query))
	}
	return out
}

func (f *fakeGitHub) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	path := req.URL.Path
	if !strings.HasPrefix(path, f.prefix+"/") {
		f.invalidf("%s %s: not under the API prefix %q", req.Method, path, f.prefix)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	path = strings.TrimPrefix(path, f.prefix)

	// Route and validate as if the request had gone to api.github.com.
	vr := req.Clone(context.Background())
	vr.URL = &url.URL{Scheme: "https", Host: "api.github.com", Path: path, RawPath: "", RawQuery: req.URL.RawQuery}
	vr.Host = "api.github.com"
	vr.RequestURI = ""
	vr.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := specRouter.FindRoute(vr)
	if err != nil {
		f.invalidf("%s %s: no such operation: %v", req.Method, path, err)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if req.Header.Get("Authorization") != "Bearer test-github-token" {
		f.invalidf("%s %s: Authorization header is missing or wrong", req.Method, path)
	}
	in := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		f.invalidf("%s %s (%s): %v", req.Method, path, route.Operation.OperationID, err)
	}

	f.mu.Lock()
	rec := recorded{Method: req.Method, Path: path, Query: req.URL.RawQuery, Endpoint: route.Path, Body: body}
	f.requests = append(f.requests, rec)
	key := req.Method + " " + route.Path
	f.counts[key]++
	n := f.counts[key]
	fa := f.fault
	f.mu.Unlock()

	if fa != nil {
		if status, h, ok := fa(req.Method, route.Path, n); ok {
			for k, vs := range h {
				w.Header()[k] = vs
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"message":"%s","documentation_url":"https://docs.github.com/rest"}`, http.StatusText(status))
			return
		}
	}
	f.answer(w, route.Operation.OperationID, params, vr, body)
}

func (f *fakeGitHub) invalidf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invalid = append(f.invalid, fmt.Sprintf(format, args...))
}

// example returns a deep copy of an operation's response example.
func example(opID string, status int) any {
	for _, pi := range specDoc.Paths.Map() {
		for _, op := range pi.Operations() {
			if op.OperationID != opID {
				continue
			}
			r := op.Responses.Status(status)
			if r == nil || r.Value == nil {
				return nil
			}
			mt := r.Value.Content.Get("application/json")
			if mt == nil {
				return nil
			}
			var v any = mt.Example
			for _, ex := range mt.Examples {
				if ex.Value != nil {
					v = ex.Value.Value
					break
				}
			}
			data, _ := json.Marshal(v)
			var out any
			json.Unmarshal(data, &out)
			return out
		}
	}
	return nil
}

// itemCache holds the JSON of each list example's first element: a fake
// answering thousands of files would otherwise walk the description each
// time.
var itemCache sync.Map

// item returns a copy of the first element of a list example.
func item(opID string) map[string]any {
	data, ok := itemCache.Load(opID)
	if !ok {
		l, _ := example(opID, 200).([]any)
		if len(l) == 0 {
			return map[string]any{}
		}
		b, _ := json.Marshal(l[0])
		data, _ = itemCache.LoadOrStore(opID, b)
	}
	var m map[string]any
	json.Unmarshal(data.([]byte), &m)
	return m
}

func (f *fakeGitHub) answer(w http.ResponseWriter, opID string, params map[string]string, req *http.Request, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var in map[string]any
	if len(body) > 0 {
		json.Unmarshal(body, &in)
	}
	switch opID {
	case "pulls/list-commits":
		var out []any
		// GitHub lists at most 250 commits of a pull request.
		for _, sha := range f.prCommits[:min(len(f.prCommits), 250)] {
			c := item(opID)
			c["sha"] = sha
			out = append(out, c)
		}
		f.page(w, req, out)
	case "repos/get-commit":
		c, _ := example(opID, 200).(map[string]any)
		c["sha"] = params["ref"]
		if msg, ok := f.commitMessages[params["ref"]]; ok {
			c["commit"].(map[string]any)["message"] = msg
		}
		files, ok := f.commitFiles[params["ref"]]
		if !ok {
			f.reply(w, http.StatusNotFound, map[string]any{"message": "No commit found for SHA: " + params["ref"]})
			return
		}
		// Files are paginated like a list, with a Link header.
		q := req.URL.Query()
		per, _ := strconv.Atoi(q.Get("per_page"))
		if per <= 0 {
			per = 300
		}
		pg, _ := strconv.Atoi(q.Get("page"))
		if pg <= 0 {
			pg = 1
		}
		lo := min((pg-1)*per, len(files))
		hi := min(lo+per, len(files))
		if hi < len(files) {
			q.Set("page", strconv.Itoa(pg+1))
			w.Header().Set("Link", fmt.Sprintf(`<%s%s%s?%s>; rel="next"`, f.srv.URL, f.prefix, req.URL.Path, q.Encode()))
		}
		c["files"] = fileList(files[lo:hi])
		f.reply(w, 200, c)
	case "pulls/list-files":
		f.page(w, req, fileList(f.prFiles))
	case "repos/compare-commits-with-basehead":
		shas, ok := f.compare[params["basehead"]]
		if !ok {
			f.reply(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
			return
		}
		c, _ := example(opID, 200).(map[string]any)
		var cs []any
		for _, sha := range shas {
			cm := item("pulls/list-commits")
			cm["sha"] = sha
			cs = append(cs, cm)
		}
		// The commits are paged (250 a page without per_page), with a Link
		// header; total_commits counts them all.
		q := req.URL.Query()
		per, _ := strconv.Atoi(q.Get("per_page"))
		if per <= 0 {
			per = 250
		}
		pg, _ := strconv.Atoi(q.Get("page"))
		if pg <= 0 {
			pg = 1
		}
		lo := min((pg-1)*per, len(cs))
		hi := min(lo+per, len(cs))
		if hi < len(cs) {
			q.Set("page", strconv.Itoa(pg+1))
			w.Header().Set("Link", fmt.Sprintf(`<%s%s%s?%s>; rel="next"`, f.srv.URL, f.prefix, req.URL.Path, q.Encode()))
		}
		c["commits"] = append([]any{}, cs[lo:hi]...)
		c["total_commits"] = len(cs)
		c["files"] = []any{}
		f.reply(w, 200, c)
	case "pulls/list-review-comments":
		out := make([]any, 0, len(f.reviewComments))
		for _, c := range f.reviewComments {
			out = append(out, c)
		}
		f.page(w, req, out)
	case "pulls/create-review":
		if f.rejectOffDiff && !f.onDiff(in) {
			// GitHub rejects the whole review and names no comment.
			f.reply(w, http.StatusUnprocessableEntity, map[string]any{"message": "Unprocessable Entity", "errors": []any{"Line could not be resolved"}, "documentation_url": "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request"})
			return
		}
		rv, _ := example(opID, 200).(map[string]any)
		f.nextID++
		rv["id"] = f.nextID
		rv["body"] = in["body"]
		comments, _ := in["comments"].([]any)
		for _, c := range comments {
			cm, _ := c.(map[string]any)
			rc := item("pulls/list-review-comments")
			f.nextID++
			rc["id"] = f.nextID
			rc["body"], rc["path"], rc["line"], rc["side"] = cm["body"], cm["path"], cm["line"], cm["side"]
			rc["commit_id"] = in["commit_id"]
			f.reviewComments = append(f.reviewComments, rc)
		}
		f.reply(w, 200, rv)
	case "issues/list-comments":
		out := make([]any, 0, len(f.issueComments))
		for _, c := range f.issueComments {
			out = append(out, c)
		}
		f.page(w, req, out)
	case "issues/create-comment":
		c, _ := example(opID, 201).(map[string]any)
		f.nextID++
		c["id"] = f.nextID
		c["body"] = in["body"]
		f.issueComments = append(f.issueComments, c)
		f.reply(w, 201, c)
	case "issues/update-comment":
		id, _ := strconv.ParseInt(params["comment_id"], 10, 64)
		for _, c := range f.issueComments {
			if toInt64(c["id"]) == id {
				c["body"] = in["body"]
				f.reply(w, 200, c)
				return
			}
		}
		f.reply(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
	case "issues/list-for-repo":
		state := req.URL.Query().Get("state")
		var out []any
		for _, is := range f.issues {
			if state == "" || state == "all" || is["state"] == state {
				out = append(out, is)
			}
		}
		f.page(w, req, out)
	case "issues/create":
		is, _ := example(opID, 201).(map[string]any)
		f.nextID++
		is["id"] = f.nextID
		is["number"] = len(f.issues) + 1
		is["title"], is["body"], is["state"] = in["title"], in["body"], "open"
		delete(is, "pull_request")
		f.issues = append(f.issues, is)
		f.reply(w, 201, is)
	case "issues/update":
		n, _ := strconv.Atoi(params["issue_number"])
		for _, is := range f.issues {
			if toInt64(is["number"]) == int64(n) {
				for _, k := range []string{"body", "state", "title", "state_reason"} {
					if v, ok := in[k]; ok {
						is[k] = v
					}
				}
				f.reply(w, 200, is)
				return
			}
		}
		f.reply(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
	default:
		f.invalid = append(f.invalid, "the fake has no answer for "+opID)
		f.reply(w, http.StatusNotImplemented, map[string]any{"message": "not implemented by the fake"})
	}
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	}
	return -1
}

func fileList(files []file) []any {
	out := make([]any, 0, len(files))
	for _, fl := range files {
		m := item("pulls/list-files")
		m["filename"], m["status"] = fl.Filename, fl.Status
		if fl.SHA != "" {
			m["sha"] = fl.SHA
		}
		delete(m, "patch")
		delete(m, "previous_filename")
		if !fl.NoPatch {
			m["patch"] = fl.Patch
		}
		if fl.Previous != "" {
			m["previous_filename"] = fl.Previous
		}
		// additions, deletions and changes follow the patch, as GitHub's
		// do: a pure rename has none and no patch.
		add, del := 0, 0
		for _, l := range strings.Split(fl.Patch, "\n") {
			switch {
			case strings.HasPrefix(l, "+"):
				add++
			case strings.HasPrefix(l, "-"):
				del++
			}
		}
		if fl.NoPatch && fl.Status != "renamed" {
			add = 5000 // a file too big for a patch
		}
		m["additions"], m["deletions"], m["changes"] = add, del, add+del
		out = append(out, m)
	}
	return out
}

// page answers one page of a list, with GitHub's Link header.
func (f *fakeGitHub) page(w http.ResponseWriter, req *http.Request, items []any) {
	q := req.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	pg, _ := strconv.Atoi(q.Get("page"))
	if pg <= 0 {
		pg = 1
	}
	lo := min((pg-1)*per, len(items))
	hi := min(lo+per, len(items))
	if hi < len(items) {
		u := *req.URL
		q.Set("page", strconv.Itoa(pg+1))
		u.RawQuery = q.Encode()
		u.Scheme, u.Host = "http", strings.TrimPrefix(f.srv.URL, "http://")
		u.Path = f.prefix + u.Path
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next"`, u.String()))
	}
	out := items[lo:hi]
	if out == nil {
		out = []any{}
	}
	f.reply(w, 200, out)
}

func (f *fakeGitHub) reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-RateLimit-Remaining", "4999")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// onDiff reports whether every comment of a review request is on a line of
// the RIGHT side of a hunk of prFiles, as GitHub requires.
func (f *fakeGitHub) onDiff(in map[string]any) bool {
	comments, _ := in["comments"].([]any)
	for _, c := range comments {
		cm, _ := c.(map[string]any)
		path, _ := cm["path"].(string)
		line, _ := cm["line"].(float64)
		ok := false
		for _, fl := range f.prFiles {
			if fl.Filename != path || fl.NoPatch {
				continue
			}
			lines, _ := diff.ParsePatch(fl.Patch)
			for _, l := range lines {
				if (l.Op == '+' || l.Op == ' ') && l.New == int(line) {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
