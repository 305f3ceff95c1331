package scanner

import "encoding/binary"

// SWAR constants: one bit or one value per byte lane of a uint64.
const (
	laneLow  = 0x0101010101010101
	laneHigh = 0x8080808080808080
)

// base64Lanes returns x, 8 bytes packed little-endian, with the high bit
// of each byte lane set when that byte is in the base64 alphabet (letters,
// digits, + / - _) and every other bit clear: a handful of word-wide
// operations instead of 8 table lookups. The arithmetic runs on x with the
// high bits cleared, where adding a constant below 0x80 to a lane cannot
// carry into the next one; a byte at 0x80 or above is then rejected by the
// final mask.
func base64Lanes(x uint64) uint64 {
	x7 := x &^ laneHigh
	// Setting bit 5 maps A-Z onto a-z and nothing else onto a-z.
	folded := x7 | 0x20*laneLow
	letter := (folded + (0x80-'a')*laneLow) &^ (folded + (0x80-'z'-1)*laneLow)
	// '/' (0x2F) is next to the digits (0x30-0x39).
	digit := (x7 + (0x80-'/')*laneLow) &^ (x7 + (0x80-'9'-1)*laneLow)
	return (letter | digit | laneEq(x7, '+') | laneEq(x7, '-') | laneEq(x7, '_')) &^ x & laneHigh
}

// laneEq sets the high bit of every lane of x (all below 0x80) equal to c.
func laneEq(x uint64, c byte) uint64 {
	t := x ^ uint64(c)*laneLow
	// t+0x7F reaches 0x80 in a lane exactly when that lane is not zero.
	return ^(t + 0x7F*laneLow) & laneHigh
}

// forEachLongRun is forEachRun(buf, 0, len(buf), minLen, fn) for the long
// runs that may hide a base64-encoded credential (minLen >= 15), at a
// fraction of the cost on text.
func forEachLongRun(buf []byte, minLen int, fn func(start, end int)) {
	probeLongRuns(buf, minLen, nil, fn)
}

// probeLongRuns is forEachLongRun that also feeds probe, when it is not
// nil, the words it loads: the escape and ESC probes then cost a few
// word-wide operations on bytes the run search reads anyway, instead of a
// pass of their own over a window that may not be in the cache yet.
//
// A run of minLen bytes holds at least k = (minLen-7)/8 whole 8-byte words
// at offsets that are multiples of 8 (it may lose up to 7 bytes before the
// first), and any k consecutive word indexes include a multiple of k. So it
// is enough to test every k-th word: only a word made wholly of base64
// characters can sit inside a long run, and only around such a word is the
// run measured byte by byte. On text, where spaces and punctuation come
// every few bytes, that is one 8-byte test per 48 bytes for minLen 58.
//
// The words skipped inside a run are all base64 characters, which holds
// no backslash, ampersand or ESC, so the probe misses nothing there.
func probeLongRuns(buf []byte, minLen int, probe *escapeProbe, fn func(start, end int)) {
	k := (minLen - 7) / 8
	if k < 1 {
		if probe != nil {
			probe.scan(buf)
		}
		forEachRun(buf, 0, len(buf), minLen, fn)
		return
	}
	stride := 8 * k
	if probe != nil && probeStride%stride != 0 {
		// The probe's words must be among the run search's.
		probe.scan(buf)
		probe = nil
	}
	// pq is the offset of the next word to probe, -1 for none.
	pq := -1
	if probe != nil {
		pq = 0
	}
	for off := 0; off+8 <= len(buf); off += stride {
		// base64Lanes(x) != laneHigh, written out: the compiler does not
		// inline it, and the call would cost as much as the test.
		x := binary.LittleEndian.Uint64(buf[off:])
		x7 := x &^ laneHigh
		folded := x7 | 0x20*laneLow
		plus, minus, under := x7^'+'*laneLow, x7^'-'*laneLow, x7^'_'*laneLow
		if ((folded+(0x80-'a')*laneLow)&^(folded+(0x80-'z'-1)*laneLow)|
			(x7+(0x80-'/')*laneLow)&^(x7+(0x80-'9'-1)*laneLow)|
			^(plus+0x7F*laneLow)|^(minus+0x7F*laneLow)|^(under+0x7F*laneLow))&^x&laneHigh != laneHigh {
			if off == pq {
				pq += probeStride
				// Is a lane of x '\\', '&' or ESC? laneEq three times over,
				// with the final masks shared.
				bs, amp, esc := x7^'\\'*laneLow, x7^'&'*laneLow, x7^0x1b*laneLow
				if ^((bs+0x7F*laneLow)&(amp+0x7F*laneLow)&(esc+0x7F*laneLow))&^x&laneHigh != 0 {
					probe.word(buf, off, x)
				}
			}
			continue
		}
		// The byte before a reported run's end is outside the alphabet,
		// so walking back never re-enters an earlier run.
		start := off
		for start > 0 && is(buf[start-1], clsB64) {
			start--
		}
		end := off + 8
		for end < len(buf) && is(buf[end], clsB64) {
			end++
		}
		if end-start >= minLen {
			fn(start, end)
		}
		// Resume at the first probed word wholly after the run: a later
		// run starts after buf[end], which is outside the alphabet.
		if next := (end + stride - 1) / stride * stride; next > off {
			off = next - stride
		}
		if pq >= 0 && pq < off+stride {
			// Probe positions skipped inside the run hold base64 only.
			pq = (off + stride + probeStride - 1) / probeStride * probeStride
		}
	}
}
