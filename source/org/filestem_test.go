package org

import (
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// TestFileStemHidesTokenNames: a repository named after a token must not
// put it in the clone, state or SARIF file names; other names are kept as
// OWNER__NAME.
func TestFileStemHidesTokenNames(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(1602)
	tok, tok2 := g.PersonalToken(), g.PersonalToken()
	if got := (Repo{Owner: "acme", Name: "api_v2"}).FileStem(); got != "acme__api_v2" {
		t.Errorf("plain name: FileStem = %q, want acme__api_v2", got)
	}
	a := Repo{Owner: "acme", Name: "r-" + tok}.FileStem()
	b := Repo{Owner: "acme", Name: "r-" + tok2}.FileStem()
	for _, stem := range []string{a, b} {
		if strings.Contains(stem, tok) || strings.Contains(stem, tok2) || strings.Contains(stem, tok[len(tok)-8:]) {
			t.Errorf("FileStem = %q holds the token", stem)
		}
		if !strings.HasPrefix(stem, "acme__repo-") || len(stem) != len("acme__repo-")+16 {
			t.Errorf("FileStem = %q, want acme__repo- and 16 hex digits", stem)
		}
	}
	if a == b {
		t.Errorf("two token-named repositories share the stem %q", a)
	}
	if again := (Repo{Owner: "acme", Name: "r-" + tok}).FileStem(); again != a {
		t.Errorf("FileStem is not stable: %q then %q", a, again)
	}
}
