package scanner

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden .out files under testdata/")

// describe renders matches the way the golden files hold them: redacted,
// with every field a user relies on.
func describe(ms []Match, stats StatsSnapshot) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%d:%d %s %v uid=%q key=%q enc=%q inner=%q allow=%v id=%s\n",
			m.Line, m.Column, m.Kind, m.Secret, m.UserID, m.Key, m.Encoding, m.InnerPath, m.AllowMarker, m.Secret.ID()[:12])
	}
	fmt.Fprintf(&b, "placeholders=%d errors=%d\n", stats.Placeholders, stats.ErrorCount)
	return b.String()
}

func scanString(t *testing.T, name string, data []byte) ([]Match, StatsSnapshot) {
	t.Helper()
	stats := &Stats{}
	ms, err := New(Options{}, stats).Scan(context.Background(), name, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Scan(%s): %v", name, err)
	}
	return ms, stats.Snapshot()
}

// TestMatchGolden runs every testdata/match/*.in through the scanner and
// compares with the .out beside it (go test ./scanner -update rewrites).
func TestMatchGolden(t *testing.T) {
	t.Parallel()
	inputs, err := filepath.Glob("testdata/match/*.in")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			ms, stats := scanString(t, in, data)
			got := describe(ms, stats)
			for _, m := range ms {
				if strings.Contains(got, m.Secret.Reveal()) {
					t.Fatalf("golden description holds a raw secret (%v)", m.Secret)
				}
			}
			out := strings.TrimSuffix(in, ".in") + ".out"
			if *update {
				if err := os.WriteFile(out, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(out)
			if err != nil {
				t.Fatalf("%v (run go test ./scanner -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s: scan result differs from %s\n--- got\n%s--- want\n%s", in, out, got, want)
			}
		})
	}
}

func TestNeverReportFamiliesFindNothing(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"never_report_vendors", "never_report_placeholders", "context_required"} {
		data, err := os.ReadFile("testdata/match/" + name + ".in")
		if err != nil {
			t.Fatal(err)
		}
		ms, stats := scanString(t, name, data)
		if len(ms) != 0 {
			t.Errorf("%s: want no findings, got %s", name, describe(ms, stats))
		}
		if name == "never_report_placeholders" && stats.Placeholders < 5 {
			t.Errorf("%s: want the placeholders counted, got %d", name, stats.Placeholders)
		}
	}
}

// TestWindowBoundaries plants tokens on both sides of every window edge of
// a multi-megabyte single-line stream and expects each once, with its
// column.
func TestWindowBoundaries(t *testing.T) {
	t.Parallel()
	tok := "pk_7043602_Q8ZK3M1TR7WX9B2NV4HJ6LD0PC5YG8VY"
	data := bytes.Repeat([]byte("a=b;"), (3*windowSize)/4)
	var offsets []int
	for edge := windowSize - windowOverlap; edge < len(data)-100; edge += windowSize - windowOverlap - windowLookback {
		for _, d := range []int{-len(tok) - 1, -len(tok) / 2, 0, 1, windowOverlap / 2} {
			offsets = append(offsets, edge+d)
		}
	}
	last := -1000
	var planted []int
	for _, off := range offsets {
		if off-last < len(tok)+2 || off+len(tok)+1 >= len(data) {
			continue
		}
		data[off-1] = ';'
		copy(data[off:], tok)
		data[off+len(tok)] = ';'
		planted = append(planted, off)
		last = off
	}
	ms, _ := scanString(t, "bundle.js", data)
	if len(ms) != len(planted) {
		t.Fatalf("want %d matches, got %d", len(planted), len(ms))
	}
	for i, m := range ms {
		if m.Offset != int64(planted[i]) || m.Line != 1 || m.Column != planted[i]+1 {
			t.Errorf("match %d: offset %d line %d col %d, want offset %d line 1 col %d", i, m.Offset, m.Line, m.Column, planted[i], planted[i]+1)
		}
	}
}

func TestLinesAcrossWindows(t *testing.T) {
	t.Parallel()
	tok := "pk_7043602_Q8ZK3M1TR7WX9B2NV4HJ6LD0PC5YG8VY"
	var b bytes.Buffer
	wantLine := 0
	for line := 1; b.Len() < 3*windowSize; line++ {
		if line%5000 == 0 {
			fmt.Fprintf(&b, "token = %s\n", tok)
			wantLine = line
			continue
		}
		b.WriteString("const x = require('y'); // filler line\n")
	}
	ms, _ := scanString(t, "x.js", b.Bytes())
	if len(ms) == 0 || ms[len(ms)-1].Line != wantLine || ms[len(ms)-1].Column != 9 {
		t.Fatalf("want last match on line %d column 9, got %v", wantLine, describe(ms, StatsSnapshot{}))
	}
}

