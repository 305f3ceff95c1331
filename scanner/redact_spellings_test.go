package scanner

import (
	"bytes"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// tokenSpellings are the ways the scanner reads a personal token (and the
// ways the text, JSON and SARIF outputs then re-encode them) that the
// redactors must recognise. Each is a function of the plain token.
var tokenSpellings = []struct {
	name  string
	spell func(tok string) string
}{
	{"octal underscore", func(t string) string { return strings.ReplaceAll(t, "_", `\137`) }},
	{"braced unicode underscore", func(t string) string { return strings.ReplaceAll(t, "_", `\u{5f}`) }},
	{"decimal reference", func(t string) string { return strings.ReplaceAll(t, "_", "&#95;") }},
	{"hex reference", func(t string) string { return strings.ReplaceAll(t, "_", "&#x5f;") }},
	{"lowbar", func(t string) string { return strings.ReplaceAll(t, "_", "&lowbar;") }},
	{"UnderBar", func(t string) string { return strings.ReplaceAll(t, "_", "&UnderBar;") }},
	{"every char \\u", func(t string) string { return fixtures.SpellEach(t, `\u%04x`) }},
	{"every char \\x", func(t string) string { return fixtures.SpellEach(t, `\x%02X`) }},
	{"every char octal", func(t string) string { return fixtures.SpellEach(t, `\%03o`) }},
	{"every char &#d;", func(t string) string { return fixtures.SpellEach(t, "&#%d;") }},
	{"every char &#x;", func(t string) string { return fixtures.SpellEach(t, "&#x%x;") }},
	{"every char \\u{}", func(t string) string { return fixtures.SpellEach(t, `\u{%x}`) }},
	{"every char JSON-doubled", func(t string) string { return fixtures.SpellEach(t, `\\u%04x`) }},
	{"ANSI reset before underscore", func(t string) string { return t[:10] + "\x1b[0m" + t[10:] }},
	{"ANSI colour inside the tail", func(t string) string { return t[:14] + "\x1b[1;31m" + t[14:30] + "\x1b[0m" + t[30:] }},
	{"OSC hyperlink inside", func(t string) string { return t[:12] + "\x1b]8;;https://x.test/a\x07" + t[12:] }},
	{"OSC with ST inside", func(t string) string { return t[:12] + "\x1b]8;;https://x.test/a\x1b\\" + t[12:] }},
	{"ANSI as JSON \\u001b", func(t string) string { return t[:10] + `\u001b[0m` + t[10:] }},
	{"ANSI as Go-quoted \\x1b", func(t string) string { return t[:10] + `\x1b[0m` + t[10:] }},
	{"ANSI as markdown-escaped \\x1b\\[", func(t string) string { return t[:10] + `\x1b\[0m` + t[10:] }},
	{"ANSI as URI %1B%5B", func(t string) string { return t[:10] + "%1B%5B0m" + t[10:] }},
	{"ANSI as \\e", func(t string) string { return t[:10] + `\e[0m` + t[10:] }},
	{"reference in a URI", func(t string) string { return strings.ReplaceAll(t, "_", "&%2395%3B") }},
	{"octal in a URI", func(t string) string { return strings.ReplaceAll(t, "_", "%5C137") }},
	{"octal in JSON", func(t string) string { return strings.ReplaceAll(t, "_", `\\137`) }},
	{"braced in a URI", func(t string) string { return strings.ReplaceAll(t, "_", "%5Cu%7B5f%7D") }},
	{"ANSI in a URI of JSON", func(t string) string { return t[:10] + "%5Cu001b%5B0m" + t[10:] }},
	{"double HTML", func(t string) string { return strings.ReplaceAll(t, "_", "&amp;#95;") }},
	{"every char percent", func(t string) string { return fixtures.SpellEach(t, "%%%02X") }},
	// Only the second byte (the "k") escaped: no "pk", no code of "p".
	{"second byte escaped", func(t string) string { return t[:1] + fixtures.SpellEach(t[1:2], `\x%02x`) + t[2:] }},
	{"second byte as a reference", func(t string) string { return t[:1] + fixtures.SpellEach(t[1:2], "&#%d;") + t[2:] }},
	{"second byte in octal, the rest in references", func(t string) string {
		return t[:1] + fixtures.SpellEach(t[1:2], `\%03o`) + fixtures.SpellEach(t[2:], "&#%d;")
	}},
}

// tail is the part of testToken that must never show.
var tail = testToken[len(testToken)-32:]

func TestRedactShapesEverySpelling(t *testing.T) {
	t.Parallel()
	for _, sp := range tokenSpellings {
		t.Run(sp.name, func(t *testing.T) {
			t.Parallel()
			spelled := sp.spell(testToken)
			in := "file " + spelled + ".txt: skipped"
			got := RedactShapesString(in)
			if strings.Contains(got, tail) || strings.Contains(got, spelled) {
				t.Fatalf("the token survived: %q", RedactShapesString(got))
			}
			if want := "file pk_7043602_…G8VY.txt: skipped"; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
			if again := RedactShapesString(got); again != got {
				t.Errorf("redacting twice changed %q to %q", got, again)
			}
		})
	}
}

func TestScrubberEverySpelling(t *testing.T) {
	t.Parallel()
	access := NewSecret("7043602_" + strings.Repeat("0f3a9c2e", 8))
	sc := NewScrubber(NewSecret(testToken), access)
	for _, sp := range tokenSpellings {
		t.Run(sp.name, func(t *testing.T) {
			t.Parallel()
			for _, s := range []Secret{NewSecret(testToken), access} {
				raw := s.Reveal()
				spelled := sp.spell(raw)
				in := "reason: " + spelled + " rotated"
				got := sc.String(in)
				if strings.Contains(got, raw[len(raw)-20:]) || strings.Contains(got, spelled) {
					// got holds the secret: an access token has no shape
					// RedactShapes knows, so only its redacted form is named.
					t.Fatalf("the secret %s survived the scrub", s.Redacted())
				}
				if want := "reason: " + s.Redacted() + " rotated"; got != want {
					t.Errorf("got %q, want %q", got, want)
				}
				if b := sc.Bytes([]byte(in)); string(b) != got {
					t.Errorf("Bytes and String differ: %q vs %q", b, got)
				}
			}
		})
	}
}

func TestRedactingWriterEverySpelling(t *testing.T) {
	t.Parallel()
	for _, sp := range tokenSpellings {
		t.Run(sp.name, func(t *testing.T) {
			t.Parallel()
			spelled := sp.spell(testToken)
			var buf bytes.Buffer
			w := &RedactingWriter{W: &buf}
			line := "warning: " + spelled + ".log unreadable\n"
			// Split the line in the middle of the spelling.
			cut := len("warning: ") + len(spelled)/2
			w.Write([]byte(line[:cut]))
			w.Write([]byte(line[cut:] + "last " + spelled))
			w.Flush()
			out := buf.String()
			if strings.Contains(out, tail) || strings.Contains(out, spelled) {
				t.Fatalf("the token survived: %q", RedactShapesString(out))
			}
			if want := "warning: pk_7043602_…G8VY.log unreadable\nlast pk_7043602_…G8VY"; out != want {
				t.Errorf("got %q, want %q", out, want)
			}
		})
	}
}

// TestRedactSpellingsLeavesOtherTextAlone: escapes and colour codes that
// spell no token pass unchanged.
func TestRedactSpellingsLeavesOtherTextAlone(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`C:\\Users\\pk\\x5f.txt`, "a &amp; b &#95; %5F \x1b[31mred\x1b[0m", `pk\137live\137key \u{5f}`,
		"pk&#95;7043602&#95;SHORT", `\u0070\u006b\u005f123`, "100% &lowbar; \\",
	} {
		if got := RedactShapesString(in); got != in {
			t.Errorf("RedactShapesString(%q) = %q, want it unchanged", in, got)
		}
	}
}
