package report

// Steps as text segments, and the escaping every value from a scan goes
// through before it reaches plain text, markdown or a shell command.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// segKind tells how a piece of a step is rendered.
type segKind int

const (
	// segText is our own prose, safe in plain text and markdown.
	segText segKind = iota
	// segCode is a command or literal to paste (code span in markdown).
	segCode
	// segValue is a value taken from the scan (path, key, username): shown
	// quoted if it holds control characters, a code span in markdown.
	segValue
)

type seg struct {
	kind segKind
	s    string
}

// step is one instruction, built from segments so that plain text and
// markdown render the same words with the right escaping.
type step []seg

func (s step) plain() string {
	var b strings.Builder
	for _, g := range s {
		if g.kind == segValue {
			b.WriteString(display(g.s))
			continue
		}
		b.WriteString(g.s)
	}
	return b.String()
}

func (s step) markdown() string {
	var b strings.Builder
	for _, g := range s {
		switch g.kind {
		case segText:
			b.WriteString(g.s)
		case segCode:
			b.WriteString(codeSpan(g.s))
		case segValue:
			b.WriteString(codeSpan(display(g.s)))
		}
	}
	return b.String()
}

// stepBuilder accumulates segments with a terse API.
type stepBuilder struct{ s step }

func (b *stepBuilder) t(s string) *stepBuilder { b.s = append(b.s, seg{segText, s}); return b }

func (b *stepBuilder) c(s string) *stepBuilder { b.s = append(b.s, seg{segCode, s}); return b }

func (b *stepBuilder) v(s string) *stepBuilder { b.s = append(b.s, seg{segValue, s}); return b }

// values appends vs as values joined by ", ", cut to maxListed with a count
// of the rest.
func (b *stepBuilder) values(vs []string) *stepBuilder {
	for i, v := range vs {
		if i == maxListed {
			b.t(fmt.Sprintf(" and %d more", len(vs)-maxListed))
			break
		}
		if i > 0 {
			b.t(", ")
		}
		b.v(v)
	}
	return b
}

func newStep() *stepBuilder { return &stepBuilder{} }

// owner appends " (user 123, username ada)" for what is known of the
// owner of f's secret, and nothing when neither is known.
func (b *stepBuilder) owner(f scanner.Finding) *stepBuilder {
	if f.UserID == "" && f.Username == "" {
		return b
	}
	b.t(" (")
	if f.UserID != "" {
		b.t("user ").v(f.UserID)
	}
	if f.Username != "" {
		if f.UserID != "" {
			b.t(", ")
		}
		b.t("username ").v(f.Username)
	}
	return b.t(")")
}

// display returns s unchanged when it is printable UTF-8, else quoted with
// Go escapes, so that control characters (newlines, ANSI escapes, bidi
// overrides) in a file name cannot fake output lines or hide text.
func display(s string) string {
	if !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) && r != ' ' {
			return strconv.Quote(s)
		}
	}
	return s
}

// shellQuote quotes s for POSIX shells: unchanged when it holds only safe
// characters, single-quoted when printable, ANSI-C quoted ($'...')
// otherwise so that every byte survives copy and paste.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_./-+@%=:,", r))
	}) < 0 {
		return s
	}
	if display(s) == s {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString("'")
	return b.String()
}

// codeSpan renders s as a markdown code span, with a fence longer than any
// run of backticks inside it.
func codeSpan(s string) string {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || longest > 0 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// signedInAs appends ", signed in as user 123 (ada)" when f names the
// user of its secret, and nothing otherwise.
func (b *stepBuilder) signedInAs(f scanner.Finding) *stepBuilder {
	if f.UserID == "" {
		return b
	}
	b.t(", signed in as user ").v(f.UserID)
	if f.Username != "" {
		b.t(" (").v(f.Username).t(")")
	}
	return b
}

// numberedMarkdown renders steps as a numbered markdown list, one item a
// line ending in a newline, with secret scrubbed from it.
func numberedMarkdown(steps []step, secret scanner.Secret) string {
	var b strings.Builder
	for i, s := range steps {
		fmt.Fprintf(&b, "%d. %s\n", i+1, s.markdown())
	}
	return scrub(b.String(), secret)
}

// scrub replaces every raw occurrence of the given secrets in s by their
// redacted form. Renderers build output from redacted values only; this is
// the second line of defence against a secret that entered through a file
// name, a key or an error message.
func scrub(s string, secrets ...scanner.Secret) string {
	for _, sec := range secrets {
		if raw := sec.Reveal(); len(raw) >= 8 && strings.Contains(s, raw) {
			s = strings.ReplaceAll(s, raw, sec.Redacted())
		}
	}
	return scanner.RedactShapesString(s)
}
