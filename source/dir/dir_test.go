package dir

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

func scanTree(t *testing.T, opts Options) ([]scanner.Finding, scanner.StatsSnapshot) {
	t.Helper()
	stats := &scanner.Stats{}
	col := scanner.NewCollector()
	if _, err := Scan(context.Background(), opts, scanner.New(scanner.Options{}, stats), col); err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return col.Findings(), stats.Snapshot()
}

// seen renders each location as "kind id path inner encoding" for set comparison.
func seen(root string, fs []scanner.Finding) []string {
	var out []string
	for _, f := range fs {
		for _, l := range f.Locations {
			rel := strings.TrimPrefix(l.Path, filepath.ToSlash(root)+"/")
			out = append(out, strings.Join([]string{string(f.Kind), f.ID[:16], rel, l.InnerPath, l.Encoding}, " "))
		}
	}
	sort.Strings(out)
	return out
}

func TestScanFindsEveryPlantedCredentialAndNothingElse(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	d, err := fixtures.WriteDist(root)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range d.Planted {
		want = append(want, strings.Join([]string{p.Kind, scanner.NewSecret(p.Value).ID()[:16], p.Path, p.InnerPath, p.Encoding}, " "))
	}
	sort.Strings(want)
	for _, workers := range []int{1, 4} {
		findings, stats := scanTree(t, Options{Roots: []string{root}, Workers: workers})
		if diff := cmp.Diff(want, seen(root, findings)); diff != "" {
			t.Errorf("workers=%d: findings differ from the planted set (-want +got):\n%s", workers, diff)
		}
		if stats.Placeholders < int64(d.Placeholders) {
			t.Errorf("want at least %d placeholders counted, got %d", d.Placeholders, stats.Placeholders)
		}
		if stats.ErrorCount != 0 {
			t.Errorf("want no errors, got %v", stats.Errors)
		}
	}
}

