package scanner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadErrorScansWhatCameBefore checks that a stream that fails part way
// (a truncated .gz reports io.ErrUnexpectedEOF) is scanned up to the failure
// and that the failure is recorded, not mistaken for the end of the stream.
func TestReadErrorScansWhatCameBefore(t *testing.T) {
	t.Parallel()
	text := "a = 1\nCLICKUP_API_TOKEN=" + testToken + "\n" + strings.Repeat("filler\n", 100)
	gz := makeGzip([]byte(strings.Repeat("x", 64<<10) + "\n" + text + strings.Repeat("y", 2<<20)))
	tests := []struct {
		name      string
		r         io.Reader
		wantMatch bool
		wantErr   bool
	}{
		{"ErrUnexpectedEOF after the token", io.MultiReader(strings.NewReader(text), iotest.ErrReader(io.ErrUnexpectedEOF)), true, true},
		{"other error after the token", io.MultiReader(strings.NewReader(text), iotest.ErrReader(errors.New("disk on fire"))), true, true},
		{"clean end", strings.NewReader(text), true, false},
		{"truncated gzip", bytes.NewReader(gz[:len(gz)*3/4]), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stats := &Stats{}
			ms, err := New(Options{}, stats).Scan(context.Background(), "item.gz", tt.r)
			snap := stats.Snapshot()
			if got := len(ms) == 1 && ms[0].Secret.Reveal() == testToken; got != tt.wantMatch {
				t.Errorf("token found = %v, want %v (%s)", got, tt.wantMatch, describe(ms, snap))
			}
			// A top-level read error is returned; one inside an archive
			// is recorded in Stats and the scan goes on.
			if got := err != nil || snap.ErrorCount > 0; got != tt.wantErr {
				t.Errorf("error reported = %v (%v, %v), want %v", got, err, snap.Errors, tt.wantErr)
			}
		})
	}
}
