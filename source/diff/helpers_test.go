package diff

import (
	"bytes"
	"context"
	"fmt"
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
	env []string // HOME and XDG_CONFIG_HOME, isolated
	n   int      // commits so far, to give each a distinct, increasing date
}

// fx is the repository as a fixtures.Repo at its current commit count.
func (r *testRepo) fx() *fixtures.Repo {
	return &fixtures.Repo{T: r.t, Dir: r.dir, Extra: r.env, As: fixtures.Identity{Name: "Ada Lovelace", Email: "ada@example.com"},
		Date: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Step: time.Minute, Commits: r.n}
}

func newRepo(t testing.TB) *testRepo {
	t.Helper()
	home := t.TempDir()
	r := &testRepo{t: t, dir: t.TempDir(), env: []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home}}
	r.git("init", "-q", "-b", "main")
	return r
}

// git runs git in the repository and returns its trimmed stdout.
func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	return r.fx().Git(args...)
}

func (r *testRepo) gitErr(args ...string) (string, error) {
	return r.fx().GitErr(args...)
}

func (r *testRepo) write(path, content string) {
	r.t.Helper()
	r.fx().Write(path, content)
}

// commit stages everything and commits; it returns the new commit id.
func (r *testRepo) commit(msg string) string {
	r.t.Helper()
	fx := r.fx()
	id := fx.Commit(msg)
	r.n = fx.Commits
	return id
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
