package scanner

import (
	"bytes"
	"slices"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/freelist"
)

// Shape limits of the credentials, in bytes.
const (
	personalBodyLen = 32
	minUserIDLen    = 7
	maxUserIDLen    = 9
	longSecretLen   = 64 // OAuth client secret, webhook secret, access token hex part
	maxAccessUserID = 12
	// contextReach is how far (in bytes) from a ClickUp keyword a context
	// credential may sit and still count as ClickUp's.
	contextReach = 600
	// maxContextValue is the longest context credential as it may appear:
	// an access token of a 12-digit user id, base64-encoded and padded.
	maxContextValue = (maxAccessUserID + 1 + longSecretLen + 2) * 4 / 3
	// escapedWindow bounds how many raw bytes an escaped personal token may
	// span (pk\u005f1234567\u005f + 32 chars is 56 bytes; doubled escapes
	// and \u-escaped bodies stay well below).
	escapedWindow = 320
	// maxDecodeDepth bounds nested encodings (base64 of a file holding an
	// escaped token is depth 2).
	maxDecodeDepth = 2
	allowMarker    = "clickup-secret-scan:allow"
)

// rawMatch is a match in a window, before line numbers are known.
type rawMatch struct {
	kind        Kind
	value       string
	userID      string
	key         string
	start       int // byte offset in the window where the (encoded) value starts
	encoding    string
	placeholder bool
}

// byteClass flags used by the matcher, one table lookup per byte.
const (
	clsDigit = 1 << iota
	clsUpper
	clsLower
	clsWord // letter, digit or underscore
	clsB64  // standard or URL-safe base64 alphabet, without padding
	clsHex  // lowercase hex
	clsKey  // characters of a variable or field name
)

var classes = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		switch {
		case b >= '0' && b <= '9':
			t[c] |= clsDigit | clsWord | clsB64 | clsKey | clsHex
		case b >= 'A' && b <= 'Z':
			t[c] |= clsUpper | clsWord | clsB64 | clsKey
		case b >= 'a' && b <= 'z':
			t[c] |= clsLower | clsWord | clsB64 | clsKey
			if b <= 'f' {
				t[c] |= clsHex
			}
		}
	}
	t['_'] |= clsWord | clsB64 | clsKey
	t['-'] |= clsB64 | clsKey
	t['+'] |= clsB64
	t['/'] |= clsB64
	t['.'] |= clsKey
	return t
}()

func is(b byte, cls uint8) bool { return classes[b]&cls != 0 }

// matchWindow finds every credential in buf. depth counts the decodings
// already applied (0 for raw bytes).
func matchWindow(buf []byte, depth int, emit func(rawMatch)) {
	matchWindowWith(buf, depth, fastClassifier, emit)
}

// matchLists keeps the lists in which matchWindowWith holds back the
// matches of a large window and scanStream sorts a window's matches: a
// near-miss dense bundle holds thousands of placeholders per window.
var matchLists = freelist.New(16, func() *[]rawMatch { return new([]rawMatch) })

// releaseMatches gives back a list from matchLists, clearing its slots so
// that it keeps no value alive. Users keep every slot they filled within
// len(*l) (or cleared it): clearing the whole capacity, grown by one
// dense bundle, cost every small file after it.
func releaseMatches(l *[]rawMatch) {
	clear(*l)
	*l = (*l)[:0]
	matchLists.Put(l)
}

