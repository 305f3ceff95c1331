package scanner

import (
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

type byteOrder int

const (
	littleEndian byteOrder = iota + 1
	bigEndian
)

// sniffUTF16 recognises UTF-16 text by its byte order mark, or without one
// by the zero bytes that ASCII characters leave in every other position.
// bom is the number of mark bytes to drop. A mark is always believed, even
// before text with no ASCII at all (CJK): the item is scanned raw as well
// (scanUTF16), so binary data that starts with those bytes loses nothing.
func sniffUTF16(head []byte) (order byteOrder, bom int) {
	switch {
	case len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE:
		return littleEndian, 2
	case len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF:
		return bigEndian, 2
	}
	pairs := len(head) / 2
	if pairs < 16 {
		return 0, 0
	}
	evenZero, oddZero := 0, 0
	for i := 0; i+1 < len(head); i += 2 {
		if head[i] == 0 {
			evenZero++
		}
		if head[i+1] == 0 {
			oddZero++
		}
	}
	switch {
	case oddZero*10 >= pairs*7 && evenZero*10 <= pairs:
		return littleEndian, 0
	case evenZero*10 >= pairs*7 && oddZero*10 <= pairs:
		return bigEndian, 0
	}
	return 0, 0
}

// utf16Reader transcodes a UTF-16 stream to UTF-8; invalid code units
// become U+FFFD.
type utf16Reader struct {
	r       io.Reader
	order   byteOrder
	skip    int
	in      [8192]byte
	inN     int
	out     []byte
	outPos  int
	pending rune // a high surrogate waiting for its pair, or -1
	err     error
}

func newUTF16Reader(r io.Reader, order byteOrder, bom int) *utf16Reader {
	return &utf16Reader{r: r, order: order, skip: bom, pending: -1}
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for u.outPos >= len(u.out) {
		if u.err != nil {
			if u.pending >= 0 {
				u.out = utf8.AppendRune(u.out[:0], utf8.RuneError)
				u.outPos, u.pending = 0, -1
				break
			}
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out[u.outPos:])
	u.outPos += n
	return n, nil
}

func (u *utf16Reader) fill() {
	n, err := u.r.Read(u.in[u.inN:])
	u.inN += n
	if err != nil {
		u.err = err
	}
	data := u.in[:u.inN]
	if u.skip > 0 {
		k := min(u.skip, len(data))
		data, u.skip = data[k:], u.skip-k
	}
	u.out, u.outPos = u.out[:0], 0
	i := 0
	for ; i+1 < len(data); i += 2 {
		var unit uint16
		if u.order == littleEndian {
			unit = uint16(data[i]) | uint16(data[i+1])<<8
		} else {
			unit = uint16(data[i])<<8 | uint16(data[i+1])
		}
		r := rune(unit)
		switch {
		case u.pending >= 0:
			if utf16.IsSurrogate(r) && r >= 0xDC00 {
				u.out = utf8.AppendRune(u.out, utf16.DecodeRune(u.pending, r))
				u.pending = -1
				continue
			}
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
			u.pending = -1
			fallthrough
		default:
			if r >= 0xD800 && r < 0xDC00 {
				u.pending = r
				continue
			}
			if utf16.IsSurrogate(r) {
				r = utf8.RuneError
			}
			u.out = utf8.AppendRune(u.out, r)
		}
	}
	// Keep an odd trailing byte for the next read.
	rest := copy(u.in[:], data[i:])
	if u.err != nil && rest > 0 {
		u.out = utf8.AppendRune(u.out, utf8.RuneError)
		rest = 0
	}
	u.inN = rest
}
