package diff

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/google/go-cmp/cmp"
)

// indexRepo returns a repository with a commit of nested files and a
// staged change: one edited file, one new file, one intent-to-add file.
func indexRepo(t *testing.T, version string) *testRepo {
	t.Helper()
	r := newRepo(t)
	for _, p := range []string{"a/b/one.txt", "a/b/two.txt", "a/c/three.txt", "d/four.txt", "top.txt", "a/long/" + string(bytes.Repeat([]byte("n"), 120)) + ".txt"} {
		r.write(p, p+"\n")
	}
	r.commit("base")
	r.write("a/b/one.txt", "changed\n")
	r.write("e/new.txt", "new\n")
	r.write("later.txt", "later\n")
	r.git("add", "a/b/one.txt", "e/new.txt")
	r.git("add", "-N", "later.txt")
	if version != "" {
		r.git("update-index", "--index-version", version)
	}
	return r
}

func TestParseIndexMatchesGit(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"", "2", "3", "4"} {
		t.Run("version="+version, func(t *testing.T) {
			t.Parallel()
			r := indexRepo(t, version)
			data, err := os.ReadFile(filepath.Join(r.dir, ".git", "index"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseIndex(data)
			if err != nil {
				t.Fatalf("parseIndex: %v", err)
			}
			// go-git's decoder is the reference for the entries.
			want := &index.Index{}
			if err := index.NewDecoder(bytes.NewReader(data)).Decode(want); err != nil {
				t.Fatalf("go-git decode: %v", err)
			}
			if len(got.entries) != len(want.Entries) {
				t.Fatalf("%d entries, go-git has %d", len(got.entries), len(want.Entries))
			}
			for i, w := range want.Entries {
				g := got.entries[i]
				if g.name != w.Name || g.hash != w.Hash || g.mode != w.Mode || g.stage != int(w.Stage) || g.intentToAdd != w.IntentToAdd {
					t.Errorf("entry %d = %+v, want %s %s %v stage %d ita %v", i, g, w.Name, w.Hash, w.Mode, w.Stage, w.IntentToAdd)
				}
			}
			// The cache tree: directories untouched by the staged change
			// keep HEAD's tree ids; changed ones (and the root) are invalid.
			wantTrees := map[string]plumbing.Hash{}
			for _, dir := range []string{"a/c", "d", "a/long"} {
				wantTrees[dir] = plumbing.NewHash(r.git("rev-parse", "HEAD:"+dir))
			}
			if diff := cmp.Diff(wantTrees, got.trees); diff != "" {
				t.Errorf("cache tree (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseIndexAfterCommitCoversEverything(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("x/y/z.txt", "z\n")
	r.commit("one")
	data, err := os.ReadFile(filepath.Join(r.dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := parseIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := idx.trees[""], plumbing.NewHash(r.git("rev-parse", "HEAD^{tree}")); got != want {
		t.Errorf("root cache tree %s, want HEAD's tree %s", got, want)
	}
	if got, want := idx.trees["x/y"], plumbing.NewHash(r.git("rev-parse", "HEAD:x/y")); got != want {
		t.Errorf("x/y cache tree %s, want %s", got, want)
	}
}

func TestParseIndexRejects(t *testing.T) {
	t.Parallel()
	sum := make([]byte, 20)
	tests := map[string][]byte{
		"empty":         nil,
		"bad magic":     append([]byte("DIRX\x00\x00\x00\x02\x00\x00\x00\x00"), sum...),
		"version 5":     append([]byte("DIRC\x00\x00\x00\x05\x00\x00\x00\x00"), sum...),
		"too many":      append([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x09"), sum...),
		"split index":   append([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00link\x00\x00\x00\x00"), sum...),
		"required ext":  append([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00abcd\x00\x00\x00\x00"), sum...),
		"ext overrun":   append([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00TREE\x00\x00\x01\x00"), sum...),
		"bad tree nums": append([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00TREE\x00\x00\x00\x05\x00x y\n"), sum...),
	}
	for name, data := range tests {
		if _, err := parseIndex(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzParseIndex: a hostile or corrupt index must give an error, never a
// panic, and entries must have the names the file holds.
func FuzzParseIndex(f *testing.F) {
	f.Add([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00" + string(make([]byte, 20))))
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := parseIndex(data)
		if err != nil {
			return
		}
		for _, e := range idx.entries {
			if e.stage < 0 || e.stage > 3 {
				t.Errorf("stage %d", e.stage)
			}
		}
	})
}
