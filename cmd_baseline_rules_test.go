package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// TestBaselineRulesAndMessages: findings a path rule ignores get no entry,
// a commit-message finding is named by its commit, --output - writes to
// stdout and says so, and no output holds a raw token.
func TestBaselineRulesAndMessages(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(109)
	inFixture, inMessage, inFile := g.PersonalToken(), g.PersonalToken(), g.PersonalToken()
	r := newDHRepo(t)
	r.write(".clickup-secret-scan-ignore", "path:fixtures/**  generated test data\n")
	r.write("fixtures/a.env", "T="+inFixture+"\n")
	r.write("app.env", "CLICKUP_API_TOKEN="+inFile+"\n")
	r.git("add", "-A")
	r.n++
	r.git("commit", "-q", "-m", "deploy with "+inMessage)
	sha := r.git("rev-parse", "HEAD")

	code, stdout, stderr := ccRun(nil, "", "baseline", "--repo", r.dir, "--output", "-")
	if code != exitClean {
		t.Fatalf("baseline --output -: exit %d, stderr %q", code, stderr)
	}
	ccNoRaw(t, inFixture, stdout, stderr)
	ccNoRaw(t, inMessage, stdout, stderr)
	ccNoRaw(t, inFile, stdout, stderr)
	if strings.Contains(stdout, scanner.NewSecret(inFixture).ID()) {
		t.Errorf("baseline re-adds a finding a path rule ignores:\n%s", stdout)
	}
	for _, want := range []string{scanner.NewSecret(inFile).ID(), scanner.NewSecret(inMessage).ID(), "at commit " + sha[:7] + " message", "at app.env:1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("baseline lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "written to standard output (1 already ignored)") || strings.Contains(stderr, "recorded in -") {
		t.Errorf("stderr %q, want it to name standard output and the ignored finding", stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(r.dir, ".clickup-secret-scan-ignore")); strings.Contains(string(b), "baseline") {
		t.Errorf("--output - changed the ignore file:\n%s", b)
	}

	// After a real baseline, a history scan shows the ignored findings as
	// one line, in full with --show-ignored, and always in JSON.
	if code, _, stderr := ccRun(nil, "", "baseline", "--repo", r.dir); code != exitClean {
		t.Fatalf("baseline: exit %d: %s", code, stderr)
	}
	code, stdout, _ = ccRun(nil, "", "history", "--repo", r.dir)
	if code != exitClean || !strings.Contains(stdout, "3 ignored: see --show-ignored") || strings.Contains(stdout, "reason:") {
		t.Errorf("history after baseline: exit %d\n%s", code, stdout)
	}
	_, stdout, _ = ccRun(nil, "", "history", "--repo", r.dir, "--show-ignored")
	if strings.Count(stdout, "ignored: ") != 3 || !strings.Contains(stdout, "generated test data") {
		t.Errorf("history --show-ignored does not list the 3 ignored findings:\n%s", stdout)
	}
	_, stdout, _ = ccRun(nil, "", "history", "--repo", r.dir, "--format", "json")
	if !strings.Contains(stdout, `"ignored"`) || !strings.Contains(stdout, scanner.NewSecret(inMessage).ID()) {
		t.Errorf("JSON lacks the ignored findings:\n%s", stdout)
	}
}
