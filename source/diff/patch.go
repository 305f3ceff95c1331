package diff

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// ScanPatch scans one file's unified-diff patch text, as GitHub's API
// returns it in a pull request file's `patch` field (hunks only, no file
// header). Secrets on added lines are recorded with Change "added" and
// their 1-based line in the new file; secrets on removed lines with Change
// "removed" and their line in the old file; a secret on both (an edited
// line) is not recorded. base supplies the other location fields; Source
// defaults to "diff", Path and Commit are set from path and commit. The
// patch is counted as one item in the scanner's Stats; a malformed hunk
// header stops the parse there and is counted as an error. It returns the
// parsed lines (see ParsePatch), so that callers need not parse again.
func ScanPatch(path, commit, patch string, sc *scanner.Scanner, col *scanner.Collector, base scanner.Location) []PatchLine {
	// Each side holds its changed lines and the hunk's context lines: a
	// credential's ClickUp context (a clickup: key above it) is often on a
	// line the patch did not change. Only matches on changed lines count.
	var newSide, oldSide patchSide
	lines, malformedAt := ParsePatch(patch)
	for i, l := range lines {
		switch l.Op {
		case '@':
			if i > 0 {
				// Hunks are apart in the file: keep their text apart.
				newSide.add("", 0, false)
				oldSide.add("", 0, false)
			}
		case '+':
			newSide.add(l.Text, l.New, true)
		case '-':
			oldSide.add(l.Text, l.Old, true)
		case ' ':
			newSide.add(l.Text, l.New, false)
			oldSide.add(l.Text, l.Old, false)
		}
	}
	if malformedAt > 0 {
		sc.Stats().Error(path+" (patch)", errMalformedHunk(malformedAt))
	}
	sc.Stats().AddFile(int64(len(patch)))

	added := newSide.changedMatches(sc)
	removed := oldSide.changedMatches(sc)
	added, removed = cancelMoved(added, removed)

	if base.Source == "" {
		base.Source = scanner.SourceDiff
	}
	base.Path, base.Commit = path, commit
	for _, m := range added {
		loc := base
		loc.Change = scanner.Added
		col.Add(m, loc)
	}
	for _, m := range removed {
		loc := base
		loc.Change = scanner.Removed
		col.Add(m, loc)
	}
	return lines
}

// PatchLine is one line of a patch's hunks.
type PatchLine struct {
	// Op is '@' for a hunk header, '+' for an added line, '-' for a
	// removed one and ' ' for context.
	Op byte
	// Old and New are the line's 1-based numbers in the old and the new
	// file; only those of the sides the line is on mean anything.
	Old, New int
	// Text is the line without its leading op character (empty for '@').
	Text string
}

// ParsePatch reads a unified-diff patch body as GitHub's API returns it in
// a file's `patch` field (hunks only, no file header), from the network:
// lines before the first hunk, "\ No newline at end of file" and lines with
// an unknown first character are skipped; an empty line is a context line
// whose leading space was lost (editors strip trailing whitespace). A
// malformed hunk header stops the parse there: line numbers after it
// cannot be trusted. malformedAt is the 1-based patch line of that header,
// 0 when there is none.
func ParsePatch(patch string) (lines []PatchLine, malformedAt int) {
	oldLine, newLine := 0, 0
	inHunk := false
	patchLine := 0
	for rest := patch; rest != ""; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		line = strings.TrimSuffix(line, "\r")
		patchLine++
		if strings.HasPrefix(line, "@@") {
			o, n, ok := parseHunkHeader(line)
			if !ok {
				return lines, patchLine
			}
			lines = append(lines, PatchLine{Op: '@', Old: o, New: n})
			oldLine, newLine, inHunk = o, n, true
			continue
		}
		if !inHunk {
			continue
		}
		if line == "" {
			line = " "
		}
		switch line[0] {
		case '+':
			lines = append(lines, PatchLine{Op: '+', New: newLine, Text: line[1:]})
			newLine++
		case '-':
			lines = append(lines, PatchLine{Op: '-', Old: oldLine, Text: line[1:]})
			oldLine++
		case ' ':
			lines = append(lines, PatchLine{Op: ' ', Old: oldLine, New: newLine, Text: line[1:]})
			oldLine++
			newLine++
		}
	}
	return lines, 0
}

// patchSide is one side (new or old) of a patch's hunks as text, with the
// file line of each text line and whether the patch changed it.
type patchSide struct {
	text    bytes.Buffer
	lines   []int
	changed []bool
}

func (s *patchSide) add(content string, fileLine int, changed bool) {
	s.text.WriteString(content)
	s.text.WriteByte('\n')
	s.lines = append(s.lines, fileLine)
	s.changed = append(s.changed, changed)
}

// changedMatches scans the side and keeps the matches on changed lines,
// with their line numbers in the file.
func (s *patchSide) changedMatches(sc *scanner.Scanner) []scanner.Match {
	var out []scanner.Match
	for _, m := range sc.ScanBytes(s.text.Bytes()) {
		if m.Line < 1 || m.Line > len(s.lines) || !s.changed[m.Line-1] {
			continue
		}
		m.Line = s.lines[m.Line-1]
		out = append(out, m)
	}
	return out
}

// errMalformedHunk names the patch line but never quotes it: the text after
// a hunk header is file content and may hold a secret.
type errMalformedHunk int

func (e errMalformedHunk) Error() string {
	return "malformed hunk header on patch line " + strconv.Itoa(int(e))
}

// parseHunkHeader reads "@@ -a[,b] +c[,d] @@..." and returns a and c, the
// first old and new line numbers of the hunk.
func parseHunkHeader(h string) (oldStart, newStart int, ok bool) {
	f := strings.Fields(h)
	if len(f) < 3 || f[0] != "@@" || !strings.HasPrefix(f[1], "-") || !strings.HasPrefix(f[2], "+") {
		return 0, 0, false
	}
	num := func(s string) (int, bool) {
		s, _, _ = strings.Cut(s[1:], ",")
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= 0
	}
	o, ok1 := num(f[1])
	n, ok2 := num(f[2])
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	// A side with no lines ("-0,0") starts at line 0; the first line that
	// follows would be line 1.
	if o == 0 {
		o = 1
	}
	if n == 0 {
		n = 1
	}
	return o, n, true
}
