package scanner

import (
	"encoding/binary"
	"math/bits"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/freelist"
)

// byteMasks holds one bit per byte of a window: bit i%64 of word i/64
// stands for buf[i]. Bits past the window's end are clear.
//
// The matcher asks two questions of nearly every byte: is it in the
// base64 alphabet (the run searches), and is it the 'k' of "pk" or of a
// ClickUp keyword (the anchors). Answering both for a whole window in one
// vectorised pass, then reading the answers 64 bytes per word, costs a
// fraction of asking byte by byte.
type byteMasks struct {
	n int
	// b64 marks the base64 alphabet: letters, digits, + / - _.
	b64 []uint64
	// anchors marks every 'k' or 'K' right after 'p', 'c' or 'C'.
	anchors []uint64
	// flags sums up each 64-byte block, so that the searches skip eight
	// blocks a load: flagAnchors when it has an anchor, flagLongRun when
	// two 16-bit lanes of the b64 masks side by side are whole, both in
	// the block or its first lane and the last of the block before,
	// flagEscape when it holds a backslash, an ampersand or ESC.
	flags []byte
	// longRuns caches every maximal base64 run of at least minBlobRun
	// bytes, in order, once known: the blob and context searches both
	// ask for them.
	longRuns    [][2]int
	runsCounted bool
	// runCursor is where the last search of longRuns started: the context
	// search asks in increasing order, one region per keyword.
	runCursor int
	// keywords is maskAndAnchor's result, kept for its capacity.
	keywords []int
	// tail holds a window's last, partial block, zero-padded: a local
	// array would escape to the heap through the classifier call.
	tail [64]byte
}

// Block flags.
const (
	flagAnchors = 1 << iota
	flagLongRun
	flagEscape
)

// classifier fills the masks of whole 64-byte blocks: b64[i], anchors[i]
// and flags[i] for src[64i:64i+64]. carry tells of the bytes before src:
// bit 0 is set when the last is 'p', 'c' or 'C', bit 1 when the last 16
// are all in the base64 alphabet. The result tells the same of src's end.
type classifier func(src []byte, b64, anchors []uint64, flags []byte, carry uint64) uint64

// minClassified is the smallest window the masks are built for; below it
// the byte-wise searches cost less than setting the masks up.
const minClassified = 512

// namedClassifier is a classifier with a name for tests and benchmarks.
type namedClassifier struct {
	name     string
	classify classifier
}

// fastClassifier is the fastest vectorised classifier this CPU runs, nil
// where there is none: matchWindow then searches byte by byte, as the
// reference does.
var fastClassifier = func() classifier {
	if all := vectorClassifiers(); len(all) > 0 {
		return all[0].classify
	}
	return nil
}()

// blockKernel is an assembly classifier: it fills the masks of blocks
// whole 64-byte blocks at src and trusts its pointers.
type blockKernel func(src *byte, blocks int, b64, anchors *uint64, flags *byte, carry uint64) uint64

// kernelClassifier makes a classifier of kernel, checking the bounds the
// kernel cannot.
func kernelClassifier(kernel blockKernel) classifier {
	return func(src []byte, b64, anchors []uint64, flags []byte, carry uint64) uint64 {
		blocks := len(src) / 64
		if blocks == 0 {
			return carry
		}
		_, _, _ = b64[blocks-1], anchors[blocks-1], flags[blocks-1]
		return kernel(&src[0], blocks, &b64[0], &anchors[0], &flags[0], carry)
	}
}

// windowWords is how many 64-byte blocks a window read to windowFill
// holds; masks grow further only for a window read on past it.
const windowWords = (windowFill + 63) / 64

var maskPool = freelist.New(16, func() *byteMasks { return &byteMasks{} })

// classifyWindow returns the masks of buf built with classify, to be given
// back with releaseMasks.
func classifyWindow(buf []byte, classify classifier) *byteMasks {
	return classifyVisiting(buf, classify, nil)
}

// classifyChunk is how many blocks classifyVisiting builds the masks of
// before it visits them: 16 KiB of a window, still in the first-level
// cache when the visit reads it. A multiple of flagGroup, so that no group
// of flags spans two chunks.
const classifyChunk = 256

// flagGroup is how many blocks' flags the visits test at once, four words
// of them: on clean text, where most groups have no flag, the test is all
// a visit costs.
const flagGroup = 32

// groupFlags returns the flags of the group of blocks starting at block
// group (a multiple of flagGroup), their eight-block words or-ed: a flag is
// set in it when a block of the group has it.
func (m *byteMasks) groupFlags(group int) uint64 {
	f := m.flags[group : group+flagGroup : group+flagGroup]
	return binary.LittleEndian.Uint64(f) | binary.LittleEndian.Uint64(f[8:]) |
		binary.LittleEndian.Uint64(f[16:]) | binary.LittleEndian.Uint64(f[24:])
}

