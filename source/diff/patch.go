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
// header stops the parse there and is counted as an error.
func ScanPatch(path, commit, patch string, sc *scanner.Scanner, col *scanner.Collector, base scanner.Location) {
	var addText, remText bytes.Buffer
	var addLines, remLines []int // buffer line (0-based) -> file line
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
				sc.Stats().Error(path+" (patch)", errMalformedHunk(patchLine))
				break
			}
			oldLine, newLine, inHunk = o, n, true
			continue
		}
		if !inHunk || line == "" {
			continue
		}
		switch line[0] {
		case '+':
			addText.WriteString(line[1:])
			addText.WriteByte('\n')
			addLines = append(addLines, newLine)
			newLine++
		case '-':
			remText.WriteString(line[1:])
			remText.WriteByte('\n')
			remLines = append(remLines, oldLine)
			oldLine++
		case ' ':
			oldLine++
			newLine++
		}
		// "\ No newline at end of file" and anything else: no line.
	}
	sc.Stats().AddFile(int64(len(patch)))

	remap := func(ms []scanner.Match, lines []int) []scanner.Match {
		out := ms[:0]
		for _, m := range ms {
			if m.Line < 1 || m.Line > len(lines) {
				continue
			}
			m.Line = lines[m.Line-1]
			out = append(out, m)
		}
		return out
	}
	added := remap(sc.ScanBytes(addText.Bytes()), addLines)
	removed := remap(sc.ScanBytes(remText.Bytes()), remLines)
	added, removed = cancelMoved(added, removed)

	if base.Source == "" {
		base.Source = "diff"
	}
	base.Path, base.Commit = path, commit
	for _, m := range added {
		loc := base
		loc.Change = "added"
		col.Add(m, loc)
	}
	for _, m := range removed {
		loc := base
		loc.Change = "removed"
		col.Add(m, loc)
	}
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
