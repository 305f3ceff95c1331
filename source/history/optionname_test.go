package history

import (
	"errors"
	"strings"
	"testing"
)

// TestBadRevisionNamesNoFlag checks that the library's error names the
// option generically: the CLI adds its flag, and other callers have none.
func TestBadRevisionNamesNoFlag(t *testing.T) {
	t.Parallel()
	b := newBuilder(t)
	b.ref("refs/heads/master", b.commit("c", map[string]string{"a": "a\n"}))
	_, _, _, err := runScan(t, Options{RepoPath: b.dir, SinceCommit: "no-such-branch"})
	if !errors.Is(err, ErrBadRevision) || !strings.Contains(err.Error(), `"no-such-branch"`) {
		t.Fatalf("err = %v, want ErrBadRevision naming the revision", err)
	}
	if strings.Contains(err.Error(), "--") {
		t.Errorf("err = %q names a command-line flag", err)
	}
}
