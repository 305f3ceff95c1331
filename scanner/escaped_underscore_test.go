package scanner

import (
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// A token whose underscores alone are escaped, with a literal "pk", sits in
// plain text where the sampled escape probe may never look. The literal
// "pk" is found by the personal-token pass, which must then try every
// escape form itself.
func TestLoneEscapedUnderscoreInPlainText(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(913)
	// Where both passes see the token it must still be reported once.
	filler := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 4000)
	for _, esc := range []string{`\137`, `\u{5f}`, `&#95;`, `&#x5f;`, `&lowbar;`, `\x5f`} {
		tok := g.PersonalToken()
		for _, at := range []int{0, 1, 77, 160, 1001, 5003} {
			in := filler[:at] + " " + strings.ReplaceAll(tok, "_", esc) + " " + filler[at:]
			ms, _ := scanString(t, "notes.txt", []byte(in))
			n := 0
			for _, m := range ms {
				if m.Secret.Reveal() == tok {
					n++
				}
			}
			if n != 1 {
				t.Errorf("found the token with underscores written as %s at offset %d %d times, want once", esc, at, n)
			}
		}
	}
}
