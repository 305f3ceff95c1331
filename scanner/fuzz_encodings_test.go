package scanner

import (
	"bytes"
	"fmt"
	"testing"
)

// escapeAll writes every character of s with the escape form picked by
// form: \uXXXX, \u{X}, \xXX, octal, &#d;, &#xh;.
func escapeAll(s string, form uint8) string {
	var b bytes.Buffer
	for _, c := range []byte(s) {
		switch form % 6 {
		case 0:
			fmt.Fprintf(&b, `\u%04x`, c)
		case 1:
			fmt.Fprintf(&b, `\u{%x}`, c)
		case 2:
			fmt.Fprintf(&b, `\x%02x`, c)
		case 3:
			fmt.Fprintf(&b, `\%03o`, c)
		case 4:
			fmt.Fprintf(&b, "&#%d;", c)
		case 5:
			fmt.Fprintf(&b, "&#x%x;", c)
		}
	}
	return b.String()
}

// FuzzEscapes checks the escape decoder on hostile bytes (no panic, never
// longer than its input, text without escapes unchanged) and that a token
// written wholly in one escape form between the fuzzer's bytes is found.
func FuzzEscapes(f *testing.F) {
	f.Add([]byte(`\u{5f}\160&#95;&lowbar;&#x;\u{}`), uint8(0), uint16(3))
	f.Add([]byte(`a="`), uint8(3), uint16(3))
	f.Add([]byte("<p data-x='&amp;'>"), uint8(4), uint16(16))
	f.Fuzz(func(t *testing.T, data []byte, form uint8, at uint16) {
		out, _ := decodeEscapes(data)
		if len(out) > len(data) {
			t.Fatalf("decoding grew the input: %d > %d", len(out), len(data))
		}
		if bytes.IndexByte(data, '\\') < 0 && bytes.IndexByte(data, '&') < 0 && !bytes.Equal(out, data) {
			t.Fatalf("text without escapes changed")
		}
		pos := int(at) % (len(data) + 1)
		planted := fmt.Sprintf("%s \"%s\" %s", data[:pos], escapeAll(testToken, form), data[pos:])
		var found bool
		matchWindow([]byte(planted), 0, func(m rawMatch) {
			if m.start < 0 || m.start >= len(planted) {
				t.Fatalf("match start %d out of bounds", m.start)
			}
			found = found || m.value == testToken && m.start == pos+2
		})
		if !found {
			t.Fatalf("token escaped in form %d at %d not found", form%6, pos+2)
		}
	})
}

// FuzzANSI checks the escape-sequence stripper (every kept byte maps back
// to itself in the original) and that a token split by grep colours at any
// point, next to the fuzzer's bytes, is found where it starts.
func FuzzANSI(f *testing.F) {
	f.Add([]byte("\x1b[1;31mERROR\x1b[0m"), uint8(5), uint16(0))
	f.Add([]byte("\x1b]8;;https://x\x1b\\y\x1b]8;;\x07\x1b(B\x1b"), uint8(0), uint16(4))
	f.Fuzz(func(t *testing.T, data []byte, split uint8, at uint16) {
		if stripped, cuts, ok := stripANSI(data); ok {
			for s := range stripped {
				if o := strippedToOriginal(cuts, s); o < 0 || o >= len(data) || data[o] != stripped[s] && !(data[o] == 0x1b && stripped[s] == ' ') {
					t.Fatalf("stripped byte %d maps to %d, not the same byte", s, o)
				}
			}
		}
		pos := int(at) % (len(data) + 1)
		cut := 1 + int(split)%(len(testToken)-1)
		planted := fmt.Sprintf("%s\x1b[0m \x1b[1m%s\x1b[01;31m\x1b[K%s\x1b[m\x1b[K\x1b[0m\n%s", data[:pos], testToken[:cut], testToken[cut:], data[pos:])
		want := pos + len("\x1b[0m \x1b[1m")
		var found bool
		matchWindow([]byte(planted), 0, func(m rawMatch) {
			found = found || m.value == testToken && m.start == want
		})
		if !found {
			t.Fatalf("token split at %d not found at %d", cut, want)
		}
	})
}
