// Package auditlog writes one JSON line per outbound API call (GitHub,
// ClickUp), so that a security team can see what the scanner talked to.
// An entry never holds a token or a secret: only the method, the endpoint
// template, the status and the rate limit left.
package auditlog

import (
	"encoding/json"
	"io"
	"sync"
	"time"
)

// Entry is one audit line.
type Entry struct {
	Time    time.Time `json:"timestamp"`
	Service string    `json:"service"` // "github" or "clickup"
	Method  string    `json:"method"`
	// Endpoint is the path template, not the filled-in URL, for example
	// "/repos/{owner}/{repo}/pulls/{pull_number}/reviews".
	Endpoint string `json:"endpoint"`
	// Status is the HTTP status code, 0 when no response arrived.
	Status int `json:"status"`
	// RateLimitRemaining is the provider's remaining quota, -1 when unknown.
	RateLimitRemaining int `json:"rate_limit_remaining"`
	// Attempt is 1 for the first try, higher for retries.
	Attempt int    `json:"attempt,omitempty"`
	Error   string `json:"error,omitempty"`
}

// Logger writes entries as JSON lines. The zero value and a nil *Logger
// discard entries. It is safe for concurrent use.
type Logger struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

// New returns a Logger writing to w.
func New(w io.Writer) *Logger { return &Logger{w: w, now: time.Now} }

// Log writes e, stamping the time when e.Time is zero. Write errors are
// ignored on purpose: an audit sink that fails must not fail a scan.
func (l *Logger) Log(e Entry) {
	if l == nil || l.w == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = l.now().UTC()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Write(append(line, '\n'))
}