// TestShortestBase64Token checks the bound minBlobRun rests on: the
// shortest personal token (7-digit user id), base64-encoded on its own or
// after one or two other bytes, in both alphabets, with and without
// padding, is found, and at alignment 0 its run is exactly minBlobRun long.
func TestShortestBase64Token(t *testing.T) {
	t.Parallel()
	tok := "pk_7043602_Q8ZK3M1TR7WX9B2NV4HJ6LD0PC5YG8VY"
	if enc := base64.RawStdEncoding.EncodeToString([]byte(tok)); len(enc) != minBlobRun {
		t.Fatalf("a bare 7-digit token encodes to %d characters, want minBlobRun = %d", len(enc), minBlobRun)
	}
	for _, prefix := range []string{"", "\n", "x\x00"} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			line := "secret: " + enc.EncodeToString([]byte(prefix+tok)) + "\n"
			ms, _ := scanString(t, "secret.yaml", []byte(line))
			if len(ms) != 1 || ms[0].Secret.Reveal() != tok || ms[0].Encoding != "base64" {
				t.Errorf("prefix %q, %d-character encoding: got %s, want the token once, encoding base64",
					prefix, len(line)-len("secret: \n"), describe(ms, StatsSnapshot{}))
			}
		}
	}
}

// TestBase64TokenAfterUnrelatedPK is the regression test for a token
// missed in one base64 run when an unrelated "pk_" (a Stripe key) sat 2 to
// 4 KB of encoded text before it: the hit after the first decoded segment
// was skipped as if that segment had covered it.
func TestBase64TokenAfterUnrelatedPK(t *testing.T) {
	t.Parallel()
	tok := "pk_7043602_Q8ZK3M1TR7WX9B2NV4HJ6LD0PC5YG8VY"
	missed := 0
	for gap := 1000; gap <= 3600; gap += 3 {
		plain := "STRIPE_KEY=pk_live_51Hq2vQGkZ3xW9yR7tB4nM0p\n" + strings.Repeat("x=1;", gap/4) + "\nCLICKUP_TOKEN=" + tok + "\n"
		line := "env: " + base64.StdEncoding.EncodeToString([]byte(plain)) + "\n"
		ms, _ := scanString(t, "secret.yaml", []byte(line))
		if len(ms) != 1 || ms[0].Secret.Reveal() != tok {
			missed++
			if missed <= 3 {
				t.Errorf("gap %d bytes: got %s, want the token once", gap, describe(ms, StatsSnapshot{}))
			}
		}
	}
	if missed > 0 {
		t.Errorf("the token was missed for %d gap sizes", missed)
	}
}

// TestColumnUTF16 checks the UTF-16 column beside the byte column: equal on
// ASCII lines, smaller after multi-byte characters (two units for one
// outside the BMP), and unknown (0) when the line began more than a window
// before the match.
func TestColumnUTF16(t *testing.T) {
	t.Parallel()
	tok := "pk_7043602_Q8ZK3M1TR7WX9B2NV4HJ6LD0PC5YG8VY"
	long := strings.Repeat("a=1;", (windowSize+windowOverlap)/4) + "t='"
	tests := []struct {
		name, prefix    string
		wantCol, want16 int
	}{
		{"ascii", "x = '", 6, 6},
		{"accents", "const é = 'ü'; t = '", 23, 21},    // é and ü: 2 bytes, 1 unit each
		{"astral", "msg('😀'); t = '", 19, 17},          // 😀: 4 bytes, 2 units
		{"invalid utf-8", "a\xff\xfe = '", 8, 8},       // each invalid byte: 1 unit
		{"line over a window", long, len(long) + 1, 0}, // not counted
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ms, _ := scanString(t, "x.js", []byte("first line\n"+tt.prefix+tok+"'\n"))
			if len(ms) != 1 {
				t.Fatalf("got %d matches, want 1", len(ms))
			}
			if ms[0].Line != 2 || ms[0].Column != tt.wantCol || ms[0].ColumnUTF16 != tt.want16 {
				t.Errorf("line %d column %d (UTF-16 %d), want line 2 column %d (UTF-16 %d)",
					ms[0].Line, ms[0].Column, ms[0].ColumnUTF16, tt.wantCol, tt.want16)
			}
		})
	}
}

