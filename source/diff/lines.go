package diff

import "bytes"

// maxEditDistance bounds the Myers search on the lines that both sides
// share. Beyond it the remaining shared lines are treated as unchanged:
// for leak detection a line that also exists in the old file is not a new
// leak, and for review comments fewer "added" lines is the safe error.
const maxEditDistance = 2000

// lineDiff compares old and new text line by line and reports, by 1-based
// line number, which new lines were added and which old lines were removed
// (index 0 is unused). Lines are split on '\n'; a final line without '\n'
// counts as a line.
func lineDiff(oldText, newText []byte) (added, removed []bool) {
	a := splitLines(oldText)
	b := splitLines(newText)
	added = make([]bool, len(b)+1)
	removed = make([]bool, len(a)+1)

	// Intern lines so the diff compares ints, not byte slices.
	ids := make(map[string]int32, len(a)+len(b))
	intern := func(lines [][]byte) []int32 {
		out := make([]int32, len(lines))
		for i, l := range lines {
			id, ok := ids[string(l)]
			if !ok {
				id = int32(len(ids))
				ids[string(l)] = id
			}
			out[i] = id
		}
		return out
	}
	ai, bi := intern(a), intern(b)

	// A line that does not occur on the other side at all is certainly
	// added (or removed) in any minimal diff; dropping such lines before
	// Myers keeps the edit distance, and so the cost, small (GNU diff does
	// the same).
	inA := make([]bool, len(ids))
	inB := make([]bool, len(ids))
	for _, id := range ai {
		inA[id] = true
	}
	for _, id := range bi {
		inB[id] = true
	}
	var as, bs []int32 // shared lines
	var aIdx, bIdx []int
	for i, id := range ai {
		if inB[id] {
			as = append(as, id)
			aIdx = append(aIdx, i)
		} else {
			removed[i+1] = true
		}
	}
	for j, id := range bi {
		if inA[id] {
			bs = append(bs, id)
			bIdx = append(bIdx, j)
		} else {
			added[j+1] = true
		}
	}

	// Common prefix and suffix are unchanged.
	lo := 0
	for lo < len(as) && lo < len(bs) && as[lo] == bs[lo] {
		lo++
	}
	ha, hb := len(as), len(bs)
	for ha > lo && hb > lo && as[ha-1] == bs[hb-1] {
		ha--
		hb--
	}
	delA, insB, ok := myers(as[lo:ha], bs[lo:hb], maxEditDistance)
	if !ok {
		return added, removed
	}
	for _, x := range delA {
		removed[aIdx[lo+x]+1] = true
	}
	for _, y := range insB {
		added[bIdx[lo+y]+1] = true
	}
	return added, removed
}

// myers returns the indexes of a deleted and of b inserted by a shortest
// edit script, or ok false when the edit distance exceeds maxD.
func myers(a, b []int32, maxD int) (delA, insB []int, ok bool) {
	n, m := len(a), len(b)
	switch {
	case n == 0:
		for y := range b {
			insB = append(insB, y)
		}
		return nil, insB, true
	case m == 0:
		for x := range a {
			delA = append(delA, x)
		}
		return delA, nil, true
	}
	dmax := min(maxD, n+m)
	off := dmax + 1
	v := make([]int, 2*dmax+3)
	// trace[d] holds v[-d-1 .. d+1] as it was before step d.
	var trace [][]int
	found := -1
	for d := 0; d <= dmax && found < 0; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
	}
	if found < 0 {
		return nil, nil, false
	}
	x, y := n, m
	for d := found; d > 0; d-- {
		prev := trace[d]
		at := func(k int) int { return prev[k+d+1] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		if pk == k+1 {
			insB = append(insB, py)
		} else {
			delA = append(delA, px)
		}
		x, y = px, py
	}
	return delA, insB, true
}

// splitLines splits text into lines, each with its '\n' if it has one, so
// that a last line gaining or losing its newline is a change, as in git.
func splitLines(text []byte) [][]byte {
	if len(text) == 0 {
		return nil
	}
	lines := make([][]byte, 0, bytes.Count(text, []byte{'\n'})+1)
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i+1])
		text = text[i+1:]
	}
	return lines
}

// countLines returns the number of lines splitLines would return.
func countLines(text []byte) int {
	if len(text) == 0 {
		return 0
	}
	n := bytes.Count(text, []byte{'\n'})
	if text[len(text)-1] != '\n' {
		n++
	}
	return n
}

// toRanges turns a 1-based line mask into inclusive ranges.
func toRanges(mask []bool) []LineRange {
	var out []LineRange
	for i := 1; i < len(mask); i++ {
		if !mask[i] {
			continue
		}
		if n := len(out); n > 0 && out[n-1].End == i-1 {
			out[n-1].End = i
			continue
		}
		out = append(out, LineRange{Start: i, End: i})
	}
	return out
}
