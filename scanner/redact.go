package scanner

import (
	"bytes"
	"encoding/binary"
	"io"
	"slices"
	"sort"
	"strings"
)

// RedactShapes returns b with every substring in the shape of a personal
// token (pk_ + 7 to 9 digits + _ + 32 of [0-9A-Z]) replaced by its redacted
// form, whatever surrounds it and whether or not it was a finding. The
// token may be spelled in any way the scanner decodes, and in the way an
// output format then re-encodes that: underscores or every character as
// backslash escapes (\_, \u005f, \u{5f}, \x5f, octal \137, behind any run
// of backslashes), percent-encoded once or more (%5F, %255F), as HTML
// character references (&#95;, &#x5f;, &lowbar;, &UnderBar;), and split by
// terminal escape sequences (ESC [ 0 m, also spelled \x1b[0m, \u001b[0m or
// %1B%5B0m). The whole raw span of such a token is replaced. It is the last
// line of defence for text that did not come from a Secret: file and
// archive member names, commit authors, ref names, error messages and
// ignore reasons. b is returned unchanged (not copied) when it holds no
// such shape.
func RedactShapes(b []byte) []byte {
	return redactSpelled(b, nil)
}

// minScrubbedLen is the shortest secret a Scrubber replaces: shorter ones
// would match ordinary words. It is also the length of the key that
// secretIndex files a secret under.
const minScrubbedLen = 8

// secretIndex finds every raw secret of a Scrubber in a decoded line with
// one pass over the line, where a search per secret made writing a report
// quadratic in its findings (3,200 findings took 6 s). Secrets are filed
// under their first 8 bytes; a bit per 2-byte opening lets the pass skip
// nearly every position with one load.
type secretIndex struct {
	secrets []Secret
	byHead  map[uint64][]int32 // first 8 bytes, little-endian -> indexes in secrets
	openers [1 << 16 / 64]uint64
}

func newSecretIndex(secrets []Secret) *secretIndex {
	x := &secretIndex{secrets: secrets, byHead: make(map[uint64][]int32, len(secrets))}
	for i, sec := range secrets {
		raw := sec.Reveal()
		head := binary.LittleEndian.Uint64([]byte(raw[:minScrubbedLen]))
		x.byHead[head] = append(x.byHead[head], int32(i))
		opener := uint16(raw[0]) | uint16(raw[1])<<8
		x.openers[opener/64] |= 1 << (opener % 64)
	}
	return x
}

// each calls fn with the offset in text and the secret of every
// occurrence, until fn returns false.
func (x *secretIndex) each(text []byte, fn func(i int, sec Secret) bool) {
	for i := 0; i+minScrubbedLen <= len(text); i++ {
		opener := uint16(text[i]) | uint16(text[i+1])<<8
		if x.openers[opener/64]&(1<<(opener%64)) == 0 {
			continue
		}
		for _, k := range x.byHead[binary.LittleEndian.Uint64(text[i:])] {
			sec := x.secrets[k]
			if bytes.HasPrefix(text[i:], []byte(sec.Reveal())) && !fn(i, sec) {
				return
			}
		}
	}
}

// find appends to hits every occurrence in text of a secret, with span
// mapping byte offsets of text to the original line's.
func (x *secretIndex) find(text []byte, span func(s, e int) (int, int), hits []spelledHit) []spelledHit {
	x.each(text, func(i int, sec Secret) bool {
		s, e := span(i, i+len(sec.Reveal()))
		hits = append(hits, spelledHit{s, e, sec.Redacted()})
		return true
	})
	return hits
}

// holdsAny reports whether text holds a secret.
func (x *secretIndex) holdsAny(text []byte) bool {
	found := false
	x.each(text, func(int, Secret) bool {
		found = true
		return false
	})
	return found
}

// longestPlainRun returns the longest part of raw without an underscore:
// every spelling the Scrubber's replacer knows escapes only underscores,
// so each holds that part as it is.
func longestPlainRun(raw string) string {
	best := ""
	for part := range strings.SplitSeq(raw, "_") {
		if len(part) > len(best) {
			best = part
		}
	}
	return best
}

