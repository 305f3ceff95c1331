// Package docscheck keeps the README and docs/ honest: it finds the commands,
// flags, Action inputs and outputs, and relative links that Markdown pages
// mention, and checks each against the truth (the built binary's help,
// action.yml, the files and headings of the repository).
//
// It parses only the Markdown the project writes (ATX and setext headings,
// fenced code blocks, code spans, inline links, reference definitions,
// GFM tables), not the whole of CommonMark.
package docscheck

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Doc is one parsed Markdown page. Every line number in this package is
// 1-based, counted in the page's source.
type Doc struct {
	// Path is the page's slash-separated path relative to the repository root.
	Path   string
	Fences []Fence
	Spans  []Span
	// Paragraphs are runs of non-blank lines outside fenced blocks, in order.
	Paragraphs []Paragraph
	Headings   []Heading
	Tables     []Table
	// Anchors are explicit HTML anchors (<a name="x">, id="x").
	Anchors []string
}

// Fence is a fenced code block.
type Fence struct {
	// Info is the info string's first word, lower-cased ("sh", "yaml"; "" for none).
	Info string
	// Line is the line of the opening fence; Lines[i] is on line Line+1+i.
	Line  int
	Lines []string
}

// Span is an inline code span.
type Span struct {
	Line int
	// Text is the span's content, line endings turned into spaces and a
	// table's escaped pipe (\|) unescaped.
	Text string
}

// Paragraph is a run of non-blank lines outside fenced blocks, with its
// code spans blanked out so that nothing inside them looks like a link.
type Paragraph struct {
	Line int
	// Text holds the lines joined by "\n"; code spans are replaced by as
	// many 'x' bytes, so that byte offsets still map to lines.
	Text string
}

// LineAt returns the line of the byte offset off in p.Text.
func (p Paragraph) LineAt(off int) int {
	return p.Line + strings.Count(p.Text[:off], "\n")
}

// Heading is an ATX or setext heading.
type Heading struct {
	Line int
	// Text is the heading's raw Markdown text, without the # markers.
	Text string
	// Slug is the anchor GitHub gives it, duplicates numbered (-1, -2...).
	Slug string
}

// Table is a GFM table.
type Table struct {
	Line   int
	Header []string
	Rows   []Row
}

// Row is one body row of a table, its cells trimmed and unsplit by code spans.
type Row struct {
	Line  int
	Cells []string
}

var (
	fenceOpen   = regexp.MustCompile("^\\s*(`{3,}|~{3,})\\s*([^`\\s]*)")
	atxHeading  = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	setextLine  = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	tableDelim  = regexp.MustCompile(`^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)
	htmlAnchor  = regexp.MustCompile(`<a\s[^>]*\b(?:name|id)\s*=\s*"([^"]+)"`)
	listOrQuote = regexp.MustCompile(`^\s*([-*+>]|\d+[.)])\s`)
)

// Parse reads a Markdown page. path is only recorded, never opened.
func Parse(path string, src string) *Doc {
	d := &Doc{Path: path}
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var para []string
	paraLine := 0
	flush := func() {
		if len(para) > 0 {
			d.addParagraph(paraLine, para)
		}
		para = nil
	}
	slugs := map[string]int{}
	addHeading := func(line int, text string) {
		d.Headings = append(d.Headings, Heading{Line: line, Text: text, Slug: uniqueSlug(slugs, Slug(text))})
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		// A backtick fence's info string holds no backtick: "``` `x` ```"
		// is a code span.
		if m := fenceOpen.FindStringSubmatch(line); m != nil && !(m[1][0] == '`' && strings.Contains(line[len(m[0]):], "`")) {
			flush()
			f := Fence{Info: strings.ToLower(m[2]), Line: i + 1}
			marker := m[1]
			closing := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(marker[:1]) + `{` + strconv.Itoa(len(marker)) + `,}\s*$`)
			for i++; i < len(lines) && !closing.MatchString(lines[i]); i++ {
				f.Lines = append(f.Lines, lines[i])
			}
			d.Fences = append(d.Fences, f)
			continue
		}
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		for _, m := range htmlAnchor.FindAllStringSubmatch(line, -1) {
			d.Anchors = append(d.Anchors, m[1])
		}
		if m := atxHeading.FindStringSubmatch(line); m != nil {
			flush()
			addHeading(i+1, m[2])
			para = []string{m[2]}
			paraLine = i + 1
			flush()
			continue
		}
		// A line of = or - under a paragraph line makes that line a
		// heading (setext); under nothing, "---" is a thematic break.
		if len(para) == 1 && setextLine.MatchString(line) && !listOrQuote.MatchString(para[0]) && !strings.Contains(para[0], "|") {
			addHeading(paraLine, strings.TrimSpace(para[0]))
			flush()
			continue
		}
		if len(para) == 0 {
			paraLine = i + 1
		}
		if tableDelim.MatchString(line) && len(para) > 0 && strings.Contains(para[len(para)-1], "|") && strings.Contains(line, "-") {
			t := Table{Line: i, Header: splitRow(para[len(para)-1])}
			for i+1 < len(lines) && strings.Contains(lines[i+1], "|") && strings.TrimSpace(lines[i+1]) != "" {
				i++
				t.Rows = append(t.Rows, Row{Line: i + 1, Cells: splitRow(lines[i])})
			}
			d.Tables = append(d.Tables, t)
			// The table's text still goes through the paragraph pass, for
			// its code spans and links.
			para = append(para, lines[t.Line:i+1]...)
			continue
		}
		para = append(para, line)
	}
	flush()
	return d
}

