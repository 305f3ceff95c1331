package scanner

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// The literal prefilter looks for "pk"; a token written wholly in escapes
// (\u0070\u006b\u005f..., \x70, octal \160, \u{70}) or in HTML character
// references (&#112;&#107;&#95;..., &lowbar;) has no "pk" to find. This
// pass looks at every backslash and ampersand instead, decodes what
// follows when it could open a token, and checks the shape. Forms the
// prefilter already handles (a literal "pk" then \u005f, \x5f or %5F) are
// left to it, so nothing is reported twice.

// maxEscapedToken bounds the raw bytes an escaped token may span: 45
// characters (a 9-digit user id) of up to 9 bytes each (&#x00070;).
const maxEscapedToken = 45 * 9

// Probing. A pass over every backslash and ampersand stops every few dozen
// bytes in minified JavaScript (&&, \n), which cost more than the rest of
// the matcher. A token wholly in escapes spans at least 172 bytes (43
// characters of 4 bytes or more) with an escape at least every 8 bytes, so
// looking at 8 bytes every probeStride bytes (144 + 8 <= 172) cannot miss
// one; only around a probe that sees an escape opener are the escapes
// checked one by one. probeStride is a multiple of the run search's stride
// (48 bytes), so that the probes read words the run search loads anyway.
const (
	probeStride = 144
	probeWidth  = 8
)

// swarEq returns a word with the high bit set in each byte of w equal to c
// (and possibly in a byte above one that is, which a probe tolerates).
func swarEq(w uint64, c byte) uint64 {
	x := w ^ (0x0101010101010101 * uint64(c))
	return (x - 0x0101010101010101) &^ x & 0x8080808080808080
}

// escapeBytes returns swarEq's word for the bytes a probe looks at in w: a
// backslash, an ampersand or ESC. A word without one is skipped unprobed.
func escapeBytes(w uint64) uint64 {
	return swarEq(w, '\\') | swarEq(w, '&') | swarEq(w, 0x1b)
}

// exhaustiveESC is the window size up to which every byte is looked at
// for ESC. Larger windows are probed like escapes: a log big enough to
// fill one and coloured at all holds colour codes far more often than
// every probeStride bytes, and a token merely next to a colour code is
// found without stripping (boundaryBefore); only a token split by colour
// codes in a large file that is otherwise plain can be missed.
const exhaustiveESC = 64 << 10

// escapeProbe gathers what the probes saw of a window: whether a probed
// word held an ESC that opens a CSI or OSC sequence (looked at only for
// windows above exhaustiveESC), and the
// regions, as byte offsets [lo, hi), whose escapes are to be checked one by
// one.
type escapeProbe struct {
	large   bool
	esc     bool
	regions [][2]int
	done    int // escapes are to be checked one by one up to here
}

// scan probes every word at a multiple of probeStride, for when no run
// search loads them.
func (p *escapeProbe) scan(buf []byte) {
	for q := 0; q+probeWidth <= len(buf); q += probeStride {
		if w := binary.LittleEndian.Uint64(buf[q:]); escapeBytes(w) != 0 {
			p.word(buf, q, w)
		}
	}
}

// scanMasked is scan of the probes in blocks [from, to) of buf, reading
// buf's masks: only the probes in blocks flagged flagEscape can see
// anything, so buf is read only there.
func (p *escapeProbe) scanMasked(buf []byte, masks *byteMasks, from, to int) {
	end := min(len(buf), to*64)
	// A probed word never straddles blocks: probeStride is a multiple of
	// probeWidth, and a block of it.
	for q := (from*64 + probeStride - 1) / probeStride * probeStride; q+probeWidth <= end; q += probeStride {
		if masks.flags[q/64]&flagEscape == 0 {
			continue
		}
		if w := binary.LittleEndian.Uint64(buf[q:]); escapeBytes(w) != 0 {
			p.word(buf, q, w)
		}
	}
}

// word probes w, the 8 bytes of buf at q (little-endian). Callers may skip
// a word that holds no backslash, ampersand or ESC.
func (p *escapeProbe) word(buf []byte, q int, w uint64) {
	if p.large && !p.esc {
		for e := swarEq(w, 0x1b); e != 0; e &= e - 1 {
			if sequenceAt(buf, q+bits.TrailingZeros64(e)/8) {
				p.esc = true
				break
			}
		}
	}
	m := swarEq(w, '\\') | swarEq(w, '&')
	if m == 0 || q+probeWidth <= p.done {
		return
	}
	opener := false
	for ; m != 0 && !opener; m &= m - 1 {
		opener = escapeOpenerAt(buf, q+bits.TrailingZeros64(m)/8)
	}
	if !opener {
		return
	}
	lo, hi := max(p.done, q-maxEscapedToken), min(len(buf), q+probeWidth+maxEscapedToken)
	if n := len(p.regions); n > 0 && p.regions[n-1][1] == lo {
		p.regions[n-1][1] = hi
	} else {
		p.regions = append(p.regions, [2]int{lo, hi})
	}
	p.done = hi
}

