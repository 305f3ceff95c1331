// Command gen writes a git fast-import stream of a synthetic repository
// built from real source files, with fake ClickUp tokens planted at known
// commits, for bench/history.sh. It also writes the list of planted tokens:
// one line per expected location, "sha256<TAB>path<TAB>mark<TAB>object"
// (path "-" for a commit message),
// where mark is the fast-import mark of the introducing commit. The tokens
// themselves are never written anywhere but into the stream.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	src := flag.String("src", "/usr/local/go/src", "directory of real source files to build the history from")
	commits := flag.Int("commits", 20000, "number of commits on the main branch")
	expected := flag.String("expected", "expected.tsv", "file that receives the planted locations")
	flag.Parse()
	if err := run(*src, *commits, *expected); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type file struct {
	path  string
	lines [][]byte
}

func run(src string, n int, expectedPath string) error {
	var pool []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ".go") {
			if info, err := d.Info(); err == nil && info.Size() < 200<<10 {
				pool = append(pool, p)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.Sort(pool)
	if len(pool) == 0 {
		return fmt.Errorf("no source files under %s", src)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	var exp bytes.Buffer

	tok := func() string {
		const alpha = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		for {
			b := make([]byte, 32)
			for i := range b {
				b[i] = alpha[rng.IntN(len(alpha))]
			}
			if plausible(b) {
				return fmt.Sprintf("pk_%d_%s", 10000000+rng.IntN(89999999), b)
			}
		}
	}
	expect := func(token, path string, mark int, object string) {
		if path == "" {
			path = "-" // tab-separated readers collapse empty fields
		}
		sum := sha256.Sum256([]byte(token))
		fmt.Fprintf(&exp, "%s\t%s\t%d\t%s\n", hex.EncodeToString(sum[:]), path, mark, object)
	}

	files := map[string]*file{}
	var live []string
	ts := int64(1_600_000_000)
	commit := func(branch string, mark, from int, msg string, body func()) {
		ts += 600
		fmt.Fprintf(w, "commit refs/heads/%s\nmark :%d\nauthor Dev %d <dev%d@example.com> %d +0000\ncommitter Dev <dev@example.com> %d +0000\n",
			branch, mark, mark%7, mark%7, ts, ts)
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
		if from > 0 {
			fmt.Fprintf(w, "from :%d\n", from)
		}
		body()
		fmt.Fprintln(w)
	}
	put := func(f *file) {
		data := bytes.Join(f.lines, []byte("\n"))
		fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n", f.path, len(data))
		w.Write(data)
		fmt.Fprintln(w)
	}
	del := func(path string) {
		fmt.Fprintf(w, "D %s\n", path)
		delete(files, path)
		live = slices.DeleteFunc(live, func(p string) bool { return p == path })
	}
	add := func(path string, content []byte) *file {
		f := &file{path: path, lines: bytes.Split(content, []byte("\n"))}
		if _, ok := files[path]; !ok {
			live = append(live, path)
		}
		files[path] = f
		return f
	}

	t1, t2, t3, t4, t5, t6, t7 := tok(), tok(), tok(), tok(), tok(), tok(), tok()
	at := func(i int) int { return max(2, i*n/20000) }
	for i := 1; i <= n; i++ {
		msg := fmt.Sprintf("change %d", i)
		if i == at(7000) {
			msg = "hotfix: temporary token " + t3 + " for the ClickUp sync"
			expect(t3, "", i, "commit-message")
		}
		commit("main", i, i-1, msg, func() {
			if i-1 < len(pool) {
				b, err := os.ReadFile(pool[i-1])
				if err == nil {
					put(add("src/"+strings.TrimPrefix(pool[i-1], src+"/"), b))
				}
			}
			for range 2 {
				if len(live) == 0 {
					break
				}
				f := files[live[rng.IntN(len(live))]]
				edit(f, rng, i)
				put(f)
			}
			switch i {
			case at(1000):
				put(add("config/.env", []byte("CLICKUP_API_TOKEN="+t1+"\nDEBUG=1\n")))
				expect(t1, "config/.env", i, "")
			case at(1500):
				del("config/.env")
			case at(5000):
				put(add("config/.env", []byte("DEBUG=0\nCLICKUP_API_TOKEN="+t1+"\n")))
				expect(t1, "config/.env", i, "")
			case at(3000):
				f := files[live[len(live)/2]]
				f.lines = slices.Insert(f.lines, min(3, len(f.lines)), []byte("const clickupToken = \""+t2+"\""))
				put(f)
				expect(t2, f.path, i, "")
			case at(12000):
				put(add("deploy/clickup.yaml", []byte("clickup:\n  token: "+t5+"\n")))
				expect(t5, "deploy/clickup.yaml", i, "")
			case at(12000) + 1:
				b := bytes.Join(files["deploy/clickup.yaml"].lines, []byte("\n"))
				del("deploy/clickup.yaml")
				put(add("deploy/clickup-prod.yaml", b))
				expect(t5, "deploy/clickup-prod.yaml", i, "")
			case at(19990):
				put(add("scripts/a.sh", []byte("export CLICKUP_TOKEN="+t7+"\n")))
				put(add("scripts/b.sh", []byte("#!/bin/sh\nCLICKUP_TOKEN="+t7+" ./run\n")))
				expect(t7, "scripts/a.sh", i, "")
				expect(t7, "scripts/b.sh", i, "")
			}
		})
	}
	// A side branch that was never merged.
	side := n + 1
	commit("feature", side, at(9000), "wip: try the ClickUp client", func() {
		fmt.Fprintf(w, "M 100644 inline tools/clickup_test.go\n")
		b := []byte("package tools\n\nvar token = \"" + t4 + "\"\n")
		fmt.Fprintf(w, "data %d\n", len(b))
		w.Write(b)
		fmt.Fprintln(w)
	})
	expect(t4, "tools/clickup_test.go", side, "")
	// A token only in an annotated tag's message.
	ts += 60
	tagMsg := "release 1.0\n\nsmoke-tested with " + t6 + "\n"
	fmt.Fprintf(w, "tag v1.0\nfrom :%d\ntagger Rel <rel@example.com> %d +0000\ndata %d\n%s\n", at(15000), ts, len(tagMsg), tagMsg)
	expect(t6, "refs/tags/v1.0", at(15000), "tag-message")
	return os.WriteFile(expectedPath, exp.Bytes(), 0o644)
}

// edit changes one line of f the way a small commit does, so that git can
// store the new version as a delta.
func edit(f *file, rng *rand.Rand, i int) {
	line := []byte(fmt.Sprintf("// revision %d.%d", i, rng.IntN(1000)))
	if len(f.lines) == 0 || rng.IntN(3) == 0 {
		f.lines = slices.Insert(f.lines, rng.IntN(len(f.lines)+1), line)
		return
	}
	j := rng.IntN(len(f.lines))
	if bytes.Contains(f.lines[j], []byte("pk_")) {
		j = (j + 1) % len(f.lines)
	}
	if bytes.Contains(f.lines[j], []byte("pk_")) {
		return
	}
	f.lines[j] = line
}

// plausible rejects bodies that look like placeholders (runs, repeats,
// EXAMPLE/XXXX), which the matcher suppresses by design.
func plausible(b []byte) bool {
	s := string(b)
	if strings.Contains(s, "XXXX") || strings.Contains(s, "EXAMPLE") {
		return false
	}
	for i := 0; i+2 < len(b); i++ {
		if b[i] == b[i+1] && b[i+1] == b[i+2] {
			return false
		}
		if b[i]+1 == b[i+1] && b[i+1]+1 == b[i+2] {
			return false
		}
	}
	return true
}
