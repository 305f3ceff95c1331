package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/lazyre"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// GitHub limits that shape the renderers below (see DESIGN.md, "GitHub
// facts").
const (
	// AnnotationLimit is how many error annotations one step may emit;
	// GitHub drops the rest silently.
	AnnotationLimit = 10
	// StepSummaryLimit is the size of GITHUB_STEP_SUMMARY GitHub accepts
	// for one step, in bytes.
	StepSummaryLimit = 1 << 20
	// ReviewCommentLimit is the largest number of comments the Action puts
	// in one PR review.
	ReviewCommentLimit = 30
	// ghIssueBodyLimit is the largest issue or comment body GitHub accepts,
	// in characters.
	ghIssueBodyLimit = 65536
)

// ghMarkerPrefix starts every hidden marker the Action writes into the
// comments it posts, so that a later run can recognise them.
const ghMarkerPrefix = "<!-- clickup-secret-scan:"

// ReviewMarker returns the hidden marker that ties a review comment to the
// finding with the given id (the hex SHA-256 of the secret).
func ReviewMarker(findingID string) string {
	return ghMarkerPrefix + findingID + " -->"
}

// StickyMarker marks the one PR comment the Action edits in place.
const StickyMarker = ghMarkerPrefix + "sticky -->"

// TrackingMarker marks the tracking issue of scheduled history scans.
const TrackingMarker = ghMarkerPrefix + "tracking -->"

var ghReviewMarkerRE = lazyre.New(`<!-- clickup-secret-scan:([0-9a-f]{64}) -->`)

// ReviewMarkers returns the finding ids marked in body, in order.
func ReviewMarkers(body string) []string {
	var ids []string
	for _, m := range ghReviewMarkerRE().FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// ghLocation is a plain-text position: path, archive member, line, column.
func ghLocation(l scanner.Location) string {
	var b strings.Builder
	b.WriteString(l.Path)
	pathless := l.Path == "" && l.Object != ""
	if pathless {
		// A message or pull request text: its name leads, as no file does.
		b.WriteString(string(l.Object))
	}
	if l.InnerPath != "" {
		b.WriteString("!/" + l.InnerPath)
	}
	if l.Line > 0 {
		b.WriteString(":" + strconv.Itoa(l.Line))
		if l.Column > 0 {
			b.WriteString(":" + strconv.Itoa(l.Column))
		}
	}
	if l.Object != "" && !pathless {
		b.WriteString(" (" + string(l.Object) + ")")
	}
	return b.String()
}

// RankForAnnotations returns a copy of fs in the order annotations show
// them: verified live first, then personal tokens, then the other kinds.
func RankForAnnotations(fs []scanner.Finding) []scanner.Finding {
	out := slices.Clone(fs)
	scanner.SortFindings(out)
	return out
}

// WriteAnnotations issues one error annotation per finding, on the file and
// line of its first location, through gha (which escapes every property, so
// a hostile file name cannot inject a workflow command). At most limit
// annotations are written, ranked by RankForAnnotations; when findings are
// left over, a notice says how many and points to the job summary. It
// returns the number of error annotations written.
func WriteAnnotations(gha *githubactions.Action, fs []scanner.Finding, limit int) int {
	ranked := RankForAnnotations(fs)
	n := 0
	for _, f := range ranked {
		if n == limit {
			break
		}
		fields := map[string]string{"title": KindTitle(f.Kind)}
		if l, ok := ghAnnotationLocation(f); ok {
			// A file name can hold anything, the secret included.
			fields["file"] = scrub(l.Path, f.Secret)
			// An annotation cannot point inside an archive: it is attached
			// to the archive and the message names the member.
			if l.InnerPath == "" {
				if l.Line > 0 {
					fields["line"] = strconv.Itoa(l.Line)
				}
				if c := ColumnUTF16(l); c > 0 {
					fields["col"] = strconv.Itoa(c)
				}
			}
		}
		gha.WithFieldsMap(fields).Errorf("%s", AnnotationMessage(f))
		n++
	}
	if rest := len(ranked) - n; rest > 0 {
		gha.Noticef("+%d more ClickUp credential finding(s), see the job summary", rest)
	}
	return n
}

// ghAnnotationLocation picks the location an annotation points at: the first
// one that is still in the checked-out tree, else the first one.
func ghAnnotationLocation(f scanner.Finding) (scanner.Location, bool) {
	if len(f.Locations) == 0 {
		return scanner.Location{}, false
	}
	for _, l := range f.Locations {
		if l.Path != "" && l.Object == "" && (l.AtHead == nil || *l.AtHead) && l.Change != scanner.Removed {
			return l, true
		}
	}
	return f.Locations[0], f.Locations[0].Path != ""
}

// AnnotationMessage is the text of f's annotation: what leaked, where else
// it was seen, and the first rotation step.
func AnnotationMessage(f scanner.Finding) string {
	var b strings.Builder
	b.WriteString(Headline(f))
	if l, ok := ghAnnotationLocation(f); ok && l.InnerPath != "" {
		b.WriteString(" in archive member " + l.InnerPath)
	}
	if n := len(f.Locations); n > 1 {
		fmt.Fprintf(&b, "; seen at %d locations", n)
	}
	if f.Locations != nil && f.Locations[0].Commit != "" {
		b.WriteString("; committed in " + ghShortSHA(f.Locations[0].Commit))
	}
	if steps := Guidance(f); len(steps) > 0 {
		b.WriteString(". First step: " + steps[0])
	}
	return scrub(b.String(), f.Secret)
}

func ghShortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// ghMdText escapes s for use as plain text in GitHub-flavoured markdown, in a
// table cell too: file names are attacker-controlled and must render as
// text, not as links, HTML or table structure.
func ghMdText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '{', '}', '[', ']', '(', ')', '#', '+', '-', '!', '|', '~', '>', '<', '&', '@', ':':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ghMdCode renders a redacted secret or an id as inline code. Redacted forms
// hold only letters, digits, '_' and '…', so they cannot close the span.
func ghMdCode(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}

// ReviewCommentBody is the body of the review comment on the line of f
// that holds it at the pull request's head: the headline, at most three
// rotation steps, the commands in a collapsible footnote, and the hidden
// marker that lets a later run skip it. The finding id is in the marker
// only: a reviewer has no use for 64 hex digits.
func ReviewCommentBody(f scanner.Finding) string {
	var b strings.Builder
	b.WriteString(ReviewMarker(f.ID) + "\n")
	b.WriteString("🚨 " + HeadlineMarkdown(f) + "\n\n")
	b.WriteString("This line holds it, and it was pushed: deleting the line does not revoke it.\n\n")
	b.WriteString(shortMarkdown(f) + "\n")
	b.WriteString(rotationFootnote([]scanner.Finding{f}))
	return scrub(strings.TrimRight(b.String(), "\n")+"\n", f.Secret)
}
