package ignore

import (
	"errors"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// fakeToken is a made-up personal token in the real shape, random body.
var fakeToken = genToken(1)

// genToken returns a fake personal token in the real shape, fixed by seed.
func genToken(seed uint64) string { return fixtures.NewGen(seed).PersonalToken() }

var (
	idA = strings.Repeat("ab", 32)
	idB = strings.Repeat("0f", 32)
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []Rule
		errLine int // 0 = no error
		errMsg  string
	}{
		{name: "empty", in: "", want: nil},
		{name: "comments and blanks", in: "# header\n\n   \n  # indented\n", want: nil},
		{name: "id rule", in: idA + "  fixture used by tests\n",
			want: []Rule{{Line: 1, ID: idA, Reason: "fixture used by tests"}}},
		{name: "id upper case is normalised", in: strings.ToUpper(idA) + "\tbaseline 2026-11-28",
			want: []Rule{{Line: 1, ID: idA, Reason: "baseline 2026-11-28"}}},
		{name: "path rule", in: "# x\npath:testdata/**  fake tokens for tests\n",
			want: []Rule{{Line: 2, Glob: "testdata/**", Reason: "fake tokens for tests"}}},
		{name: "path rule with blank after colon and ./", in: "path: ./dist/*.js  bundle of the demo",
			want: []Rule{{Line: 1, Glob: "dist/*.js", Reason: "bundle of the demo"}}},
		{name: "reason keeps inner blanks and hashes", in: idB + "  ticket #42:  rotated",
			want: []Rule{{Line: 1, ID: idB, Reason: "ticket #42:  rotated"}}},
		{name: "CRLF and BOM", in: "\xef\xbb\xbf" + idA + " r1\r\npath:a/** r2\r\n",
			want: []Rule{{Line: 1, ID: idA, Reason: "r1"}, {Line: 2, Glob: "a/**", Reason: "r2"}}},
		{name: "id without reason", in: "# c\n" + idA + "\n", errLine: 2, errMsg: "needs a reason"},
		{name: "id with blank reason", in: idA + "   \t ", errLine: 1, errMsg: "needs a reason"},
		{name: "short id", in: idA[:63] + " r", errLine: 1, errMsg: "64 hex digits"},
		{name: "non-hex id", in: strings.Repeat("zz", 32) + " r", errLine: 1, errMsg: "64 hex digits"},
		{name: "token pasted", in: "\n\n" + fakeToken + " oops", errLine: 3, errMsg: "not a token"},
		{name: "path without glob", in: "path:", errLine: 1, errMsg: "needs a glob"},
		{name: "path without reason", in: "path:dist/**", errLine: 1, errMsg: "needs a reason"},
		{name: "bad glob", in: "path:dist/[a  reason", errLine: 1, errMsg: "invalid glob"},
		{name: "unknown word", in: "allow everything", errLine: 1, errMsg: "64 hex digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(strings.NewReader(tt.in), "ign")
			if tt.errLine != 0 {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("Parse error = %v, want a *ParseError", err)
				}
				if pe.Line != tt.errLine || !strings.Contains(pe.Msg, tt.errMsg) {
					t.Fatalf("Parse error = %v, want line %d with %q", err, tt.errLine, tt.errMsg)
				}
				if want := "ign:" + strconv.Itoa(tt.errLine) + ":"; !strings.HasPrefix(err.Error(), want) {
					t.Errorf("error %q does not start with %q", err, want)
				}
				if strings.Contains(err.Error(), fakeToken) {
					t.Errorf("error message holds the raw token")
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got.Rules, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	t.Parallel()
	_, err := Parse(strings.NewReader(strings.Repeat("#\n", maxFileBytes)), "big")
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse error = %v, want ErrTooLarge", err)
	}
}

func finding(secret string, locs ...scanner.Location) scanner.Finding {
	s := scanner.NewSecret(secret)
	return scanner.Finding{ID: s.ID(), Kind: scanner.PersonalToken, Secret: s, Locations: locs}
}

func paths(locs []scanner.Location) []string {
	var out []string
	for _, l := range locs {
		p := l.Path
		if l.InnerPath != "" {
			p += "!/" + l.InnerPath
		}
		out = append(out, p)
	}
	return out
}

func TestApply(t *testing.T) {
	t.Parallel()
	tokB := genToken(2)
	tokC := genToken(3)
	fA := finding(fakeToken, scanner.Location{Path: "src/app.js"}, scanner.Location{Path: "testdata/x.env"})
	fB := finding(tokB, scanner.Location{Path: "testdata/a.js"}, scanner.Location{Path: "/repo/testdata/deep/b.js"})
	fC := finding(tokC, scanner.Location{Path: "lib/c.go", AllowMarker: true}, scanner.Location{Path: "dist/app.zip", InnerPath: "static/main.js"})
	file := "# test rules\n" + fC.ID + "  unused here\n" + "path:testdata/**  fake tokens for tests\n"
	rules, err := Parse(strings.NewReader(file), "ign")
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		kept    map[string][]string // id -> kept paths
		ignored map[string][]string // id -> ignored paths
		reasons map[string]string
	}
	tests := []struct {
		name  string
		rules *Rules
		in    []scanner.Finding
		root  string
		want  want
	}{
		{
			name:  "id rule ignores the whole finding; globs split locations",
			rules: rules, root: "/repo",
			in: []scanner.Finding{fA, fB, fC},
			want: want{
				kept:    map[string][]string{fA.ID: {"src/app.js"}},
				ignored: map[string][]string{fA.ID: {"testdata/x.env"}, fB.ID: {"testdata/a.js", "/repo/testdata/deep/b.js"}, fC.ID: {"lib/c.go", "dist/app.zip!/static/main.js"}},
				reasons: map[string]string{fA.ID: "fake tokens for tests", fB.ID: "fake tokens for tests", fC.ID: "unused here"},
			},
		},
		{
			name:  "absolute path outside root is not matched by a relative glob",
			rules: rules, root: "/elsewhere",
			in: []scanner.Finding{fB},
			want: want{
				kept:    map[string][]string{fB.ID: {"/repo/testdata/deep/b.js"}},
				ignored: map[string][]string{fB.ID: {"testdata/a.js"}},
				reasons: map[string]string{fB.ID: "fake tokens for tests"},
			},
		},
		{
			name:  "nil rules still honour the inline marker",
			rules: nil,
			in:    []scanner.Finding{fA, fC},
			want: want{
				kept:    map[string][]string{fA.ID: {"src/app.js", "testdata/x.env"}, fC.ID: {"dist/app.zip!/static/main.js"}},
				ignored: map[string][]string{fC.ID: {"lib/c.go"}},
				reasons: map[string]string{fC.ID: MarkerReason},
			},
		},
		{
			name:  "glob on archive member path",
			rules: mustParse(t, "path:**/static/*.js  demo bundle"),
			in:    []scanner.Finding{fC},
			want: want{
				ignored: map[string][]string{fC.ID: {"lib/c.go", "dist/app.zip!/static/main.js"}},
				reasons: map[string]string{fC.ID: MarkerReason + "; demo bundle"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kept, ignored := tt.rules.Apply(tt.in, tt.root)
			gotKept := map[string][]string{}
			for _, f := range kept {
				gotKept[f.ID] = paths(f.Locations)
			}
			gotIgn := map[string][]string{}
			gotReasons := map[string]string{}
			for _, ig := range ignored {
				gotIgn[ig.Finding.ID] = paths(ig.Finding.Locations)
				gotReasons[ig.Finding.ID] = ig.Reason
			}
			if diff := cmp.Diff(tt.want.kept, gotKept, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("kept (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want.ignored, gotIgn, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ignored (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want.reasons, gotReasons, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
}

func mustParse(t *testing.T, s string) *Rules {
	t.Helper()
	r, err := Parse(strings.NewReader(s), "ign")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestContains(t *testing.T) {
	t.Parallel()
	r := mustParse(t, idA+" r")
	if !r.Contains(strings.ToUpper(idA)) || r.Contains(idB) {
		t.Errorf("Contains: want idA only")
	}
	var nilRules *Rules
	if nilRules.Contains(idA) {
		t.Errorf("nil Rules contains idA")
	}
}
