package scanner

import (
	"bytes"
	"strings"
)

// placeholderWords are substrings that mark a value as a placeholder.
var placeholderWords = []string{"EXAMPLE", "SAMPLE", "XXXX", "DUMMY", "REDACTED", "PLACEHOLDER", "YOURTOKEN", "CHANGEME", "INSERT"}

// Placeholder run lengths. Over 36 characters ([0-9A-Z]) a random body
// holds 5 equal characters in a row about once in 60,000 values; over the
// 16 of lowercase hex (access tokens, 64 long) once in 1,100, so hex needs
// longer runs before a value counts as made up (8: about once in 5 million).
const (
	placeholderRun    = 6 // ascending or descending, [0-9A-Z]
	placeholderRepeat = 5 // equal characters, [0-9A-Z]
	placeholderHexRun = 8 // either, lowercase hex
)

// isPlaceholder reports whether a credential body over [0-9A-Z] looks made
// up: a known word, an ascending or descending run of placeholderRun
// (ABCDEF, 123456), placeholderRepeat equal characters in a row, or fewer
// than minDistinct distinct characters (a random value of the credential's
// alphabet and length has far more).
func isPlaceholder(body string, minDistinct int) bool {
	return placeholderWith(body, minDistinct, placeholderRun, placeholderRepeat)
}

// isHexPlaceholder is isPlaceholder for lowercase hex bodies.
func isHexPlaceholder(body string, minDistinct int) bool {
	return placeholderWith(body, minDistinct, placeholderHexRun, placeholderHexRun)
}

func placeholderWith(body string, minDistinct, run, repeat int) bool {
	upper := strings.ToUpper(body)
	if holdsPlaceholderWord(upper) {
		return true
	}
	asc, desc, same := 1, 1, 1
	var seen [256]bool
	distinct := 0
	for i := 0; i < len(upper); i++ {
		c := upper[i]
		if !seen[c] {
			seen[c] = true
			distinct++
		}
		if i == 0 {
			continue
		}
		prev := upper[i-1]
		asc, desc, same = step(asc, c == prev+1), step(desc, c+1 == prev), step(same, c == prev)
		if asc >= run || desc >= run || same >= repeat {
			return true
		}
	}
	return distinct < minDistinct
}

// placeholderWordsFrom lists, by first letter, the placeholder words that
// start with it.
var placeholderWordsFrom = func() (t [256][]string) {
	for _, w := range placeholderWords {
		t[w[0]] = append(t[w[0]], w)
	}
	return t
}()

// holdsPlaceholderWord reports whether upper holds one of placeholderWords:
// one pass, where a strings.Contains per word took nine.
func holdsPlaceholderWord(upper string) bool {
	for i := 0; i < len(upper); i++ {
		for _, w := range placeholderWordsFrom[upper[i]] {
			if strings.HasPrefix(upper[i:], w) {
				return true
			}
		}
	}
	return false
}

func step(run int, cont bool) int {
	if cont {
		return run + 1
	}
	return 1
}

// allowedAt reports whether the line around p carries the inline allow marker.
func allowedAt(buf []byte, p int) bool {
	lo := max(0, p-4096)
	if i := bytes.LastIndexByte(buf[lo:p], '\n'); i >= 0 {
		lo += i + 1
	}
	hi := min(len(buf), p+4096)
	if i := bytes.IndexByte(buf[p:hi], '\n'); i >= 0 {
		hi = p + i
	}
	return bytes.Contains(buf[lo:hi], []byte(allowMarker))
}