// RedactShapesString is RedactShapes for strings.
func RedactShapesString(s string) string {
	if !strings.Contains(s, "pk") && !strings.ContainsAny(s, spellingOpeners) {
		return s
	}
	return string(RedactShapes([]byte(s)))
}

// spellingOpeners are the bytes that can open a spelling redactSpelled
// decodes; a line without any is searched as it is.
const spellingOpeners = "\\%&\x1b"

// maxDecodeLayers bounds the layers of encoding peeled off a line: the
// scanner decodes up to two, an output format adds one or two (JSON
// doubles backslashes, SARIF percent-encodes its URIs).
const maxDecodeLayers = 8

// spelledHit is a token found in a decoded layer, as the raw byte span
// [start, end) of the original text and the redacted form to put there.
type spelledHit struct {
	start, end int
	redacted   string
}

// redactSpelled replaces every personal-token shape that b spells in any
// layer of decoding, and every raw value of secrets that an escaped
// spelling in b decodes to, by its redacted form. The caller has replaced
// the plain spellings of secrets already, so lines without an escape are
// searched for token shapes only: in a report, most lines. It works line
// by line (no spelling holds a raw newline), so that the offset maps stay
// as small as a line.
func redactSpelled(b []byte, secrets *secretIndex) []byte {
	if !bytes.Contains(b, []byte("pk")) && !bytes.ContainsAny(b, spellingOpeners) {
		return b
	}
	var (
		hits    []spelledHit
		scratch decodeScratch
	)
	for off := 0; off < len(b); {
		end := bytes.IndexByte(b[off:], '\n')
		if end < 0 {
			end = len(b)
		} else {
			end += off
		}
		line := b[off:end]
		switch {
		case !bytes.ContainsAny(line, spellingOpeners):
			if bytes.Contains(line, []byte("pk")) {
				hits = findSpelled(line, off, nil, hits, false, &scratch)
			}
		case secrets != nil || mayHoldP(line):
			hits = findSpelled(line, off, secrets, hits, false, &scratch)
			hits = findSpelled(line, off, secrets, hits, true, &scratch)
		}
		off = end + 1
	}
	if len(hits) == 0 {
		return b
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].start < hits[j].start })
	var out []byte
	last := 0
	for i := 0; i < len(hits); {
		h := hits[i]
		end := h.end
		for i++; i < len(hits) && hits[i].start < end; i++ {
			end = max(end, hits[i].end)
		}
		out = append(out, b[last:h.start]...)
		out = append(out, h.redacted...)
		last = end
	}
	return append(out, b[last:]...)
}

// pkCodes are the codes of "p" and "k" in hex, decimal and octal, as an
// escape writes them in any layer of encoding.
var pkCodes = [][]byte{[]byte("70"), []byte("112"), []byte("160"), []byte("6b"), []byte("6B"), []byte("107"), []byte("153")}

// mayHoldP reports whether line may spell a token's "pk": literally, or
// with either letter in an escape. Most lines of a report hold none, and
// are not decoded at all.
func mayHoldP(line []byte) bool {
	if bytes.Contains(line, []byte("pk")) {
		return true
	}
	for _, c := range pkCodes {
		if bytes.Contains(line, c) {
			return true
		}
	}
	return false
}

// findSpelled appends to hits the tokens that line (at byte offset off of
// the text) spells in its raw form and in each layer decoded from it. It
// runs twice over a line that holds escapes: once with terminal escape
// sequences stripped (strip), which joins a token split by colour codes,
// and once without, as a sequence next to a token may end in the token's
// first bytes (ESC ( &, ESC [ 1 ; 3 p) and cut it short when stripped.
func findSpelled(line []byte, off int, secrets *secretIndex, hits []spelledHit, strip bool, scratch *decodeScratch) []spelledHit {
	text := line
	var from, to []int32 // raw span of each byte of text; nil: text is line
	for layer := 0; ; layer++ {
		span := func(s, e int) (int, int) {
			if from == nil {
				return off + s, off + e
			}
			return off + int(from[s]), off + int(to[e-1])
		}
		for i := 0; ; {
			j := bytes.Index(text[i:], []byte("pk"))
			if j < 0 {
				break
			}
			p := i + j
			n, token := tokenShapeAt(text[p:])
			if n == 0 {
				i = p + 2
				continue
			}
			s, e := span(p, p+n)
			hits = append(hits, spelledHit{s, e, NewSecret(token).Redacted()})
			i = p + n
		}
		if secrets != nil {
			hits = secrets.find(text, span, hits)
		}
		if layer == maxDecodeLayers || !bytes.ContainsAny(text, spellingOpeners) {
			return hits
		}
		var changed bool
		text, from, to, changed = decodeLayer(&scratch.layers[layer%2], text, from, to, strip)
		if !changed {
			return hits
		}
	}
}

