package action

import (
	"strconv"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/source"
)

// LineRange is an inclusive range of 1-based lines on the new (RIGHT) side
// of a diff.
type LineRange = source.LineRange

// addedLine is one line a patch adds: its 1-based line number in the new
// file and its text without the leading '+'.
type addedLine struct {
	line int
	text string
}

// parsePatch reads a unified diff body as the GitHub API returns it in a
// file's "patch" field (hunks only, no file headers) and returns the lines
// it adds. Malformed hunks are skipped: the patch comes from the network.
func parsePatch(patch string) []addedLine {
	var out []addedLine
	newLine := 0
	inHunk := false
	for len(patch) > 0 {
		var l string
		if i := strings.IndexByte(patch, '\n'); i >= 0 {
			l, patch = patch[:i], patch[i+1:]
		} else {
			l, patch = patch, ""
		}
		l = strings.TrimSuffix(l, "\r")
		if strings.HasPrefix(l, "@@") {
			n, ok := hunkNewStart(l)
			newLine, inHunk = n, ok
			continue
		}
		if !inHunk || l == "" {
			if inHunk && l == "" {
				// An empty context line lost its leading space.
				newLine++
			}
			continue
		}
		switch l[0] {
		case '+':
			out = append(out, addedLine{line: newLine, text: l[1:]})
			newLine++
		case ' ':
			newLine++
		case '-', '\\':
			// A removed line or "\ No newline at end of file".
		default:
			inHunk = false
		}
	}
	return out
}

// hunkNewStart parses "@@ -a,b +c,d @@ ..." and returns c.
func hunkNewStart(h string) (int, bool) {
	i := strings.Index(h, " +")
	if i < 0 {
		return 0, false
	}
	rest := h[i+2:]
	end := strings.IndexAny(rest, ", ")
	if end < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(rest[:end])
	if err != nil || n < 0 {
		return 0, false
	}
	if n == 0 {
		// "+0,0": the file is deleted; nothing on the right side.
		return 0, false
	}
	return n, true
}

// ranges folds added lines into ranges of consecutive lines.
func ranges(added []addedLine) []LineRange {
	var rs []LineRange
	for _, a := range added {
		if n := len(rs); n > 0 && rs[n-1].End+1 == a.line {
			rs[n-1].End = a.line
			continue
		}
		rs = append(rs, LineRange{Start: a.line, End: a.line})
	}
	return rs
}

// inRanges reports whether line falls in one of rs.
func inRanges(rs []LineRange, line int) bool {
	for _, r := range rs {
		if line >= r.Start && line <= r.End {
			return true
		}
	}
	return false
}
