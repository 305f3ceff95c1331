package source_test

import (
	"context"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/dir"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// TestRepoOrDir checks the policy both ways on real trees: a git
// repository is scanned as history (the finding carries its commit), a
// plain directory as files.
func TestRepoOrDir(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(5).PersonalToken()
	for _, tt := range []struct {
		name     string
		git      bool
		wantDir  bool
		wantMode report.Mode
	}{
		{"git repository", true, false, report.ModeHistory},
		{"plain directory", false, true, report.ModeDir},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			fixtures.WriteFile(t, root, "app.env", "CLICKUP_API_TOKEN="+tok+"\n")
			if tt.git {
				fixtures.Git(t, root, "init", "-q")
				fixtures.Git(t, root, "add", "app.env")
				fixtures.Git(t, root, "commit", "-q", "-m", "add settings")
			}
			src := &source.RepoOrDir{Repo: history.Source{RepoPath: root}, Dir: dir.Source{Roots: []string{root}}}
			rep, _, err := source.Run(context.Background(), src, scanner.Options{})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if src.UsedDir() != tt.wantDir || rep.Mode != tt.wantMode {
				t.Errorf("UsedDir = %v, mode %q; want %v, %q", src.UsedDir(), rep.Mode, tt.wantDir, tt.wantMode)
			}
			if len(rep.Findings) != 1 || len(rep.Findings[0].Locations) == 0 {
				t.Fatalf("findings = %d, want 1", len(rep.Findings))
			}
			loc := rep.Findings[0].Locations[0]
			if gotCommit := loc.Commit != ""; gotCommit != tt.git {
				t.Errorf("location %+v: commit set = %v, want %v", loc, gotCommit, tt.git)
			}
			if rep.Stats.Files == 0 {
				t.Error("Run reported no files scanned")
			}
		})
	}
}