// TestColumnUTF16AcrossWindows: a line that began in the previous window
// keeps an exact UTF-16 column (the count is carried across the slide), up
// to maxUTF16Line into the line; past that the column is unknown (0).
func TestColumnUTF16AcrossWindows(t *testing.T) {
	t.Parallel()
	tok := "pk_7043602_Q8ZK3M1TR7WX9B2NV4HJ6LD0PC5YG8VY"
	for _, tt := range []struct {
		name       string
		lineBefore int // bytes of the line before the first window's report limit
		want16     func(prefixRunes int) int
	}{
		{"5 KB line", 5000, func(r int) int { return r + 1 }},
		{"300 KB line", 300 << 10, func(int) int { return 0 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := windowSize - tt.lineBefore // the line's offset
			filler := strings.Repeat("x\n", start/2)
			// Two-byte characters up to just past the limit, then the token.
			prefix := strings.Repeat("é", (tt.lineBefore+200)/2) + " t='"
			// More lines after it, so that the first window is full and
			// the match falls to the second.
			data := filler + prefix + tok + "'\n" + strings.Repeat("y\n", 32<<10)
			ms, _ := scanString(t, "x.js", []byte(data))
			if len(ms) != 1 {
				t.Fatalf("got %d matches, want 1", len(ms))
			}
			m := ms[0]
			if m.Offset < windowSize {
				t.Fatalf("the match at %d is not past the first window's limit %d", m.Offset, windowSize)
			}
			if want := tt.want16(utf8.RuneCountInString(prefix)); m.ColumnUTF16 != want || m.Column != len(prefix)+1 {
				t.Errorf("column %d, UTF-16 column %d; want %d and %d", m.Column, m.ColumnUTF16, len(prefix)+1, want)
			}
		})
	}
}

// TestAccessTokenRunsOfHex: in 64 lowercase hex characters, runs of 5 to 7
// equal or consecutive characters happen by chance (about once in 1,100
// tokens for 5 equal), so they must not make a real access token a
// placeholder; 8 do.
func TestAccessTokenRunsOfHex(t *testing.T) {
	t.Parallel()
	base := "3f9a1c705b2d8f4a6c0e9b1d7f3a5c8e2b4d6f0a9c1e3b5d7f8a2c4e6b0d9f1a"
	for _, tt := range []struct {
		run         string
		placeholder bool
	}{
		{"00000", false}, {"eeeeeee", false}, {"0123456", false}, {"fedcba9", false},
		{"00000000", true}, {"01234567", true}, {"98765432", true},
	} {
		body := tt.run + base[len(tt.run):]
		tok := "81234567_" + body
		ms, stats := scanString(t, "app.py", []byte("clickup_access_token = '"+tok+"'\n"))
		gotPlaceholder := len(ms) == 0 && stats.Placeholders == 1
		if gotPlaceholder != tt.placeholder || (!tt.placeholder && len(ms) != 1) {
			t.Errorf("run %q: %d matches, %d placeholders; want placeholder %v", tt.run, len(ms), stats.Placeholders, tt.placeholder)
		}
	}
}

