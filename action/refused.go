package action

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// refusal is a review comment GitHub refused with a 422. The sticky
// comment keeps every refusal in a hidden marker, so that a re-run does
// not post the same doomed comment again.
type refusal struct {
	ID     string `json:"id"`
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// refusedKey identifies a review comment by finding, path and 1-based line:
// the same finding on another line may well be accepted.
func refusedKey(id, path string, line int) string {
	return fmt.Sprintf("%s\x00%s\x00%d", id, path, line)
}

const refusedPrefix = "<!-- clickup-secret-scan:refused "

var refusedRE = regexp.MustCompile(`<!-- clickup-secret-scan:refused (\[.*?\]) -->`)

// maxRefused bounds the marker; a review holds at most 30 comments, so
// this is several runs' worth.
const maxRefused = 100

// parseRefused returns the refusals recorded in a sticky comment body; nil
// when there are none or the marker was edited beyond recognition.
func parseRefused(body string) []refusal {
	m := refusedRE.FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	var rs []refusal
	if err := json.Unmarshal([]byte(m[1]), &rs); err != nil {
		return nil
	}
	return rs
}

// withRefused appends the hidden marker of rs to a sticky comment body.
// encoding/json escapes '<' and '>', so no path can end the HTML comment.
func withRefused(body string, rs []refusal) string {
	if len(rs) == 0 {
		return body
	}
	if len(rs) > maxRefused {
		rs = rs[len(rs)-maxRefused:]
	}
	data, err := json.Marshal(rs)
	if err != nil {
		return body
	}
	return body + "\n" + refusedPrefix + string(data) + " -->\n"
}

// refusalNotes words each refusal for the sticky comment, which escapes
// them as Markdown text.
func refusalNotes(rs []refusal) []string {
	var out []string
	for i, r := range rs {
		if i == 10 {
			out = append(out, fmt.Sprintf("GitHub refused %d more review comment(s); see the job summary.", len(rs)-i))
			break
		}
		out = append(out, fmt.Sprintf("GitHub refused the review comment on %s line %d: %s. The finding is listed above.", r.Path, r.Line, r.Reason))
	}
	return out
}

// keepRefused returns the earlier refusals whose finding is still present
// (ids), followed by the new ones.
func keepRefused(before, now []refusal, ids map[string]bool) []refusal {
	var out []refusal
	seen := map[string]bool{}
	for _, r := range append(before, now...) {
		k := refusedKey(r.ID, r.Path, r.Line)
		if !ids[r.ID] || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r)
	}
	return out
}