// decodeScratch holds the buffers of two decoded layers, reused from line
// to line and layer to layer: a layer is decoded from the one before it,
// so two sets suffice. A report's guidance lines all hold escaped quotes,
// and fresh buffers for each of them were most of the page faults of
// writing a report.
type decodeScratch struct {
	layers [2]decodedLayer
}

// decodedLayer is one decoded layer's text and the raw span of each byte.
type decodedLayer struct {
	text     []byte
	from, to []int32
}

// decodeLayer decodes one layer of the spellings in text into dst's
// buffers and, with strip, strips its terminal escape sequences. from and
// to give each byte of text the raw span it came from (nil: itself); the
// result carries the same for its own bytes and stays valid until dst is
// used again. changed is false when there was nothing to decode. text,
// from and to must not be dst's own buffers.
func decodeLayer(dst *decodedLayer, text []byte, from, to []int32, strip bool) (out []byte, oFrom, oTo []int32, changed bool) {
	out = slices.Grow(dst.text[:0], len(text))
	oFrom = slices.Grow(dst.from[:0], len(text))
	oTo = slices.Grow(dst.to[:0], len(text))
	defer func() { dst.text, dst.from, dst.to = out, oFrom, oTo }()
	emit := func(c byte, s, e int) {
		out = append(out, c)
		if from == nil {
			oFrom, oTo = append(oFrom, int32(s)), append(oTo, int32(e))
		} else {
			oFrom, oTo = append(oFrom, from[s]), append(oTo, to[e-1])
		}
	}
	for i := 0; i < len(text); {
		c, n := spelledChar(text[i:], strip)
		switch {
		case n < 0: // a terminal escape sequence: stripped
			i -= n
			changed = true
		case n == 0:
			emit(text[i], i, i+1)
			i++
		default:
			emit(c, i, i+n)
			i += n
			changed = true
		}
	}
	return out, oFrom, oTo, changed
}

// spelledChar decodes the one spelled character at the start of b and
// returns it with the spelling's length in bytes; n is 0 when b starts
// with a plain byte, and -length for a terminal escape sequence (CSI, OSC)
// that stands for no character at all (only with strip).
func spelledChar(b []byte, strip bool) (c byte, n int) {
	switch b[0] {
	case 0x1b:
		if !strip {
			return 0, 0
		}
		n := ansiLen(b)
		if n > 0 && b[n-1] == 'p' {
			// A token right after "ESC [ 1 ; 3" would give its "p" to
			// the sequence as its final byte, and the rest would show.
			n--
		}
		return 0, -n
	case '%':
		i := 1
		for i+3 < len(b) && b[i] == '2' && b[i+1] == '5' && isHexDigit(b[i+2]) && isHexDigit(b[i+3]) {
			i += 2
		}
		if i+2 <= len(b) {
			if v, ok := parseHex(b[i : i+2]); ok {
				return byte(v), i + 2
			}
		}
		return 0, 0
	case '&':
		if bytes.HasPrefix(b, []byte("&amp;")) {
			return '&', 5
		}
		return decodeRef(b)
	case '\\':
	default:
		return 0, 0
	}
	r := 0
	for r < len(b) && b[r] == '\\' {
		r++
	}
	k := r - 1 // the backslash that opens the escape
	if c, n := backslashEscape(b[k:]); n > 0 {
		return c, k + n
	}
	if r >= 2 {
		return '\\', 2 // an escaped backslash
	}
	return 0, 0
}

