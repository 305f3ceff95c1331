package action

import (
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/diff"
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

// parsePatch returns the lines a patch adds (see diff.ParsePatch, the one
// patch parser: a malformed hunk header ends the patch there).
func parsePatch(patch string) []addedLine {
	lines, _ := diff.ParsePatch(patch)
	return addedLines(lines)
}

// addedLines keeps the added lines of a parsed patch.
func addedLines(lines []diff.PatchLine) []addedLine {
	var out []addedLine
	for _, l := range lines {
		if l.Op == '+' {
			out = append(out, addedLine{line: l.New, text: l.Text})
		}
	}
	return out
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
