package scanner

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"io"
	"slices"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/freelist"
)

// minBlobRun is the shortest base64 run worth decoding. The shortest
// credential, a personal token with a 7-digit user id, is 43 bytes; 43
// bytes at any alignment span at least ceil(43*8/6) = 58 base64
// characters, and a run is decoded on its own, so a shorter run cannot hold
// one. The run search (forEachLongRun) tests one 8-byte word in
// (minBlobRun-7)/8, so a tight bound here is the run search's speed.
const minBlobRun = 58

// blobSegment bounds how many base64 characters around a hit are decoded,
// so that a token in a 10 MB data URI costs a few KB of decoding.
const blobSegment = 2048

// blobLiteral is the base64 form of a plaintext literal at one alignment:
// text is what appears in the encoded run, shift is how many characters
// before text the 4-character group holding the literal's first byte
// starts.
type blobLiteral struct {
	text  []byte
	shift int
}

// blobLiterals are the encodings of "pk_" (also with its underscore
// escaped: "pk\\", "pk%") and of the ClickUp keyword spellings at the three
// byte alignments, trimmed of the characters that depend on neighbouring
// bytes, plus the encodings of the encoded "pk_" itself, for a token
// base64-encoded twice. Finding one in a base64 run means the run may hide
// a credential.
var blobLiterals = func() []blobLiteral {
	plain := []string{"pk_", "pk\\", "pk%"}
	for _, kw := range keywordVariants {
		plain = append(plain, string(kw))
	}
	var out []blobLiteral
	for _, p := range plain {
		for align := 0; align < 3; align++ {
			out = append(out, encodedLiteral(p, align))
		}
	}
	// The second-order literals are matched against the outer run; the
	// first-order ones find the token once that run is decoded.
	for align := 0; align < 3; align++ {
		first := encodedLiteral("pk_", align)
		for align2 := 0; align2 < 3; align2++ {
			if lit := encodedLiteral(string(first.text), align2); len(lit.text) >= 3 {
				out = append(out, lit)
			}
		}
	}
	// "pk\\" shares "pk_"'s encodings at two alignments: keep each once.
	return slices.CompactFunc(slices.SortedStableFunc(slices.Values(out), func(a, b blobLiteral) int {
		return cmp.Or(bytes.Compare(a.text, b.text), a.shift-b.shift)
	}), func(a, b blobLiteral) bool { return bytes.Equal(a.text, b.text) && a.shift == b.shift })
}()

// encodedLiteral returns the characters of base64(pad(align) + lit) that
// depend only on lit's bytes.
func encodedLiteral(lit string, align int) blobLiteral {
	src := make([]byte, align+len(lit))
	copy(src[align:], lit)
	enc := base64.RawStdEncoding.EncodeToString(src)
	// Character k covers bits [6k, 6k+6) of the input; keep those wholly
	// inside lit's bits.
	firstBit, lastBit := align*8, (align+len(lit))*8
	first := (firstBit + 5) / 6
	last := lastBit / 6 // exclusive
	return blobLiteral{text: []byte(enc[first:last]), shift: first}
}

// matchBase64Blobs finds base64 runs that hold an encoded "pk_" or ClickUp
// keyword, decodes the part around each, and scans the decoded bytes with
// the full matcher. Matches inside point at the first character of the
// 4-character group that encodes them.
func matchBase64Blobs(buf []byte, depth int, emit func(rawMatch)) {
	matchBase64BlobsProbing(buf, depth, nil, nil, emit)
}

// matchBase64BlobsProbing is matchBase64Blobs that feeds probe (when not
// nil) the words the run search loads. masks, when not nil, are buf's
// byte masks: the runs are then read from them, and probe is not fed
// (maskAndAnchor feeds it as it builds the masks).
func matchBase64BlobsProbing(buf []byte, depth int, probe *escapeProbe, masks *byteMasks, emit func(rawMatch)) {
	b := blobRuns{buf: buf, depth: depth, emit: emit}
	if masks == nil {
		// probeLongRuns is forEachRun over all of buf, faster on text.
		probeLongRuns(buf, minBlobRun, probe, b.scan)
		return
	}
	masks.forEachRun(0, len(buf), minBlobRun, b.scan)
}