// backslashEscape decodes the escape at the start of b (b[0] is a
// backslash): \uXXXX, \u{X...}, \xXX, octal \ooo, \e and \a (shell and Go
// quoting of ESC and BEL), and a backslash before punctuation (markdown,
// JSON). n is 0 when it is none of those.
func backslashEscape(b []byte) (c byte, n int) {
	if len(b) < 2 {
		return 0, 0
	}
	switch e := b[1]; {
	case e == 'e' || e == 'E':
		return 0x1b, 2
	case e == 'a':
		return 0x07, 2
	case e == 'u' || e == 'x' || e >= '0' && e <= '7':
		return decodeEscape(b)
	case e == '_' || e > ' ' && e < 0x7f && !is(e, clsWord) && e != '\\':
		return e, 2
	}
	return 0, 0
}

// shapeSeparators are examples of the spellings of a token's underscores
// that RedactShapes recognises (the fuzz test plants each): plain,
// percent-encoded once or more (each layer adds a 25, as SARIF's URI
// encoding does), escaped behind any run of backslashes (each JSON
// encoding doubles them), in octal or braced unicode, and as HTML
// character references.
var shapeSeparators = [][]byte{
	[]byte("_"), []byte(`\_`), []byte(`\\_`), []byte("%5F"), []byte("%5f"), []byte("%255F"), []byte("%25255f"),
	[]byte(`\u005f`), []byte(`\u005F`), []byte(`\x5f`), []byte(`\x5F`),
	[]byte(`\\u005f`), []byte(`\\u005F`), []byte(`\\x5f`), []byte(`\\\\x5F`),
	[]byte(`\137`), []byte(`\u{5f}`), []byte(`\u{005F}`), []byte("&#95;"), []byte("&#x5f;"), []byte("&#X5F;"),
	[]byte("&lowbar;"), []byte("&UnderBar;"), []byte(`\\137`), []byte("%5C137"), []byte("&%2395%3B"),
}

// separatorLen returns the length of the underscore spelling at the start
// of b, or 0: "_", "%" + any number of "25" + "5F", or any run of
// backslashes + "_", "u005f" or "x5f" (hex digits in either case).
func separatorLen(b []byte) int {
	switch {
	case len(b) == 0:
		return 0
	case b[0] == '_':
		return 1
	case b[0] == '%':
		i := 1
		for i+1 < len(b) && b[i] == '2' && b[i+1] == '5' {
			i += 2
		}
		if i+1 < len(b) && b[i] == '5' && b[i+1]|0x20 == 'f' {
			return i + 2
		}
		return 0
	}
	i := 0
	for i < len(b) && b[i] == '\\' {
		i++
	}
	if i == 0 {
		return 0
	}
	rest := b[i:]
	switch {
	case len(rest) >= 1 && rest[0] == '_':
		return i + 1
	case len(rest) >= 5 && rest[0] == 'u' && bytes.EqualFold(rest[1:5], []byte("005f")):
		return i + 5
	case len(rest) >= 3 && rest[0] == 'x' && bytes.EqualFold(rest[1:3], []byte("5f")):
		return i + 3
	}
	return 0
}

// tokenShapeAt returns the length of the personal-token shape at the start
// of b, ignoring word boundaries, and the token it spells with plain
// underscores; 0 and "" when there is none.
func tokenShapeAt(b []byte) (int, string) {
	if !bytes.HasPrefix(b, []byte("pk")) {
		return 0, ""
	}
	i := 2
	sep := separatorLen(b[i:])
	if sep == 0 {
		return 0, ""
	}
	i += sep
	digits := i
	for i < len(b) && i-digits <= maxUserIDLen && is(b[i], clsDigit) {
		i++
	}
	uid := b[digits:i]
	if len(uid) < minUserIDLen || len(uid) > maxUserIDLen {
		return 0, ""
	}
	sep = separatorLen(b[i:])
	if sep == 0 {
		return 0, ""
	}
	i += sep
	body := i
	for i < len(b) && i-body < personalBodyLen && is(b[i], clsDigit|clsUpper) {
		i++
	}
	if i-body != personalBodyLen {
		return 0, ""
	}
	return i, "pk_" + string(uid) + "_" + string(b[body:i])
}