// TestCommittedDistIsCurrent keeps testdata/dist (used by the README's first
// command) identical to what the fixture generator writes.
func TestCommittedDistIsCurrent(t *testing.T) {
	t.Parallel()
	fresh := t.TempDir()
	if _, err := fixtures.WriteDist(fresh); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join("..", "..", "testdata", "dist")
	err := filepath.WalkDir(fresh, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(fresh, p)
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(committed, rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("testdata/dist/%s is stale; run go run ./internal/fixtures/cmd/gendist testdata/dist", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestScanBadInputGoesOn(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(11)
	root := t.TempDir()
	outside := t.TempDir()
	write := func(rel string, data []byte) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bigToken, tailToken, bombToken, hostileToken, outsideToken, linkedToken := g.PersonalToken(), g.PersonalToken(), g.PersonalToken(), g.PersonalToken(), g.PersonalToken(), g.PersonalToken()
	// A 20 MB single-line minified bundle with tokens in the middle and at the end.
	line := bytes.Repeat([]byte("var a=function(b){return b+1};"), 20<<20/31)
	copy(line[10<<20:], `;t="`+bigToken+`";`)
	line = append(line, []byte(`;u="`+tailToken+`"`)...)
	write("assets/huge.min.js", line)
	// A zip bomb member before a real member.
	write("release.zip", fixtures.ZipBytes(map[string]string{
		"a-bomb.bin": strings.Repeat("\x00", 16<<20),
		"b/.env":     "CLICKUP_API_TOKEN=" + bombToken + "\n",
	}))
	// A hostile file name and invalid UTF-8 around the token.
	write("a,b:%0A::error::x\n.js", []byte("\xfd\xff\xfe invalid \xc3\x28 token="+hostileToken+"\n"))
	// Symlinks: a loop, one out of the root, a dangling one, one inside.
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("t="+outsideToken), 0o644)
	write("inside/real.txt", []byte("t="+linkedToken))
	mustSymlink(t, "..", filepath.Join(root, "inside", "loop"))
	mustSymlink(t, outside, filepath.Join(root, "escape"))
	mustSymlink(t, "nowhere", filepath.Join(root, "dangling"))
	mustSymlink(t, "inside/real.txt", filepath.Join(root, "alias.txt"))
	// A named pipe: opening it would block the scan.
	if err := syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}

	findings, stats := scanTree(t, Options{Roots: []string{root}})
	got := map[string][]string{}
	for _, f := range findings {
		for _, l := range f.Locations {
			got[f.Secret.Reveal()] = append(got[f.Secret.Reveal()], strings.TrimPrefix(l.Path, filepath.ToSlash(root)+"/"))
		}
	}
	for name, tok := range map[string]string{"middle of 20 MB line": bigToken, "end of 20 MB line": tailToken, "after zip bomb": bombToken, "hostile name": hostileToken, "inside symlink": linkedToken} {
		if len(got[tok]) == 0 {
			t.Errorf("%s: token not found", name)
		}
	}
	if len(got[outsideToken]) != 0 {
		t.Errorf("a symlink out of the root was followed: %v", got[outsideToken])
	}
	if paths := got[linkedToken]; len(paths) != 2 {
		t.Errorf("want the linked file under both names, got %v", paths)
	}
	errs := strings.Join(stats.Errors, "\n")
	for _, want := range []string{"symlink loop", "outside the scanned root", "broken or looping symlink", "not a regular file", "possible zip bomb"} {
		if !strings.Contains(errs, want) {
			t.Errorf("want %q among the recorded errors, got:\n%s", want, errs)
		}
	}
	if stats.Skipped < 5 {
		t.Errorf("want at least 5 skipped items, got %d", stats.Skipped)
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestIncludeExclude(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	g := fixtures.NewGen(5)
	// A file named .git is a submodule's link to its repository: left out
	// like a .git directory, with or without patterns.
	files := map[string]string{"dist/app.js": g.PersonalToken(), "dist/app.js.map": g.PersonalToken(), "node_modules/x/index.js": g.PersonalToken(), ".git/config": g.PersonalToken(),
		"vendor/lib/.git": g.PersonalToken(), "dist/.git": g.PersonalToken()}
	for rel, tok := range files {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("t="+tok), 0o644)
	}
	tests := []struct {
		include, exclude []string
		want             []string
	}{
		{nil, nil, []string{"dist/app.js", "dist/app.js.map", "node_modules/x/index.js"}},
		{[]string{"dist/**"}, nil, []string{"dist/app.js", "dist/app.js.map"}},
		{nil, []string{"**/*.map", "node_modules/**"}, []string{"dist/app.js"}},
	}
	for _, tt := range tests {
		findings, _ := scanTree(t, Options{Roots: []string{root}, Include: tt.include, Exclude: tt.exclude})
		var got []string
		for _, f := range findings {
			got = append(got, strings.TrimPrefix(f.Locations[0].Path, filepath.ToSlash(root)+"/"))
		}
		sort.Strings(got)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("include %v exclude %v (-want +got):\n%s", tt.include, tt.exclude, diff)
		}
	}
}

func TestBadArguments(t *testing.T) {
	t.Parallel()
	sc := scanner.New(scanner.Options{}, &scanner.Stats{})
	_, err := Scan(context.Background(), Options{Roots: []string{filepath.Join(t.TempDir(), "missing")}}, sc, scanner.NewCollector())
	if !errors.Is(err, ErrBadPath) {
		t.Errorf("missing path: want ErrBadPath, got %v", err)
	}
	_, err = Scan(context.Background(), Options{Roots: []string{t.TempDir()}, Include: []string{"a/[b"}}, sc, scanner.NewCollector())
	if !errors.Is(err, ErrBadGlob) {
		t.Errorf("bad glob: want ErrBadGlob, got %v", err)
	}
}

func TestFIFOGivenAsRootIsSkippedNotOpened(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	mustSymlink(t, fifo, link)
	done := make(chan scanner.StatsSnapshot, 1)
	go func() {
		_, stats := scanTree(t, Options{Roots: []string{fifo, link}})
		done <- stats
	}()
	select {
	case stats := <-done:
		if stats.Skipped != 2 || !strings.Contains(strings.Join(stats.Errors, "\n"), "not a regular file") {
			t.Errorf("want both roots skipped as not regular files, got %+v", stats)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the scan blocked opening a FIFO given as a root")
	}
}

func TestInGitDirMatchesTheGitGlobs(t *testing.T) {
	t.Parallel()
	globs := []string{".git", ".git/**", "**/.git", "**/.git/**"}
	paths := []string{
		".git", ".git/config", ".git/objects/pack/x.pack", "a/.git", "a/b/.git/HEAD",
		".gitignore", "a/.gitignore", ".github/workflows/ci.yml", "a.git", "a/b.git/c",
		"x/.git.bak/y", "git", "dist/app.js", ".gitmodules/.git", "a/.git/",
	}
	for _, p := range paths {
		want := false
		for _, g := range globs {
			if doublestar.MatchUnvalidated(g, p) {
				want = true
			}
		}
		if got := inGitDir(p); got != want {
			t.Errorf("inGitDir(%q) = %v, the globs say %v", p, got, want)
		}
	}
}

func TestJoinNameAsPathJoin(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{".", "/", "dist", "/tmp/x", "a/b", "../up"} {
		for _, name := range []string{"app.js", ".env", "a b", "ü.txt"} {
			if got, want := joinName(dir, name, '/'), path.Join(dir, name); got != want {
				t.Errorf("joinName(%q, %q) = %q, path.Join gives %q", dir, name, got, want)
			}
		}
	}
}
