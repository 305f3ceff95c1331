package history

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"
)

// scenario builds a repository and says where its token must be reported.
type scenario struct {
	name  string
	build func(b *builder, tok string) (want []loc, opts Options)
}

func env(tok string) string { return "DEBUG=1\nCLICKUP_API_TOKEN=" + tok + "\n" }

var scenarios = []scenario{
	{"added then deleted", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("init", map[string]string{"README": "hello\n"})
		c2 := b.commit("add env", map[string]string{"README": "hello\n", "config/.env": env(tok)}, c1)
		c3 := b.commit("edit other line", map[string]string{"README": "hello\n", "config/.env": "X=1\n" + env(tok)}, c2)
		c4 := b.commit("remove env", map[string]string{"README": "hello\n"}, c3)
		b.ref("refs/heads/master", c4)
		return []loc{{Path: "config/.env", Commit: c2.String(), Line: 2, AtHead: "false"}}, Options{}
	}},
	{"added, deleted and re-added", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("add", map[string]string{"a.env": env(tok)})
		c2 := b.commit("rm", map[string]string{"b": "x\n"}, c1)
		c3 := b.commit("re-add", map[string]string{"b": "x\n", "a.env": "# again\n\n" + env(tok)}, c2)
		b.ref("refs/heads/master", c3)
		return []loc{
			// at_head is true for both: the secret is at a.env in HEAD.
			{Path: "a.env", Commit: c1.String(), Line: 2, AtHead: "true"},
			{Path: "a.env", Commit: c3.String(), Line: 4, AtHead: "true"},
		}, Options{}
	}},
	{"side branch only", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("init", map[string]string{"README": "hello\n"})
		c2 := b.commit("main work", map[string]string{"README": "hello again\n"}, c1)
		s1 := b.commit("wip", map[string]string{"README": "hello\n", "tools/clickup.sh": "export " + strings.TrimPrefix(env(tok), "DEBUG=1\n")}, c1)
		b.ref("refs/heads/master", c2)
		b.ref("refs/heads/feature", s1)
		return []loc{{Path: "tools/clickup.sh", Commit: s1.String(), Line: 1, AtHead: "false"}}, Options{}
	}},
	{"only in an annotated tag message", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("init", map[string]string{"README": "hello\n"})
		b.ref("refs/heads/master", c1)
		b.tag("v1.0", "release\n\ntested with "+tok+"\n", c1)
		return []loc{{Path: "refs/tags/v1.0", Commit: c1.String(), Object: "tag-message", Line: 3}}, Options{}
	}},
	{"only on a lightweight tag", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("init", map[string]string{"README": "hello\n"})
		t1 := b.commit("tagged", map[string]string{"README": "hello\n", "deploy.env": env(tok)}, c1)
		b.ref("refs/heads/master", c1)
		b.ref("refs/tags/deployed", t1)
		return []loc{{Path: "deploy.env", Commit: t1.String(), Line: 2, AtHead: "false"}}, Options{}
	}},
	{"in a commit message", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("init", map[string]string{"README": "hello\n"})
		c2 := b.commit("fix sync\n\nused "+tok+" to test", map[string]string{"README": "hi\n"}, c1)
		b.ref("refs/heads/master", c2)
		return []loc{{Commit: c2.String(), Object: "commit-message", Line: 3}}, Options{}
	}},
	{"in a renamed file", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("add", map[string]string{"old.env": env(tok)})
		c2 := b.commit("rename", map[string]string{"config/new.env": env(tok)}, c1)
		b.ref("refs/heads/master", c2)
		return []loc{
			{Path: "config/new.env", Commit: c2.String(), Line: 2, AtHead: "true"},
			{Path: "old.env", Commit: c1.String(), Line: 2, AtHead: "false"},
		}, Options{}
	}},
	{"in a merge commit's resolution", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("init", map[string]string{"conf.txt": "a\nb\n"})
		x := b.commit("x", map[string]string{"conf.txt": "a\nb\nx\n"}, c1)
		y := b.commit("y", map[string]string{"conf.txt": "y\na\nb\n"}, c1)
		m := b.commit("merge", map[string]string{"conf.txt": "y\na\nb\nx\nCLICKUP_API_TOKEN=" + tok + "\n"}, x, y)
		b.ref("refs/heads/master", m)
		return []loc{{Path: "conf.txt", Commit: m.String(), Line: 5, AtHead: "true"}}, Options{}
	}},
	{"merged from a branch", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("init", map[string]string{"README": "r\n"})
		s := b.commit("side", map[string]string{"README": "r\n", "s.env": env(tok)}, c1)
		c2 := b.commit("main", map[string]string{"README": "r2\n"}, c1)
		m := b.commit("merge", map[string]string{"README": "r2\n", "s.env": env(tok)}, c2, s)
		b.ref("refs/heads/master", m)
		return []loc{{Path: "s.env", Commit: s.String(), Line: 2, AtHead: "true"}}, Options{}
	}},
	{"twice in two files", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("add", map[string]string{"a.env": env(tok), "b/c.sh": "#!/bin/sh\n\n\nCLICKUP_API_TOKEN=" + tok + " run\n"})
		b.ref("refs/heads/master", c1)
		return []loc{
			{Path: "a.env", Commit: c1.String(), Line: 2, AtHead: "true"},
			{Path: "b/c.sh", Commit: c1.String(), Line: 4, AtHead: "true"},
		}, Options{}
	}},
	{"unreachable commit without --all-objects", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("init", map[string]string{"README": "r\n"})
		b.commit("oops", map[string]string{"README": "r\n", "leak.env": env(tok)}, c1)
		b.ref("refs/heads/master", c1)
		return nil, Options{}
	}},
	{"unreachable commit with --all-objects", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("init", map[string]string{"README": "r\n"})
		c2 := b.commit("oops", map[string]string{"README": "r\n", "leak.env": env(tok)}, c1)
		b.ref("refs/heads/master", c1)
		return []loc{{Path: "leak.env", Commit: c2.String(), Line: 2, AtHead: "false", Unreachable: true}}, Options{AllObjects: true}
	}},
	{"dangling blob with --all-objects", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("init", map[string]string{"README": "r\n"})
		h := b.blob(env(tok))
		b.ref("refs/heads/master", c1)
		return []loc{{Path: h.String(), Object: "blob", Line: 2, Unreachable: true}}, Options{AllObjects: true}
	}},
	{"since-commit skips older commits", func(b *builder, tok string) ([]loc, Options) {
		c1 := b.commit("add", map[string]string{"a.env": env(tok)})
		c2 := b.commit("edit", map[string]string{"a.env": "X=2\n" + env(tok)}, c1)
		c3 := b.commit("more", map[string]string{"a.env": "X=2\n" + env(tok), "b.env": env(tok)}, c2)
		b.ref("refs/heads/master", c3)
		return []loc{{Path: "b.env", Commit: c3.String(), Line: 2, AtHead: "true"}}, Options{SinceCommit: c1.String()}
	}},
}

