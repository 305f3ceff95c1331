package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// TestTokensOutsideFindingsAreRedacted puts a token where no finding holds
// it: in a file name, an archive member name, a FIFO's name, an ignore
// reason, a branch name, a commit author and a path; every output and the
// history state file must show it redacted only.
func TestTokensOutsideFindingsAreRedacted(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(404)
	named, found := g.PersonalToken(), g.PersonalToken()
	tree := t.TempDir()
	write := func(rel string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(tree, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("cfg_"+named+".env", []byte("CLICKUP_API_TOKEN="+found+"\n"))
	write("bundle.zip", fixtures.ZipBytes(map[string]string{"conf/" + named + ".txt": "t=" + found}))
	if err := syscall.Mkfifo(filepath.Join(tree, named+".fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	ignoreFile := filepath.Join(t.TempDir(), "ignore")
	os.WriteFile(ignoreFile, []byte("path:**/bundle.zip  old token "+named+" rotated in March\n"), 0o644)

	outputs := map[string]string{}
	for _, format := range []string{"text", "json", "sarif"} {
		code, stdout, stderr := runCLI(t, nil, "dir", "--format", format, "--ignore-file", ignoreFile, tree)
		if code != exitFindings {
			t.Fatalf("dir %s: exit %d, want 1", format, code)
		}
		outputs["dir "+format+" stdout"], outputs["dir "+format+" stderr"] = stdout, stderr
	}

	repo := t.TempDir()
	fixtures.Git(t, repo, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(repo, "x_"+named+".env"), []byte("T="+found+"\n"), 0o644)
	fixtures.Git(t, repo, "add", "-A")
	fixtures.Git(t, repo, "-c", "user.name="+named, "commit", "-q", "--author", named+" <dev@example.com>", "-m", "add")
	fixtures.Git(t, repo, "branch", "feat/"+named)
	state := filepath.Join(t.TempDir(), "state.json")
	code, stdout, stderr := runCLI(t, nil, "history", "--repo", repo, "--state", state, "--format", "json")
	if code != exitFindings {
		t.Fatalf("history: exit %d, want 1; %s", code, stderr)
	}
	outputs["history stdout"], outputs["history stderr"] = stdout, stderr
	st, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	outputs["history state file"] = string(st)
	assertNoRawSecret(t, []string{named, found}, outputs)
}

// TestDoublyPercentEncodedNameRedacted: a file named after a token with
// its underscores percent-encoded twice (which the scanner decodes as a
// token) is redacted in every format, also once SARIF percent-encodes the
// name again into its URI.
func TestDoublyPercentEncodedNameRedacted(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(74).PersonalToken()
	parts := strings.Split(tok, "_")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pk%255F"+parts[1]+"%255F"+parts[2]+".txt"), []byte("k="+tok+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "sarif"} {
		_, stdout, stderr := runCLI(t, nil, "dir", "--format", format, dir)
		if strings.Contains(stdout+stderr, parts[2]) {
			t.Errorf("%s: the token's body is in clear", format)
		}
	}
}
