package scanner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// manySecretsReport returns n secrets and a JSON-like report that holds
// each of them raw and in the escaped spellings an output may carry, on
// lines that also hold JSON escapes (as the guidance lines of a report do).
func manySecretsReport(n int) ([]Secret, string) {
	g := fixtures.NewGen(uint64(n))
	var secrets []Secret
	var b strings.Builder
	for i := range n {
		sec := NewSecret(g.PersonalToken())
		if i%3 == 1 {
			sec = NewSecret(g.AccessToken())
		}
		secrets = append(secrets, sec)
		raw := sec.Reveal()
		fmt.Fprintf(&b, "  \"headline\": \"token %s (\\\"raw\\\")\",\n", raw)
		fmt.Fprintf(&b, "  \"guidance\": \"curl -H \\\"Authorization: %s\\\"\",\n", strings.ReplaceAll(raw, "_", `\u005f`))
		fmt.Fprintf(&b, "  \"value\": \"%s\",\n", fixtures.SpellEach(raw, `\\u%04x`))
	}
	return secrets, b.String()
}

func TestScrubberManySecretsEachRedactedInEverySpelling(t *testing.T) {
	t.Parallel()
	secrets, report := manySecretsReport(300)
	got := NewScrubber(secrets...).String(report)
	for i, sec := range secrets {
		raw := sec.Reveal()
		if strings.Contains(got, raw[len(raw)-16:]) {
			t.Fatalf("secret %d survived the scrub (%s)", i, sec.Redacted())
		}
		if n := strings.Count(got, sec.Redacted()); n < 3 {
			t.Errorf("secret %d: %d redacted forms in the output, want one per spelling (3)", i, n)
		}
	}
}

func BenchmarkScrubberReport(b *testing.B) {
	for _, n := range []int{50, 500, 2000} {
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			secrets, report := manySecretsReport(n)
			sc := NewScrubber(secrets...)
			b.SetBytes(int64(len(report)))
			b.ResetTimer()
			for range b.N {
				sc.String(report)
			}
		})
	}
}

// TestScrubberPlainLines puts secrets raw and with escaped underscores on
// lines without any other escape, which only the replacer redacts, also
// for a secret with no 8-byte run free of underscores (the replacer then
// runs on every text).
func TestScrubberPlainLines(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(11)
	for _, sec := range []Secret{NewSecret(g.PersonalToken()), NewSecret(g.AccessToken()), NewSecret("a1b2c3_d4e5f6_g7h8i9_j0")} {
		raw := sec.Reveal()
		for _, spelled := range []string{raw, strings.ReplaceAll(raw, "_", "%5F"), strings.ReplaceAll(raw, "_", `\_`)} {
			in := "path: dist/app.js\nvalue: " + spelled + " rotated\nend\n"
			got := NewScrubber(sec, NewSecret(g.PersonalToken())).String(in)
			if want := "path: dist/app.js\nvalue: " + sec.Redacted() + " rotated\nend\n"; got != want {
				t.Errorf("%s spelled %d bytes long: the scrub left %q", sec.Redacted(), len(spelled), strings.ReplaceAll(got, spelled, "<secret>"))
			}
		}
	}
}