// addParagraph records the code spans of a paragraph and the paragraph
// itself with those spans blanked out.
func (d *Doc) addParagraph(first int, lines []string) {
	text := strings.Join(lines, "\n")
	blank := []byte(text)
	for i := 0; i < len(text); {
		if text[i] == '\\' && i+1 < len(text) {
			i += 2
			continue
		}
		if text[i] != '`' {
			i++
			continue
		}
		n := runLen(text, i, '`')
		end := closingRun(text, i+n, n)
		if end < 0 {
			i += n // an unmatched run is literal text
			continue
		}
		content := strings.ReplaceAll(text[i+n:end], "\n", " ")
		if len(content) > 2 && content[0] == ' ' && content[len(content)-1] == ' ' && strings.TrimSpace(content) != "" {
			content = content[1 : len(content)-1]
		}
		content = strings.ReplaceAll(content, `\|`, "|")
		d.Spans = append(d.Spans, Span{Line: first + strings.Count(text[:i], "\n"), Text: content})
		for j := i; j < end+n; j++ {
			if blank[j] != '\n' {
				blank[j] = 'x'
			}
		}
		i = end + n
	}
	d.Paragraphs = append(d.Paragraphs, Paragraph{Line: first, Text: string(blank)})
}

func runLen(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

// closingRun returns the offset of the next backtick run of exactly n bytes
// at or after i, or -1.
func closingRun(s string, i, n int) int {
	for i < len(s) {
		if s[i] != '`' {
			i++
			continue
		}
		m := runLen(s, i, '`')
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// splitRow splits a table row on the pipes that separate cells: not an
// escaped \|, and (as GitHub renders it) pipes inside code spans do split
// unless escaped.
func splitRow(line string) []string {
	s := strings.TrimSpace(line)
	s = strings.TrimPrefix(s, "|")
	if strings.HasSuffix(s, "|") && !strings.HasSuffix(s, `\|`) {
		s = s[:len(s)-1]
	}
	var cells []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case s[i] == '|':
			cells = append(cells, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(cells, strings.TrimSpace(s[start:]))
}

var (
	inlineLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	htmlTag    = regexp.MustCompile(`<[^>]+>`)
)

// Slug returns the anchor GitHub makes of a heading's Markdown text, before
// numbering duplicates: the rendered text lower-cased, every character but
// letters, digits, marks, '_', '-' and spaces removed, each space a '-'.
func Slug(text string) string {
	text = inlineLink.ReplaceAllString(text, "$1")
	text = htmlTag.ReplaceAllString(text, "")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || isWordRune(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func uniqueSlug(seen map[string]int, s string) string {
	n, dup := seen[s]
	seen[s] = n + 1
	if !dup {
		return s
	}
	return s + "-" + strconv.Itoa(n)
}

// isWordRune reports whether GitHub keeps r in a slug: letters, digits
// and combining marks of any script.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me, unicode.Nl, unicode.No)
}
