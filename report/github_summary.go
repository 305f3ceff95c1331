package report

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// ghMaxCellLocations is how many locations one table row lists before
// "+N more"; a token copied into a thousand files must not blow the limit.
const ghMaxCellLocations = 3

// ghMaxPathChars bounds one path in a table cell.
const ghMaxPathChars = 200

// ghFindingsTable renders fs as a markdown table in at most budget bytes. It
// returns the table and how many findings did not fit.
func ghFindingsTable(fs []scanner.Finding, budget int) (string, int) {
	var b strings.Builder
	b.WriteString("| # | Kind | Value (redacted) | ClickUp user | Where | Commit | Status |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for i, f := range fs {
		row := ghFindingRow(i+1, f)
		if b.Len()+len(row) > budget {
			return b.String(), len(fs) - i
		}
		b.WriteString(row)
	}
	return b.String(), 0
}

func ghFindingRow(n int, f scanner.Finding) string {
	var where, commits []string
	for i, l := range f.Locations {
		if i == ghMaxCellLocations {
			where = append(where, fmt.Sprintf("+%d more", len(f.Locations)-i))
			break
		}
		p := ghLocation(l)
		if len(p) > ghMaxPathChars {
			p = "…" + p[len(p)-ghMaxPathChars:]
		}
		where = append(where, ghMdText(p))
		if l.Commit != "" && len(commits) < ghMaxCellLocations {
			c := ghMdCode(ghShortSHA(l.Commit))
			if l.Change == "removed" {
				c += " (removed)"
			}
			commits = append(commits, c)
		}
	}
	user := ""
	if f.UserID != "" {
		user = ghMdCode(f.UserID)
	}
	status := "open"
	switch f.Verification {
	case "live":
		status = "**LIVE**"
	case "revoked":
		status = "revoked"
	case "unknown":
		status = "not verified"
	}
	return fmt.Sprintf("| %d | %s | %s | %s | %s | %s | %s |\n", n, KindTitle(f.Kind), ghMdCode(f.Secret.Redacted()), user,
		strings.Join(where, "<br>"), strings.Join(commits, " "), status)
}

// ghRotationSection renders each finding's rotation steps as a collapsible
// block, in at most budget bytes; the findings that do not fit are
// counted.
func ghRotationSection(fs []scanner.Finding, budget int) string {
	var b strings.Builder
	for i, f := range fs {
		d := "<details><summary>" + strconv.Itoa(i+1) + ". " + HeadlineMarkdown(f) + "</summary>\n\n" + GuidanceMarkdown(f) + "\n</details>\n\n"
		if b.Len()+len(d) > budget {
			fmt.Fprintf(&b, "Rotation steps for %d more finding(s) did not fit; run the CLI for them.\n\n", len(fs)-i)
			break
		}
		b.WriteString(d)
	}
	return b.String()
}

// StepSummary renders r as the job summary (GITHUB_STEP_SUMMARY): a table of
// findings, the rotation steps of each kind found, the warnings and the
// counters. The result is at most limit bytes (use StepSummaryLimit): rows
// that do not fit are counted, not shown.
func StepSummary(r Report, limit int) string {
	var head, tail strings.Builder
	n := len(r.Findings)
	switch n {
	case 0:
		head.WriteString("## ClickUp secret scan: no credentials found\n\n")
	default:
		fmt.Fprintf(&head, "## :rotating_light: ClickUp secret scan: %d credential(s) found\n\n", n)
	}
	if r.Mode != "" {
		fmt.Fprintf(&head, "Mode: %s. ", ghMdText(r.Mode))
	}
	fmt.Fprintf(&head, "Scanned %d item(s), %d byte(s); %d placeholder(s) ignored.\n\n", r.Stats.Files, r.Stats.Bytes, r.Stats.Placeholders)

	if n > 0 {
		tail.WriteString("\n### How to rotate\n\n")
		tail.WriteString("A credential that reached a remote is compromised: delete it from the code **and** rotate it.\n\n")
		tail.WriteString(ghRotationSection(r.Findings, limit/4))
	}
	if len(r.Ignored) > 0 {
		fmt.Fprintf(&tail, "%d finding(s) suppressed by ignore rules.\n\n", len(r.Ignored))
	}
	if len(r.Warnings) > 0 || r.Stats.ErrorCount > 0 {
		tail.WriteString("### Warnings\n\n")
		for i, w := range r.Warnings {
			if i == 50 {
				fmt.Fprintf(&tail, "- +%d more\n", len(r.Warnings)-i)
				break
			}
			tail.WriteString("- " + ghMdText(ghTruncate(w, 500)) + "\n")
		}
		if r.Stats.ErrorCount > 0 {
			fmt.Fprintf(&tail, "- %d item(s) could not be scanned in full.\n", r.Stats.ErrorCount)
		}
		tail.WriteString("\n")
	}
	tailStr := ghClip(tail.String(), limit/3)
	if n == 0 {
		return ghClip(head.String()+tailStr, limit)
	}
	const moreNote = 200
	table, left := ghFindingsTable(r.Findings, limit-head.Len()-len(tailStr)-moreNote)
	out := head.String() + table
	if left > 0 {
		out += fmt.Sprintf("\n%d more finding(s) did not fit in the summary; see the SARIF file or run the CLI with --format json.\n", left)
	}
	return ghClip(out+tailStr, limit)
}

func ghTruncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ghClip cuts s to at most limit bytes without splitting a UTF-8 sequence.
func ghClip(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	i := limit
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i]
}

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

var ghStateRE = regexp.MustCompile(`<!-- clickup-secret-scan:state (\[.*?\]) -->`)

// ParseStickyState returns the entries recorded in a sticky comment or
// tracking issue body; nil when there are none or the body was edited
// beyond recognition.
func ParseStickyState(body string) []StickyEntry {
	m := ghStateRE.FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	var es []StickyEntry
	if err := json.Unmarshal([]byte(m[1]), &es); err != nil {
		return nil
	}
	return es
}

func ghStateLine(open []scanner.Finding) string {
	es := make([]StickyEntry, 0, len(open))
	for _, f := range open {
		es = append(es, EntryOf(f))
	}
	// json.Marshal escapes '<' and '>', so the state cannot close the
	// comment early.
	data, _ := json.Marshal(es)
	return ghStateOpen + string(data) + " -->\n"
}

// StickyCommentBody is the body of the one PR comment that lists every
// finding of the PR (on diff lines or not: earlier commits, build output)
// and the ones a later push resolved. notes are extra lines (for example
// that review comments could not be posted).
func StickyCommentBody(open []scanner.Finding, resolved []StickyEntry, notes []string) string {
	var b strings.Builder
	b.WriteString(StickyMarker + "\n")
	b.WriteString(ghStateLine(open))
	if len(open) == 0 {
		b.WriteString("### :white_check_mark: ClickUp secret scan: no credentials in this pull request any more\n\n")
	} else {
		fmt.Fprintf(&b, "### :rotating_light: ClickUp secret scan: %d credential(s) in this pull request\n\n", len(open))
	}
	var tail strings.Builder
	if len(resolved) > 0 {
		tail.WriteString("\n#### Resolved since the last run\n\n")
		for _, e := range resolved {
			fmt.Fprintf(&tail, "- ~~%s %s~~", KindTitle(e.Kind), ghMdCode(e.Redacted))
			if e.UserID != "" {
				fmt.Fprintf(&tail, " (ClickUp user %s)", ghMdCode(e.UserID))
			}
			tail.WriteString(" is no longer in the pull request.\n")
		}
		tail.WriteString("\n**Reminder:** a credential that was pushed stays in the git history and may have been copied: removing it is not enough, it must still be rotated (see the steps in the review comments or the job summary of the run that found it).\n")
	}
	if len(open) > 0 {
		tail.WriteString("\n#### How to rotate\n\n")
		tail.WriteString(ghRotationSection(open, ghIssueBodyLimit/3))
	}
	for _, n := range notes {
		tail.WriteString("\n> " + ghMdText(n) + "\n")
	}
	tailStr := ghClip(tail.String(), ghIssueBodyLimit/2)
	if len(open) > 0 {
		table, left := ghFindingsTable(open, ghIssueBodyLimit-b.Len()-len(tailStr)-200)
		b.WriteString(table)
		if left > 0 {
			fmt.Fprintf(&b, "\n%d more finding(s) did not fit; see the job summary.\n", left)
		}
	}
	return ghClip(b.String()+tailStr, ghIssueBodyLimit)
}

// TrackingIssueTitle is the title of the tracking issue.
const TrackingIssueTitle = "ClickUp credentials found in the git history"

// TrackingIssueBody lists the open history findings of a scheduled scan.
// runURL links the workflow run that found them ("" to omit).
func TrackingIssueBody(open []scanner.Finding, runURL string) string {
	var b strings.Builder
	b.WriteString(TrackingMarker + "\n")
	b.WriteString(ghStateLine(open))
	if len(open) == 0 {
		b.WriteString("The last scheduled scan found no ClickUp credentials in the history: closing.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "The scheduled history scan found %d ClickUp credential(s). ", len(open))
	b.WriteString("Rewriting history does not help once a token was pushed: rotate each one, then add its id to the ignore file if it must stay in old commits.\n\n")
	if runURL != "" {
		b.WriteString("Last run: " + runURL + "\n\n")
	}
	rot := ghRotationSection(open, ghIssueBodyLimit/3)
	table, left := ghFindingsTable(open, ghIssueBodyLimit-b.Len()-len(rot)-300)
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