// blobRuns scans the long base64 runs of buf, given in order. It is a
// type of its own, not a closure, so that its state stays on the stack.
type blobRuns struct {
	buf   []byte
	depth int
	emit  func(rawMatch)
	// skip is where the last wrapped block scanned whole ends.
	skip int
}

func (b *blobRuns) scan(start, end int) {
	buf, depth, emit := b.buf, b.depth, b.emit
	if start < b.skip {
		return // a line of a wrapped block scanned whole
	}
	if lines := wrappedLines(buf, start, end); lines != nil {
		scanWrapped(buf, lines, depth, emit)
		b.skip = lines[len(lines)-1].end
		return
	}
	if hasEmbeddedPrefix(buf[start:end]) && openEmbedded(buf, start, end, depth, emit) {
		return
	}
	if utf16Blob(buf[start:end]) {
		scanUTF16Blob(buf, start, end, depth, emit)
		return
	}
	scanBlob(buf, start, end, depth, emit)
}

// lineSpan is one line of a wrapped base64 block: buf[start:end].
type lineSpan struct{ start, end int }

// Widths at which tools wrap base64: PEM uses 64 columns, MIME 76,
// base64(1) 76; other tools pick other multiples of 4 in this range.
const (
	minWrapWidth = 60
	maxWrapWidth = 128
)

// wrappedLines returns the lines of the wrapped base64 block whose first
// line is the run buf[start:end], or nil when the run is not the first
// line of such a block: a run of a wrap width (a multiple of 4) that opens
// its line and ends it, followed by whole lines of the same width
// (indented or not) and a last line no longer.
func wrappedLines(buf []byte, start, end int) []lineSpan {
	width := end - start
	if width%4 != 0 || width < minWrapWidth || width > maxWrapWidth || !lineBreakAt(buf, end) || !opensLine(buf, start) {
		return nil
	}
	lines := []lineSpan{{start, end}}
	for at := end; ; {
		next := at + 1
		if buf[at] == '\r' {
			next++
		}
		// YAML block scalars and indented heredocs indent every line.
		for indent := 0; next < len(buf) && indent < 16 && (buf[next] == ' ' || buf[next] == '\t'); indent++ {
			next++
		}
		e := next
		for e < len(buf) && e-next <= width && classes[buf[e]]&clsB64 != 0 {
			e++
		}
		if e == next || e-next > width {
			break
		}
		if e-next == width && lineBreakAt(buf, e) {
			lines = append(lines, lineSpan{next, e})
			at = e
			continue
		}
		// The last line: shorter, and then only padding before the end
		// of the line or of the quoted value. Anything else (the next
		// "KEY: value" of a YAML map) is not part of the block.
		pad := e
		for pad < len(buf) && pad-e < 2 && buf[pad] == '=' {
			pad++
		}
		if pad == len(buf) || lineBreakAt(buf, pad) || buf[pad] == '"' || buf[pad] == '\'' {
			lines = append(lines, lineSpan{next, e})
		}
		break
	}
	if len(lines) < 2 {
		return nil
	}
	return lines
}

// opensLine reports whether the run starting at buf[start] opens its line,
// after indentation or an opening quote: where wrapped base64 starts.
func opensLine(buf []byte, start int) bool {
	i := start
	if i > 0 && (buf[i-1] == '"' || buf[i-1] == '\'') {
		i--
	}
	for i > 0 && (buf[i-1] == ' ' || buf[i-1] == '\t') {
		i--
	}
	return i == 0 || buf[i-1] == '\n'
}

// lineBreakAt reports whether a line break (LF or CRLF) starts at buf[i].
func lineBreakAt(buf []byte, i int) bool {
	return i < len(buf) && (buf[i] == '\n' || buf[i] == '\r' && i+1 < len(buf) && buf[i+1] == '\n')
}

