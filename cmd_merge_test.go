package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

func runMergeCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"merge"}, args...), func(string) string { return "" }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestMergeCommand(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(4).PersonalToken()
	dir, _ := historyRepo(t, tok)
	tmp := t.TempDir()
	hist := filepath.Join(tmp, "history.json")
	if code, _, stderr := runHistoryCLI(t, "--repo", dir, "--format", "json", "--output", hist); code != exitFindings {
		t.Fatalf("history: exit %d; %s", code, stderr)
	}
	clean := filepath.Join(tmp, "clean.json")
	os.WriteFile(clean, []byte(`{"version":1,"mode":"dir","findings":[],"ignored":[],"stats":{"files":3,"bytes":30,"skipped":0,"placeholders":0,"error_count":0,"errors":[]},"warnings":[]}`), 0o644)
	bad := filepath.Join(tmp, "audit.json")
	os.WriteFile(bad, []byte(`{"version":1,"mode":"audit","checks":[]}`), 0o644)

	summary := filepath.Join(tmp, "summary.md")
	code, stdout, stderr := runMergeCLI("--summary", summary, hist, clean)
	if code != exitFindings {
		t.Fatalf("merge: exit %d, want %d; %s", code, exitFindings, stderr)
	}
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"stdout": stdout, "stderr": stderr, "summary": string(md)} {
		if strings.Contains(out, tok) {
			t.Errorf("%s holds the raw token", name)
		}
	}
	if !strings.Contains(stdout, "scanned") || !strings.Contains(string(md), "### High (1)") {
		t.Errorf("text or summary incomplete:\n%s\n%s", stdout, md)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"clean alone", []string{clean}, exitClean, ""},
		{"sarif", []string{"--format", "sarif", hist}, exitFindings, ""},
		{"not ours", []string{hist, bad}, exitUsage, bad},
		{"missing", []string{filepath.Join(tmp, "nope.json")}, exitUsage, "nope.json"},
		{"none", nil, exitUsage, "at least one"},
		{"format", []string{"--format", "xml", hist}, exitUsage, "--format"},
	} {
		code, _, stderr := runMergeCLI(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, want %d; stderr %q should name %q", tc.name, code, tc.code, stderr, tc.want)
		}
	}
}
