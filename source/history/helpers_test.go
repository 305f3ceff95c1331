package history

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// fakeToken returns a FAKE personal token in the real shape, with a random
// body that the placeholder filter keeps (no runs, repeats or words).
func fakeToken(seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	const alpha = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for {
		b := make([]byte, 32)
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		ok := !strings.Contains(string(b), "XXXX") && !strings.Contains(string(b), "EXAMPLE")
		for i := 0; ok && i+2 < len(b); i++ {
			if b[i] == b[i+1] && b[i+1] == b[i+2] || b[i]+1 == b[i+1] && b[i+1]+1 == b[i+2] {
				ok = false
			}
		}
		if ok {
			return fmt.Sprintf("pk_%d_%s", 10000000+rng.IntN(89999999), b)
		}
	}
}

// redact is what failure messages print instead of a token.
func redact(tok string) string { return scanner.NewSecret(tok).Redacted() }

// builder writes commits straight into a repository's object store, with
// fixed signatures and times so that commit ids are stable.
type builder struct {
	t    testing.TB
	dir  string
	repo *git.Repository
	when time.Time
	// blobs memoizes stored blobs by content: snapshots repeat files.
	blobs map[string]plumbing.Hash
}

func newBuilder(t testing.TB) *builder {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	return &builder{t: t, dir: dir, repo: repo, when: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), blobs: map[string]plumbing.Hash{}}
}

func (b *builder) store(o interface {
	Encode(plumbing.EncodedObject) error
}) plumbing.Hash {
	b.t.Helper()
	obj := b.repo.Storer.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		b.t.Fatal(err)
	}
	h, err := b.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		b.t.Fatal(err)
	}
	return h
}

func (b *builder) blob(content string) plumbing.Hash {
	b.t.Helper()
	if h, ok := b.blobs[content]; ok {
		return h
	}
	obj := b.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, _ := obj.Writer()
	w.Write([]byte(content))
	w.Close()
	h, err := b.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		b.t.Fatal(err)
	}
	b.blobs[content] = h
	return h
}

// tree stores the snapshot files (slash-separated path -> content) and
// returns its root tree. A content of "\x00submodule:<hash>" is a gitlink.
func (b *builder) tree(files map[string]string) plumbing.Hash {
	b.t.Helper()
	type dir struct {
		files map[string]string
		dirs  map[string]map[string]string
	}
	d := dir{files: map[string]string{}, dirs: map[string]map[string]string{}}
	for p, c := range files {
		first, rest, more := strings.Cut(p, "/")
		if !more {
			d.files[first] = c
			continue
		}
		if d.dirs[first] == nil {
			d.dirs[first] = map[string]string{}
		}
		d.dirs[first][rest] = c
	}
	var entries []object.TreeEntry
	for name, c := range d.files {
		if sub, ok := strings.CutPrefix(c, "\x00submodule:"); ok {
			entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Submodule, Hash: plumbing.NewHash(sub)})
			continue
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: b.blob(c)})
	}
	for name, sub := range d.dirs {
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: b.tree(sub)})
	}
	sort.Sort(object.TreeEntrySorter(entries))
	return b.store(&object.Tree{Entries: entries})
}

// commit stores a commit of the snapshot files with the given parents.
func (b *builder) commit(msg string, files map[string]string, parents ...plumbing.Hash) plumbing.Hash {
	b.t.Helper()
	b.when = b.when.Add(time.Minute)
	sig := object.Signature{Name: "Dev One", Email: "dev@example.com", When: b.when}
	return b.store(&object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: b.tree(files), ParentHashes: parents})
}

// line commits n snapshots, each the parent of the next, points
// refs/heads/master at the last and returns it. snapshot(i) gives the files
// of commit i.
func (b *builder) line(n int, snapshot func(i int) map[string]string) plumbing.Hash {
	b.t.Helper()
	var last plumbing.Hash
	for i := range n {
		if last.IsZero() {
			last = b.commit("c", snapshot(i))
		} else {
			last = b.commit("c", snapshot(i), last)
		}
	}
	b.ref("refs/heads/master", last)
	return last
}

func (b *builder) ref(name string, h plumbing.Hash) {
	b.t.Helper()
	if err := b.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), h)); err != nil {
		b.t.Fatal(err)
	}
}

// tag stores an annotated tag of target and points refs/tags/name at it.
func (b *builder) tag(name, msg string, target plumbing.Hash) plumbing.Hash {
	b.t.Helper()
	b.when = b.when.Add(time.Minute)
	h := b.store(&object.Tag{Name: name, Tagger: object.Signature{Name: "Rel", Email: "rel@example.com", When: b.when},
		Message: msg, TargetType: plumbing.CommitObject, Target: target})
	b.ref("refs/tags/"+name, h)
	return h
}

var _ storage.Storer

// gitCmd runs the git binary in dir (tests only: packing, shallow clones).
func gitCmd(t testing.TB, dir string, args ...string) string {
	t.Helper()
	return fixtures.Git(t, dir, args...)
}

// runScan scans dir and returns the findings, the result and the stats.
func runScan(t *testing.T, opts Options) ([]scanner.Finding, Result, scanner.StatsSnapshot, error) {
	t.Helper()
	stats := &scanner.Stats{}
	col := scanner.NewCollector()
	res, err := Scan(context.Background(), opts, scanner.New(scanner.Options{}, stats), col)
	return col.Findings(), res, stats.Snapshot(), err
}

// loc is the part of a location the tests assert.
type loc struct {
	Path, Commit, Object string
	Line                 int
	AtHead               string // "true", "false" or "" when absent
	Unreachable          bool
}

func (l loc) String() string {
	return fmt.Sprintf("%s@%.10s line %d obj=%q at_head=%s unreachable=%v", l.Path, l.Commit, l.Line, l.Object, l.AtHead, l.Unreachable)
}

// locsOf returns the locations of the finding for tok, sorted.
func locsOf(fs []scanner.Finding, tok string) []loc {
	id := scanner.NewSecret(tok).ID()
	var out []loc
	for _, f := range fs {
		if f.ID != id {
			continue
		}
		for _, l := range f.Locations {
			at := ""
			if l.AtHead != nil {
				at = fmt.Sprint(*l.AtHead)
			}
			out = append(out, loc{Path: l.Path, Commit: l.Commit, Object: string(l.Object), Line: l.Line, AtHead: at, Unreachable: l.Unreachable})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// assertNoToken fails if any raw token appears in b (printing only the
// redacted form).
func assertNoToken(t *testing.T, what string, b []byte, toks ...string) {
	t.Helper()
	for _, tok := range toks {
		if bytes.Contains(b, []byte(tok)) {
			t.Errorf("%s holds the raw token %s", what, redact(tok))
		}
		if bytes.Contains(b, []byte(tok[len(tok)-20:])) {
			t.Errorf("%s holds part of the raw token %s", what, redact(tok))
		}
	}
}

func basename(p string) string { return path.Base(p) }