func TestScanProvenance(t *testing.T) {
	t.Parallel()
	for i, sc := range scenarios {
		for _, packed := range []bool{false, true} {
			name := sc.name + map[bool]string{false: "/loose", true: "/packed"}[packed]
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				tok := fakeToken(uint64(100 + i))
				b := newBuilder(t)
				want, opts := sc.build(b, tok)
				if packed {
					gitCmd(t, b.dir, "repack", "-a", "-d", "-q", "--keep-unreachable")
					gitCmd(t, b.dir, "prune-packed")
				}
				opts.RepoPath = b.dir
				fs, res, st, err := runScan(t, opts)
				if err != nil {
					t.Fatalf("Scan: %v", err)
				}
				got := locsOf(fs, tok)
				if !slices.Equal(got, want) {
					t.Errorf("locations of %s:\n got %v\nwant %v", redact(tok), got, want)
				}
				if len(want) > 0 && len(fs) != 1 {
					t.Errorf("got %d findings, want 1", len(fs))
				}
				if st.ErrorCount != 0 || len(res.Warnings) != 0 {
					t.Errorf("errors %v, warnings %v", st.Errors, res.Warnings)
				}
				if len(want) > 0 {
					f := fs[0]
					if f.UserID != strings.Split(tok, "_")[1] {
						t.Errorf("user id %q", f.UserID)
					}
					for _, l := range f.Locations {
						if l.Source != "history" {
							t.Errorf("source %q", l.Source)
						}
						if l.Object != "blob" && (l.Author == "" || l.Date == "") {
							t.Errorf("location %v lacks author or date", l.Path)
						}
					}
				}
			})
		}
	}
}

