package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

// TestExitCode checks the one mapping from a command's error to the exit
// code and to what is printed.
func TestExitCode(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	for _, tt := range []struct {
		name      string
		err       error
		want      int
		wantPrint string
	}{
		{"nil", nil, exitClean, ""},
		{"help", flag.ErrHelp, exitClean, ""},
		{"findings", errFindings, exitFindings, ""},
		{"findings and a lost state", findingsAnd{boom}, exitFindings, "clickup-secret-scan: boom\n"},
		{"usage", usageErrorf("bad %s", "flag"), exitUsage, "clickup-secret-scan: bad flag\n"},
		{"library usage sentinel, wrapped", fmt.Errorf("failed to open x: %w", source.ErrNotRepository), exitUsage, "clickup-secret-scan: failed to open x: not a git repository\n"},
		{"usage already shown", errShown{usage.Error{Err: boom}}, exitUsage, ""},
		{"internal", fmt.Errorf("failed to write: %w", boom), exitInternal, "clickup-secret-scan: failed to write: boom\n"},
		{"internal already shown", errShown{boom}, exitInternal, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			if got := exitCode(tt.err, &out); got != tt.want {
				t.Errorf("exitCode = %d, want %d", got, tt.want)
			}
			if out.String() != tt.wantPrint {
				t.Errorf("printed %q, want %q", out.String(), tt.wantPrint)
			}
		})
	}
}

// TestExitCodeUsageAfterError checks that a withUsage error prints the
// message first, then the usage.
func TestExitCodeUsageAfterError(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := withUsage{usageErrorf("dir needs at least one PATH"), func() { out.WriteString("usage: ...\n") }}
	if got := exitCode(err, &out); got != exitUsage {
		t.Errorf("exitCode = %d, want %d", got, exitUsage)
	}
	if want := "clickup-secret-scan: dir needs at least one PATH\nusage: ...\n"; out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
}
