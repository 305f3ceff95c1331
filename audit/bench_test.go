package audit

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
)

// benchRepo builds, with git fast-import, a repository of commits commits
// over a tree of files files in 40 directories; every commit changes one
// file, and one commit in 500 adds a .env that the next commit removes.
func benchRepo(b testing.TB, commits, files int) string {
	b.Helper()
	r := fixtures.NewRepo(b, fixtures.Identity{Name: "T", Email: "t@example.invalid"}, time.Time{}, 0)
	var s bytes.Buffer
	blob := func(mark int, content string) {
		fmt.Fprintf(&s, "blob\nmark :%d\ndata %d\n%s\n", mark, len(content), content)
	}
	mark := 1
	commit := func(n int, ops string) {
		msg := fmt.Sprintf("commit %d", n)
		fmt.Fprintf(&s, "commit refs/heads/main\ncommitter T <t@example.invalid> %d +0000\ndata %d\n%s\n", 1700000000+n, len(msg), msg)
		s.WriteString(ops)
		s.WriteString("\n")
	}
	var ops bytes.Buffer
	for i := 0; i < files; i++ {
		blob(mark, fmt.Sprintf("package p%d\n// file %d\n", i%40, i))
		fmt.Fprintf(&ops, "M 100644 :%d dir%02d/sub/file%05d.go\n", mark, i%40, i)
		mark++
	}
	commit(0, ops.String())
	envs := 0
	for n := 1; n < commits; n++ {
		ops.Reset()
		switch {
		case n%500 == 0:
			blob(mark, "CLICKUP_API_TOKEN=\n")
			fmt.Fprintf(&ops, "M 100644 :%d dir%02d/.env\n", mark, n%40)
			envs++
		case n%500 == 1:
			fmt.Fprintf(&ops, "D dir%02d/.env\n", (n-1)%40)
		default:
			blob(mark, fmt.Sprintf("package p\n// change %d\n", n))
			fmt.Fprintf(&ops, "M 100644 :%d dir%02d/sub/file%05d.go\n", mark, n%40, n%files)
		}
		mark++
		commit(n, ops.String())
	}
	r.FastImport(&s)
	return r.Dir
}

// BenchmarkTrackedFiles measures the secrets-file history walk of the
// tracked-files check: 20,000 commits over a 2,000-file tree, about 60,000
// distinct trees. Building the repository takes minutes on a loaded
// machine: run it alone, with -benchtime 1x.
func BenchmarkTrackedFiles(b *testing.B) {
	root := benchRepo(b, 20_000, 2_000)
	repo, err := git.PlainOpen(root)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		a := &auditor{root: root, repo: repo, maxCommits: DefaultMaxCommits}
		c := a.checkTracked(context.Background())
		// The .env files land in dir00 and dir20 (commit n%40 for n a
		// multiple of 500) and are all removed again.
		if c.Status != report.CheckFail || len(c.Details) != 2 {
			b.Fatalf("check = %s %v, want fail with dir00/.env and dir20/.env in history", c.Status, c.Details)
		}
	}
}
