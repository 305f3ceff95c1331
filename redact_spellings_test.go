package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// TestSpelledTokenNamesRedacted names a file, and an archive member, after
// a token in each spelling the scanner decodes (the file holds the token,
// so the name shows in the findings): no format may print the token's
// body, nor the spelled name, in clear. Names that would pass the 255-byte
// limit of a file name are tested as member names only.
func TestSpelledTokenNamesRedacted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		spell func(tok string) string
	}{
		{"octal underscore", func(t string) string { return strings.ReplaceAll(t, "_", `\137`) }},
		{"braced unicode underscore", func(t string) string { return strings.ReplaceAll(t, "_", `\u{5f}`) }},
		{"decimal reference", func(t string) string { return strings.ReplaceAll(t, "_", "&#95;") }},
		{"hex reference", func(t string) string { return strings.ReplaceAll(t, "_", "&#x5f;") }},
		{"lowbar", func(t string) string { return strings.ReplaceAll(t, "_", "&lowbar;") }},
		{"UnderBar", func(t string) string { return strings.ReplaceAll(t, "_", "&UnderBar;") }},
		{"every char \\x", func(t string) string { return fixtures.SpellEach(t, `\x%02x`) }},
		{"every char octal", func(t string) string { return fixtures.SpellEach(t, `\%03o`) }},
		{"every char &#d;", func(t string) string { return fixtures.SpellEach(t, "&#%d;") }},
		{"every char \\u", func(t string) string { return fixtures.SpellEach(t, `\u%04x`) }},
		{"every char &#x;", func(t string) string { return fixtures.SpellEach(t, "&#x%x;") }},
		{"colour reset inside", func(t string) string { return t[:10] + "\x1b[0m" + t[10:] }},
		{"colour inside the tail", func(t string) string { return t[:len(t)-20] + "\x1b[1;31m" + t[len(t)-20:] }},
		{"hyperlink inside", func(t string) string { return t[:10] + "\x1b]8;;x.test\x07" + t[10:] }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok := fixtures.NewGen(uint64(900 + i)).PersonalToken()
			body := tok[len(tok)-32:]
			spelled := tt.spell(tok)
			dir := t.TempDir()
			content := "CLICKUP_API_TOKEN=" + tok + "\n"
			if len(spelled)+len(".log") <= 255 {
				if err := os.WriteFile(filepath.Join(dir, spelled+".log"), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			zip := fixtures.ZipBytes(map[string]string{"logs/" + spelled + ".log": content})
			if err := os.WriteFile(filepath.Join(dir, "bundle.zip"), zip, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"text", "json", "sarif"} {
				code, stdout, stderr := runCLI(t, nil, "dir", "--format", format, dir)
				if code != exitFindings {
					t.Fatalf("%s: exit %d, want 1", format, code)
				}
				out := stdout + stderr
				// Either half of the body shows when a colour code splits it.
				if strings.Contains(out, body[:16]) || strings.Contains(out, body[16:]) || strings.Contains(out, spelled) {
					t.Errorf("%s: the token's body is in clear", format)
				}
				if !strings.Contains(out, tok[:len(tok)-32]+"…"+tok[len(tok)-4:]) {
					t.Errorf("%s: no redacted form of the token in the output", format)
				}
			}
		})
	}
}