// matchWindowWith is matchWindow with the byte masks built by classify,
// or with byte-wise searches when classify is nil.
func matchWindowWith(buf []byte, depth int, classify classifier, emit func(rawMatch)) {
	if matchStrippedSmall(buf, depth, emit) {
		return
	}
	// The escape and ESC probes ride on the building of the masks, or
	// without masks on the run search, the last pass. A large window
	// learns only at the end whether it holds colour codes, and is then
	// scanned whole, stripped: until then its matches are held back.
	probe := escapeProbe{large: len(buf) > exhaustiveESC}
	out := emit
	// held is a pointer the closure copies, not a variable it shares, so
	// that a small window, which holds nothing back, allocates nothing.
	var held *[]rawMatch
	if probe.large {
		held = matchLists.Get()
		*held = (*held)[:0]
		defer releaseMatches(held)
		out = func(m rawMatch) { *held = append(*held, m) }
	}
	masks, keywords := maskAndAnchor(buf, classify, &probe, func(p int) { matchPersonalAt(buf, p, out) })
	defer releaseMasks(masks)
	if len(keywords) > 0 {
		matchContext(buf, keywords, masks, out)
	}
	// Where there are masks, maskAndAnchor has fed the probe.
	switch {
	case depth < maxDecodeDepth && masks != nil:
		matchBase64BlobsProbing(buf, depth, nil, masks, out)
	case depth < maxDecodeDepth:
		matchBase64BlobsProbing(buf, depth, &probe, nil, out)
	case masks == nil:
		probe.scan(buf)
	}
	if probe.esc && matchStrippedANSI(buf, depth, emit) {
		return
	}
	if held != nil {
		for _, m := range *held {
			emit(m)
		}
	}
	matchEscapes(buf, &probe, emit)
}

// maskAndAnchor builds buf's byte masks with classify, unless classify is
// nil or buf too short to be worth it (masks is then nil), and finds the
// anchors: it calls personal with the offset of each "pk" that may open a
// personal token and returns the sorted offsets of the ClickUp keywords.
// Where it builds the masks, it also feeds probe, when not nil, every
// probed word. Give the masks back with releaseMasks.
func maskAndAnchor(buf []byte, classify classifier, probe *escapeProbe, personal func(p int)) (masks *byteMasks, keywords []int) {
	if classify == nil || len(buf) < minClassified {
		return nil, findAnchors(buf, personal)
	}
	// The keyword list lives with the masks, so that a window dense with
	// keywords does not grow a fresh one.
	masks = classifyVisiting(buf, classify, func(m *byteMasks, from, to int) {
		// A group of blocks at a time, skipped whole on clean text.
		for group := from; group < to; group += flagGroup {
			f := m.groupFlags(group)
			if f&(flagAnchors*laneLow) != 0 {
				m.keywords = m.anchorsIn(buf, group, group+flagGroup, personal, m.keywords)
			}
			if probe != nil && f&(flagEscape*laneLow) != 0 {
				probe.scanMasked(buf, m, group, group+flagGroup)
			}
		}
	})
	return masks, masks.keywords
}

// findAnchors makes one pass over buf per 'k' and 'K', the rarest letter
// that both "pk_" and every spelling of "clickup" contain. It calls
// personal with the offset of each "pk" that may open a personal token and
// returns the sorted offsets of the ClickUp keywords.
func findAnchors(buf []byte, personal func(p int)) []int {
	var keywords []int
	for i := 0; i < len(buf); {
		j := bytes.IndexByte(buf[i:], 'k')
		if j < 0 {
			break
		}
		k := i + j
		i = k + 1
		if k >= 1 && buf[k-1] == 'p' && mayOpenPersonal(buf[k+1:]) {
			personal(k - 1)
		}
		if isKeywordAt(buf, k-4) {
			keywords = append(keywords, k-4)
		}
	}
	for i := 0; i < len(buf); {
		j := bytes.IndexByte(buf[i:], 'K')
		if j < 0 {
			break
		}
		k := i + j
		i = k + 1
		if isKeywordAt(buf, k-4) {
			keywords = append(keywords, k-4)
		}
	}
	slices.Sort(keywords)
	return keywords
}

// mayOpenPersonal reports whether b, the bytes after a "pk", may go on
// into a personal token for matchPersonalAt: an underscore and then a
// digit or an escape, or an escape at once. It spares the call for the
// common near misses (pk_live_, pk_test_, pk_id, pk.).
func mayOpenPersonal(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	switch b[0] {
	case '\\', '%', '&':
		return true
	case '_':
		return len(b) < 2 || is(b[1], clsDigit) || b[1] == '\\' || b[1] == '%' || b[1] == '&'
	}
	return false
}

