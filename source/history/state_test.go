package history

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

func TestIncrementalState(t *testing.T) {
	t.Parallel()
	t1, t2 := fakeToken(21), fakeToken(22)
	b := newBuilder(t)
	state := filepath.Join(t.TempDir(), "state.json")
	var files = map[string]string{"README": "r\n"}
	c1 := b.commit("init", files)
	files["a.env"] = env(t1)
	c2 := b.commit("add", files, c1)
	last := c2
	for i := range 20 {
		files["n.txt"] = strings.Repeat("n", i+1)
		last = b.commit("noise", files, last)
	}
	b.ref("refs/heads/master", last)

	fs, _, st1, err := runScan(t, Options{RepoPath: b.dir, StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	want1 := []loc{{Path: "a.env", Commit: c2.String(), Line: 2, AtHead: "true"}}
	if got := locsOf(fs, t1); !slices.Equal(got, want1) {
		t.Fatalf("run 1: got %v, want %v", got, want1)
	}

	// Unchanged repository: nothing is walked or scanned but the matched
	// blob read back for its secret, and the open finding is reported.
	fs, _, st2, err := runScan(t, Options{RepoPath: b.dir, StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	if got := locsOf(fs, t1); !slices.Equal(got, want1) {
		t.Errorf("run 2 (unchanged): got %v, want %v", got, want1)
	}
	if st2.Files != 1 || st1.Files <= st2.Files {
		t.Errorf("run 2 scanned %d files (run 1: %d), want only the 1 matched blob", st2.Files, st1.Files)
	}

	// New commits: an edit of a.env that keeps t1 (no new introduction),
	// a new token, and the removal of t1 from HEAD later.
	files["a.env"] = "X=1\n" + env(t1)
	c3 := b.commit("edit env", files, last)
	files["b.env"] = env(t2)
	c4 := b.commit("add b", files, c3)
	delete(files, "a.env")
	c5 := b.commit("drop a", files, c4)
	b.ref("refs/heads/master", c5)

	fs, _, st3, err := runScan(t, Options{RepoPath: b.dir, StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	wantT1 := []loc{{Path: "a.env", Commit: c2.String(), Line: 2, AtHead: "false"}}
	if got := locsOf(fs, t1); !slices.Equal(got, wantT1) {
		t.Errorf("run 3: t1 got %v, want %v", got, wantT1)
	}
	wantT2 := []loc{{Path: "b.env", Commit: c4.String(), Line: 2, AtHead: "true"}}
	if got := locsOf(fs, t2); !slices.Equal(got, wantT2) {
		t.Errorf("run 3: t2 got %v, want %v", got, wantT2)
	}
	// New blobs: a.env (edited), b.env; plus the matched blob read back.
	if st3.Files > 4 {
		t.Errorf("run 3 scanned %d files, want only the new blobs", st3.Files)
	}

	raw, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	assertNoToken(t, "state file", raw, t1, t2)
	if !strings.Contains(string(raw), c4.String()) {
		t.Errorf("state does not record the new commits")
	}
}

func TestStatePurgedFindingDropped(t *testing.T) {
	t.Parallel()
	tok := fakeToken(23)
	b := newBuilder(t)
	state := filepath.Join(t.TempDir(), "state.json")
	c1 := b.commit("init", map[string]string{"README": "r\n"})
	c2 := b.commit("add", map[string]string{"README": "r\n", "a.env": env(tok)}, c1)
	b.ref("refs/heads/master", c2)
	if fs, _, _, err := runScan(t, Options{RepoPath: b.dir, StatePath: state}); err != nil || len(fs) != 1 {
		t.Fatalf("run 1: %d findings, %v", len(fs), err)
	}
	// Rewrite history without the token (as git filter-repo does: c1
	// keeps its id) and drop the old objects.
	c2b := b.commit("add", map[string]string{"README": "r\n", "a.env": "CLICKUP_API_TOKEN=\n"}, c1)
	b.ref("refs/heads/master", c2b)
	for _, h := range []string{c2.String(), b.blob(env(tok)).String()} {
		if err := os.Remove(filepath.Join(b.dir, ".git", "objects", h[:2], h[2:])); err != nil {
			t.Fatal(err)
		}
	}
	fs, _, st, err := runScan(t, Options{RepoPath: b.dir, StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("purged finding still reported: %v", locsOf(fs, tok))
	}
	if st.ErrorCount != 0 {
		t.Errorf("purged objects counted as errors: %v", st.Errors)
	}
}

func TestBadState(t *testing.T) {
	t.Parallel()
	b := newBuilder(t)
	b.ref("refs/heads/master", b.commit("c", map[string]string{"a": "a\n"}))
	other := newBuilder(t)
	other.ref("refs/heads/master", other.commit("other", map[string]string{"o": "o\n"}))
	foreign := filepath.Join(t.TempDir(), "foreign.json")
	if _, _, _, err := runScan(t, Options{RepoPath: other.dir, StatePath: foreign}); err != nil {
		t.Fatal(err)
	}
	fb, _ := os.ReadFile(foreign)
	tests := []struct {
		name    string
		content string
	}{
		{"garbage", "not json at all"},
		{"truncated", `{"format":"clickup-secret-scan/history-state","version":1,"commits":["`},
		{"other format", `{"format":"gitleaks-baseline","version":1}`},
		{"future version", `{"format":"clickup-secret-scan/history-state","version":99}`},
		{"bad id", `{"format":"clickup-secret-scan/history-state","version":1,"commits":["zz"]}`},
		{"unknown field", `{"format":"clickup-secret-scan/history-state","version":1,"secrets":[]}`},
		{"another repository", string(fb)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := filepath.Join(t.TempDir(), "state.json")
			os.WriteFile(p, []byte(tt.content), 0o600)
			_, _, _, err := runScan(t, Options{RepoPath: b.dir, StatePath: p})
			if !errors.Is(err, ErrBadState) {
				t.Fatalf("err = %v, want ErrBadState", err)
			}
			after, _ := os.ReadFile(p)
			if string(after) != tt.content {
				t.Errorf("a bad state file was overwritten")
			}
		})
	}
}

// TestStateFileReadableAndScrubbed checks what the Action relies on when
// actions/cache keeps the state: the file is readable by other users
// (0644), holds no credential in clear even in a file name (an access
// token has no shape the generic redactor knows), and keeps the format
// older versions read (no UTF-16 column), which is recounted on reuse.
func TestStateFileReadableAndScrubbed(t *testing.T) {
	t.Parallel()
	access := fixtures.NewGen(24).AccessToken()
	b := newBuilder(t)
	name := "creds/" + access + ".env"
	files := map[string]string{name: "const é = 1;\nCLICKUP_ACCESS_TOKEN=" + access + "\n"}
	c1 := b.commit("add creds", files)
	b.ref("refs/heads/master", c1)
	state := filepath.Join(t.TempDir(), "state.json")
	for run := 1; run <= 2; run++ {
		fs, _, _, err := runScan(t, Options{RepoPath: b.dir, StatePath: state})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if len(fs) != 1 || fs[0].Kind != scanner.OAuthAccessToken || fs[0].Locations[0].ColumnUTF16 != 22 {
			t.Fatalf("run %d: want the access token with UTF-16 column 22, got %d findings", run, len(fs))
		}
	}
	fi, err := os.Stat(state)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o644 {
		t.Errorf("state file mode %v, want 0644 (actions/cache reads it as another user)", perm)
	}
	raw, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), access) {
		t.Errorf("the state file holds the access token in clear (in a path)")
	}
	if strings.Contains(string(raw), "column_utf16") {
		t.Errorf("the state file holds column_utf16, which older versions reject")
	}
}

func TestMayReplaceState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range []struct {
		name, path string
		want       bool
	}{
		{"missing", filepath.Join(dir, "none.json"), true},
		{"empty", write("empty.json", " \n"), true},
		{"ours, other version", write("v9.json", `{"format":"clickup-secret-scan/history-state","version":9}`), true},
		{"ours, truncated", write("cut.json", `{"format":"clickup-secret-scan/history-state","version":1,"commits":["ab`), true},
		{"ours, cut inside the format", write("cut2.json", `{"format":"clickup-sec`), true},
		{"a package.json", write("package.json", `{"name":"app","version":"1.0.0"}`), false},
		{"a .env", write(".env", "CLICKUP_API_TOKEN=x\n"), false},
	} {
		got, err := MayReplaceState(tt.path)
		if err != nil || got != tt.want {
			t.Errorf("%s: MayReplaceState = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

// TestStateAfterUnshallow: a state written on a shallow clone must not stop
// the walk at the old boundary once the clone is unshallowed; a token only
// in the history fetched later is found (found by a bug hunt: it was not).
func TestStateAfterUnshallow(t *testing.T) {
	t.Parallel()
	tok := fakeToken(25)
	b := newBuilder(t)
	c1 := b.commit("add", map[string]string{"old.env": env(tok)})
	c2 := b.commit("drop", map[string]string{"b": "b\n"}, c1)
	c3 := b.commit("more", map[string]string{"b": "c\n"}, c2)
	b.ref("refs/heads/master", c3)
	gitCmd(t, b.dir, "symbolic-ref", "HEAD", "refs/heads/master")
	clone := filepath.Join(t.TempDir(), "clone")
	gitCmd(t, b.dir, "clone", "-q", "--depth", "1", "file://"+b.dir, clone)
	state := filepath.Join(t.TempDir(), "state.json")
	fs, _, _, err := runScan(t, Options{RepoPath: clone, StatePath: state})
	if err != nil || len(fs) != 0 {
		t.Fatalf("shallow run: %d findings, %v; want none (the token is behind the boundary)", len(fs), err)
	}
	gitCmd(t, clone, "fetch", "-q", "--unshallow")
	fs, res, _, err := runScan(t, Options{RepoPath: clone, StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	want := []loc{{Path: "old.env", Commit: c1.String(), Line: 2, AtHead: "false"}}
	if got := locsOf(fs, tok); !slices.Equal(got, want) {
		t.Errorf("after unshallow: got %v, want %v", got, want)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "shallow boundary changed") {
		t.Errorf("no warning that the state was set aside: %q", res.Warnings)
	}
	// The rewritten state records no boundary, and the next run is
	// incremental and still reports the token.
	if fs, _, st, err := runScan(t, Options{RepoPath: clone, StatePath: state}); err != nil || len(locsOf(fs, tok)) != 1 || st.Files > 1 {
		t.Errorf("third run: %d locations, %d files scanned, %v; want the token from the state", len(locsOf(fs, tok)), st.Files, err)
	}
}
