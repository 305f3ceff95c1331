package scanner

import (
	"bytes"
	"encoding/base64"
	"math/bits"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/lazyre"
)

// keywordVariants are the spellings of "clickup" that open a context
// search; every other casing is rare enough in real code to ignore.
var keywordVariants = [][]byte{[]byte("clickup"), []byte("CLICKUP"), []byte("ClickUp"), []byte("Clickup"), []byte("clickUp")}

// matchContext finds the credentials that have no unique shape (OAuth
// client secrets, webhook secrets, OAuth access tokens) near the ClickUp
// keywords at the sorted offsets hits. The keyword may sit in the value's
// own name (CLICKUP_CLIENT_SECRET=...), in an enclosing object
// ("clickup": {...}) or in an API call close by (https://api.clickup.com).
//
// masks, when not nil, are buf's byte masks, for a faster run search.
func matchContext(buf []byte, hits []int, masks *byteMasks, emit func(rawMatch)) {
	runs := func(lo, hi, minLen int, fn func(start, end int)) { forEachRun(buf, lo, hi, minLen, fn) }
	if masks != nil {
		runs = masks.forEachRun
	}
	// One closure for all hits: a closure made per hit cost more than
	// the search in a file dense with keywords.
	judge := func(start, end int) {
		padEnd := end
		for padEnd < len(buf) && padEnd-end < 2 && buf[padEnd] == '=' {
			padEnd++
		}
		judgeContextValue(buf, start, end, padEnd, emit)
	}
	// Merge the reach of every hit into disjoint regions so that each
	// candidate is judged once.
	done := -1
	for _, h := range hits {
		// contextMatch accepts a value within contextReach of the keyword
		// on either side; the run search sees only runs that start in
		// [lo, hi) or hold minLen bytes after lo, so lo reaches back by the
		// longest value too (a padded base64 access token) and hi includes
		// a value starting exactly contextReach after the keyword.
		lo := max(0, h-contextReach-maxContextValue, done)
		hi := min(len(buf), h+contextReach+1)
		if lo >= hi {
			continue
		}
		runs(lo, hi, longSecretLen, judge)
		done = hi
	}
}

// forEachRun calls fn with the bounds of every maximal run of base64
// characters (letters, digits, + / - _) at least minLen long that starts
// in buf[lo:hi], or that covers lo and holds buf[lo:lo+minLen].
//
// i is the earliest start a long run not yet reported may have. It probes
// the last byte such a run would hold, buf[i+minLen-1], and walks back from
// it: a byte outside the alphabet there means no long run starts at or
// before it, so the search resumes just after it. Only when the whole
// stretch is in the alphabet is the run's end looked for. In text, where
// runs are short, that is one short walk per probe.
func forEachRun(buf []byte, lo, hi, minLen int, fn func(start, end int)) {
	for i := lo; i < hi; {
		probe := i + minLen - 1
		if probe >= len(buf) {
			return
		}
		if probe >= 7 {
			// The last byte outside the alphabet among the 8 up to the
			// probe, found without a branch per byte: in text one is
			// nearly always there, so the branch below predicts well.
			b := buf[probe-7 : probe+1 : probe+1]
			out := ^(uint(classes[b[0]]&clsB64) | uint(classes[b[1]]&clsB64)<<1 |
				uint(classes[b[2]]&clsB64)<<2 | uint(classes[b[3]]&clsB64)<<3 |
				uint(classes[b[4]]&clsB64)<<4 | uint(classes[b[5]]&clsB64)<<5 |
				uint(classes[b[6]]&clsB64)<<6 | uint(classes[b[7]]&clsB64)<<7) >> 4 & 0xff
			if skip := i - (probe - 7); skip > 0 {
				out &^= 1<<skip - 1 // bytes before i are not candidates
			}
			if out != 0 {
				i = probe - 7 + bits.Len(out)
				continue
			}
		} else if classes[buf[probe]]&clsB64 == 0 {
			i = probe + 1
			continue
		}
		q := probe - 1
		if probe >= 7 {
			q = probe - 8 // the 8 bytes up to the probe are in the alphabet
		}
		for q >= i && classes[buf[q]]&clsB64 != 0 {
			q--
		}
		if q >= i {
			i = q + 1
			continue
		}
		// buf[i:probe+1] is all in the alphabet. Past lo, buf[i-1] is not
		// (i always follows a byte outside it), so the run starts at i.
		start := i
		if i == lo {
			for start > 0 && classes[buf[start-1]]&clsB64 != 0 {
				start--
			}
		}
		end := runEnd(buf, probe+1)
		fn(start, end)
		i = end + 1
	}
}