// isKeywordAt reports whether "clickup", in any letter case, starts at s.
func isKeywordAt(buf []byte, s int) bool {
	const kw = "clickup"
	if s < 0 || s+len(kw) > len(buf) {
		return false
	}
	for i := 0; i < len(kw); i++ {
		if buf[s+i]|0x20 != kw[i] {
			return false
		}
	}
	return true
}

// matchPersonalAt checks the "pk" at p for a personal token, plain or under
// JSON/JS or URL escapes.
func matchPersonalAt(buf []byte, p int, emit func(rawMatch)) {
	if p+3 > len(buf) {
		return
	}
	switch buf[p+2] {
	case '_', '\\', '%', '&':
	default:
		return
	}
	if !boundaryBefore(buf, p) {
		return
	}
	if buf[p+2] == '_' {
		if n := personalShape(buf[p:]); n > 0 {
			if escapedWordAfter(buf[p+n:]) {
				return // an escaped letter or digit glues it to a longer word
			}
			emit(personalMatch(string(buf[p:p+n]), buf, p, ""))
			return
		}
		if !escapeMayFollow(buf[p+3:]) {
			return // pk_live_, pk_test_, pk_id: no escape can make a token
		}
	}
	// Escaped somewhere: the first underscore, the second, or the body.
	window := buf[p:min(len(buf), p+escapedWindow)]
	if bytes.IndexByte(window, '\\') >= 0 {
		decoded := jsonUnescape(window)
		if n := personalShape(decoded); n > 0 {
			emit(personalMatch(string(decoded[:n]), buf, p, "json-escape"))
			return
		}
	}
	if bytes.IndexByte(window, '%') >= 0 {
		decoded := urlDecode(window)
		if n := personalShape(decoded); n > 0 {
			emit(personalMatch(string(decoded[:n]), buf, p, "url"))
			return
		}
	}
	// Octal, \u{..}, \x and HTML references: the escape pass only samples
	// plain text, so a literal "pk" that opens one is decoded here.
	if buf[p+2] == '\\' || buf[p+2] == '&' {
		matchEscapedAt(buf, p, emit)
	}
}

// escapeMayFollow reports whether an escape sequence may still make a
// personal token of "pk_" followed by b, whose plain reading is not one:
// literal digits and a literal underscore cannot be escaped after the
// fact, so the user id must run on into an escape, or be of a valid length
// and end in an underscore, with the body running on into an escape.
// (The decoders leave every byte before the first escape as it is: a body
// cut short by a plain byte, or run on by a plain word byte, stays so.)
func escapeMayFollow(b []byte) bool {
	digits := 0
	for digits < len(b) && digits <= maxUserIDLen && is(b[digits], clsDigit) {
		digits++
	}
	if digits == len(b) || digits > maxUserIDLen {
		return digits == len(b)
	}
	switch b[digits] {
	case '\\', '%', '&':
		return true
	case '_':
		if digits < minUserIDLen {
			return false
		}
		body := b[digits+1:]
		n := 0
		for n < len(body) && n < personalBodyLen && is(body[n], clsDigit|clsUpper) {
			n++
		}
		return n < len(body) && (body[n] == '\\' || body[n] == '%')
	}
	return false
}

// escapedWordAfter reports whether b starts with an escape sequence, single
// or double (%2541, \\u0041), that decodes to a letter, digit or
// underscore.
func escapedWordAfter(b []byte) bool {
	if len(b) == 0 || (b[0] != '\\' && b[0] != '%') {
		return false
	}
	tail := b[:min(len(b), 16)]
	for _, decoded := range [][]byte{jsonUnescape(tail), urlDecode(tail)} {
		if len(decoded) > 0 && decoded[0] != tail[0] && is(decoded[0], clsWord) {
			return true
		}
	}
	return false
}

