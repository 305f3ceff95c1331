package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/ignore"
)

// TestSelfScanHistoryIsClean runs `history` on this repository's own
// checkout, as the nightly self-scan workflow does: every test fixture is
// covered by .clickup-secret-scan-ignore, so it exits 0 and lists them as
// ignored with the file's reasons. A new fixture outside the covered paths,
// or a real leak, fails it. CI runs from a git clone, where this test must
// never skip.
func TestSelfScanHistoryIsClean(t *testing.T) {
	t.Parallel()
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but this is not a git checkout (git rev-parse: %v); the self-scan must run in CI", err)
		}
		t.Skipf("not a git checkout (git rev-parse: %v); the self-scan runs only in a clone", err)
	}
	root := strings.TrimSpace(string(top))
	rules, err := os.ReadFile(root + "/.clickup-secret-scan-ignore")
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]bool{}
	for _, line := range strings.Split(string(rules), "\n") {
		if strings.HasPrefix(line, "path:") {
			_, reason, _ := strings.Cut(line, "  ")
			reasons[strings.TrimSpace(reason)] = true
		}
	}
	if len(reasons) == 0 {
		t.Fatal(".clickup-secret-scan-ignore has no path rule")
	}

	var stdout, stderr bytes.Buffer
	noEnv := func(string) string { return "" }
	code := run(context.Background(), []string{"history", "--repo", root, "--format", "json"}, noEnv, &stdout, &stderr)
	var rep struct {
		Findings []struct {
			ID        string
			Redacted  string
			Locations []struct{ Path string }
		}
		Ignored []struct {
			Reason    string
			Locations []struct{ Path string }
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("history --format json: %v\nstderr: %s", err, stderr.String())
	}
	if code != exitClean || len(rep.Findings) != 0 {
		for _, f := range rep.Findings {
			for _, l := range f.Locations {
				t.Errorf("not ignored: %s (id %s) in %s", f.Redacted, f.ID, l.Path)
			}
		}
		t.Fatalf("history on the project's own checkout: exit %d with %d findings, want 0 and none; stderr: %s", code, len(rep.Findings), stderr.String())
	}
	if len(rep.Ignored) == 0 {
		t.Fatal("no ignored finding: the fixtures were not scanned, or not listed as ignored")
	}
	// A finding ignored at several locations joins their reasons with "; ".
	reasons[ignore.MarkerReason] = true
	for _, ig := range rep.Ignored {
		for _, r := range strings.Split(ig.Reason, "; ") {
			if !reasons[r] {
				t.Errorf("ignored with reason %q, which is not one of .clickup-secret-scan-ignore's", r)
			}
		}
	}
}