// sequenceAt reports whether a CSI or OSC sequence, as stripANSI removes
// it, starts at buf[i] (a probed byte, possibly not ESC). Binary data holds
// an ESC every 256 bytes, and the stripping pass that a probed ESC sets off
// reads the whole window; one that opens a sequence is rarer by a hundred
// times there, while nearly every ESC of a terminal log opens one.
func sequenceAt(buf []byte, i int) bool {
	return i+1 < len(buf) && buf[i] == 0x1b && (buf[i+1] == '[' || buf[i+1] == ']') && ansiLen(buf[i:]) > 0
}

// matchStrippedSmall scans a window of up to exhaustiveESC bytes with its
// terminal escape sequences stripped, when it holds any, and reports
// whether it did; matchWindow then stops. Every byte is looked at: such a
// window is cheap to search for the rare ESC byte.
func matchStrippedSmall(buf []byte, depth int, emit func(rawMatch)) bool {
	return len(buf) <= exhaustiveESC && bytes.IndexByte(buf, 0x1b) >= 0 && matchStrippedANSI(buf, depth, emit)
}

// matchEscapes checks the escapes of the regions the probes marked.
func matchEscapes(buf []byte, p *escapeProbe, emit func(rawMatch)) {
	for _, r := range p.regions {
		matchEscapedTokens(buf, r[0], r[1], '\\', emit)
		matchEscapedTokens(buf, r[0], r[1], '&', emit)
	}
}

// escapeOpenerAt reports whether buf[i:] starts an escape that can write
// a token's character: \u, \x, octal \0 or \1, &#, &lowbar;, &UnderBar;.
func escapeOpenerAt(buf []byte, i int) bool {
	if i+1 >= len(buf) {
		return false
	}
	switch c := buf[i+1]; buf[i] {
	case '\\':
		return c == 'u' || c == 'x' || c == '0' || c == '1'
	case '&':
		return c == '#' || c == 'l' || c == 'U'
	}
	return false
}

// matchEscapedTokens checks every occurrence of trigger ('\\' or '&') in
// buf[lo:hi]: an escape that decodes to 'p', or one right after a
// literal "pk".
func matchEscapedTokens(buf []byte, lo, hi int, trigger byte, emit func(rawMatch)) {
	for i := lo; i < hi; {
		j := bytes.IndexByte(buf[i:hi], trigger)
		if j < 0 {
			return
		}
		k := i + j
		i = k + 1
		if k+1 >= len(buf) {
			return
		}
		switch {
		case k >= 2 && buf[k-2] == 'p' && buf[k-1] == 'k':
			matchEscapedAt(buf, k-2, emit)
		case trigger == '\\' && escapesP(buf[k:]),
			trigger == '&' && buf[k+1] == '#':
			if c, n := decodeEscape(buf[k:]); n > 0 && c == 'p' {
				matchEscapedAt(buf, k, emit)
			}
		}
	}
}

// escapesP reports whether the backslash escape at the start of b may
// write 'p' (0x70), judged by its bytes before decoding: in minified
// bundles most backslashes open \u escapes of other characters, and
// this test is cheaper than decodeEscape.
func escapesP(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	switch b[1] {
	case 'u':
		return b[2] == '{' || len(b) >= 6 && string(b[2:6]) == "0070"
	case 'x':
		return string(b[2:4]) == "70"
	case '1':
		return string(b[1:4]) == "160"
	}
	return false
}

// matchEscapedAt checks for an escaped personal token starting at p.
func matchEscapedAt(buf []byte, p int, emit func(rawMatch)) {
	if !boundaryBefore(buf, p) || !refBoundaryBefore(buf, p) {
		return
	}
	window := buf[p:min(len(buf), p+maxEscapedToken)]
	decoded, html := decodeEscapes(window)
	n := personalShape(decoded)
	if n == 0 {
		return
	}
	if bytes.HasPrefix(window, []byte("pk")) && prefilterFinds(buf, p) {
		return
	}
	enc := "escape"
	if html {
		enc = "html-entity"
	}
	emit(personalMatch(string(decoded[:n]), buf, p, enc))
}

