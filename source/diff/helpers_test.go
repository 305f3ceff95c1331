package diff

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// redact shows a token the way failure messages may print it.
func redact(tok string) string { return scanner.NewSecret(tok).Redacted() }

// testRepo is a real git repository in a temporary directory, driven by the
// git binary (the product itself never needs it).
type testRepo struct {
	t   testing.TB
	dir string
	env []string
	n   int // commits so far, to give each a distinct, increasing date
}

func newRepo(t testing.TB) *testRepo {
	t.Helper()
	r := &testRepo{t: t, dir: t.TempDir()}
	home := t.TempDir()
	r.env = append(os.Environ(),
		"HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Ada Lovelace", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada Lovelace", "GIT_COMMITTER_EMAIL=ada@example.com",
	)
	r.git("init", "-q", "-b", "main")
	return r
}

// git runs git in the repository and returns its trimmed stdout.
func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	out, err := r.gitErr(args...)
	if err != nil {
		r.t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (r *testRepo) gitErr(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	when := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.n) * time.Minute).Format(time.RFC3339)
	cmd.Env = append(r.env, "GIT_AUTHOR_DATE="+when, "GIT_COMMITTER_DATE="+when)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%w: %s", err, stderr.String())
	}
	return strings.TrimSpace(stdout.String()), nil
}

func (r *testRepo) write(path, content string) {
	r.t.Helper()
	fixtures.WriteFile(r.t, r.dir, path, content)
}

// commit stages everything and commits; it returns the new commit id.
func (r *testRepo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.n++
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// scanRange runs ScanRange and returns the findings.
func scanRange(t *testing.T, dir, base, head string) ([]scanner.Finding, Result) {
	t.Helper()
	stats := &scanner.Stats{}
	col := scanner.NewCollector()
	res, err := ScanRange(context.Background(), Options{RepoPath: dir, Base: base, Head: head}, scanner.New(scanner.Options{}, stats), col)
	if err != nil {
		t.Fatalf("ScanRange(%s..%s): %v", base, head, err)
	}
	return col.Findings(), res
}

// loc is the comparable part of a location in these tests.
type loc struct {
	Token  string // redacted
	Path   string
	Line   int
	Commit string
	Change string
	AtHead string // "true", "false" or "" when unset
}

func locs(fs []scanner.Finding) []loc {
	var out []loc
	for _, f := range fs {
		for _, l := range f.Locations {
			at := ""
			if l.AtHead != nil {
				at = fmt.Sprint(*l.AtHead)
			}
			out = append(out, loc{Token: f.Secret.Redacted(), Path: l.Path, Line: l.Line, Commit: l.Commit, Change: string(l.Change), AtHead: at})
		}
	}
	return out
}

// assertNoRaw fails if any raw token occurs in data, naming it redacted.
func assertNoRaw(t testing.TB, what string, data []byte, tokens ...string) {
	t.Helper()
	for _, tok := range tokens {
		if bytes.Contains(data, []byte(tok)) {
			t.Errorf("%s contains the raw token %s", what, redact(tok))
		}
	}
}