// classifyVisiting is classifyWindow that calls visit, when not nil, with
// each stretch of blocks [from, to) as soon as its masks are built: the
// anchors and escape probes then read bytes the classifier has just
// loaded, instead of a window that no longer fits in the cache. A visit
// may read the masks of its blocks and of those before, not after.
func classifyVisiting(buf []byte, classify classifier, visit func(m *byteMasks, from, to int)) *byteMasks {
	m := maskPool.Get()
	words := (len(buf) + 63) / 64
	if cap(m.b64) < words {
		// Sized for a whole window at least, so that masks grown for a
		// small file are not grown again, in fresh pages, for each larger
		// one after it: a window's masks are made once per worker.
		c := max(words, windowWords)
		m.b64 = make([]uint64, c)
		m.anchors = make([]uint64, c)
		// Rounded up to whole groups of flags, kept zero past the end.
		m.flags = make([]byte, (c+flagGroup-1)/flagGroup*flagGroup)
	}
	m.n, m.b64, m.anchors, m.flags = len(buf), m.b64[:words], m.anchors[:words], m.flags[:(words+flagGroup-1)/flagGroup*flagGroup]
	m.longRuns, m.runsCounted, m.runCursor, m.keywords = m.longRuns[:0], false, 0, m.keywords[:0]
	clear(m.flags[words:])
	whole := len(buf) / 64
	var carry uint64
	for from := 0; from < words; from += classifyChunk {
		to := min(from+classifyChunk, words)
		wholeTo := min(to, whole)
		carry = classify(buf[from*64:wholeTo*64], m.b64[from:wholeTo], m.anchors[from:wholeTo], m.flags[from:wholeTo], carry)
		if wholeTo < to {
			// Zero bytes are neither base64 nor anchors, so a zero-padded
			// copy of the last, partial block leaves the bits past the
			// end clear.
			m.tail = [64]byte{}
			copy(m.tail[:], buf[whole*64:])
			classify(m.tail[:], m.b64[whole:], m.anchors[whole:], m.flags[whole:], carry)
		}
		if visit != nil {
			visit(m, from, to)
		}
	}
	return m
}

// releaseMasks gives m back for reuse; m may be nil.
func releaseMasks(m *byteMasks) {
	if m != nil {
		maskPool.Put(m)
	}
}

// classifyGeneric is the classifier in plain Go: the reference the
// vectorised ones are tested against, and the tail of a window.
func classifyGeneric(src []byte, b64, anchors []uint64, flags []byte, carry uint64) uint64 {
	lastWhole := carry&2 != 0
	carry &= 1
	for blk := range len(src) / 64 {
		var w, a uint64
		var escapes bool
		for i, c := range src[blk*64 : blk*64+64] {
			escapes = escapes || c == '\\' || c == '&' || c == 0x1b
			if is(c, clsB64) {
				w |= 1 << i
			}
			if c|0x20 == 'k' && carry != 0 {
				a |= 1 << i
			}
			carry = 0
			if c == 'p' || c|0x20 == 'c' {
				carry = 1
			}
		}
		b64[blk], anchors[blk], flags[blk] = w, a, 0
		if a != 0 {
			flags[blk] |= flagAnchors
		}
		if escapes {
			flags[blk] |= flagEscape
		}
		full := lane16Full(w)
		if full&(full>>16) != 0 || lastWhole && full&(1<<15) != 0 {
			flags[blk] |= flagLongRun
		}
		lastWhole = full>>63 != 0
	}
	if lastWhole {
		carry |= 2
	}
	return carry
}

// anchorsIn calls personal with the offset of each "pk" in blocks [from,
// to) that may open a personal token and appends the offsets of the
// ClickUp keywords there to keywords: findAnchors, read from the masks.
// from must be a multiple of 8.
func (m *byteMasks) anchorsIn(buf []byte, from, to int, personal func(p int), keywords []int) []int {
	// Eight blocks' flags a load, walked here rather than through
	// nextFlagged: in text a block in a few holds an anchor ("ck" is
	// common), and a call per flagged block cost more than the load.
	const spread = flagAnchors * laneLow
	for word := from; word < to; word += 8 {
		for hits := binary.LittleEndian.Uint64(m.flags[word:]) & spread; hits != 0; hits &= hits - 1 {
			wi := word + bits.TrailingZeros64(hits)/8
			for w := m.anchors[wi]; w != 0; w &= w - 1 {
				k := wi*64 + bits.TrailingZeros64(w)
				if buf[k] == 'k' && buf[k-1] == 'p' && mayOpenPersonal(buf[k+1:]) {
					personal(k - 1)
				}
				if isKeywordAt(buf, k-4) {
					keywords = append(keywords, k-4)
				}
			}
		}
	}
	return keywords
}

// lane16Full has the high bit of each 16-bit lane of a word set where
// every bit of that lane of w is set, and every other bit clear.
func lane16Full(w uint64) uint64 {
	const low15 = 0x7fff7fff7fff7fff
	v := ^w
	// Adding low15 to a lane's low 15 bits carries into its high bit
	// exactly when they are not all zero, and never into the next lane.
	return ^((v&low15 + low15) | v | low15)
}

