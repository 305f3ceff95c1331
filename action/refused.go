package action

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/lazyre"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// refusal is a review comment GitHub refused with a 422. The sticky
// comment keeps every refusal in a hidden marker, so that a re-run does
// not post the same doomed comment again.
//
// The marker is part of a public comment, so it holds the path's SHA-256
// digest, never the path: a file may be named after the very token it
// holds. Path is kept in memory for the notes of this run only.
type refusal struct {
	ID         string `json:"id"`
	PathDigest string `json:"path_sha256"`
	Path       string `json:"-"`
	Line       int    `json:"line"`
	// Reason is GitHub's reason, with token shapes redacted.
	Reason string `json:"reason"`
}

// newRefusal records the refused comment on path at the 1-based line.
func newRefusal(id, path string, line int, reason string) refusal {
	return refusal{ID: id, PathDigest: pathDigest(path), Path: path, Line: line, Reason: scanner.RedactShapesString(reason)}
}

// pathDigest is the hex SHA-256 of a repository path.
func pathDigest(path string) string {
	sum := sha256.Sum256([]byte(path))
	return hex.EncodeToString(sum[:])
}

// refusedKey identifies a review comment by finding, path digest and
// 1-based line: the same finding on another line may well be accepted.
func refusedKey(id, pathDigest string, line int) string {
	return fmt.Sprintf("%s\x00%s\x00%d", id, pathDigest, line)
}

const refusedPrefix = "<!-- clickup-secret-scan:refused "

var refusedRE = lazyre.New(`<!-- clickup-secret-scan:refused (\[.*?\]) -->`)

// maxRefused bounds the marker; a review holds at most 30 comments, so
// this is several runs' worth.
const maxRefused = 100

// parseRefused returns the refusals recorded in a sticky comment body; nil
// when there are none or the marker was edited beyond recognition.
func parseRefused(body string) []refusal {
	m := refusedRE().FindStringSubmatch(body)
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
		where := r.Path
		if where == "" {
			where = "a file" // refused on an earlier run: the marker keeps no path
		}
		out = append(out, fmt.Sprintf("GitHub refused the review comment on %s line %d: %s. The finding is listed above.", where, r.Line, r.Reason))
	}
	return out
}

// restorePaths gives each refusal read back from a marker the path of the
// finding's location whose digest it holds, for the notes; a refusal
// whose location is gone keeps an empty path.
func restorePaths(rs []refusal, fs []scanner.Finding) []refusal {
	for i := range rs {
		for _, f := range fs {
			if f.ID != rs[i].ID {
				continue
			}
			for _, l := range f.Locations {
				if pathDigest(l.Path) == rs[i].PathDigest {
					rs[i].Path = l.Path
				}
			}
		}
	}
	return rs
}

// keepRefused returns the earlier refusals whose finding is still present
// (ids), followed by the new ones.
func keepRefused(before, now []refusal, ids map[string]bool) []refusal {
	var out []refusal
	seen := map[string]bool{}
	for _, r := range append(before, now...) {
		k := refusedKey(r.ID, r.PathDigest, r.Line)
		if !ids[r.ID] || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r)
	}
	return out
}
