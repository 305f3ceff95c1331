package scanner

import (
	"bytes"
	"sort"
)

// Terminal logs (CI output saved with colours, `grep --color=always`)
// wrap words in ANSI escape sequences: "\x1b[1;31mpk_...\x1b[0m" puts an
// 'm' right before the token, and grep colouring a match splits the token
// itself. A window holding such sequences is scanned with them stripped,
// and matches are mapped back to their place in the original bytes.

// maxOSC bounds an operating system command (ESC ] ... BEL), such as a
// terminal hyperlink; a longer one is left in place.
const maxOSC = 2048

// ansiCut records that, in the stripped text, the bytes from index at on
// come shift bytes later in the original.
type ansiCut struct {
	at, shift int
}

// stripANSI returns buf without its CSI (ESC [ ... final), OSC
// (ESC ] ... BEL or ESC \) and character set (ESC ( X) sequences, and the
// cuts that map stripped offsets back; ok is false when buf has none.
func stripANSI(buf []byte) (out []byte, cuts []ansiCut, ok bool) {
	if !looksLikeTerminal(buf) {
		return nil, nil, false
	}
	out = make([]byte, 0, len(buf))
	removed := 0
	for i := 0; ; {
		j := bytes.IndexByte(buf[i:], 0x1b)
		if j < 0 {
			out = append(out, buf[i:]...)
			break
		}
		e := i + j
		out = append(out, buf[i:e]...)
		n := ansiLen(buf[e:])
		if n == 0 {
			// A lone ESC becomes a space, a boundary all the same, so
			// that the stripped text holds no ESC to form a new sequence
			// with what followed a removed one.
			out = append(out, ' ')
			i = e + 1
			continue
		}
		removed += n
		if len(cuts) > 0 && cuts[len(cuts)-1].at == len(out) {
			cuts[len(cuts)-1].shift = removed
		} else {
			cuts = append(cuts, ansiCut{at: len(out), shift: removed})
		}
		i = e + n
	}
	if len(cuts) == 0 {
		return nil, nil, false
	}
	return out, cuts, true
}

// ansiLen returns the length of the escape sequence at the start of b
// (b[0] is ESC), or 0 when it is not one stripANSI removes.
func ansiLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '[':
		i := 2
		for i < len(b) && i < 64 && b[i] >= 0x20 && b[i] <= 0x3f {
			i++
		}
		if i < len(b) && b[i] >= 0x40 && b[i] <= 0x7e {
			return i + 1
		}
	case ']':
		for i := 2; i < len(b) && i < maxOSC; i++ {
			switch {
			case b[i] == 0x07:
				return i + 1
			case b[i] == 0x1b && i+1 < len(b) && b[i+1] == '\\':
				return i + 2
			case b[i] < 0x20 || b[i] == 0x7f:
				return 0 // not a command's text: no OSC after all
			}
		}
	case '(', ')':
		if len(b) >= 3 {
			return 3
		}
	}
	return 0
}

// matchStrippedANSI scans buf with its escape sequences stripped, when it
// has any, and reports whether it did.
func matchStrippedANSI(buf []byte, depth int, emit func(rawMatch)) bool {
	stripped, cuts, ok := stripANSI(buf)
	if !ok {
		return false
	}
	matchWindow(stripped, depth, func(m rawMatch) {
		start := strippedToOriginal(cuts, m.start)
		if m.encoding == "" && strippedToOriginal(cuts, m.start+len(m.value)-1) != start+len(m.value)-1 {
			// Colour codes split the token: its bytes are not contiguous
			// at start, so it is labelled like a decoded value.
			m.encoding = "ansi"
		}
		m.start = start
		emit(m)
	})
	return true
}

// strippedToOriginal maps an offset in the stripped text to the original:
// a match that starts right after a removed sequence starts after it.
func strippedToOriginal(cuts []ansiCut, s int) int {
	k := sort.Search(len(cuts), func(i int) bool { return cuts[i].at > s })
	if k == 0 {
		return s
	}
	return s + cuts[k-1].shift
}

// ansiIntroducers are the ways logs write the ESC that opens a CSI
// sequence: the byte itself, or an escape in text (shell, C, JSON, caret).
var ansiIntroducers = []string{"\x1b", `\e`, `\E`, `\033`, `\x1b`, `\x1B`, `\u001b`, `\u001B`, `^[`}

// endsANSISequence reports whether buf[:p] ends with a CSI sequence
// (ESC [ 1;31 m), written as bytes or as text (\e[0m, \u001b[36m): the
// sequence is a boundary, not the end of a word.
func endsANSISequence(buf []byte, p int) bool {
	if p < 3 || buf[p-1] < 0x40 || buf[p-1] > 0x7e {
		return false
	}
	i := p - 2
	for i >= 0 && p-i < 32 && (buf[i] >= '0' && buf[i] <= '9' || buf[i] == ';') {
		i--
	}
	if i < 0 || buf[i] != '[' {
		return false
	}
	for _, intro := range ansiIntroducers {
		if i >= len(intro) && string(buf[i-len(intro):i]) == intro {
			return true
		}
	}
	return false
}

// looksLikeTerminal reports whether buf holds at least two colour or
// erase-line sequences (ESC [ digits ; m or K), as a terminal log does
// around anything it colours. Binary data holds an ESC every 256 bytes and
// now and then one that reads as a sequence; two is rare there, and the
// search is for the two-byte opener, which bytes.Index finds without
// stopping at each ESC.
func looksLikeTerminal(buf []byte) bool {
	seen := 0
	for i := 0; i < len(buf); {
		j := bytes.Index(buf[i:], []byte("\x1b["))
		if j < 0 {
			return false
		}
		i += j + 2
		k := i
		for k < len(buf) && k-i < 16 && (buf[k] >= '0' && buf[k] <= '9' || buf[k] == ';') {
			k++
		}
		if k < len(buf) && (buf[k] == 'm' || buf[k] == 'K') {
			if seen++; seen >= 2 {
				return true
			}
		}
	}
	return false
}
