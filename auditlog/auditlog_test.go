package auditlog

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestLogWritesOneJSONLinePerEntry(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := New(&buf)
	l.now = func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }
	l.Log(Entry{Service: "github", Method: "POST", Endpoint: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", Status: 200, RateLimitRemaining: 4999, Attempt: 1})
	l.Log(Entry{Service: "clickup", Method: "GET", Endpoint: "/api/v2/user", Status: 0, RateLimitRemaining: -1, Error: "timeout"})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %d: %q", len(lines), buf.String())
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"timestamp": "2026-11-28T12:00:00Z", "service": "github", "method": "POST",
		"endpoint": "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "status": float64(200), "rate_limit_remaining": float64(4999), "attempt": float64(1)}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("%s = %v, want %v", k, first[k], v)
		}
	}
	if !strings.Contains(lines[1], `"error":"timeout"`) || !strings.Contains(lines[1], `"status":0`) {
		t.Errorf("second line lacks the error or the zero status: %s", lines[1])
	}
}

func TestNilLoggerDiscards(t *testing.T) {
	t.Parallel()
	var l *Logger
	l.Log(Entry{Service: "github"}) // must not panic
	(&Logger{}).Log(Entry{Service: "github"})
}