// runEnd returns the end of the base64 run that continues at buf[j], eight
// bytes per step while the run lasts (base64 blobs run for kilobytes).
func runEnd(buf []byte, j int) int {
	for j+8 <= len(buf) {
		b := buf[j : j+8 : j+8]
		if classes[b[0]]&classes[b[1]]&classes[b[2]]&classes[b[3]]&
			classes[b[4]]&classes[b[5]]&classes[b[6]]&classes[b[7]]&clsB64 == 0 {
			break
		}
		j += 8
	}
	for j < len(buf) && classes[buf[j]]&clsB64 != 0 {
		j++
	}
	return j
}

// judgeContextValue decides whether buf[start:end] (padding up to padEnd)
// is a ClickUp context credential, plain or base64-encoded.
func judgeContextValue(buf []byte, start, end, padEnd int, emit func(rawMatch)) {
	n := end - start
	word := buf[start:end]
	if kind, uid, ok := contextShape(word); ok {
		if m, ok := contextMatch(buf, start, kind, string(word), uid, ""); ok {
			emit(m)
		}
		return
	}
	// base64 of a 64-byte value is 86 (raw) or 88 (padded) characters;
	// of <id>_<64 hex> up to 104.
	if n < 84 || n > 104 || !decodesToShapeStart(word) {
		return
	}
	decoded, err := decodeBase64Lenient(buf[start:padEnd])
	if err != nil {
		return
	}
	if kind, uid, ok := contextShape(decoded); ok {
		if m, ok := contextMatch(buf, start, kind, string(decoded), uid, "base64"); ok {
			emit(m)
		}
	}
}

// decodesToShapeStart reports whether the base64 run b decodes to a first
// byte that may open a context credential: a digit or an upper-case
// letter, as both shapes of contextShape start. Most long runs near a
// keyword (images, fonts) fail here without being decoded.
func decodesToShapeStart(b []byte) bool {
	hi, lo := base64Index(b[0]), base64Index(b[1])
	if hi < 0 || lo < 0 {
		return true // left to the decoder to judge
	}
	c := byte(hi<<2 | lo>>4)
	return is(c, clsDigit|clsUpper)
}

// base64Index returns the 6-bit value of a base64 character of either
// alphabet, or -1.
func base64Index(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+' || c == '-':
		return 62
	case c == '/' || c == '_':
		return 63
	}
	return -1
}

// contextShape classifies a value by shape alone: 64 of [0-9A-Z] is a
// client or webhook secret (decided later by context), <digits>_<64 hex>
// an access token.
func contextShape(w []byte) (Kind, string, bool) {
	if len(w) == longSecretLen {
		upperOrDigit, hasUpper, hasDigit := true, false, false
		for _, c := range w {
			switch {
			case is(c, clsUpper):
				hasUpper = true
			case is(c, clsDigit):
				hasDigit = true
			default:
				upperOrDigit = false
			}
		}
		if upperOrDigit && hasUpper && hasDigit {
			return OAuthClientSecret, "", true
		}
		return "", "", false
	}
	u := bytes.IndexByte(w, '_')
	if u < 1 || u > maxAccessUserID || len(w)-u-1 != longSecretLen {
		return "", "", false
	}
	for _, c := range w[:u] {
		if !is(c, clsDigit) {
			return "", "", false
		}
	}
	for _, c := range w[u+1:] {
		if !is(c, clsHex) {
			return "", "", false
		}
	}
	return OAuthAccessToken, string(w[:u]), true
}