// forEachRun is forEachRun(buf, lo, hi, minLen, fn) read from the masks,
// for minLen >= minMaskedRun: such a run holds two 16-bit aligned lanes of
// the mask side by side, so only the blocks flagged flagLongRun are looked
// at, and the run is measured from there a word at a time.
func (m *byteMasks) forEachRun(lo, hi, minLen int, fn func(start, end int)) {
	if lo >= hi {
		return
	}
	if minLen < minBlobRun {
		m.walkRuns(lo, hi, minLen, fn)
		return
	}
	if !m.runsCounted {
		m.walkRuns(0, m.n, minBlobRun, func(start, end int) { m.longRuns = append(m.longRuns, [2]int{start, end}) })
		m.runsCounted = true
	}
	i := m.firstRunEndingAfter(lo)
	for ; i < len(m.longRuns) && m.longRuns[i][0] < hi; i++ {
		start, end := m.longRuns[i][0], m.longRuns[i][1]
		if end-start >= minLen && (start >= lo || end >= lo+minLen) {
			fn(start, end)
		}
	}
}

// firstRunEndingAfter returns the index of the first long run that ends
// after lo (runs end in the order they start): from the last search on
// when lo is past it, else by binary search.
func (m *byteMasks) firstRunEndingAfter(lo int) int {
	runs := m.longRuns
	i, j := 0, len(runs)
	if c := m.runCursor; c < len(runs) && (c == 0 || runs[c-1][1] <= lo) {
		// A few steps forward, then halving what is left.
		i = c
		for i < len(runs) && i < c+4 && runs[i][1] <= lo {
			i++
		}
		if i < len(runs) && runs[i][1] <= lo {
			i++
		} else {
			j = i
		}
	}
	for i < j {
		h := int(uint(i+j) >> 1)
		if runs[h][1] <= lo {
			i = h + 1
		} else {
			j = h
		}
	}
	m.runCursor = i
	return i
}

// walkRuns is forEachRun, walking the masks.
func (m *byteMasks) walkRuns(lo, hi, minLen int, fn func(start, end int)) {
	if lo >= hi {
		return
	}
	// skip is where the last reported or rejected run ended: every lane
	// before it has been looked at.
	skip := lo
	// A run that starts before hi and is minLen long has a whole lane
	// before hi+minLen.
	limit := min(len(m.b64), (hi+minLen+63)/64)
	for wi := m.nextFlagged(lo/64, limit, flagLongRun); wi < limit; wi = m.nextFlagged(wi+1, limit, flagLongRun) {
		full := lane16Full(m.b64[wi])
		for ; full != 0; full &= full - 1 {
			at := wi*64 + bits.TrailingZeros64(full) - 15
			if at < skip {
				continue
			}
			start, end := m.runStart(at), m.runEnd(at)
			skip = end
			if end-start < minLen {
				continue
			}
			if start >= lo && start < hi || start < lo && end >= lo+minLen {
				fn(start, end)
			}
		}
		if skip > (wi+1)*64 {
			wi = skip/64 - 1
		}
	}
}

// nextFlagged returns the first block in [block, limit) with flag set, or
// a block at or past limit when there is none.
func (m *byteMasks) nextFlagged(block, limit int, flag byte) int {
	spread := uint64(flag) * laneLow
	for block < limit {
		// Eight blocks' flags a load, from the word holding block.
		word := block / 8 * 8
		hits := binary.LittleEndian.Uint64(m.flags[word:]) & spread
		hits &^= 1<<(8*(block-word)) - 1
		if hits != 0 {
			return word + bits.TrailingZeros64(hits)/8
		}
		block = word + 8
		// Through a clean stretch, 32 blocks (2 KiB of text) a step.
		for block+32 <= limit {
			f := m.flags[block : block+32 : block+32]
			if (binary.LittleEndian.Uint64(f)|binary.LittleEndian.Uint64(f[8:])|
				binary.LittleEndian.Uint64(f[16:])|binary.LittleEndian.Uint64(f[24:]))&spread != 0 {
				break
			}
			block += 32
		}
	}
	return block
}

// minMaskedRun is the shortest run byteMasks.forEachRun finds: any run of
// 47 bytes holds two whole 16-bit aligned lanes side by side.
const minMaskedRun = 47

// runStart returns where the run of set b64 bits holding bit at starts.
func (m *byteMasks) runStart(at int) int {
	wi, bit := at/64, uint(at%64)
	// Clear bits at and above at: the first clear bit below it ends the
	// walk back.
	gaps := ^m.b64[wi] & (1<<bit - 1)
	for gaps == 0 {
		if wi == 0 {
			return 0
		}
		wi--
		gaps = ^m.b64[wi]
	}
	return wi*64 + 63 - bits.LeadingZeros64(gaps) + 1
}

// runEnd returns where the run of set b64 bits holding bit at ends.
func (m *byteMasks) runEnd(at int) int {
	wi, bit := at/64, uint(at%64)
	gaps := ^m.b64[wi] >> bit << bit
	for gaps == 0 {
		wi++
		if wi == len(m.b64) {
			return m.n
		}
		gaps = ^m.b64[wi]
	}
	return min(m.n, wi*64+bits.TrailingZeros64(gaps))
}