func TestAuthorAndDate(t *testing.T) {
	t.Parallel()
	tok := fakeToken(7)
	b := newBuilder(t)
	c1 := b.commit("add", map[string]string{"a.env": env(tok)})
	b.ref("refs/heads/master", c1)
	fs, _, _, err := runScan(t, Options{RepoPath: b.dir})
	if err != nil || len(fs) != 1 || len(fs[0].Locations) != 1 {
		t.Fatalf("got %d findings, err %v", len(fs), err)
	}
	l := fs[0].Locations[0]
	if l.Author != "Dev One <dev@example.com>" || l.Date != "2024-01-02T03:05:05Z" || l.Column != 19 {
		t.Errorf("author %q date %q column %d", l.Author, l.Date, l.Column)
	}
}

func TestEachBlobScannedOnce(t *testing.T) {
	t.Parallel()
	tok := fakeToken(8)
	b := newBuilder(t)
	b.line(30, func(i int) map[string]string {
		// The same two blobs in every commit, at two paths; one more blob
		// changes each time.
		return map[string]string{"a.env": env(tok), "copy/a.env": env(tok), "n": strings.Repeat("x", i+1)}
	})
	gitCmd(t, b.dir, "repack", "-a", "-d", "-q")
	fs, _, st, err := runScan(t, Options{RepoPath: b.dir})
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 31 {
		t.Errorf("scanned %d files, want 31 (each unique blob once)", st.Files)
	}
	if got := locsOf(fs, tok); len(got) != 2 {
		t.Errorf("got %v, want 2 locations (one per path, in the first commit)", got)
	}
}

func TestShallowClone(t *testing.T) {
	t.Parallel()
	tok := fakeToken(9)
	b := newBuilder(t)
	c1 := b.commit("add", map[string]string{"a.env": env(tok)})
	c2 := b.commit("more", map[string]string{"a.env": env(tok), "b": "b\n"}, c1)
	c3 := b.commit("more", map[string]string{"a.env": env(tok), "b": "c\n"}, c2)
	b.ref("refs/heads/master", c3)
	gitCmd(t, b.dir, "symbolic-ref", "HEAD", "refs/heads/master")
	clone := filepath.Join(t.TempDir(), "clone")
	gitCmd(t, b.dir, "clone", "-q", "--depth", "1", "file://"+b.dir, clone)
	fs, res, st, err := runScan(t, Options{RepoPath: clone})
	if err != nil {
		t.Fatal(err)
	}
	want := []loc{{Path: "a.env", Commit: c3.String(), Line: 2, AtHead: "true"}}
	if got := locsOf(fs, tok); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "shallow") || !strings.Contains(res.Warnings[0], "fetch-depth: 0") {
		t.Errorf("warnings %q, want one shallow-clone warning", res.Warnings)
	}
	if st.ErrorCount != 0 {
		t.Errorf("missing parents counted as errors: %v", st.Errors)
	}
}

func TestBareAndWorktree(t *testing.T) {
	t.Parallel()
	tok := fakeToken(10)
	b := newBuilder(t)
	c1 := b.commit("add", map[string]string{"a.env": env(tok)})
	b.ref("refs/heads/master", c1)
	gitCmd(t, b.dir, "symbolic-ref", "HEAD", "refs/heads/master")
	bare := filepath.Join(t.TempDir(), "bare.git")
	gitCmd(t, b.dir, "clone", "-q", "--bare", b.dir, bare)
	wt := filepath.Join(t.TempDir(), "wt")
	gitCmd(t, b.dir, "worktree", "add", "-q", "-b", "other", wt, c1.String())
	sub := filepath.Join(b.dir, "config")
	os.MkdirAll(sub, 0o755)
	for _, dir := range []string{bare, wt, sub, filepath.Join(b.dir, ".git")} {
		fs, _, _, err := runScan(t, Options{RepoPath: dir})
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(dir), err)
			continue
		}
		want := []loc{{Path: "a.env", Commit: c1.String(), Line: 2, AtHead: "true"}}
		if got := locsOf(fs, tok); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", filepath.Base(dir), got, want)
		}
	}
}

