package report

import (
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// TestGuidanceForMessages checks the steps for a token in a message or in
// the text of a pull request: rotate, since a pushed message cannot be
// edited away; edit the message still being committed; never a step about
// a file path that does not exist.
func TestGuidanceForMessages(t *testing.T) {
	t.Parallel()
	pk := fakePersonal(1330, "7043602")
	commit := strings.Repeat("ab", 20)
	tests := []struct {
		name    string
		loc     scanner.Location
		want    []string
		notWant []string
	}{
		{name: "pushed commit message",
			loc:     scanner.Location{Source: scanner.SourceDiff, Object: scanner.ObjectCommitMessage, Commit: commit, Change: scanner.Added, Line: 3},
			want:    []string{"pushed, so treat it as exposed", "commit-message of " + commit[:12], "cannot be edited away", "git rebase -i"},
			notWant: []string{"Remove it from  and", "Edit the pull request"}},
		{name: "pull request title",
			loc:     scanner.Location{Source: scanner.SourceDiff, Object: scanner.ObjectPRTitle, Change: scanner.Added, Line: 1},
			want:    []string{"the pull request title", "cannot be edited away", "Edit the pull request"},
			notWant: []string{"Remove it from  and"}},
		{name: "pull request body",
			loc:  scanner.Location{Source: scanner.SourceDiff, Object: scanner.ObjectPRBody, Change: scanner.Added, Line: 4},
			want: []string{"the pull request description", "Edit the pull request"}},
		{name: "message being committed",
			loc:     scanner.Location{Source: scanner.SourceStaged, Object: scanner.ObjectCommitMessage, Change: scanner.Added, Line: 2},
			want:    []string{"Remove it from the commit message", "COMMIT_EDITMSG"},
			notWant: []string{"git add", "git restore --staged", "cannot be edited away"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := finding(scanner.PersonalToken, pk, "7043602", tc.loc)
			all := strings.Join(Guidance(f), "\n") + "\n" + shortMarkdown(f)
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("guidance lacks %q:\n%s", w, all)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(all, w) {
					t.Errorf("guidance says %q:\n%s", w, all)
				}
			}
			if strings.Contains(all, pk.Reveal()) {
				t.Errorf("guidance holds the raw token")
			}
		})
	}
}

// TestGHLocationNamesMessages checks that a path-less location is named by
// its object in the summary, not shown as an empty path.
func TestGHLocationNamesMessages(t *testing.T) {
	t.Parallel()
	got := ghLocation(scanner.Location{Source: scanner.SourceDiff, Object: scanner.ObjectPRBody, Line: 3, Column: 19})
	if got != "pr-body:3:19" {
		t.Errorf("ghLocation = %q, want pr-body:3:19", got)
	}
	got = ghLocation(scanner.Location{Path: "a/b.txt", Object: scanner.ObjectTagMessage, Line: 1, Column: 2})
	if got != "a/b.txt:1:2 (tag-message)" {
		t.Errorf("ghLocation = %q, want a/b.txt:1:2 (tag-message)", got)
	}
}