// prefilterFinds reports whether matchPersonalAt already reports the token
// at p, a literal "pk".
func prefilterFinds(buf []byte, p int) bool {
	if len(buf) < p+3 {
		return false
	}
	switch buf[p+2] {
	case '_':
		n := personalShape(buf[p:])
		return n > 0 && !escapedWordAfter(buf[p+n:])
	case '\\', '%':
		window := buf[p:min(len(buf), p+escapedWindow)]
		for _, d := range [][]byte{jsonUnescape(window), urlDecode(window)} {
			if personalShape(d) > 0 {
				return true
			}
		}
	}
	return false
}

// refBoundaryBefore reports whether the text before p does not end in an
// HTML character reference to a letter, digit or underscore (&#97;pk_...
// glues the token to a longer word).
func refBoundaryBefore(buf []byte, p int) bool {
	if p == 0 || buf[p-1] != ';' {
		return true
	}
	amp := bytes.LastIndexByte(buf[max(0, p-12):p], '&')
	if amp < 0 {
		return true
	}
	c, n := decodeEscape(buf[max(0, p-12)+amp : p])
	return n == 0 || !is(c, clsWord)
}

// decodeEscapes decodes every escape decodeEscape knows in b; the others
// stay as they are. html reports whether a character reference was used.
func decodeEscapes(b []byte) (out []byte, html bool) {
	out = make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] == '\\' || b[i] == '&' {
			if c, n := decodeEscape(b[i:]); n > 0 {
				out = append(out, c)
				html = html || b[i] == '&'
				i += n
				continue
			}
		}
		out = append(out, b[i])
		i++
	}
	return out, html
}

// namedRefs are the HTML named character references a token may use.
var namedRefs = []struct {
	name string
	c    byte
}{{"&lowbar;", '_'}, {"&UnderBar;", '_'}, {"&period;", '.'}, {"&equals;", '='}, {"&quot;", '"'}, {"&apos;", '\''}}

// decodeEscape decodes the one ASCII character escaped at the start of b
// and returns it with the escape's length in bytes, or n == 0 when b does
// not start with a known escape: \uXXXX, \u{X...}, \xXX, octal \ooo,
// doubled backslashes before those (\\u005f), the one-letter JSON escapes
// of punctuation, &#ddd;, &#xhh; and a few named references.
func decodeEscape(b []byte) (c byte, n int) {
	if len(b) < 2 {
		return 0, 0
	}
	if b[0] == '&' {
		return decodeRef(b)
	}
	if b[0] != '\\' {
		return 0, 0
	}
	if b[1] == '\\' && len(b) > 2 && b[2] != '\\' {
		// A doubled escape: JSON inside a JS string.
		if c, n := decodeEscape(b[1:]); n > 0 && b[2] != '/' && b[2] != '"' && b[2] != '\'' {
			return c, n + 1
		}
	}
	switch e := b[1]; {
	case e == 'u' && len(b) >= 4 && b[2] == '{':
		end := bytes.IndexByte(b[3:min(len(b), 10)], '}')
		if end < 1 {
			return 0, 0
		}
		if v, ok := parseHex(b[3 : 3+end]); ok && v < 0x80 {
			return byte(v), 4 + end
		}
	case e == 'u' && len(b) >= 6:
		if v, ok := parseHex(b[2:6]); ok && v < 0x80 {
			return byte(v), 6
		}
	case e == 'x' && len(b) >= 4:
		if v, ok := parseHex(b[2:4]); ok && v < 0x80 {
			return byte(v), 4
		}
	case e >= '0' && e <= '7':
		v, i := 0, 1
		for i < len(b) && i <= 3 && b[i] >= '0' && b[i] <= '7' {
			v = v*8 + int(b[i]-'0')
			i++
		}
		if v > 0 && v < 0x80 {
			return byte(v), i
		}
	case e == '/' || e == '"' || e == '\'':
		return e, 2
	}
	return 0, 0
}

// decodeRef decodes an HTML character reference at the start of b.
func decodeRef(b []byte) (byte, int) {
	if len(b) >= 4 && b[1] == '#' {
		i, base := 2, 10
		if b[2] == 'x' || b[2] == 'X' {
			i, base = 3, 16
		}
		v, start := 0, i
		for i < len(b) && i-start < 7 {
			d := hexValue(b[i])
			if d < 0 || d >= base {
				break
			}
			v = v*base + d
			i++
		}
		if i == start || v == 0 || v >= 0x80 {
			return 0, 0
		}
		if i < len(b) && b[i] == ';' {
			i++
		}
		return byte(v), i
	}
	for _, r := range namedRefs {
		if bytes.HasPrefix(b, []byte(r.name)) {
			return r.c, len(r.name)
		}
	}
	return 0, 0
}

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