// TestEscapeMayFollowIsExact checks the shortcut in matchPersonalAt: where
// escapeMayFollow says no escape can make a token of "pk_" and what
// follows, the escape decoders it spares must find none either.
func TestEscapeMayFollowIsExact(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	digits := []string{"3", "3", "3", "%35", `\u0035`, `\x35`, "%2535", `\\u0035`, "A", "%", `\`, "&#53;"}
	seps := []string{"_", "%5F", "%5f", `\u005f`, `\x5f`, `\\u005f`, "%255F", "&#95;", "-", "l"}
	decoded, spared := 0, 0
	for range 50000 {
		s := "pk_"
		// Mostly plain, so that many decode to a token.
		for j := 6 + r.IntN(5); j > 0; j-- {
			if r.IntN(3) == 0 {
				s += digits[r.IntN(len(digits))]
			} else {
				s += "3"
			}
		}
		if r.IntN(2) == 0 {
			s += seps[r.IntN(len(seps))]
		} else {
			s += "_"
		}
		body := []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")
		// Near misses in the body: a plain byte that cuts it short or
		// runs it on, or an escape of a body character anywhere in it.
		cut := r.IntN(len(body) + 1)
		tail := []string{"5", `\u0035`, "%35", "a", "-", "5_id", "5A", `\x41`, "%41%41"}[r.IntN(9)]
		s += string(body[:cut]) + tail + string(body[min(len(body), cut+1):]) + " "
		window := []byte(s)
		if personalShape(window) > 0 {
			continue // escapeMayFollow is asked only of what is not a token as it stands
		}
		found := false
		for _, d := range [][]byte{jsonUnescape(window), urlDecode(window)} {
			if personalShape(d) > 0 {
				found = true
			}
		}
		if found {
			decoded++
		}
		if !escapeMayFollow(window[3:]) {
			spared++
			if found {
				t.Fatalf("escapeMayFollow(%q) = false, but the escape decoders find a token", RedactShapesString(s))
			}
		}
	}
	if decoded < 1000 || spared < 1000 {
		t.Fatalf("the inputs do not exercise both sides: %d decode to a token, %d spared", decoded, spared)
	}
}

// TestDecodesToShapeStartIsExact checks the shortcut in judgeContextValue:
// every run that decodes to a context credential passes it.
func TestDecodesToShapeStartIsExact(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	const upperDigits, hexDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "0123456789abcdef"
	passed, rejected := 0, 0
	for range 20000 {
		var value []byte
		switch r.IntN(3) {
		case 0: // a client or webhook secret
			for range longSecretLen {
				value = append(value, upperDigits[r.IntN(len(upperDigits))])
			}
		case 1: // an access token
			value = fmt.Appendf(nil, "%d_", r.IntN(1e9))
			for range longSecretLen {
				value = append(value, hexDigits[r.IntN(16)])
			}
		default: // anything
			for range 60 + r.IntN(18) {
				value = append(value, byte(r.IntN(256)))
			}
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
			run := []byte(enc.EncodeToString(value))
			d, err := decodeBase64Lenient(run)
			_, _, shaped := contextShape(d)
			if err == nil && shaped && !decodesToShapeStart(run) {
				t.Fatalf("decodesToShapeStart rejects the encoding of a context credential (%d bytes)", len(value))
			}
			if decodesToShapeStart(run) {
				passed++
			} else {
				rejected++
			}
		}
	}
	if passed < 1000 || rejected < 1000 {
		t.Fatalf("the inputs do not exercise both sides: %d passed, %d rejected", passed, rejected)
	}
}

// TestEscapesPIsExact checks the shortcut in matchEscapedTokens: every
// backslash escape (\u, \x, octal \1..) that decodeEscape reads as 'p'
// passes escapesP.
func TestEscapesPIsExact(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 10))
	const alphabet = "0167{}aAfF\\;x"
	ps := 0
	for range 200000 {
		b := []byte{'\\', "ux1"[r.IntN(3)]}
		for range 2 + r.IntN(7) {
			b = append(b, alphabet[r.IntN(len(alphabet))])
		}
		if r.IntN(4) == 0 {
			copy(b[2:], []string{"0070", "70", "60", "{70}", "{0070}"}[r.IntN(5)])
		}
		if c, n := decodeEscape(b); n > 0 && c == 'p' {
			ps++
			if !escapesP(b) {
				t.Fatalf("decodeEscape(%q) is 'p', escapesP says it cannot be", b)
			}
		}
	}
	if ps < 1000 {
		t.Fatalf("only %d inputs decode to 'p': the test does not exercise escapesP", ps)
	}
}

// TestMayOpenPersonalIsExact checks the shortcut before matchPersonalAt:
// wherever matchPersonalAt finds a token after a "pk", mayOpenPersonal
// lets it look.
func TestMayOpenPersonalIsExact(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 12))
	pick := func(options ...string) string { return options[r.IntN(len(options))] }
	found := 0
	for range 50000 {
		s := "x pk" + pick("_", "_", `\u005f`, "%5F", `\x5f`, "&#95;", `\\u005f`, "&lowbar;", "l", ".") +
			pick("1234567", "1234567", `\u0031234567`, "%31234567", "&#49;234567", "123", "live") +
			pick("_", `\u005f`, "%5F", "-") + "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234" + pick("5", `\u0035`, "%35")
		buf := []byte(s + " ")
		n := 0
		matchPersonalAt(buf, 2, func(rawMatch) { n++ })
		if n > 0 {
			found++
			if !mayOpenPersonal(buf[4:]) {
				t.Fatalf("matchPersonalAt finds a token in %q, mayOpenPersonal would skip it", RedactShapesString(s))
			}
		}
	}
	if found < 500 {
		t.Fatalf("only %d inputs hold a token: the test does not exercise mayOpenPersonal", found)
	}
}
