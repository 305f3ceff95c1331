package main

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
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

// slowSource scans one item that takes d to read.
type slowSource struct{ d time.Duration }

func (slowSource) Mode() report.Mode { return report.ModeHistory }

func (s slowSource) Scan(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (source.Result, error) {
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("no token here\n"))
		time.Sleep(s.d)
		pw.Close()
	}()
	_, err := sc.Scan(ctx, "slow", pr)
	return source.Result{}, err
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

// TestProgressLine: a scan that outlasts the delay gets a progress line,
// ended by a newline; a nil writer (not a terminal, or --quiet) none.
func TestProgressLine(t *testing.T) {
	t.Parallel()
	var w lockedBuffer
	src := progressSource{Source: slowSource{d: 900 * time.Millisecond}, w: &w, after: 10 * time.Millisecond}
	if _, _, err := source.Run(context.Background(), src, scanner.Options{}); err != nil {
		t.Fatal(err)
	}
	out := w.b.String()
	if !strings.HasPrefix(out, "\rscanned ") || !strings.HasSuffix(out, "\n") {
		t.Errorf("progress output %q", out)
	}
	if s := withProgress(slowSource{}, nil); s != (slowSource{}) {
		t.Errorf("withProgress with no writer wrapped the source: %#v", s)
	}
	o := &outputOptions{quiet: true}
	if o.progress(&w) != nil {
		t.Error("--quiet still asks for a progress line")
	}
}
