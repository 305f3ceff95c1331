package report

import (
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// TestLinksInHead: a checkout file links to Head only when InHead says git
// tracks it; without InHead every non-build path links.
func TestLinksInHead(t *testing.T) {
	t.Parallel()
	head := "0123456789abcdef0123456789abcdef01234567"
	tracked := func(p string) bool { return p == "src/a.js" }
	for _, tc := range []struct {
		name   string
		inHead func(string) bool
		path   string
		want   string
	}{
		{"tracked", tracked, "src/a.js", "https://github.com/o/r/blob/" + head + "/src/a.js#L2"},
		{"untracked", tracked, "gen/a.js", ""},
		{"no InHead", nil, "gen/a.js", "https://github.com/o/r/blob/" + head + "/gen/a.js#L2"},
		{"build output", nil, "dist/a.js", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := Links{Server: "https://github.com", Repo: "o/r", Head: head, InHead: tc.inHead}
			if got := l.Location(scanner.Location{Source: "dir", Path: tc.path, Line: 2}); got != tc.want {
				t.Errorf("Location = %q, want %q", got, tc.want)
			}
		})
	}
}
