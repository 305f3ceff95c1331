package diff

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

func TestScanRangeAddedThenRemoved(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(1).PersonalToken()
	r := newRepo(t)
	r.write("README.md", "hello\n")
	base := r.commit("base")
	r.write("config.js", "const a = 1;\nconst b = 2;\nconst token = \""+tok+"\";\n")
	added := r.commit("add config")
	r.write("config.js", "const a = 1;\nconst b = 2;\nconst token = process.env.CLICKUP_TOKEN;\n")
	r.commit("use env")

	got, res := scanRange(t, r.dir, base, "")
	want := []loc{{Token: redact(tok), Path: "config.js", Line: 3, Commit: added, Change: "added", AtHead: "false"}}
	if diff := cmp.Diff(want, locs(got)); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
	if res.Commits != 2 {
		t.Errorf("Commits = %d, want 2", res.Commits)
	}
}

func TestScanRangeRemovedFromBase(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(2).PersonalToken()
	r := newRepo(t)
	r.write("app/.env", "NAME=x\nCLICKUP_TOKEN="+tok+"\nDEBUG=1\n")
	base := r.commit("base with token")
	r.write("app/.env", "NAME=x\nDEBUG=1\n")
	removed := r.commit("remove token")

	got, _ := scanRange(t, r.dir, base, "HEAD")
	want := []loc{{Token: redact(tok), Path: "app/.env", Line: 2, Commit: removed, Change: "removed", AtHead: "false"}}
	if diff := cmp.Diff(want, locs(got)); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
}

func TestScanRangeStillAtHeadAndUnchangedLines(t *testing.T) {
	t.Parallel()
	tok, old := fixtures.NewGen(3).PersonalToken(), fixtures.NewGen(4).PersonalToken()
	r := newRepo(t)
	r.write("a.env", "OLD="+old+"\n")
	base := r.commit("base")
	r.write("a.env", "OLD="+old+"\nNEW="+tok+"\n")
	added := r.commit("add")
	// Lines inserted above shift the token; the old token's line is edited
	// but keeps its value: neither is new.
	r.write("a.env", "# header\n# more\nOLD="+old+" # legacy\nNEW="+tok+"\n")
	r.commit("shift")

	got, _ := scanRange(t, r.dir, base, "HEAD")
	want := []loc{{Token: redact(tok), Path: "a.env", Line: 2, Commit: added, Change: "added", AtHead: "true"}}
	if diff := cmp.Diff(want, locs(got)); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
}

func TestScanRangeRenameAndCopyDoNotReport(t *testing.T) {
	t.Parallel()
	tok, tok2, tok3 := fixtures.NewGen(5).PersonalToken(), fixtures.NewGen(6).PersonalToken(), fixtures.NewGen(16).PersonalToken()
	body := "TOKEN=" + tok + "\n" + strings.Repeat("some = setting\nother = value\n", 20)
	r := newRepo(t)
	r.write("old/settings.ini", body)
	r.write("keep/exact.ini", "K="+tok2+"\n"+strings.Repeat("x = 1\n", 10))
	r.write("src/copied.env", "C="+tok3+"\n")
	base := r.commit("base")
	r.git("rm", "-q", "old/settings.ini", "keep/exact.ini")
	r.write("new/settings.ini", body+"extra = 1\n")
	r.write("moved/exact.ini", "K="+tok2+"\n"+strings.Repeat("x = 1\n", 10))
	r.write("dst/copied.env", "C="+tok3+"\n")
	r.commit("rename with an edit, an exact rename and an exact copy")

	got, _ := scanRange(t, r.dir, base, "HEAD")
	if len(got) != 0 {
		t.Errorf("renames reported %v, want nothing", locs(got))
	}
}

