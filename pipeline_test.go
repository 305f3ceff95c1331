package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// vtToken returns a fake personal token in the real shape, fixed by seed.
func vtToken(seed uint64) string { return fixtures.NewGen(seed).PersonalToken() }

func vtMadeUp(s string) bool {
	for i := 2; i < len(s); i++ {
		d1, d2 := int(s[i])-int(s[i-1]), int(s[i-1])-int(s[i-2])
		if d1 == d2 && d1 >= -1 && d1 <= 1 {
			return true
		}
	}
	for _, w := range []string{"EXAMPLE", "SAMPLE", "XXX", "DUMMY", "TEST", "FAKE", "REDACT", "CHANGE", "INSERT"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// vtAssertNoToken fails when any of toks appears in out, naming the output
// and printing only the redacted token.
func vtAssertNoToken(t *testing.T, what string, out []byte, toks ...string) {
	t.Helper()
	for _, tok := range toks {
		if bytes.Contains(out, []byte(tok)) || bytes.Contains(out, []byte(tok[len(tok)-16:])) {
			t.Errorf("%s holds token %s in clear", what, scanner.NewSecret(tok))
		}
	}
}

// vtClickUp is a fake ClickUp API: live and revoked tokens by value.
type vtClickUp struct {
	mu      sync.Mutex
	seen    []string // Authorization headers received, for assertions only
	live    map[string]string
	revoked map[string]bool
}

func (f *vtClickUp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok := r.Header.Get("Authorization")
	f.mu.Lock()
	f.seen = append(f.seen, tok)
	f.mu.Unlock()
	if r.URL.Path != "/api/v2/user" || r.Method != http.MethodGet {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.Header().Set("X-RateLimit-Remaining", "99")
	if name, ok := f.live[tok]; ok {
		fmt.Fprintf(w, `{"user":{"id":1,"username":%q}}`, name)
		return
	}
	if f.revoked[tok] {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"err":"Token invalid","ECODE":"OAUTH_025"}`))
		return
	}
	// 403 is final (no retry), so the end-to-end test needs no real wait.
	w.WriteHeader(http.StatusForbidden)
}

func vtWrite(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type vtJSON struct {
	Findings []struct {
		ID           string `json:"id"`
		Verification string `json:"verification"`
		Username     string `json:"username"`
		Locations    []struct {
			Path string `json:"path"`
		} `json:"locations"`
	} `json:"findings"`
	Ignored []struct {
		ID        string `json:"id"`
		Reason    string `json:"reason"`
		Locations []struct {
			Path string `json:"path"`
		} `json:"locations"`
	} `json:"ignored"`
}

func TestRunVerifyAndIgnore(t *testing.T) {
	t.Parallel()
	live, revoked, flaky, allowed, globbed, byID := vtToken(1), vtToken(2), vtToken(3), vtToken(4), vtToken(5), vtToken(6)
	// An OAuth access token authenticates GET /api/v2/user too.
	access := fixtures.NewGen(7).AccessToken()
	all := []string{live, revoked, flaky, allowed, globbed, byID, access}
	fake := &vtClickUp{live: map[string]string{live: "Jane Doe", access: "App User"}, revoked: map[string]bool{revoked: true}}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	root := t.TempDir()
	vtWrite(t, root, map[string]string{
		"src/a.js":            "const t = '" + revoked + "';\n",
		"src/b.js":            "\n\nfetch(u, {headers: {Authorization: '" + live + "'}})\n",
		"src/c.py":            "TOKEN = '" + flaky + "'\n",
		"src/d.go":            "var tok = \"" + allowed + "\" // clickup-secret-scan:allow demo\n",
		"testdata/e.env":      "CLICKUP_API_TOKEN=" + globbed + "\n",
		"src/f.txt":           byID + "\n",
		"src/g.txt":           live + "\n" + globbed + "\n",
		"src/h.py":            "clickup_access_token = '" + access + "'\n",
		"ignore/rules.ignore": "# test rules\npath:**/testdata/**  fake tokens for tests\n" + scanner.NewSecret(byID).ID() + "  rotated 2026-11-01, ticket 42\n",
	})
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	var stdout, stderr bytes.Buffer
	args := []string{"dir", "--format", "json", "--verify", "--clickup-api-url", srv.URL, "--audit-log", audit,
		"--ignore-file", filepath.Join(root, "ignore/rules.ignore"), filepath.Join(root, "src"), filepath.Join(root, "testdata")}
	// The scan roots are absolute and outside the working directory (the
	// repository root of dir), so the glob has to match absolute paths.
	code := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr)
	if code != exitFindings {
		t.Fatalf("exit code %d, want %d; stderr:\n%s", code, exitFindings, redactAll(stderr.String(), all))
	}
	auditBytes, err := os.ReadFile(audit)
	if err != nil {
		t.Fatal(err)
	}
	vtAssertNoToken(t, "stdout", stdout.Bytes(), all...)
	vtAssertNoToken(t, "stderr", stderr.Bytes(), all...)
	vtAssertNoToken(t, "audit log", auditBytes, all...)

	var rep vtJSON
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.ID] = f.Verification + "/" + f.Username
	}
	id := func(tok string) string { return scanner.NewSecret(tok).ID() }
	want := map[string]string{id(live): "live/Jane Doe", id(revoked): "revoked/", id(flaky): "unknown/", id(globbed): "unknown/", id(access): "live/App User"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings verification = %v, want %v", got, want)
	}
	if len(rep.Findings) == 0 || rep.Findings[0].ID != id(live) {
		t.Errorf("the live finding does not rank first")
	}
	// globbed is kept only at src/g.txt; its testdata location is ignored.
	for _, f := range rep.Findings {
		if f.ID == id(globbed) && (len(f.Locations) != 1 || !strings.HasSuffix(f.Locations[0].Path, "src/g.txt")) {
			t.Errorf("partly ignored finding kept locations %+v, want only src/g.txt", f.Locations)
		}
	}
	ignored := map[string]string{}
	for _, ig := range rep.Ignored {
		ignored[ig.ID] = ig.Reason
	}
	wantIgnored := map[string]string{id(allowed): "inline clickup-secret-scan:allow marker", id(byID): "rotated 2026-11-01, ticket 42", id(globbed): "fake tokens for tests"}
	for k, v := range wantIgnored {
		if ignored[k] != v {
			t.Errorf("ignored[%s] = %q, want %q", k[:12], ignored[k], v)
		}
	}

	// Only the distinct personal tokens not ignored were sent, once each,
	// and only to the fake server.
	fake.mu.Lock()
	sent := map[string]int{}
	for _, s := range fake.seen {
		sent[s]++
	}
	fake.mu.Unlock()
	for _, tok := range []string{allowed, byID} {
		if sent[tok] != 0 {
			t.Errorf("ignored token %s was sent for verification", scanner.NewSecret(tok))
		}
	}
	if sent[live] != 1 || sent[revoked] != 1 || sent[access] != 1 {
		t.Errorf("live/revoked/access tokens sent %d/%d/%d times, want 1/1/1", sent[live], sent[revoked], sent[access])
	}
	if lines := strings.Count(string(auditBytes), "\n"); lines != len(fake.seen) {
		t.Errorf("audit log has %d lines for %d calls", lines, len(fake.seen))
	}
	if want := "warning: could not verify " + scanner.NewSecret(flaky).Redacted() + ": HTTP 403"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, redactAll(stderr.String(), all))
	}
	if !strings.Contains(stderr.String(), "live") {
		t.Errorf("stderr does not summarise the verification:\n%s", redactAll(stderr.String(), all))
	}
}

// redactAll replaces each token in s with its redacted form, for failure
// messages.
func redactAll(s string, toks []string) string {
	for _, tok := range toks {
		s = strings.ReplaceAll(s, tok, scanner.NewSecret(tok).Redacted())
	}
	return s
}

func TestRunIgnoreAndVerifyUsageErrors(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	tok := vtToken(21)
	vtWrite(t, root, map[string]string{"a.js": tok + "\n", "bad.ignore": "# c\n" + tok + " pasted by mistake\n"})
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"malformed ignore file names the line", []string{"--ignore-file", filepath.Join(root, "bad.ignore")}, "bad.ignore:2: expected a finding id"},
		{"plain http to a remote host", []string{"--verify", "--clickup-api-url", "http://192.0.2.10"}, "only sent over https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"dir"}, tt.args...), root)
			code := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr %q does not contain %q", redactAll(stderr.String(), []string{tok}), tt.wantErr)
			}
			vtAssertNoToken(t, "stdout", stdout.Bytes(), tok)
			vtAssertNoToken(t, "stderr", stderr.Bytes(), tok)
		})
	}
}