// escapedByte decodes the escape sequence at the start of b (\uXXXX below
// 0x80, \xXX, %XX); ok is false when b does not start with one.
func escapedByte(b []byte) (byte, bool) {
	switch {
	case len(b) >= 6 && b[0] == '\\' && b[1] == 'u':
		if v, ok := parseHex(b[2:6]); ok && v < 0x80 {
			return byte(v), true
		}
	case len(b) >= 4 && b[0] == '\\' && b[1] == 'x':
		if v, ok := parseHex(b[2:4]); ok {
			return byte(v), true
		}
	case len(b) >= 3 && b[0] == '%':
		if v, ok := parseHex(b[1:3]); ok {
			return byte(v), true
		}
	}
	return 0, false
}

// personalMatch is the personal token value found at byte offset start of
// buf (where its possibly encoded spelling begins).
func personalMatch(value string, buf []byte, start int, enc string) rawMatch {
	m := rawMatch{
		// The user id shares the value's bytes: one allocation a match.
		kind: PersonalToken, value: value, userID: value[3 : len(value)-personalBodyLen-1], start: start, encoding: enc,
		placeholder: isPlaceholder(value[len(value)-personalBodyLen:], 10),
	}
	// A placeholder is only counted, never shown with its name; generated
	// bundles hold thousands of them.
	if !m.placeholder {
		m.key = keyBefore(buf, start)
	}
	return m
}

// personalShape reports the length of the personal token at the start of b
// (0 when there is none). b must start with "pk_".
func personalShape(b []byte) int {
	if len(b) < 3 || b[0] != 'p' || b[1] != 'k' || b[2] != '_' {
		return 0
	}
	i := 3
	for i < len(b) && i-3 <= maxUserIDLen && is(b[i], clsDigit) {
		i++
	}
	digits := i - 3
	if digits < minUserIDLen || digits > maxUserIDLen || i >= len(b) || b[i] != '_' {
		return 0
	}
	i++
	bodyStart := i
	for i < len(b) && i-bodyStart < personalBodyLen && is(b[i], clsDigit|clsUpper) {
		i++
	}
	if i-bodyStart != personalBodyLen {
		return 0
	}
	if i < len(b) && is(b[i], clsWord) {
		return 0
	}
	return i
}

// boundaryBefore reports whether the byte before p ends a word. When that
// byte closes an escape sequence (\u0041, \x41, %41, \n), the decoded
// character decides: a separator (%3D, \n, \u0020) is a boundary, an
// escaped letter or digit is not.
func boundaryBefore(buf []byte, p int) bool {
	if p == 0 || !is(buf[p-1], clsWord) {
		return true
	}
	// A doubly URL-encoded byte (%253D, %2520) decides like a single one.
	if p >= 5 && string(buf[p-5:p-2]) == "%25" {
		if v, ok := parseHex(buf[p-2 : p]); ok {
			return !is(byte(v), clsWord)
		}
	}
	for _, width := range []int{6, 4, 3} {
		if p >= width {
			if c, ok := escapedByte(buf[p-width : p]); ok {
				return !is(c, clsWord)
			}
		}
	}
	return p >= 2 && buf[p-2] == '\\' && strings.IndexByte("nrtbfv0", buf[p-1]) >= 0 || endsANSISequence(buf, p)
}

func isHexDigit(b byte) bool {
	return is(b, clsDigit) || (b|0x20 >= 'a' && b|0x20 <= 'f')
}

