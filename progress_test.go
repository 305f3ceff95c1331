package main

import (
	"bytes"
	"testing"
)

// TestQuietHasNoProgressLine: --quiet asks for no progress line, whatever
// stderr is.
func TestQuietHasNoProgressLine(t *testing.T) {
	t.Parallel()
	o := &outputOptions{quiet: true}
	if o.progress(&bytes.Buffer{}) != nil {
		t.Error("--quiet still asks for a progress line")
	}
}
