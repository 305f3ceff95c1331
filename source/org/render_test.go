package org

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// TestRenderNoTokenInClear checks that the grouped text report and the
// per-repository SARIF files never hold a token in clear, even where a
// token reaches them through what report does not render itself (a
// repository's failure message).
func TestRenderNoTokenInClear(t *testing.T) {
	t.Parallel()
	gen := fixtures.NewGen(1201)
	found, other := gen.PersonalToken(), gen.PersonalToken()
	col := scanner.NewCollector()
	col.AddLocation(scanner.PersonalToken, scanner.NewSecret(found), strings.Split(found, "_")[1],
		scanner.Location{Repository: "acme/api", Source: scanner.SourceHistory, Path: "a.env", Line: 1, Column: 1})
	rep := report.Report{Mode: report.ModeOrg, Findings: col.Findings()}
	res := Result{Owner: "acme", Repos: []RepoResult{
		{Repo: Repo{Owner: "acme", Name: "api"}, Err: errors.New("failed to scan: ref named " + found)},
		{Repo: Repo{Owner: "acme", Name: "web"}, Err: errors.New("failed to clone: " + other)},
	}}
	var b bytes.Buffer
	if err := WriteText(&b, rep, res); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if n, err := WriteSARIFDir(dir, rep, res); err != nil || n != 1 {
		t.Fatalf("WriteSARIFDir: %d files, %v; want 1", n, err)
	}
	sarif, err := os.ReadFile(filepath.Join(dir, "acme__api.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	for where, out := range map[string]string{"text": b.String(), "sarif": string(sarif)} {
		if strings.Contains(out, found) || strings.Contains(out, other) {
			t.Errorf("the %s output holds a token in clear", where)
		}
		if !strings.Contains(out, "acme/api") {
			t.Errorf("the %s output does not name the repository", where)
		}
	}
	if !strings.Contains(b.String(), "== acme/web ==") {
		t.Errorf("the failed repository has no section:\n%s", b.String())
	}
}
