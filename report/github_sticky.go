package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/lazyre"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// StickyEntry is what the sticky PR comment remembers about a finding
// between runs, so that a later run can say which ones were resolved. It
// holds only the redacted form.
type StickyEntry struct {
	ID       string       `json:"id"`
	Kind     scanner.Kind `json:"kind"`
	Redacted string       `json:"redacted"`
	UserID   string       `json:"user_id,omitempty"`
}

// EntryOf returns the StickyEntry of f.
func EntryOf(f scanner.Finding) StickyEntry {
	return StickyEntry{ID: f.ID, Kind: f.Kind, Redacted: f.Secret.Redacted(), UserID: f.UserID}
}

const ghStateOpen = ghMarkerPrefix + "state "

var ghStateRE = lazyre.New(`<!-- clickup-secret-scan:state (\[.*?\]) -->`)

// ParseStickyState returns the entries recorded in a sticky comment or
// tracking issue body; nil when there are none or the body was edited
// beyond recognition.
func ParseStickyState(body string) []StickyEntry {
	m := ghStateRE().FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	var es []StickyEntry
	if err := json.Unmarshal([]byte(m[1]), &es); err != nil {
		return nil
	}
	return es
}

// ghStateLimit bounds the hidden state line. Each entry takes about 150
// bytes, so a PR with a few hundred findings would otherwise fill the whole
// comment with state and clip the part people read; past the limit the
// later entries are dropped, which only costs their "resolved" line should
// they go away.
const ghStateLimit = ghIssueBodyLimit / 4

// ghStateLine records the findings of each of fss, once per id and in
// order, in at most ghStateLimit bytes.
func ghStateLine(fss ...[]scanner.Finding) string {
	es := []StickyEntry{}
	seen := map[string]bool{}
	size := len(ghStateOpen) + len("[] -->\n")
fill:
	for _, fs := range fss {
		for _, f := range fs {
			if seen[f.ID] {
				continue
			}
			e := EntryOf(f)
			data, _ := json.Marshal(e)
			if size+len(data)+1 > ghStateLimit {
				break fill
			}
			seen[f.ID] = true
			size += len(data) + 1
			es = append(es, e)
		}
	}
	// json.Marshal escapes '<' and '>', so the state cannot close the
	// comment early.
	data, _ := json.Marshal(es)
	return ghStateOpen + string(data) + " -->\n"
}

// Sticky is what the one PR comment the Action edits in place shows.
type Sticky struct {
	// Findings are the findings of the pull request. Those that are no
	// longer in the code at its head (see InCode) are listed as removed
	// from the code, still exposed.
	Findings []scanner.Finding
	// Removed are findings the caller knows are no longer in the code at
	// the head, whatever their locations say. They are listed and counted
	// like the findings no longer in the code.
	Removed []scanner.Finding
	// Suppressed are the findings that ignore rules hide, with the reason
	// of each.
	Suppressed []Ignored
	// Vanished are findings an earlier run listed that this run no longer
	// finds in the pull request's commits at all (a force-push rewrote
	// them). They were pushed: the comment still asks to rotate them.
	Vanished []StickyEntry
	// Notes are extra lines (for example that review comments could not be
	// posted).
	Notes []string
	// Links builds the links to file lines and commits.
	Links Links
}