// scanWrapped joins the lines of a wrapped base64 block and scans the
// result as one run, so that a token across a line break is decoded
// whole. Matches point into the original lines.
func scanWrapped(buf []byte, lines []lineSpan, depth int, emit func(rawMatch)) {
	width := lines[0].end - lines[0].start
	joined := make([]byte, 0, len(lines)*width)
	for _, l := range lines {
		joined = append(joined, buf[l.start:l.end]...)
	}
	toOriginal := func(m rawMatch) {
		line := min(m.start/width, len(lines)-1)
		m.start = lines[line].start + m.start - line*width
		if m.key == "" {
			m.key = keyBefore(buf, lines[0].start)
		}
		emit(m)
	}
	if hasEmbeddedPrefix(joined) && openEmbedded(joined, 0, len(joined), depth, toOriginal) {
		return
	}
	scanBlob(joined, 0, len(joined), depth, toOriginal)
}

// blobPairSlot indexes, by pairKey of two characters, the list in
// blobPairCandidates of the literals that hold them as their first two
// characters or as their second and third; 0 marks a pair no literal
// holds. The key is the pair's two bytes as they sit in a little-endian
// word, so that reading one costs no arithmetic; the table is 64 KiB, but
// a run's pairs, base64 characters only, touch 8 KiB of it.
// blobPairCandidates[0] is empty.
var (
	blobPairSlot       [1 << 16]uint8
	blobPairCandidates = indexBlobPairs(&blobPairSlot)
)

// indexBlobPairs fills slots and returns the candidate lists they index.
// It fills the table where it lies: built as a function's result, the
// 64 KiB table was copied and grew the initialising goroutine's stack,
// at every start of the program.
func indexBlobPairs(slots *[1 << 16]uint8) [][]blobCandidate {
	lists := [][]blobCandidate{nil}
	add := func(a, b byte, c blobCandidate) {
		k := pairKey(a, b)
		if slots[k] == 0 {
			slots[k] = uint8(len(lists))
			lists = append(lists, nil)
		}
		lists[slots[k]] = append(lists[slots[k]], c)
	}
	// A literal at an odd offset is seen one character before its pair,
	// so its candidates come first: a run then lists each literal's hits
	// in the order of their offsets.
	for li, lit := range blobLiterals {
		add(lit.text[1], lit.text[2], blobCandidate{lit: li, back: 1})
	}
	for li, lit := range blobLiterals {
		add(lit.text[0], lit.text[1], blobCandidate{lit: li})
	}
	if len(lists) > 256 {
		panic("scanner: more blob literal pairs than blobPairSlot can index")
	}
	return lists
}

// blobCandidate is a literal that may start back characters before a
// character pair it holds.
type blobCandidate struct {
	lit, back int
}

func pairKey(a, b byte) uint { return uint(a) | uint(b)<<8 }

// pairKeyAt is pairKey of the two low bytes of w.
func pairKeyAt(w uint64) uint { return uint(uint16(w)) }

// blobHit is a literal found in a base64 run: the index of the literal in
// blobLiterals and the offset of its text in the run.
type blobHit struct {
	lit, at int
}

// findBlobLiterals returns every occurrence of every blob literal in run,
// ordered by literal (as in blobLiterals), then by offset. One pass over
// the run replaces a bytes.Index pass per literal: in random base64 each
// literal's first character recurs every 64 bytes, so those passes stopped
// constantly. The pass looks at the character pairs at even offsets only:
// a literal (3 characters or more) at an even offset starts with such a
// pair, and one at an odd offset has its second and third characters there.
// Four pairs are tested per 8-byte load, with one branch.
func findBlobLiterals(run []byte, hits []blobHit) []blobHit {
	j := 0
	for ; j+8 <= len(run); j += 8 {
		w := binary.LittleEndian.Uint64(run[j:])
		if blobPairSlot[pairKeyAt(w)]|blobPairSlot[pairKeyAt(w>>16)]|
			blobPairSlot[pairKeyAt(w>>32)]|blobPairSlot[pairKeyAt(w>>48)] == 0 {
			continue
		}
		for k := j; k < j+8; k += 2 {
			hits = blobPairHits(run, k, hits)
		}
	}
	for ; j+1 < len(run); j += 2 {
		hits = blobPairHits(run, j, hits)
	}
	// Every occurrence is listed, overlapping ones too ("cGtc" has a
	// border), as the reference search in the tests does.
	slices.SortStableFunc(hits, func(a, b blobHit) int { return a.lit - b.lit })
	return hits
}

