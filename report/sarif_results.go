package report

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// sarifOmitted is a finding location left out of the results because it is
// in a commit or tag message, which code scanning cannot place: GitHub
// requires a file path in each result's artifactLocation.
type sarifOmitted struct {
	ID     string `json:"id"`
	RuleID string `json:"ruleId"`
	// Object is "commit-message", "tag-message", "pr-title" or "pr-body".
	Object string `json:"object"`
	Commit string `json:"commit,omitempty"`
	// Ref is the tag of a tag message.
	Ref string `json:"ref,omitempty"`
	// Redacted is the redacted secret, as every other report shows it.
	Redacted string `json:"redacted"`
}

// splitFileless returns f without its locations in no file (commit and
// tag messages, a pull request's title and body), and those locations as
// omitted entries.
func splitFileless(f sarifFinding) (sarifFinding, []sarifOmitted) {
	var keep []scanner.Location
	var om []sarifOmitted
	for _, l := range f.locations {
		switch l.Object {
		case scanner.ObjectCommitMessage, scanner.ObjectTagMessage, scanner.ObjectPRTitle, scanner.ObjectPRBody:
		default:
			keep = append(keep, l)
			continue
		}
		o := sarifOmitted{ID: f.id, RuleID: f.kind.Rule(), Object: string(l.Object), Commit: l.Commit, Redacted: f.redacted}
		if l.Object == scanner.ObjectTagMessage {
			o.Ref = scrub(l.Path, f.secret)
		}
		om = append(om, o)
	}
	f.locations = keep
	return f, om
}

// sarifResults returns one result per location of f. sup, when set, marks
// the results as suppressed by an ignore rule.
func sarifResults(f sarifFinding, ruleIndex map[scanner.Kind]int, sup *sarifSuppression) []sarifResult {
	idx, ok := ruleIndex[f.kind]
	if !ok {
		idx = 0
	}
	headline, hint := sarifEscape(f.headline), sarifEscape(f.hint)
	var out []sarifResult
	for _, l := range f.locations {
		line := max(l.Line, 1)
		col := max(ColumnUTF16(l), 1)
		res := sarifResult{
			RuleID:    f.kind.Rule(),
			RuleIndex: idx,
			Level:     "error",
			Message:   sarifText{Text: sarifMessage(headline, hint, l)},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: sarifURI(scrub(l.Path, f.secret))},
				Region:           sarifRegion{StartLine: line, StartColumn: col, EndLine: line, EndColumn: col + max(f.secretLen, 1)},
			}}},
			PartialFingerprints: map[string]string{
				FingerprintSecret:   f.id,
				FingerprintLocation: locationHash(f.id, l),
			},
			Properties: sarifProperties(f, l),
		}
		if sup != nil {
			res.Suppressions = []sarifSuppression{*sup}
		}
		out = append(out, res)
	}
	return out
}

func locationHash(id string, l scanner.Location) string {
	sum := sha256.Sum256([]byte(id + "\x00" + l.Path + "\x00" + l.InnerPath + "\x00" + string(l.Object)))
	return hex.EncodeToString(sum[:])
}

func sarifProperties(f sarifFinding, l scanner.Location) map[string]any {
	p := map[string]any{
		"kind":     string(f.kind),
		"severity": f.kind.Severity(),
		"redacted": f.redacted,
		"source":   l.Source,
	}
	set := func(k, v string) {
		if v != "" {
			p[k] = v
		}
	}
	set("userId", f.userID)
	set("verification", string(f.verification))
	set("username", f.username)
	set("repository", l.Repository)
	set("innerPath", l.InnerPath)
	set("encoding", l.Encoding)
	set("key", l.Key)
	set("commit", l.Commit)
	set("author", l.Author)
	set("date", l.Date)
	set("change", string(l.Change))
	set("object", string(l.Object))
	if l.AtHead != nil {
		p["atHead"] = *l.AtHead
	}
	if l.Unreachable {
		p["unreachable"] = true
	}
	return p
}

// sarifMessage says what was found where, and what to do first. headline
// and hint come escaped; every value from the scan is escaped too, so that
// it cannot form a SARIF embedded link.
func sarifMessage(headline, hint string, l scanner.Location) string {
	var b strings.Builder
	b.WriteString(headline)
	switch {
	case l.Object == scanner.ObjectBlob:
		b.WriteString(". Found in blob " + sarifEscape(display(l.Path)) + ", which no branch or tag reaches")
	case l.Path == "":
		b.WriteString(". Found")
	default:
		b.WriteString(". Found in " + sarifEscape(display(l.Path)))
	}
	if l.InnerPath != "" {
		b.WriteString(", archive member " + sarifEscape(display(l.InnerPath)))
	}
	if l.Object != "" && l.Object != scanner.ObjectBlob {
		b.WriteString(", in the " + sarifEscape(display(string(l.Object))))
	}
	if l.Encoding != "" {
		b.WriteString(", " + sarifEscape(display(l.Encoding)) + "-encoded")
	}
	if l.Commit != "" {
		verb := "introduced in"
		if l.Change == scanner.Removed {
			verb = "removed in"
		}
		b.WriteString(", " + verb + " commit " + sarifEscape(display(shortCommit(l.Commit))))
	}
	if l.Source == scanner.SourceHistory {
		b.WriteString(" (git history)")
	}
	b.WriteString(". Next: " + hint + ".")
	return b.String()
}

// sarifEscaper escapes "[" and "]", which start embedded links in SARIF
// plain-text messages (SARIF 2.1.0 section 3.11.6).
var sarifEscaper = strings.NewReplacer(`[`, `\[`, `]`, `\]`)

// sarifEscape makes s literal text in a SARIF message.
func sarifEscape(s string) string {
	return sarifEscaper.Replace(s)
}

// sarifURI turns a slash-separated path into a URI reference: each segment
// percent-encoded (":" too, so that "c:x" cannot read as a scheme), and
// absolute paths as file:// URIs. Relative paths stay relative, as GitHub
// code scanning resolves them against the repository root.
func sarifURI(p string) string {
	if p == "" {
		return "."
	}
	abs := strings.HasPrefix(p, "/")
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	u := strings.Join(parts, "/")
	if abs {
		return "file:///" + u
	}
	return u
}

// ColumnUTF16 returns the 1-based column of l in UTF-16 code units, the
// unit of SARIF's utf16CodeUnits and of GitHub annotations. Where the
// scanner could not count it (a match more than 256 KiB into a line that
// began in an earlier window), the byte column stands in: exact on ASCII lines,
// which is what such lines in minified bundles are.
func ColumnUTF16(l scanner.Location) int {
	if l.ColumnUTF16 > 0 {
		return l.ColumnUTF16
	}
	return l.Column
}
