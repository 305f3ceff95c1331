package source

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// slowSource scans one item that takes d to read.
type slowSource struct{ d time.Duration }

func (slowSource) Mode() report.Mode { return report.ModeHistory }

func (s slowSource) Scan(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (Result, error) {
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("no token here\n"))
		time.Sleep(s.d)
		pw.Close()
	}()
	_, err := sc.Scan(ctx, "slow", pr)
	return Result{}, err
}

// lockedBuffer is a buffer the progress goroutine and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestProgressLine: a scan that outlasts the delay gets a progress line,
// ended by a newline; one shorter than the delay prints nothing; a nil
// writer (not a terminal, or --quiet) leaves the source unwrapped.
func TestProgressLine(t *testing.T) {
	t.Parallel()
	var w lockedBuffer
	if _, _, err := Run(context.Background(), WithProgress(slowSource{d: 900 * time.Millisecond}, &w, 10*time.Millisecond), scanner.Options{}); err != nil {
		t.Fatal(err)
	}
	if out := w.String(); !strings.HasPrefix(out, "\rscanned ") || !strings.HasSuffix(out, "\n") {
		t.Errorf("progress output %q", out)
	}
	var silent lockedBuffer
	if _, _, err := Run(context.Background(), WithProgress(slowSource{}, &silent, time.Hour), scanner.Options{}); err != nil {
		t.Fatal(err)
	}
	if out := silent.String(); out != "" {
		t.Errorf("a scan shorter than the delay printed %q", out)
	}
	if s := WithProgress(slowSource{}, nil, 0); s != (slowSource{}) {
		t.Errorf("WithProgress with no writer wrapped the source: %#v", s)
	}
}
