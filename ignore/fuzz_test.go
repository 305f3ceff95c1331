package ignore

import (
	"errors"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// FuzzParse checks that any ignore file either parses into well-formed
// rules or fails with a *ParseError naming a line that exists, and that
// applying parsed rules never panics nor loses a location.
func FuzzParse(f *testing.F) {
	f.Add("")
	f.Add("# comment\n" + strings.Repeat("ab", 32) + "  fixture used by tests\n")
	f.Add("path:testdata/**  fake tokens\r\npath: ./dist/{a,b}/*.js  demo\n")
	f.Add("path:[  broken\n")
	f.Add("\xef\xbb\xbf" + strings.Repeat("0F", 32) + "\tbaseline 2026-11-28")
	f.Fuzz(func(t *testing.T, in string) {
		rules, err := Parse(strings.NewReader(in), "f")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.Line < 1 || pe.Line > strings.Count(in, "\n")+1 {
				t.Fatalf("error line %d outside the input", pe.Line)
			}
			return
		}
		for _, r := range rules.Rules {
			if r.Reason == "" || (r.ID == "") == (r.Glob == "") {
				t.Fatalf("malformed rule %+v", r)
			}
			if r.ID != "" && (len(r.ID) != 64 || strings.ToLower(r.ID) != r.ID) {
				t.Fatalf("id not normalised: %q", r.ID)
			}
		}
		s := scanner.NewSecret(genToken(4))
		fi := scanner.Finding{ID: s.ID(), Secret: s, Locations: []scanner.Location{{Path: "a/b.js"}, {Path: "testdata/c", AllowMarker: true}}}
		kept, ignored := rules.Apply([]scanner.Finding{fi}, "/r")
		n := 0
		for _, k := range kept {
			n += len(k.Locations)
		}
		for _, ig := range ignored {
			n += len(ig.Finding.Locations)
			if ig.Reason == "" {
				t.Fatalf("ignored without a reason")
			}
		}
		if n != len(fi.Locations) {
			t.Fatalf("locations: %d in, %d out", len(fi.Locations), n)
		}
	})
}
