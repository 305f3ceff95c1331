package diff

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

func scanStaged(t *testing.T, dir string) ([]scanner.Finding, Result) {
	t.Helper()
	col := scanner.NewCollector()
	res, err := ScanStaged(context.Background(), dir, scanner.New(scanner.Options{}, &scanner.Stats{}), col)
	if err != nil {
		t.Fatalf("ScanStaged: %v", err)
	}
	return col.Findings(), res
}

func TestScanStagedEmptyRepository(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(20).PersonalToken()
	r := newRepo(t)
	// Nothing staged yet: a repository without commits or index.
	if got, _ := scanStaged(t, r.dir); len(got) != 0 {
		t.Fatalf("fresh repository: %v", locs(got))
	}
	r.write("src/config.py", "import os\n\nTOKEN = \""+tok+"\"\n")
	r.git("add", "src/config.py")
	got, _ := scanStaged(t, r.dir)
	want := []loc{{Token: redact(tok), Path: "src/config.py", Line: 3, Change: "added"}}
	if diff := cmp.Diff(want, locs(got)); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
	if got[0].Locations[0].Source != "staged" || got[0].Locations[0].Column != 10 {
		t.Errorf("location %+v, want source staged, column 10", got[0].Locations[0])
	}
}

func TestScanStaged(t *testing.T) {
	t.Parallel()
	old, tok, tZip, tMoved, tUnstaged := fixtures.NewGen(21).PersonalToken(), fixtures.NewGen(22).PersonalToken(), fixtures.NewGen(23).PersonalToken(), fixtures.NewGen(24).PersonalToken(), fixtures.NewGen(25).PersonalToken()
	movedBody := "M=" + tMoved + "\n" + strings.Repeat("a = b\nc = d\n", 15)
	r := newRepo(t)
	r.write("app.env", "OLD="+old+"\nX=1\n")
	r.write("legacy/secrets.ini", movedBody)
	r.commit("base")

	// Staged: a new token below the old one (whose line is edited), a
	// zip with a token, a rename with an edit, an exact copy. Not staged:
	// a worktree edit.
	r.write("app.env", "OLD="+old+" # keep\nX=1\nNEW="+tok+"\n")
	r.write("dist/bundle.zip", string(zipOf(t, map[string]string{"a/.env": "T=" + tZip + "\n"})))
	r.git("rm", "-q", "legacy/secrets.ini")
	r.write("config/secrets.ini", movedBody+"e = f\n")
	r.write("copy/app.env", "OLD="+old+"\nX=1\n") // an exact copy of HEAD's app.env
	r.git("add", "-A")
	r.write("notes.txt", "U="+tUnstaged+"\n")

	got, _ := scanStaged(t, r.dir)
	want := []loc{
		{Token: redact(tok), Path: "app.env", Line: 3, Change: "added"},
		{Token: redact(tZip), Path: "dist/bundle.zip", Line: 1, Change: "added"},
	}
	gotLocs := locs(got)
	sortLocs(gotLocs)
	if diff := cmp.Diff(want, gotLocs); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
}

func TestScanStagedNotRepository(t *testing.T) {
	t.Parallel()
	col := scanner.NewCollector()
	_, err := ScanStaged(context.Background(), t.TempDir(), scanner.New(scanner.Options{}, &scanner.Stats{}), col)
	if err == nil || !strings.Contains(err.Error(), "not a git repository") {
		t.Fatalf("err = %v, want ErrNotRepository", err)
	}
}

// TestScanStagedSkipsUnchangedDirectories: directories the index's cache
// tree proves unchanged are not listed, yet a copy out of one of them is
// still recognised, and a change next to them is still found.
func TestScanStagedSkipsUnchangedDirectories(t *testing.T) {
	t.Parallel()
	old, tok := fixtures.NewGen(26).PersonalToken(), fixtures.NewGen(27).PersonalToken()
	r := newRepo(t)
	r.write("vendor/lib/settings.env", "OLD="+old+"\n")
	r.write("vendor/other/x.txt", "x\n")
	r.write("src/app.txt", "app\n")
	r.commit("base")
	r.write("src/app.txt", "app\nT="+tok+"\n")
	r.write("copies/settings.env", "OLD="+old+"\n")
	// Named paths: `git add -A` invalidates more of the cache tree.
	r.git("add", "src/app.txt", "copies/settings.env")

	repo, closeRepo, err := openRepo(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closeRepo()
	idx, err := readIndex(repo, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := idx.trees["vendor"]; !ok {
		t.Fatalf("cache tree lacks the unchanged vendor directory: %v", idx.trees)
	}

	got, _ := scanStaged(t, r.dir)
	want := []loc{{Token: redact(tok), Path: "src/app.txt", Line: 2, Change: "added"}}
	if diff := cmp.Diff(want, locs(got)); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
}

// TestScanStagedLinkedWorktree: a linked worktree has its own index and
// HEAD inside the main repository's git directory.
func TestScanStagedLinkedWorktree(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(28).PersonalToken()
	r := newRepo(t)
	r.write("a.txt", "a\n")
	r.commit("base")
	wt := filepath.Join(t.TempDir(), "wt")
	r.git("worktree", "add", "-q", "-b", "side", wt)
	if err := os.WriteFile(filepath.Join(wt, "a.txt"), []byte("a\nT="+tok+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := &testRepo{t: t, dir: wt, env: r.env}
	w.git("add", "a.txt")

	if got, _ := scanStaged(t, r.dir); len(got) != 0 {
		t.Errorf("main worktree: %v, want nothing staged there", locs(got))
	}
	got, _ := scanStaged(t, wt)
	want := []loc{{Token: redact(tok), Path: "a.txt", Line: 2, Change: "added"}}
	if diff := cmp.Diff(want, locs(got)); diff != "" {
		t.Errorf("linked worktree (-want +got):\n%s", diff)
	}
}

// TestScanStagedConflict: unmerged entries cannot be committed; they are
// reported in a warning, and the rest of the index is still scanned.
func TestScanStagedConflict(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(29).PersonalToken()
	r := newRepo(t)
	r.write("c.txt", "base\n")
	r.commit("base")
	r.git("checkout", "-q", "-b", "side")
	r.write("c.txt", "side\n")
	r.commit("side")
	r.git("checkout", "-q", "main")
	r.write("c.txt", "main\n")
	r.commit("main")
	if _, err := r.gitErr("merge", "-q", "side"); err == nil {
		t.Fatal("expected a conflict")
	}
	r.write("ok.env", "T="+tok+"\n")
	r.git("add", "ok.env")
	got, res := scanStaged(t, r.dir)
	if len(got) != 1 || got[0].Locations[0].Path != "ok.env" {
		t.Errorf("findings %v, want ok.env", locs(got))
	}
	if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], "1 unmerged path") {
		t.Errorf("warnings %q, want one about unmerged entries", res.Warnings)
	}
}
