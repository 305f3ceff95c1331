package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clickup-secret-scan/clickup-secret-scan/auditlog"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// Fake personal tokens in the real shape with random bodies.
var (
	tokLive     = genToken(1)
	tokRevoked  = genToken(2)
	tokLimited  = genToken(3)
	tokLongWait = genToken(4)
	tok500      = genToken(5)
	tokHang     = genToken(6)
	tokRedirect = genToken(7)
	tok403      = genToken(8)
	// Fake OAuth access tokens (<user id>_<64 lowercase hex>): ClickUp
	// takes them in the same Authorization header.
	tokAccessLive    = fixtures.NewGen(10).AccessToken()
	tokAccessRevoked = fixtures.NewGen(11).AccessToken()
)

// genToken returns a fake personal token in the real shape, fixed by seed.
func genToken(seed uint64) string { return fixtures.NewGen(seed).PersonalToken() }

var allTokens = []string{tokLive, tokRevoked, tokLimited, tokLongWait, tok500, tokHang, tokRedirect, tok403}

// fakeClickUp answers GET /api/v2/user according to the token presented.
type fakeClickUp struct {
	mu        sync.Mutex
	calls     map[string]int // token -> requests seen
	paths     []string
	inFlight  atomic.Int32
	maxIn     atomic.Int32
	elsewhere string // redirect target
}