// StickyCommentBody is the body of the one PR comment that lists every
// finding of the PR (on diff lines or not: earlier commits, build output),
// those no longer in the code (pushed all the same), the findings that
// ignore rules suppress, and the ones an earlier run listed that are gone
// from the commits. Its headline counts every finding, as the Action's
// findings output does. Ignore rules come from the PR's own tree, so a PR
// can suppress its own leak: the suppressed findings get their own
// section, with the reason of each, for the reviewers.
func StickyCommentBody(s Sticky) string {
	all := append(slices.Clone(s.Findings), s.Removed...)
	removedIDs := map[string]bool{}
	for _, f := range s.Removed {
		removedIDs[f.ID] = true
	}
	// A finding the caller says is removed renders as one: every location
	// marked gone from the head.
	for i, f := range all {
		if removedIDs[f.ID] && InCode(f) {
			f.Locations = slices.Clone(f.Locations)
			for j := range f.Locations {
				f.Locations[j].AtHead = new(bool)
			}
			all[i] = f
		}
	}
	supFindings := ghFindingsOf(s.Suppressed)
	sc := newGHScrubber(all, supFindings)
	var b strings.Builder
	b.WriteString(StickyMarker + "\n")
	// The state remembers the suppressed findings too: one that a later
	// push removes for good is then listed as vanished.
	b.WriteString(ghStateLine(all, supFindings))
	n, ns := len(all), len(s.Suppressed)
	removed := ghRemovedNote(ghRemovedCount(all))
	switch {
	case n == 0 && ns == 0:
		b.WriteString("### \u2705 ClickUp secret scan: no credentials in this pull request any more\n\n")
	case n == 0:
		fmt.Fprintf(&b, "### \u26a0\ufe0f ClickUp secret scan: no open credentials; %d suppressed by ignore rules in this pull request, review them\n\n", ns)
	case ns == 0:
		fmt.Fprintf(&b, "### \U0001F6A8 ClickUp secret scan: %d credential(s) in this pull request%s\n\n", n, removed)
	default:
		fmt.Fprintf(&b, "### \U0001F6A8 ClickUp secret scan: %d credential(s) in this pull request%s; %d suppressed by ignore rules, review them\n\n", n, removed, ns)
	}
	if n > 0 {
		b.WriteString(ghRotateFirst)
	}

	intro := "These credentials are in the pull request's commits, but an ignore rule or an inline `clickup-secret-scan:allow` marker hides them from the result and the exit code. " +
		"The rules are read from the pull request's own tree, so a pull request can hide its own leak: check each reason below and every change to the ignore file (`.clickup-secret-scan-ignore` by default). " +
		"Ignoring a credential does not make it safe: rotate any credential that is real."
	sup := ghSuppressedSection(s.Suppressed, all, "#### Suppressed by ignore rules in this pull request: review these", intro,
		"see the job summary", ghIssueBodyLimit/4, sc, s.Links)

	var tail strings.Builder
	if n > 0 {
		tail.WriteString("\n#### How to rotate\n\n")
		tail.WriteString(rotationSection(all, ghIssueBodyLimit/3))
	}
	if len(s.Vanished) > 0 {
		tail.WriteString("\n#### No longer in the pull request's commits\n\n")
		tail.WriteString("An earlier run found these; the commits that held them are gone, but they were pushed: rotate each one if you have not.\n\n")
		for i, e := range s.Vanished {
			if i == 50 {
				fmt.Fprintf(&tail, "- +%d more\n", len(s.Vanished)-i)
				break
			}
			fmt.Fprintf(&tail, "- %s %s", KindTitle(e.Kind), ghMdCode(e.Redacted))
			if e.UserID != "" {
				fmt.Fprintf(&tail, " (ClickUp user %s)", ghMdCode(e.UserID))
			}
			tail.WriteString("\n")
		}
	}
	for _, note := range s.Notes {
		tail.WriteString("\n> " + sc.text(note) + "\n")
	}
	tailStr := ghClip(tail.String(), ghIssueBodyLimit/2)
	if n > 0 {
		table, left := ghFindingsTable(all, ghIssueBodyLimit-b.Len()-len(sup)-len(tailStr)-200, sc, s.Links)
		b.WriteString(table)
		if left > 0 {
			fmt.Fprintf(&b, "\n%d more finding(s) did not fit; see the job summary.\n", left)
		}
		if sup != "" {
			b.WriteString("\n")
		}
	}
	b.WriteString(sup)
	return ghClip(b.String()+tailStr, ghIssueBodyLimit)
}

// TrackingIssueTitle is the title of the tracking issue.
const TrackingIssueTitle = "ClickUp credentials found in the git history"

// TrackingIssueBody lists the history findings of a scheduled scan, with
// links from lk. runURL links the workflow run that found them ("" to
// omit).
func TrackingIssueBody(open []scanner.Finding, runURL string, lk Links) string {
	var b strings.Builder
	b.WriteString(TrackingMarker + "\n")
	b.WriteString(ghStateLine(open))
	if len(open) == 0 {
		b.WriteString("The last scheduled scan found no ClickUp credentials in the history: closing.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "The scheduled history scan found %d ClickUp credential(s)%s. ", len(open), ghRemovedNote(ghRemovedCount(open)))
	b.WriteString("Each one was pushed, so rotate it first; rewriting history is optional and revokes nothing. Once rotated, add its id (in the SARIF file, or from the CLI with `--format json`) to the ignore file if it must stay in old commits.\n\n")
	if runURL != "" {
		b.WriteString("Last run: " + runURL + "\n\n")
	}
	rot := rotationSection(open, ghIssueBodyLimit/3)
	table, left := ghFindingsTable(open, ghIssueBodyLimit-b.Len()-len(rot)-300, newGHScrubber(open), lk)
	b.WriteString(table)
	if left > 0 {
		fmt.Fprintf(&b, "\n%d more finding(s) did not fit; see the run's job summary.\n", left)
	}
	b.WriteString("\n### How to rotate\n\n" + rot)
	return ghClip(b.String(), ghIssueBodyLimit)
}

// ChecklistSummary wraps the text checklist of mode audit for the job
// summary, cut to limit bytes.
func ChecklistSummary(text string, limit int) string {
	const head, tail = "## ClickUp security checklist\n\n~~~~text\n", "\n~~~~\n"
	// A fence inside the text must not end the block early.
	text = strings.ReplaceAll(text, "~~~~", "~ ~ ~ ~")
	return head + ghClip(text, limit-len(head)-len(tail)) + tail
}
