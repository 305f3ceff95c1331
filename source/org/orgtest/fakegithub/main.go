// Command fakegithub serves a generated organisation through orgtest's
// fake GitHub, for bench/org.sh: -repos repositories of mixed size (most
// small, some with hundreds or thousands of commits), a fake ClickUp token
// planted in one in five. It prints GITHUB_API_URL on stdout once ready
// and serves until killed. Nothing here is a real credential.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/org/orgtest"
)

// benchT gives orgtest.Server what it needs of a test.
type benchT struct {
	cleanups []func()
	tmp      string
	calls    int
}

func (b *benchT) Helper()                           {}
func (b *benchT) Fatalf(format string, args ...any) { log.Fatalf(format, args...) }
func (b *benchT) Errorf(format string, args ...any) { log.Printf(format, args...) }
func (b *benchT) Cleanup(f func())                  { b.cleanups = append(b.cleanups, f) }
func (b *benchT) TempDir() string {
	b.calls++
	if b.calls == 1 {
		// The server's root: fixed, so that a rerun reuses the repositories.
		d := filepath.Join(b.tmp, "root")
		if err := os.MkdirAll(d, 0o755); err != nil {
			log.Fatal(err)
		}
		return d
	}
	d, err := os.MkdirTemp(b.tmp, "srv-")
	if err != nil {
		log.Fatal(err)
	}
	return d
}

func main() {
	moduleRoot := flag.String("module", ".", "the module root (for the OpenAPI description)")
	owner := flag.String("owner", "acme", "the organisation")
	repos := flag.Int("repos", 120, "how many repositories")
	big := flag.Int("big-commits", 3000, "commits of the biggest repositories")
	dir := flag.String("dir", "", "scratch directory (required) for the generated repositories, reused when run again")
	flag.Parse()
	token := os.Getenv("FAKE_GITHUB_TOKEN")
	if *dir == "" || token == "" {
		log.Fatal("usage: FAKE_GITHUB_TOKEN=... fakegithub -dir DIR [-repos N]")
	}
	t := &benchT{tmp: *dir}
	srv := orgtest.New(t, *moduleRoot, *owner, token)
	gen := fixtures.NewGen(2026)
	for i := range *repos {
		name := fmt.Sprintf("repo-%03d", i)
		commits := 20
		switch {
		case i%40 == 0:
			commits = *big
		case i%10 == 0:
			commits = *big / 10
		}
		bare := filepath.Join(srv.Root(), *owner, name+".git")
		var tok string
		if i%5 == 0 {
			tok = gen.PersonalToken()
		}
		if err := generate(bare, commits, i, tok); err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		srv.Register(orgtest.Repo{Name: name})
	}
	fmt.Println(srv.APIURL())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	for _, f := range t.cleanups {
		f()
	}
}

// generate makes a bare repository of n commits with git fast-import: each
// commit rewrites one of 50 source files with a few KiB of text, and the
// middle commit adds .env holding tok when tok is set.
func generate(bare string, n, seed int, tok string) error {
	if _, err := os.Stat(filepath.Join(bare, "refs", "heads", "main")); err == nil {
		return nil // made by an earlier run with the same -dir
	}
	os.RemoveAll(bare)
	if err := os.MkdirAll(filepath.Dir(bare), 0o755); err != nil {
		return err
	}
	if out, err := exec.Command("git", "init", "-q", "--bare", "-b", "main", bare).CombinedOutput(); err != nil {
		return fmt.Errorf("git init: %v: %s", err, out)
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = bare
	cmd.Env = append(os.Environ(), "GIT_DIR="+bare)
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	w := bufio.NewWriter(in)
	data := func(s string) { fmt.Fprintf(w, "data %d\n%s\n", len(s), s) }
	for c := range n {
		fmt.Fprintf(w, "commit refs/heads/main\ncommitter Dev One <dev@example.com> %d +0000\n", 1700000000+c*60)
		data(fmt.Sprintf("change %d of repository %d", c, seed))
		var body strings.Builder
		for l := range 40 + (c*7+seed)%80 {
			fmt.Fprintf(&body, "line %d of version %d: the quick brown fox %d jumps over %d lazy dogs\n", l, c, seed*31+c, l*c)
		}
		fmt.Fprintf(w, "M 100644 inline src/file%02d.txt\n", (c+seed)%50)
		data(body.String())
		if tok != "" && c == n/2 {
			fmt.Fprintf(w, "M 100644 inline .env\n")
			data("CLICKUP_API_TOKEN=" + tok + "\n")
		}
		w.WriteString("\n")
	}
	if err := w.Flush(); err != nil {
		return err
	}
	in.Close()
	return cmd.Wait()
}