// blobPairHits appends to hits the literals that hold the pair at run[j]
// and occur there.
func blobPairHits(run []byte, j int, hits []blobHit) []blobHit {
	slot := blobPairSlot[pairKey(run[j], run[j+1])]
	if slot == 0 {
		return hits
	}
	for _, c := range blobPairCandidates[slot] {
		if at := j - c.back; at >= 0 && bytes.HasPrefix(run[at:], blobLiterals[c.lit].text) {
			hits = append(hits, blobHit{lit: c.lit, at: at})
		}
	}
	return hits
}

// scanBlob decodes and scans the parts of buf[start:end] around literal
// hits, literal by literal in the order of blobLiterals.
func scanBlob(buf []byte, start, end, depth int, emit func(rawMatch)) {
	var spare [8]blobHit
	hits := findBlobLiterals(buf[start:end], spare[:0])
	if len(hits) == 0 {
		// Most runs (images, fonts) hold no literal: return before
		// the segments, which live on the heap, are set up.
		return
	}
	segs := blobSegments{buf: buf, start: start, end: end, depth: depth, emit: emit}
	for _, h := range hits {
		segs.decodeAround(start + h.at - blobLiterals[h.lit].shift)
	}
}

// blobReach is how many encoded characters on each side of a hit a match
// found through it may need, rounded up to whole 4-character groups: a
// context credential may sit contextReach bytes from its keyword and is at
// most about twice longSecretLen long, and base64 stretches bytes by 4/3.
const blobReach = ((contextReach+2*longSecretLen)*4/3 + 3) / 4 * 4

// blobSegments decodes bounded segments of the base64 run buf[start:end]
// around literal hits and scans them.
type blobSegments struct {
	buf               []byte
	start, end, depth int
	emit              func(rawMatch)
	// lastStart and lastEnd bound the segment decoded last (lastEnd is 0
	// before the first).
	lastStart, lastEnd int
}

// decodeAround decodes and scans the segment around the hit whose
// 4-character group starts at group, unless the segment decoded last
// already holds everything a match near the hit can span, on the same
// 4-character grid. (A hit is never skipped merely for coming after the
// last segment: that lost tokens 2 to 4 KB after an unrelated "pk_".)
func (b *blobSegments) decodeAround(group int) {
	if group < b.start {
		return
	}
	// Align the segment start to the run's 4-character grid as seen from
	// this hit, and bound the segment on both sides.
	segStart := group - ((group-b.start)/4)*4
	if group-segStart > blobSegment {
		segStart = group - (blobSegment/4)*4
	}
	need := max(segStart, group-blobReach)
	if b.lastEnd > 0 && (group-b.lastStart)%4 == 0 && b.lastStart <= need && min(b.end, group+blobReach) <= b.lastEnd {
		return
	}
	segEnd := min(b.end, group+blobSegment)
	// Where the segment cuts the run, the edge of the decoded bytes is not
	// a word boundary: "…<token>ABC" cut after the token would read as a
	// token. So blobGuard more characters are decoded on each cut side,
	// and only matches that start inside the segment are kept.
	lo := max(segStart-blobGuard, segStart-((segStart-b.start)/4)*4)
	hi := min(b.end, segEnd+blobGuard)
	decodeAndScan(b.buf, lo, hi, b.depth, func(m rawMatch) {
		if m.start >= segStart && m.start < segEnd {
			b.emit(m)
		}
	})
	b.lastStart, b.lastEnd = segStart, segEnd
}

// decodeBufs keeps the buffers decodeAndScan decodes into: the matcher
// keeps no reference to the bytes it matches (matches copy their values),
// and a fresh buffer a segment costs more than the decoding. Nested
// decodings each take their own.
var decodeBufs = freelist.New(8, func() *[]byte { return new([]byte) })