// keyBefore returns the variable, field or header name that assigns the
// value starting at p on the same line (CLICKUP_TOKEN in
// `CLICKUP_TOKEN="pk_..."`, client_secret in `"client_secret": "..."`),
// or "" when there is none within a short reach.
func keyBefore(buf []byte, p int) string {
	i := p
	lo := max(0, p-80)
	// Skip the separators between a name and its value; one of them must
	// assign (= : =>) for the word before to be the value's name.
	assigned := false
	for i > lo {
		c := buf[i-1]
		if c == ':' || c == '=' || c == '>' {
			assigned = true
		} else if c != '"' && c != '\'' && c != '`' && c != ' ' && c != '\t' && c != '\\' {
			break
		}
		i--
	}
	// "Bearer <value>": the key is the header before it.
	if i >= 6 && strings.EqualFold(string(buf[i-6:i]), "bearer") {
		return keyBefore(buf, i-6)
	}
	if !assigned {
		return argumentKey(buf, i, lo)
	}
	end := i
	for i > lo && is(buf[i-1], clsKey) {
		i--
	}
	if end-i < 2 || end-i > 64 {
		return ""
	}
	key := string(buf[i:end])
	if strings.EqualFold(key, "value") {
		// Kubernetes and ECS env lists, SSM parameters: the name is a
		// sibling field (- name: CLICKUP_CLIENT_SECRET / value: "...").
		if name := siblingName(buf, i); name != "" {
			return name
		}
	}
	return key
}

// argumentKey names a value that is passed rather than assigned, from the
// text before the value's quotes at i: the string before it in the same
// call (getenv("CLICKUP_CLIENT_SECRET", "..."), define('...', '...')), the
// function it is passed to (setClientSecret("...")), or the variable it
// is the fallback of (process.env.CLICKUP_CLIENT_SECRET || "...", ??).
func argumentKey(buf []byte, i, lo int) string {
	j := i
	identBefore := func(j int) string {
		for j > lo && (buf[j-1] == ' ' || buf[j-1] == '\t') {
			j--
		}
		end := j
		for j > lo && is(buf[j-1], clsKey) {
			j--
		}
		if end-j < 2 || end-j > 64 {
			return ""
		}
		return string(buf[j:end])
	}
	switch {
	case j > lo && buf[j-1] == ',':
		j--
		for j > lo && (buf[j-1] == ' ' || buf[j-1] == '\t') {
			j--
		}
		if j <= lo || (buf[j-1] != '"' && buf[j-1] != '\'') {
			return ""
		}
		end := j - 1
		open := bytes.LastIndexByte(buf[lo:end], buf[j-1])
		if open < 0 || end-(lo+open+1) < 2 || end-(lo+open+1) > 100 || bytes.ContainsAny(buf[lo+open+1:end], " \t\n") {
			return ""
		}
		return string(buf[lo+open+1 : end])
	case j > lo && buf[j-1] == '(':
		return identBefore(j - 1)
	case j-2 >= lo && (string(buf[j-2:j]) == "||" || string(buf[j-2:j]) == "??"):
		return identBefore(j - 2)
	}
	return ""
}

// siblingName returns the name field of the object whose "value" field
// starts at i: the last `name` key within 200 bytes before it, in YAML,
// JSON or HCL form (- name: X, "name":"X", name = "X"), or "".
func siblingName(buf []byte, i int) string {
	lo := max(0, i-200)
	window := bytes.ToLower(buf[lo:i])
	for k := len(window); ; {
		at := bytes.LastIndex(window[:k], []byte("name"))
		if at < 0 {
			return ""
		}
		k = at
		if at > 0 && is(window[at-1], clsWord) {
			continue // filename, username
		}
		rest := buf[lo+at+4 : i]
		n := 0
		for n < len(rest) && bytes.IndexByte([]byte("\"': =\t"), rest[n]) >= 0 {
			n++
		}
		if n == 0 || bytes.IndexAny(rest[:n], ":=") < 0 {
			continue
		}
		end := n
		for end < len(rest) && bytes.IndexByte([]byte("\"',}\r\n"), rest[end]) < 0 {
			end++
		}
		if name := strings.TrimSpace(string(rest[n:end])); len(name) >= 2 && len(name) <= 100 {
			return name
		}
		return ""
	}
}