// contextMatch applies the naming rules: the value must be assigned to a
// name (or sent as a Bearer/Authorization header) that says what it is, and
// ClickUp must be named in that name or close before or after it.
func contextMatch(buf []byte, start int, shapeKind Kind, value, uid, enc string) (rawMatch, bool) {
	key := keyBefore(buf, start)
	if k := siblingKey(buf, start); k != "" {
		key = k
	}
	netrc := false
	if key == "" {
		key, netrc = netrcKey(buf, start)
	}
	lkey := strings.ToLower(key)
	near := strings.ToLower(string(buf[max(0, start-contextReach):min(len(buf), start+len(value)+contextReach)]))
	if !strings.Contains(near, "clickup") {
		return rawMatch{}, false
	}
	before := strings.ToLower(string(buf[max(0, start-200):start]))
	kind := shapeKind
	switch shapeKind {
	case OAuthClientSecret:
		switch {
		case strings.Contains(lkey, "webhook"):
			kind = WebhookSecret
		case strings.Contains(lkey, "client"):
			kind = OAuthClientSecret
		case strings.Contains(lkey, "secret") && strings.Contains(before, "webhook"):
			kind = WebhookSecret
		case strings.Contains(lkey, "secret"):
			kind = OAuthClientSecret
		default:
			return rawMatch{}, false
		}
	case OAuthAccessToken:
		if !netrc && !containsAny(lkey, "token", "access", "auth", "bearer") && !strings.Contains(before, "bearer") {
			return rawMatch{}, false
		}
	}
	placeholder := isPlaceholder(value, 18)
	if kind == OAuthAccessToken {
		placeholder = isHexPlaceholder(value[len(uid)+1:], 8)
	}
	return rawMatch{
		kind: kind, value: value, userID: uid, key: key, start: start, encoding: enc,
		placeholder: placeholder,
	}, true
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// decodeBase64Lenient decodes standard or URL-safe base64, padded or not.
func decodeBase64Lenient(b []byte) ([]byte, error) {
	s := strings.TrimRight(string(b), "=")
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	return enc.DecodeString(s)
}

// siblingFieldRe finds the field that names a value in a key/value pair
// object: {"key": "clickup_token", "value": "..."} (Postman environments
// and collections), {"Name": ..., "Value": ...}, {"variable": ...}, and
// the YAML forms of the same.
var siblingFieldRe = lazyre.New(`(?i)(?:^|[{,\s"'])(key|name|variable)["']?\s*[:=]\s*["']?([A-Za-z0-9_.\-]{2,100})`)

// siblingKey returns the name a pair object gives the value that starts
// at start, when the value's own field is "value": the key, name or
// variable field of the same object. It returns "" otherwise.
func siblingKey(buf []byte, start int) string {
	i := start
	for i > 0 && i > start-8 && bytes.IndexByte([]byte("\"' \t:="), buf[i-1]) >= 0 {
		i--
	}
	if i < 5 || !strings.EqualFold(string(buf[i-5:i]), "value") || (i > 5 && is(buf[i-6], clsWord)) {
		return ""
	}
	// The enclosing JSON object, or a few lines around a YAML item.
	lo, hi := max(0, i-300), min(len(buf), start+longSecretLen*2+300)
	if open := bytes.LastIndexByte(buf[lo:i], '{'); open >= 0 && bytes.IndexByte(buf[lo+open:i], '}') < 0 {
		lo += open
		if end := bytes.IndexByte(buf[start:hi], '}'); end >= 0 {
			hi = start + end
		}
	} else {
		if nl := bytes.LastIndex(buf[lo:i], []byte("\n\n")); nl >= 0 {
			lo += nl
		}
		if nl := bytes.Index(buf[start:hi], []byte("\n\n")); nl >= 0 {
			hi = start + nl
		}
	}
	best, bestDist := "", len(buf)
	for _, m := range siblingFieldRe().FindAllSubmatchIndex(buf[lo:hi], -1) {
		at := lo + m[2]
		dist := i - at
		if at > i {
			dist = at - start
		}
		if dist < bestDist {
			best, bestDist = string(buf[lo+m[4]:lo+m[5]]), dist
		}
	}
	return best
}

// netrcKey recognises a value given to a .netrc password, token or
// account keyword of a machine entry for a ClickUp host (machine
// api.clickup.com login x password <value>, on one line or several). It
// returns the keyword and whether it was found.
func netrcKey(buf []byte, start int) (string, bool) {
	i := start
	for i > 0 && (buf[i-1] == ' ' || buf[i-1] == '\t') {
		i--
	}
	if i == start {
		return "", false
	}
	j := i
	for j > 0 && is(buf[j-1], clsLower) {
		j--
	}
	word := string(buf[j:i])
	if word != "password" && word != "token" && word != "account" && word != "passwd" {
		return "", false
	}
	lo := max(0, j-400)
	at := bytes.LastIndex(buf[lo:j], []byte("machine"))
	if at < 0 || (lo+at > 0 && !isSpace(buf[lo+at-1])) {
		return "", false
	}
	rest := bytes.Fields(buf[lo+at+len("machine") : j])
	if len(rest) == 0 || !bytes.Contains(bytes.ToLower(rest[0]), []byte("clickup")) {
		return "", false
	}
	return word, true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