func TestSubmodulesWarned(t *testing.T) {
	t.Parallel()
	b := newBuilder(t)
	c1 := b.commit("add", map[string]string{".gitmodules": "[submodule \"lib\"]\n\tpath = lib\n\turl = ../lib\n",
		"lib": "\x00submodule:" + strings.Repeat("ab", 20)})
	b.ref("refs/heads/master", c1)
	_, res, st, err := runScan(t, Options{RepoPath: b.dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "submodules") {
		t.Errorf("warnings %q, want one about submodules", res.Warnings)
	}
	if st.ErrorCount != 0 {
		t.Errorf("errors: %v", st.Errors)
	}
}

func TestNotRepository(t *testing.T) {
	t.Parallel()
	_, _, _, err := runScan(t, Options{RepoPath: t.TempDir()})
	if !errors.Is(err, ErrNotRepository) {
		t.Errorf("err = %v, want ErrNotRepository", err)
	}
}

func TestBadRevision(t *testing.T) {
	t.Parallel()
	b := newBuilder(t)
	b.ref("refs/heads/master", b.commit("c", map[string]string{"a": "a\n"}))
	_, _, _, err := runScan(t, Options{RepoPath: b.dir, SinceCommit: "no-such-branch"})
	if !errors.Is(err, ErrBadRevision) {
		t.Errorf("err = %v, want ErrBadRevision", err)
	}
}

func TestCorruptObjectCounted(t *testing.T) {
	t.Parallel()
	tok := fakeToken(11)
	b := newBuilder(t)
	bad := b.blob("this blob will be corrupted\n")
	c1 := b.commit("add", map[string]string{"a.env": env(tok), "bad.txt": "this blob will be corrupted\n"})
	b.ref("refs/heads/master", c1)
	p := filepath.Join(b.dir, ".git", "objects", bad.String()[:2], bad.String()[2:])
	os.Chmod(p, 0o644)
	if err := os.WriteFile(p, []byte("garbage, not zlib"), 0o644); err != nil {
		t.Fatal(err)
	}
	fs, res, st, err := runScan(t, Options{RepoPath: b.dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := locsOf(fs, tok); len(got) != 1 {
		t.Errorf("the scan did not go on past the corrupt object: %v", got)
	}
	// The command warns from the count (see finish in common.go).
	if st.ErrorCount != 1 || !strings.Contains(strings.Join(st.Errors, "\n"), bad.String()) {
		t.Errorf("corrupt object not counted: %d errors %q", st.ErrorCount, st.Errors)
	}
	_ = res
}

func TestHugeLineStreamed(t *testing.T) {
	t.Parallel()
	tok := fakeToken(12)
	b := newBuilder(t)
	// A 10 MB minified line with the token near its end, packed so that
	// the plain-blob streaming path reads it.
	line := strings.Repeat("a=1;", 10<<20/4) + "t=\"" + tok + "\";\n"
	c1 := b.commit("bundle", map[string]string{"dist/app.js": "// header\n" + line})
	b.ref("refs/heads/master", c1)
	gitCmd(t, b.dir, "repack", "-a", "-d", "-q")
	fs, _, _, err := runScan(t, Options{RepoPath: b.dir})
	if err != nil {
		t.Fatal(err)
	}
	got := locsOf(fs, tok)
	if len(got) != 1 || got[0].Line != 2 || got[0].Commit != c1.String() {
		t.Fatalf("got %v", got)
	}
	if col := fs[0].Locations[0].Column; col != 10<<20+4 {
		t.Errorf("column %d, want %d", col, 10<<20+4)
	}
}

// packedRepo builds a repository of n commits of compressible text, repacks
// it into a single pack, and returns the repository and the pack's path
// (made writable, so tests can damage it).
func packedRepo(t testing.TB, n, lines int) (*builder, string) {
	t.Helper()
	b := newBuilder(t)
	b.line(n, func(i int) map[string]string {
		return map[string]string{"a.txt": strings.Repeat(fmt.Sprintf("line %d\n", i), lines), "b.txt": fmt.Sprint(i * i)}
	})
	gitCmd(t, b.dir, "repack", "-a", "-d", "-q")
	packs, _ := filepath.Glob(filepath.Join(b.dir, ".git", "objects", "pack", "*.pack"))
	if len(packs) != 1 {
		t.Fatalf("%d packs", len(packs))
	}
	os.Chmod(packs[0], 0o644)
	return b, packs[0]
}

func TestCorruptPackCounted(t *testing.T) {
	t.Parallel()
	b, pack := packedRepo(t, 40, 200)
	data, err := os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	// Garbage over the middle third: headers, zlib streams and deltas.
	for i := len(data) / 3; i < 2*len(data)/3; i++ {
		data[i] = byte(i*7 + 3)
	}
	if err := os.WriteFile(pack, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, st, err := runScan(t, Options{RepoPath: b.dir, AllObjects: true})
	if err != nil {
		t.Fatalf("a corrupt pack aborted the scan: %v", err)
	}
	if st.ErrorCount == 0 {
		t.Errorf("corrupt objects not counted")
	}
}

// TestTruncatedPackCounted cuts a pack short while its index still names
// every object: the index's offsets then point past the end of the file,
// which once made a worker slice beyond the mapping and panic.
func TestTruncatedPackCounted(t *testing.T) {
	t.Parallel()
	for _, keep := range []int{3, 2} { // keep two thirds, then half
		b, pack := packedRepo(t, 30, 300)
		fi, err := os.Stat(pack)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(pack, fi.Size()*int64(keep-1)/int64(keep)); err != nil {
			t.Fatal(err)
		}
		_, _, st, err := runScan(t, Options{RepoPath: b.dir})
		if err != nil {
			t.Fatalf("a truncated pack aborted the scan: %v", err)
		}
		if st.ErrorCount == 0 {
			t.Errorf("objects past the end of a truncated pack were not counted")
		}
	}
}

// TestMissingBlobCounted deletes a loose blob that a tree still names: a
// full scan enumerates what the store holds, so only the tree pass can
// notice the gap, and it must count it.
func TestMissingBlobCounted(t *testing.T) {
	t.Parallel()
	tok := fakeToken(21)
	b := newBuilder(t)
	gone := b.blob("this blob will be deleted\n")
	c1 := b.commit("add", map[string]string{"a.env": env(tok), "gone.txt": "this blob will be deleted\n"})
	b.ref("refs/heads/master", c1)
	if err := os.Remove(filepath.Join(b.dir, ".git", "objects", gone.String()[:2], gone.String()[2:])); err != nil {
		t.Fatal(err)
	}
	fs, _, st, err := runScan(t, Options{RepoPath: b.dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := locsOf(fs, tok); len(got) != 1 {
		t.Errorf("the scan did not go on past the missing blob: %v", got)
	}
	if st.ErrorCount != 1 || !strings.Contains(strings.Join(st.Errors, "\n"), gone.String()) {
		t.Errorf("missing blob not counted: %d errors %q", st.ErrorCount, st.Errors)
	}
}

// TestCommitDateFormatsAsRecorded checks that a commit date kept as
// seconds and offset prints as the time.Time git's parser returned would,
// in the author's own offset.
func TestCommitDateFormatsAsRecorded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		offset int // seconds east of UTC
		want   string
	}{
		{"UTC", 0, "2024-02-29T23:59:30Z"},
		{"east", 2 * 3600, "2024-03-01T01:59:30+02:00"},
		{"west, half hour", -(5*3600 + 30*60), "2024-02-29T18:29:30-05:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			when := time.Date(2024, 2, 29, 23, 59, 30, 0, time.UTC).In(time.FixedZone("", tt.offset))
			_, date := signature(object.Signature{Name: "A", Email: "a@example.com", When: when})
			if got := date.String(); got != tt.want || got != when.Format(time.RFC3339) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := (commitDate{}).String(); got != "" {
		t.Errorf("the zero date prints %q, want \"\"", got)
	}
}