// TestScanRangeMerge: the feature branch adds one token and merges main,
// which brought another token that is already in base and removed a fourth;
// the merge itself resolves a conflict by adding a third. Only the first
// (in its own commit) and the third (in the merge) are reported.
func TestScanRangeMerge(t *testing.T) {
	t.Parallel()
	tFeature, tMain, tMerge, tShared := fixtures.NewGen(7).PersonalToken(), fixtures.NewGen(8).PersonalToken(), fixtures.NewGen(9).PersonalToken(), fixtures.NewGen(15).PersonalToken()
	r := newRepo(t)
	r.write("conflict.txt", "line\n")
	r.write("shared.env", "A=1\nS="+tShared+"\n")
	r.commit("root")
	r.git("checkout", "-q", "-b", "feature")
	r.write("feature.env", "T="+tFeature+"\n")
	r.write("conflict.txt", "feature side\n")
	featureCommit := r.commit("feature adds a token")
	r.git("checkout", "-q", "main")
	r.write("main.env", "T="+tMain+"\n")
	r.write("conflict.txt", "main side\n")
	// main drops a token the feature branch still has: the merge drops it
	// relative to its first parent, but main's commit (in base) did.
	r.write("shared.env", "A=1\n")
	base := r.commit("main adds a token")
	r.git("checkout", "-q", "feature")
	if _, err := r.gitErr("merge", "-q", "main", "-m", "merge main"); err == nil {
		t.Fatal("expected a merge conflict")
	}
	r.write("conflict.txt", "resolved\nKEY="+tMerge+"\n")
	r.n++
	r.git("add", "-A")
	r.git("commit", "-q", "--no-edit")
	merge := r.git("rev-parse", "HEAD")

	got, res := scanRange(t, r.dir, base, "feature")
	want := []loc{
		{Token: redact(tMerge), Path: "conflict.txt", Line: 2, Commit: merge, Change: "added", AtHead: "true"},
		{Token: redact(tFeature), Path: "feature.env", Line: 1, Commit: featureCommit, Change: "added", AtHead: "true"},
	}
	gotLocs := locs(got)
	sortLocs(gotLocs)
	if diff := cmp.Diff(want, gotLocs); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
	if res.Commits != 2 {
		t.Errorf("Commits = %d, want 2 (the feature commit and the merge)", res.Commits)
	}
	// After the merge, main's tip (base) is the merge base, so the net
	// diff holds only the feature's files.
	if _, ok := res.Added["main.env"]; ok {
		t.Errorf("Added lists main.env, which the range did not add: %v", res.Added)
	}
	if got := res.Added["feature.env"]; !cmp.Equal(got, []LineRange{{Start: 1, End: 1}}) {
		t.Errorf("Added[feature.env] = %v, want [{1 1}]", got)
	}
}

func sortLocs(l []loc) {
	scannerSort := func(a, b loc) int { return strings.Compare(a.Path+a.Commit, b.Path+b.Commit) }
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && scannerSort(l[j-1], l[j]) > 0; j-- {
			l[j-1], l[j] = l[j], l[j-1]
		}
	}
}

func TestScanRangeBinaryAndArchive(t *testing.T) {
	t.Parallel()
	tBin, tZip := fixtures.NewGen(10).PersonalToken(), fixtures.NewGen(11).PersonalToken()
	r := newRepo(t)
	r.write("README.md", "x\n")
	base := r.commit("base")
	bin := []byte("\x00\x01\x02header\x00" + tBin + "\x00trailer\x00")
	r.write("data.bin", string(bin))
	r.write("bundle.zip", string(zipOf(t, map[string]string{"config/.env": "CLICKUP_TOKEN=" + tZip + "\n"})))
	added := r.commit("add binaries")
	// Changing other bytes of the binary and adding a member to the zip
	// must not report the unchanged tokens again.
	r.write("data.bin", string(append([]byte("\x00\x09changed\x00"), bin...)))
	r.write("bundle.zip", string(zipOf(t, map[string]string{"config/.env": "CLICKUP_TOKEN=" + tZip + "\n", "readme.txt": "hi\n"})))
	r.commit("touch binaries")

	got, _ := scanRange(t, r.dir, base, "HEAD")
	var gotPaths []string
	for _, f := range got {
		for _, l := range f.Locations {
			if l.Commit != added || l.Change != "added" {
				t.Errorf("%s in %s: commit %s change %s, want %s added", f.Secret, l.Path, l.Commit, l.Change, added)
			}
			gotPaths = append(gotPaths, l.Path+"!"+l.InnerPath)
		}
	}
	want := []string{"bundle.zip!config/.env", "data.bin!"}
	if !cmp.Equal(sortedStrings(gotPaths), want) {
		t.Errorf("locations %v, want %v", gotPaths, want)
	}
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j-1] > out[j]; j-- {
			out[j-1], out[j] = out[j], out[j-1]
		}
	}
	return out
}