// blobGuard is how many base64 characters are decoded past each cut end
// of a segment, a multiple of 4 that spans the longest escaped token.
const blobGuard = 512

func decodeAndScan(buf []byte, segStart, segEnd, depth int, emit func(rawMatch)) {
	seg := buf[segStart:segEnd]
	seg = seg[:len(seg)/4*4+min(len(seg)%4, 3)]
	if len(seg)%4 == 1 {
		seg = seg[:len(seg)-1]
	}
	enc := base64.RawStdEncoding
	// One pooled buffer holds the standard spelling of seg, when needed,
	// and the decoded bytes.
	space := decodeBufs.Get()
	defer decodeBufs.Put(space)
	need := len(seg) + enc.DecodedLen(len(seg))
	if cap(*space) < need {
		*space = make([]byte, need)
	}
	work := (*space)[:need]
	if bytes.ContainsAny(seg, "-_") {
		// Decoded as one alphabet: a base64url value in a URL path shares
		// its run with the path's slashes.
		std := work[:len(seg)]
		for i, c := range seg {
			switch c {
			case '-':
				c = '+'
			case '_':
				c = '/'
			}
			std[i] = c
		}
		seg = std
	}
	decoded := work[len(seg):]
	n, err := enc.Decode(decoded, seg)
	if err != nil && n == 0 {
		return
	}
	decoded = decoded[:n:n]
	matchWindow(decoded, depth+1, func(m rawMatch) {
		if m.key == "" && m.start < 3 && !m.placeholder {
			// The whole encoded value is the credential: its name is the
			// one the encoded run is assigned to (a Kubernetes data key).
			m.key = keyBefore(buf, segStart)
		}
		m.start = segStart + (m.start/3)*4
		m.encoding = joinEncoding("base64", m.encoding)
		emit(m)
	})
}

// utf16Blob reports whether a base64 run starts like the encoding of
// UTF-16LE text, ASCII with a zero byte after each character (PowerShell
// -EncodedCommand): checked on its first 24 characters, so that other
// runs cost one short decode.
func utf16Blob(run []byte) bool {
	// The second character holds the top bits of the first character's
	// high byte, zero for ASCII: one of "AQgw". Most runs fail here
	// without a decode.
	if len(run) < 24 || strings.IndexByte("AQgw", run[1]) < 0 {
		return false
	}
	var head [18]byte
	if _, err := base64.StdEncoding.Decode(head[:], run[:24]); err != nil {
		return false
	}
	for i := 0; i < len(head); i += 2 {
		if head[i] == 0 || head[i+1] != 0 {
			return false
		}
	}
	return true
}

// scanUTF16Blob decodes the base64 run buf[start:end] of UTF-16LE text,
// transcodes it and matches the text. Matches point at the 4-character
// group that encodes their first character.
func scanUTF16Blob(buf []byte, start, end, depth int, emit func(rawMatch)) {
	run := buf[start:end]
	run = run[:len(run)/4*4+min(len(run)%4, 3)]
	if len(run)%4 == 1 {
		run = run[:len(run)-1]
	}
	decoded := make([]byte, base64.RawStdEncoding.DecodedLen(len(run)))
	n, _ := base64.RawStdEncoding.Decode(decoded, run)
	text, _ := io.ReadAll(newUTF16Reader(bytes.NewReader(decoded[:n]), littleEndian, 0))
	outerKey := keyBefore(buf, start)
	matchWindow(text, depth+1, func(m rawMatch) {
		if m.key == "" && m.start < 3 {
			m.key = outerKey
		}
		// ASCII text: each character took two bytes.
		m.start = start + min(2*m.start/3*4, len(run)-1)
		m.encoding = joinEncoding("base64+utf-16le", m.encoding)
		emit(m)
	})
}

func joinEncoding(outer, inner string) string {
	switch {
	case inner == "":
		return outer
	case outer == "":
		return inner
	}
	return outer + "+" + inner
}
