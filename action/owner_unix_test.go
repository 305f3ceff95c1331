//go:build unix

package action

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// TestHistoryStateOwnedLikeWorkspace runs as the Action's container does,
// as root over a workspace the runner user (uid 1001) owns: the state file
// and the directory made for it must end up the runner user's, so that
// actions/cache's save step (on the host, as that user) can read the state.
func TestHistoryStateOwnedLikeWorkspace(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run as the Action's container does (CI runs as root)")
	}
	tok := fixtures.NewGen(66).PersonalToken()
	g := newRepo(t)
	g.commit(map[string]string{"src/settings.py": "CLICKUP_TOKEN = '" + tok + "'\n"})
	if err := filepath.Walk(g.dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 1001, 1001)
	}); err != nil {
		t.Fatal(err)
	}
	r := runAction(t, historyEnv(t, g, nil, ".cache/clickup/state.json"), nil)
	assertNoLeak(t, r, nil, tok)
	wantFindings(t, r, 1)
	for _, rel := range []string{".cache", ".cache/clickup", ".cache/clickup/state.json"} {
		fi, err := os.Lstat(filepath.Join(g.dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if st.Uid != 1001 || st.Gid != 1001 {
			t.Errorf("%s is owned by %d:%d, want the workspace's 1001:1001", rel, st.Uid, st.Gid)
		}
	}
	fi, err := os.Stat(filepath.Join(g.dir, ".cache/clickup/state.json"))
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("state file mode %v (%v), want 0644", fi.Mode().Perm(), err)
	}
}