func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range sortedStrings(keys(files)) {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestScanRangeAddedLines(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("a.txt", "1\n2\n3\n4\n5\n")
	r.write("gone.txt", "bye\n")
	base := r.commit("base")
	r.write("a.txt", "1\n2\nnew a\nnew b\n3\n4\n5\nnew c\n")
	r.write("b.txt", "x\ny\nz")
	r.git("rm", "-q", "gone.txt")
	r.commit("edit")

	_, res := scanRange(t, r.dir, base, "HEAD")
	want := map[string][]LineRange{"a.txt": {{Start: 3, End: 4}, {Start: 8, End: 8}}, "b.txt": {{Start: 1, End: 3}}}
	if diff := cmp.Diff(want, res.Added); diff != "" {
		t.Errorf("Added (-want +got):\n%s", diff)
	}
}

func TestScanRangeBaseErrors(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("a.txt", "a\n")
	c0 := r.commit("c0")
	r.git("branch", "old")
	r.write("a.txt", "b\n")
	r.commit("c1")
	r.write("a.txt", "c\n")
	r.commit("c2")

	// A depth-1 clone has neither c0 nor c1...
	shallow := filepath.Join(t.TempDir(), "shallow")
	r.git("clone", "-q", "--depth", "1", "file://"+r.dir, shallow)
	// ...and one of both branches has c0 but not the c1 linking it to c2.
	cut := filepath.Join(t.TempDir(), "cut")
	r.git("clone", "-q", "--depth", "1", "--no-single-branch", "file://"+r.dir, cut)

	tests := []struct {
		name, dir, base string
		want            error
	}{
		{"base missing in shallow clone", shallow, c0, ErrBaseNotFound},
		{"history cut between base and head", cut, "origin/old", ErrBaseNotFound},
		{"unknown revision", r.dir, "no-such-branch", ErrBaseNotFound},
		{"empty base", r.dir, "", ErrBaseNotFound},
		{"not a repository", t.TempDir(), "HEAD", ErrNotRepository},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			col := scanner.NewCollector()
			_, err := ScanRange(context.Background(), Options{RepoPath: tt.dir, Base: tt.base}, scanner.New(scanner.Options{}, &scanner.Stats{}), col)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want == ErrBaseNotFound && !strings.Contains(err.Error(), "fetch-depth: 0") {
				t.Errorf("error %q does not say how to fetch more history", err)
			}
		})
	}
}

func TestScanRangeEmptyWhenHeadIsAncestor(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(12).PersonalToken()
	r := newRepo(t)
	r.write("a.env", "T="+tok+"\n")
	c0 := r.commit("c0")
	r.write("b.txt", "b\n")
	c1 := r.commit("c1")
	got, res := scanRange(t, r.dir, c1, c0)
	if len(got) != 0 || res.Commits != 0 {
		t.Errorf("range %s..%s: %d findings, %d commits; want none", c1, c0, len(got), res.Commits)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "no commits") {
		t.Errorf("warnings %q, want one saying the range is empty", res.Warnings)
	}
}

func TestScanRangeFromSubdirectory(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(13).PersonalToken()
	r := newRepo(t)
	r.write("sub/dir/a.txt", "a\n")
	base := r.commit("base")
	r.write("sub/dir/a.txt", "a\nT="+tok+"\n")
	r.commit("add")
	got, _ := scanRange(t, filepath.Join(r.dir, "sub", "dir"), base, "HEAD")
	if len(got) != 1 || got[0].Locations[0].Path != "sub/dir/a.txt" {
		t.Errorf("got %v, want one finding in sub/dir/a.txt", locs(got))
	}
}

// TestScanRangeUnreadableBlobIsCounted: a corrupt object is counted in
// Stats and the rest of the range is still scanned.
func TestScanRangeUnreadableBlobIsCounted(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(14).PersonalToken()
	r := newRepo(t)
	r.write("a.txt", "a\n")
	base := r.commit("base")
	r.write("broken.txt", "this blob will be deleted from the object store\n")
	r.write("good.env", "T="+tok+"\n")
	r.commit("add")
	blob := r.git("rev-parse", "HEAD:broken.txt")
	if err := os.Remove(filepath.Join(r.dir, ".git", "objects", blob[:2], blob[2:])); err != nil {
		t.Fatal(err)
	}
	stats := &scanner.Stats{}
	col := scanner.NewCollector()
	if _, err := ScanRange(context.Background(), Options{RepoPath: r.dir, Base: base}, scanner.New(scanner.Options{}, stats), col); err != nil {
		t.Fatalf("ScanRange: %v", err)
	}
	if n := len(col.Findings()); n != 1 {
		t.Errorf("%d findings, want 1 (good.env)", n)
	}
	if s := stats.Snapshot(); s.Skipped == 0 || s.ErrorCount == 0 {
		t.Errorf("stats %+v: the missing blob was not counted", s)
	}
}

