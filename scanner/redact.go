package scanner

import (
	"bytes"
	"io"
	"strings"
)

// RedactShapes returns b with every substring in the shape of a personal
// token (pk_ + 7 to 9 digits + _ + 32 of [0-9A-Z]) replaced by its redacted
// form, whatever surrounds it and whether or not it was a finding. The
// underscores may also be spelled as a reader would decode them back:
// markdown-escaped (\_), URL-encoded (%5F) or JSON/JS-escaped (\u005f,
// \x5f). It is the last line of defence for text that did not come from a
// Secret: file and archive member names, commit authors, ref names, error
// messages and ignore reasons. b is returned unchanged (not copied) when it
// holds no such shape.
func RedactShapes(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("pk"))
		if j < 0 {
			break
		}
		p := i + j
		n, token := tokenShapeAt(b[p:])
		if n == 0 {
			i = p + 2
			continue
		}
		out = append(out, b[last:p]...)
		out = append(out, NewSecret(token).Redacted()...)
		last = p + n
		i = last
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// RedactShapesString is RedactShapes for strings.
func RedactShapesString(s string) string {
	if !strings.Contains(s, "pk") {
		return s
	}
	return string(RedactShapes([]byte(s)))
}

// shapeSeparators are examples of the spellings of a token's underscores
// that RedactShapes recognises (the fuzz test plants each): plain,
// percent-encoded once or more (each layer adds a 25, as SARIF's URI
// encoding does), and escaped behind any run of backslashes (each JSON
// encoding doubles them).
var shapeSeparators = [][]byte{
	[]byte("_"), []byte(`\_`), []byte(`\\_`), []byte("%5F"), []byte("%5f"), []byte("%255F"), []byte("%25255f"),
	[]byte(`\u005f`), []byte(`\u005F`), []byte(`\x5f`), []byte(`\x5F`),
	[]byte(`\\u005f`), []byte(`\\u005F`), []byte(`\\x5f`), []byte(`\\\\x5F`),
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
// with their underscores spelled as the escapes a reason or a file name may
// quote them in (\_, %5F, \u005f, \x5f: an access token has no shape
// RedactShapes would know), then every personal-token shape. One
// strings.Replacer serves any number of secrets in a single pass.
type Scrubber struct{ r *strings.Replacer }

// NewScrubber returns the Scrubber for secrets.
func NewScrubber(secrets ...Secret) Scrubber {
	var pairs []string
	for _, s := range secrets {
		raw := s.Reveal()
		if len(raw) < 8 {
			continue
		}
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
	return Scrubber{strings.NewReplacer(pairs...)}
}

// String scrubs s.
func (sc Scrubber) String(s string) string {
	if sc.r != nil {
		s = sc.r.Replace(s)
	}
	return RedactShapesString(s)
}

// Bytes scrubs b.
func (sc Scrubber) Bytes(b []byte) []byte {
	if sc.r != nil {
		b = []byte(sc.r.Replace(string(b)))
	}
	return RedactShapes(b)
}
