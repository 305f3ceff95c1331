package report

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := WriteFile(p, func(w io.Writer) error { return Write(w, "json", Report{Mode: ModeDir}) }); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	data, err := os.ReadFile(p)
	if err != nil || !strings.Contains(string(data), `"mode": "dir"`) {
		t.Errorf("file = %q, %v: want the JSON report", data, err)
	}

	boom := errors.New("boom")
	err = WriteFile(p, func(io.Writer) error { return boom })
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "failed to write "+p) {
		t.Errorf("render failure: err = %v, want it wrapped with the path", err)
	}
	err = WriteFile(filepath.Join(dir, "missing", "out.json"), func(io.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "failed to create") {
		t.Errorf("missing directory: err = %v, want a create failure", err)
	}
}