// TestAddedMatchesGitDiff checks Result.Added, which the Action uses to put
// review comments only on lines a pull request's diff shows, against
// `git diff -U0` on random edits (inserts, deletes, replacements of unique
// lines, so that every correct diff agrees).
func TestAddedMatchesGitDiff(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	r := newRepo(t)
	const files = 25
	next := 0
	line := func() string { next++; return fmt.Sprintf("line %d of the file\n", next) }
	olds := make([][]string, files)
	for f := range files {
		for range 5 + rng.IntN(40) {
			olds[f] = append(olds[f], line())
		}
		r.write(fmt.Sprintf("f%02d.txt", f), strings.Join(olds[f], ""))
	}
	base := r.commit("base")
	for f := range files {
		var out []string
		for _, l := range olds[f] {
			switch rng.IntN(10) {
			case 0: // delete
			case 1: // replace
				out = append(out, line())
			case 2: // insert before
				for range 1 + rng.IntN(3) {
					out = append(out, line())
				}
				out = append(out, l)
			default:
				out = append(out, l)
			}
		}
		if rng.IntN(2) == 0 {
			out = append(out, line())
		}
		r.write(fmt.Sprintf("f%02d.txt", f), strings.Join(out, ""))
	}
	r.commit("edit")

	_, res := scanRange(t, r.dir, base, "HEAD")
	want := map[string][]LineRange{}
	diffOut := r.git("diff", "-U0", "--no-color", "--no-renames", base, "HEAD")
	var path string
	for _, l := range strings.Split(diffOut, "\n") {
		if p, ok := strings.CutPrefix(l, "+++ b/"); ok {
			path = p
			continue
		}
		if !strings.HasPrefix(l, "@@ ") {
			continue
		}
		plus := strings.Fields(l)[2][1:]
		startS, countS, hasCount := strings.Cut(plus, ",")
		start, _ := strconv.Atoi(startS)
		count := 1
		if hasCount {
			count, _ = strconv.Atoi(countS)
		}
		if count > 0 {
			want[path] = append(want[path], LineRange{Start: start, End: start + count - 1})
		}
	}
	if len(want) < files/2 {
		t.Fatalf("git diff shows additions in only %d files: the edits are too few to test anything", len(want))
	}
	if diff := cmp.Diff(want, res.Added); diff != "" {
		t.Errorf("Added differs from git diff -U0 (-git +ours):\n%s", diff)
	}
}

func TestWorkTree(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("a/b/c.txt", "c\n")
	r.commit("c")
	got, err := WorkTree(filepath.Join(r.dir, "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.EvalSymlinks(r.dir)
	if g, _ := filepath.EvalSymlinks(got); g != want {
		t.Errorf("WorkTree = %s, want %s", got, want)
	}
	if _, err := WorkTree(t.TempDir()); !errors.Is(err, ErrNotRepository) {
		t.Errorf("outside a repository: err = %v, want ErrNotRepository", err)
	}
}

// TestScanRangeRenameAtGitsSimilarity: a rename with enough edits that its
// similarity is between git's 50% and 60% is still a rename, as git log -M
// shows it, so the token the file already held is not reported as added.
func TestScanRangeRenameAtGitsSimilarity(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(17).PersonalToken()
	lines := []string{"TOKEN=" + tok}
	for i := range 9 {
		lines = append(lines, fmt.Sprintf("setting_%d = value number %d of the old file", i, i))
	}
	r := newRepo(t)
	r.write("old.env", strings.Join(lines, "\n")+"\n")
	base := r.commit("base")
	r.git("rm", "-q", "old.env")
	for i := 5; i < 9; i++ {
		lines[i+1] = fmt.Sprintf("changed_%d = a different value entirely, line %d", i, i)
	}
	r.write("new.env", strings.Join(lines, "\n")+"\n")
	r.commit("rename and edit four lines")
	if out := r.git("diff", "-M", "--name-status", base, "HEAD"); !strings.HasPrefix(out, "R") {
		t.Fatalf("git does not see a rename, the fixture is wrong: %q", out)
	}
	if got, _ := scanRange(t, r.dir, base, "HEAD"); len(got) != 0 {
		t.Errorf("a rename git detects reported %v, want nothing", locs(got))
	}
}