func (f *fakeClickUp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxIn.Load()
		if n <= m || f.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	tok := r.Header.Get("Authorization")
	f.mu.Lock()
	f.calls[tok]++
	call := f.calls[tok]
	f.paths = append(f.paths, r.Method+" "+r.URL.Path)
	f.mu.Unlock()
	w.Header().Set("X-RateLimit-Remaining", "97")
	switch tok {
	case tokLive:
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"user":{"id":81234567,"username":"Jane Doe","email":"jane@example.com"}}`))
	case tokAccessLive:
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"user":{"id":81234568,"username":"App User"}}`))
	case tokAccessRevoked:
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"err":"Oauth token not found","ECODE":"OAUTH_019"}`))
	case tokRevoked:
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"err":"Token invalid","ECODE":"OAUTH_025"}`))
	case tokLimited:
		if call == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"user":{"username":"rate-limited-then-ok"}}`))
	case tokLongWait:
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	case tok500:
		w.WriteHeader(http.StatusInternalServerError)
	case tokHang:
		<-r.Context().Done()
	case tokRedirect:
		http.Redirect(w, r, f.elsewhere+"/api/v2/user", http.StatusFound)
	case tok403:
		w.WriteHeader(http.StatusForbidden)
	default:
		w.WriteHeader(http.StatusBadRequest)
	}
}

func newFake(t *testing.T) (*fakeClickUp, *httptest.Server, *atomic.Int32) {
	t.Helper()
	var stolen atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			stolen.Add(1)
		}
		w.Write([]byte(`{"user":{"username":"thief"}}`))
	}))
	t.Cleanup(other.Close)
	f := &fakeClickUp{calls: map[string]int{}, elsewhere: other.URL}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv, &stolen
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f, srv, stolen := newFake(t)
	tests := []struct {
		tok       string
		want      Result
		wantCalls int
		wantWaits []time.Duration
	}{
		{tokLive, Result{Status: Live, Username: "Jane Doe"}, 1, nil},
		{tokRevoked, Result{Status: Revoked, Detail: "OAUTH_025"}, 1, nil},
		{tokLimited, Result{Status: Live, Username: "rate-limited-then-ok"}, 2, []time.Duration{7 * time.Second}},
		{tokLongWait, Result{Status: Unknown, Detail: "HTTP 429; retry asked in 1h0m0s, more than the 30s allowed"}, 1, nil},
		{tok500, Result{Status: Unknown, Detail: "HTTP 500"}, 3, []time.Duration{500 * time.Millisecond, time.Second}},
		{tokHang, Result{Status: Unknown, Detail: "timeout"}, 3, []time.Duration{500 * time.Millisecond, time.Second}},
		{tokRedirect, Result{Status: Unknown, Detail: "HTTP 302"}, 1, nil},
		{tok403, Result{Status: Unknown, Detail: "HTTP 403"}, 1, nil},
	}
	for _, tt := range tests {
		t.Run(scanner.NewSecret(tt.tok).Redacted(), func(t *testing.T) {
			t.Parallel()
			var audit bytes.Buffer
			var waits []time.Duration
			c := &Client{
				BaseURL: srv.URL,
				Timeout: 200 * time.Millisecond,
				Audit:   auditlog.New(&audit),
				Sleep: func(ctx context.Context, d time.Duration) error {
					waits = append(waits, d)
					return nil
				},
			}
			got := c.Check(context.Background(), scanner.NewSecret(tt.tok))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWaits, waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			f.mu.Lock()
			calls := f.calls[tt.tok]
			f.mu.Unlock()
			if calls != tt.wantCalls {
				t.Errorf("server saw %d calls, want %d", calls, tt.wantCalls)
			}
			checkAudit(t, audit.Bytes(), tt.wantCalls)
		})
	}
	t.Cleanup(func() {
		if n := stolen.Load(); n != 0 {
			t.Errorf("a token reached a server other than the ClickUp API %d time(s)", n)
		}
		for _, p := range f.paths {
			if p != "GET /api/v2/user" {
				t.Errorf("unexpected request %q", p)
			}
		}
	})
}

// checkAudit asserts one well-formed line per attempt, none with a token.
func checkAudit(t *testing.T, log []byte, attempts int) {
	t.Helper()
	for _, tok := range allTokens {
		if bytes.Contains(log, []byte(tok)) || bytes.Contains(log, []byte(tok[len(tok)-20:])) {
			t.Errorf("audit log holds token %s", scanner.NewSecret(tok))
		}
	}
	lines := strings.Split(strings.TrimSpace(string(log)), "\n")
	if len(lines) != attempts {
		t.Fatalf("audit log has %d lines, want %d", len(lines), attempts)
	}
	for i, line := range lines {
		var e auditlog.Entry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit line %d: %v", i+1, err)
		}
		if e.Service != "clickup" || e.Method != "GET" || e.Endpoint != "/api/v2/user" || e.Attempt != i+1 || e.Time.IsZero() {
			t.Errorf("audit line %d = %+v", i+1, e)
		}
		if e.Status != 0 && e.RateLimitRemaining != 97 {
			t.Errorf("audit line %d: rate limit remaining %d, want 97", i+1, e.RateLimitRemaining)
		}
	}
}

func TestFindings(t *testing.T) {
	t.Parallel()
	f, srv, _ := newFake(t)
	mk := func(kind scanner.Kind, tok string) scanner.Finding {
		s := scanner.NewSecret(tok)
		return scanner.Finding{ID: s.ID(), Kind: kind, Secret: s}
	}
	fs := []scanner.Finding{
		mk(scanner.PersonalToken, tokLive),
		mk(scanner.PersonalToken, tokRevoked),
		mk(scanner.PersonalToken, tokLive), // the same secret twice: one call
		mk(scanner.OAuthClientSecret, strings.Repeat(genToken(9)[len(genToken(9))-32:], 2)),
		mk(scanner.PersonalToken, tok403),
		mk(scanner.PersonalToken, tokLongWait),
		mk(scanner.OAuthAccessToken, tokAccessLive),
		mk(scanner.OAuthAccessToken, tokAccessRevoked),
		mk(scanner.WebhookSecret, fixtures.NewGen(12).LongSecret()),
	}
	c := &Client{BaseURL: srv.URL, Concurrency: 2, Sleep: func(context.Context, time.Duration) error { return nil }}
	sum := c.Findings(context.Background(), fs)
	if sum.Live != 2 || sum.Revoked != 2 || sum.Unknown != 2 {
		t.Errorf("summary = %+v, want 2 live, 2 revoked, 2 unknown", sum)
	}
	wantNotes := []string{scanner.NewSecret(tok403).Redacted() + ": HTTP 403", scanner.NewSecret(tokLongWait).Redacted() + ": HTTP 429; retry asked in 1h0m0s, more than the 30s allowed"}
	if diff := cmp.Diff(wantNotes, sum.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	var got []string
	for _, fi := range fs {
		got = append(got, string(fi.Verification)+"/"+fi.Username)
	}
	// Client and webhook secrets are never sent: they cannot be checked
	// with the secret alone.
	want := []string{"live/Jane Doe", "revoked/", "live/Jane Doe", "/", "unknown/", "unknown/", "live/App User", "revoked/", "/"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verification (-want +got):\n%s", diff)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls[tokLive] != 1 {
		t.Errorf("live token checked %d times, want 1", f.calls[tokLive])
	}
	if len(f.paths) != 6 {
		t.Errorf("server saw %d requests, want 6 (one per distinct personal or access token)", len(f.paths))
	}
	if m := f.maxIn.Load(); m > 2 {
		t.Errorf("%d requests in flight at once, want at most 2", m)
	}
}

func TestCancelledContextStopsRetries(t *testing.T) {
	t.Parallel()
	_, srv, _ := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{BaseURL: srv.URL, Sleep: func(context.Context, time.Duration) error { cancel(); return context.Canceled }}
	got := c.Check(ctx, scanner.NewSecret(tok500))
	if got.Status != Unknown || !strings.Contains(got.Detail, "canceled") {
		t.Errorf("Check = %+v, want unknown after cancel", got)
	}
}

func TestCheckBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url    string
		wantOK bool
	}{
		{"https://api.clickup.com", true},
		{"https://proxy.internal:8443/clickup", true},
		{"http://127.0.0.1:8080", true},
		{"http://[::1]:8080", true},
		{"http://localhost:1234", true},
		{"http://api.clickup.com", false},
		{"http://10.0.0.1", false},
		{"ftp://api.clickup.com", false},
		{"api.clickup.com", false},
		{"https://", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			if err := CheckBaseURL(tt.url); (err == nil) != tt.wantOK {
				t.Errorf("CheckBaseURL(%q) = %v, want ok=%v", tt.url, err, tt.wantOK)
			}
		})
	}
	// A client given a plain-http remote URL must not send anything.
	c := &Client{BaseURL: "http://192.0.2.1"}
	if r := c.Check(context.Background(), scanner.NewSecret(tokLive)); r.Status != Unknown || !strings.Contains(r.Detail, "refusing") {
		t.Errorf("Check over remote http = %+v, want refused", r)
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		h    http.Header
		want time.Duration
	}{
		{"seconds", http.Header{"Retry-After": {"12"}}, 12 * time.Second},
		{"http date", http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second},
		{"date in the past", http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, time.Second},
		{"clickup reset", http.Header{"X-Ratelimit-Reset": {"1795874460"}}, time.Unix(1795874460, 0).Sub(now)},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0},
		{"none", http.Header{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := retryAfter(tt.h, now); got != tt.want {
				t.Errorf("retryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}
