package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// TestCLINamesItsOwnFlags checks that the CLI, not the library, names the
// flag behind a limit or a bad value: the library text is generic (the
// Action has other names for its inputs), the CLI adds its flag.
func TestCLINamesItsOwnFlags(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(7).PersonalToken()
	repo, _ := historyRepo(t, tok)

	dist := t.TempDir()
	f, err := os.Create(filepath.Join(dist, "bundle.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, m := range []struct{ name, body string }{{"big.txt", strings.Repeat("filler ", 4096)}, {"later.env", "CLICKUP_API_TOKEN=" + tok + "\n"}} {
		w, err := zw.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(m.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	tests := []struct {
		name     string
		args     []string
		code     int
		flag     string
		withFlag string // a stderr line naming flag also says this
	}{
		{"bad since revision", []string{"history", "--repo", repo, "--since-commit", "nope"}, exitUsage, "--since-commit", "bad revision"},
		{"archive cut short", []string{"dir", "--max-archive-bytes", "1000", dist}, exitClean, "--max-archive-bytes", "cut short"},
		{"archive within the limit", []string{"dir", dist}, exitFindings, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, nil, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			if strings.Contains(stdout+stderr, tok) {
				t.Errorf("output holds the raw token")
			}
			if tt.flag == "" {
				if strings.Contains(stderr, "max-archive-bytes") {
					t.Errorf("stderr names --max-archive-bytes with no archive cut: %s", stderr)
				}
				return
			}
			found := false
			for _, line := range strings.Split(stderr, "\n") {
				if strings.Contains(line, tt.flag) && strings.Contains(line, tt.withFlag) {
					found = true
				}
			}
			if !found {
				t.Errorf("no stderr line names %s and says %q: %s", tt.flag, tt.withFlag, stderr)
			}
		})
	}
}
