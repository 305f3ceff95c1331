package history

import (
	"errors"
)

var errBadDelta = errors.New("corrupt delta")

// deltaSizes reads the source and target sizes at the start of a git delta.
func deltaSizes(delta []byte) (src, dst int64, rest []byte, err error) {
	src, delta, err = leb128(delta)
	if err != nil {
		return 0, 0, nil, err
	}
	dst, delta, err = leb128(delta)
	return src, dst, delta, err
}

func leb128(b []byte) (int64, []byte, error) {
	var v int64
	for i, shift := 0, uint(0); i < len(b); i, shift = i+1, shift+7 {
		if shift > 56 {
			return 0, nil, errBadDelta
		}
		v |= int64(b[i]&0x7f) << shift
		if b[i]&0x80 == 0 {
			return v, b[i+1:], nil
		}
	}
	return 0, nil, errBadDelta
}

// applyDelta applies a git delta to base, writing the result into dst
// (reallocated when too small), so that transient results can reuse pooled
// buffers. Every copy is bounds-checked: deltas come from untrusted packs.
func applyDelta(base, delta, dst []byte) ([]byte, error) {
	srcSize, dstSize, d, err := deltaSizes(delta)
	if err != nil {
		return nil, err
	}
	// One command byte yields at most 64 KiB, so a header claiming more
	// than that is corrupt: refuse it before allocating.
	if srcSize != int64(len(base)) || dstSize > maxInMemory || dstSize > int64(len(d))*0x10000 {
		return nil, errBadDelta
	}
	if int64(cap(dst)) < dstSize {
		dst = make([]byte, 0, dstSize)
	}
	out := dst[:0]
	for len(d) > 0 {
		cmd := d[0]
		d = d[1:]
		switch {
		case cmd&0x80 != 0:
			var off, n int64
			for i := uint(0); i < 4; i++ {
				if cmd&(1<<i) != 0 {
					if len(d) == 0 {
						return nil, errBadDelta
					}
					off |= int64(d[0]) << (8 * i)
					d = d[1:]
				}
			}
			for i := uint(0); i < 3; i++ {
				if cmd&(0x10<<i) != 0 {
					if len(d) == 0 {
						return nil, errBadDelta
					}
					n |= int64(d[0]) << (8 * i)
					d = d[1:]
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > int64(len(base)) || int64(len(out))+n > dstSize {
				return nil, errBadDelta
			}
			out = append(out, base[off:off+n]...)
		case cmd != 0:
			n := int(cmd)
			if n > len(d) || int64(len(out)+n) > dstSize {
				return nil, errBadDelta
			}
			out = append(out, d[:n]...)
			d = d[n:]
		default:
			return nil, errBadDelta
		}
	}
	if int64(len(out)) != dstSize {
		return nil, errBadDelta
	}
	return out, nil
}