// RedactingWriter passes lines to W with token shapes redacted. It holds
// a partial line until its newline arrives (or Flush), so that a token
// split across two writes is still caught. Lines that start with
// "::add-mask::" pass unchanged: they are how a GitHub Action tells the
// runner which values to mask, and must carry the raw value.
type RedactingWriter struct {
	W       io.Writer
	pending []byte
}

// Write implements io.Writer.
func (r *RedactingWriter) Write(p []byte) (int, error) {
	r.pending = append(r.pending, p...)
	// A carriage return ends a progress line that must show at once.
	nl := bytes.LastIndexAny(r.pending, "\n\r")
	if nl < 0 {
		return len(p), nil
	}
	if err := r.emit(r.pending[:nl+1]); err != nil {
		return 0, err
	}
	r.pending = append(r.pending[:0], r.pending[nl+1:]...)
	return len(p), nil
}

// Flush writes a held partial line.
func (r *RedactingWriter) Flush() error {
	if len(r.pending) == 0 {
		return nil
	}
	err := r.emit(r.pending)
	r.pending = r.pending[:0]
	return err
}

func (r *RedactingWriter) emit(lines []byte) error {
	var out []byte
	for len(lines) > 0 {
		end := bytes.IndexByte(lines, '\n') + 1
		if end == 0 {
			end = len(lines)
		}
		line := lines[:end]
		if !bytes.HasPrefix(line, []byte("::add-mask::")) {
			line = RedactShapes(line)
		}
		out = append(out, line...)
		lines = lines[end:]
	}
	_, err := r.W.Write(out)
	return err
}

// Scrubber replaces known secrets in text by their redacted forms, raw and
// in every spelling RedactShapes decodes (an access token has no shape
// RedactShapes would know), then every personal-token shape. One
// strings.Replacer serves the raw values and their common escapes in a
// single pass; only lines that hold an escape are decoded further.
type Scrubber struct {
	r       *strings.Replacer
	secrets *secretIndex
	// plainRuns indexes each secret's longest run without an underscore,
	// which text must hold for the replacer to change anything: a report
	// rarely does, and the replacer's pass over it with eight spellings
	// per secret cost more than the rest of writing it. nil when some
	// secret has no such run of 8 bytes; the replacer then always runs.
	plainRuns *secretIndex
}

// NewScrubber returns the Scrubber for secrets.
func NewScrubber(secrets ...Secret) Scrubber {
	var pairs []string
	var kept []Secret
	for _, s := range secrets {
		raw := s.Reveal()
		if len(raw) < minScrubbedLen {
			continue
		}
		kept = append(kept, s)
		pairs = append(pairs, raw, s.Redacted())
		if strings.Contains(raw, "_") {
			for _, esc := range []string{`\_`, "%5F", "%5f", `\u005f`, `\u005F`, `\x5f`, `\x5F`} {
				pairs = append(pairs, strings.ReplaceAll(raw, "_", esc), s.Redacted())
			}
		}
	}
	if len(pairs) == 0 {
		return Scrubber{}
	}
	sc := Scrubber{r: strings.NewReplacer(pairs...), secrets: newSecretIndex(kept)}
	runs := make([]Secret, 0, len(kept))
	for _, s := range kept {
		run := longestPlainRun(s.Reveal())
		if len(run) < minScrubbedLen {
			return sc
		}
		runs = append(runs, NewSecret(run))
	}
	sc.plainRuns = newSecretIndex(runs)
	return sc
}

// String scrubs s.
func (sc Scrubber) String(s string) string {
	if sc.r == nil {
		return RedactShapesString(s)
	}
	return string(sc.Bytes([]byte(s)))
}

// Bytes scrubs b.
func (sc Scrubber) Bytes(b []byte) []byte {
	if sc.r == nil {
		return RedactShapes(b)
	}
	if sc.plainRuns == nil || sc.plainRuns.holdsAny(b) {
		b = []byte(sc.r.Replace(string(b)))
	}
	if !bytes.ContainsAny(b, spellingOpeners) {
		return RedactShapes(b)
	}
	return redactSpelled(b, sc.secrets)
}
