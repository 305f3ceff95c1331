package report

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// ghMaxCellLocations is how many locations one table row lists before
// "+N more"; a token copied into a thousand files must not blow the limit.
const ghMaxCellLocations = 3

// ghMaxPathChars bounds one path in a table cell.
const ghMaxPathChars = 200

// ghMaxReasonChars bounds one ignore reason in a table cell: the reason is
// free text from the ignore file, and one long line must not push the
// other suppressed findings out of the comment.
const ghMaxReasonChars = 300

// ghScrubber cleans the free-text fields of a summary (paths, ignore
// reasons, warnings, notes): each raw secret of the report, also with its
// underscores escaped as markdown, JSON/JS or URL escapes, becomes its
// redacted form, then every other personal-token shape does. It must run
// before a field is markdown-escaped: escaping turns "pk_1234567_X" into
// "pk\_1234567\_X", which the shape redactors that later see the whole
// body (the Action's request and summary writers) no longer recognise,
// though GitHub renders it as the token.
type ghScrubber struct{ sc scanner.Scrubber }

// newGHScrubber builds one scrubber for the secrets of every finding of
// fss, so that cleaning a field costs one pass whatever their number.
func newGHScrubber(fss ...[]scanner.Finding) ghScrubber {
	var secrets []scanner.Secret
	for _, fs := range fss {
		for _, f := range fs {
			secrets = append(secrets, f.Secret)
		}
	}
	return ghScrubber{scanner.NewScrubber(secrets...)}
}

func (sc ghScrubber) clean(s string) string { return sc.sc.String(s) }

// text scrubs s, then escapes it as markdown text.
func (sc ghScrubber) text(s string) string { return ghMdText(sc.clean(s)) }

// ghFindingsOf returns the findings of ig, for the scrubber.
func ghFindingsOf(ig []Ignored) []scanner.Finding {
	out := make([]scanner.Finding, len(ig))
	for i, x := range ig {
		out[i] = x.Finding
	}
	return out
}

// ghFindingsTable renders fs as a markdown table in at most budget bytes. It
// returns the table and how many findings did not fit.
func ghFindingsTable(fs []scanner.Finding, budget int, sc ghScrubber) (string, int) {
	var b strings.Builder
	b.WriteString("| # | Kind | Value (redacted) | ClickUp user | Where | Commit | Status |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for i, f := range fs {
		row := ghFindingRow(i+1, f, sc)
		if b.Len()+len(row) > budget {
			return b.String(), len(fs) - i
		}
		b.WriteString(row)
	}
	return b.String(), 0
}

func ghFindingRow(n int, f scanner.Finding, sc ghScrubber) string {
	where, commits := ghWhere(f, sc)
	status := "open"
	switch f.Verification {
	case scanner.VerifiedLive:
		status = "**LIVE**"
	case scanner.VerifiedRevoked:
		status = "revoked"
	case scanner.VerifiedUnknown:
		status = "not verified"
	}
	return fmt.Sprintf("| %d | %s | %s | %s | %s | %s | %s |\n", n, KindTitle(f.Kind), ghMdCode(f.Secret.Redacted()), ghUser(f),
		where, commits, status)
}

// ghSuppressedTable renders the suppressed findings ig as a markdown table
// in at most budget bytes, each with the reason of the rule that hid it. It
// returns the table and how many did not fit.
func ghSuppressedTable(ig []Ignored, budget int, sc ghScrubber) (string, int) {
	var b strings.Builder
	b.WriteString("| # | Kind | Value (redacted) | ClickUp user | Where | Commit | Reason |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for i, x := range ig {
		where, commits := ghWhere(x.Finding, sc)
		row := fmt.Sprintf("| %d | %s | %s | %s | %s | %s | %s |\n", i+1, KindTitle(x.Finding.Kind), ghMdCode(x.Finding.Secret.Redacted()),
			ghUser(x.Finding), where, commits, ghReason(x.Reason, sc))
		if b.Len()+len(row) > budget {
			return b.String(), len(ig) - i
		}
		b.WriteString(row)
	}
	return b.String(), 0
}

// ghReason renders an ignore reason for a table cell. It is scrubbed before
// it is cut, so that a cut never leaves part of a secret the scrubber
// would have recognised whole.
func ghReason(reason string, sc ghScrubber) string {
	r := sc.clean(reason)
	if len(r) > ghMaxReasonChars {
		r = ghClip(r, ghMaxReasonChars) + "…"
	}
	if strings.TrimSpace(r) == "" {
		return "(no reason given)"
	}
	return ghMdText(r)
}

func ghUser(f scanner.Finding) string {
	if f.UserID == "" {
		return ""
	}
	return ghMdCode(f.UserID)
}

// ghWhere renders the locations of f for a table row: at most
// ghMaxCellLocations escaped paths, and their commits.
func ghWhere(f scanner.Finding, sc ghScrubber) (where, commits string) {
	var ws, cs []string
	for i, l := range f.Locations {
		if i == ghMaxCellLocations {
			ws = append(ws, fmt.Sprintf("+%d more", len(f.Locations)-i))
			break
		}
		p := sc.clean(ghLocation(l))
		if len(p) > ghMaxPathChars {
			// Keep the end, which names the file, on a rune boundary.
			cut := len(p) - ghMaxPathChars
			for cut < len(p) && !utf8.RuneStart(p[cut]) {
				cut++
			}
			p = "…" + p[cut:]
		}
		ws = append(ws, ghMdText(p))
		if l.Commit != "" && len(cs) < ghMaxCellLocations {
			c := ghMdCode(ghShortSHA(l.Commit))
			if l.Change == scanner.Removed {
				c += " (removed)"
			}
			cs = append(cs, c)
		}
	}
	return strings.Join(ws, "<br>"), strings.Join(cs, " ")
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

// ghSuppressedSection renders the section that lists the suppressed
// findings ig, in at most budget bytes (the table is cut, the intro is
// not). open are the findings still reported, to say when a credential
// appears in both lists; more says where to find the rows that did not
// fit.
func ghSuppressedSection(ig []Ignored, open []scanner.Finding, title, intro, more string, budget int, sc ghScrubber) string {
	if len(ig) == 0 {
		return ""
	}
	ids := make(map[string]bool, len(open))
	for _, f := range open {
		ids[f.ID] = true
	}
	if slices.ContainsFunc(ig, func(x Ignored) bool { return ids[x.Finding.ID] }) {
		intro += " A credential listed both here and among the open findings is suppressed at some of its locations only."
	}
	head := title + "\n\n" + intro + "\n\n"
	moreNote := func(n int) string { return fmt.Sprintf("\n%d more suppressed finding(s) did not fit; %s.\n", n, more) }
	table, left := ghSuppressedTable(ig, budget-len(head)-len(moreNote(len(ig))), sc)
	s := head + table
	if left > 0 {
		s += moreNote(left)
	}
	return s + "\n"
}

// ghIgnoreIntro says, in the job summary, what a suppressed finding is.
// The PR comment has its own, which adds where a PR's rules come from.
const ghIgnoreIntro = "These credentials were found, but an ignore rule or an inline `clickup-secret-scan:allow` marker hides them from the result and the exit code. " +
	"Ignoring a credential does not make it safe: check each reason, and rotate any credential that is real."

// StepSummary renders r as the job summary (GITHUB_STEP_SUMMARY): a table of
// findings, a table of the findings suppressed by ignore rules with their
// reasons, the rotation steps of each finding, the warnings and the
// counters. The result is at most limit bytes (use StepSummaryLimit): rows
// that do not fit are counted, not shown.
func StepSummary(r Report, limit int) string {
	sc := newGHScrubber(r.Findings, ghFindingsOf(r.Ignored))
	var head, tail strings.Builder
	n, ni := len(r.Findings), len(r.Ignored)
	switch {
	case n == 0 && ni == 0:
		head.WriteString("## ClickUp secret scan: no credentials found\n\n")
	case n == 0:
		fmt.Fprintf(&head, "## :warning: ClickUp secret scan: no open credentials; %d suppressed by ignore rules, review them\n\n", ni)
	case ni == 0:
		fmt.Fprintf(&head, "## :rotating_light: ClickUp secret scan: %d credential(s) found\n\n", n)
	default:
		fmt.Fprintf(&head, "## :rotating_light: ClickUp secret scan: %d credential(s) found; %d suppressed by ignore rules\n\n", n, ni)
	}
	if r.Mode != "" {
		fmt.Fprintf(&head, "Mode: %s. ", ghMdText(string(r.Mode)))
	}
	fmt.Fprintf(&head, "Scanned %d item(s), %d byte(s); %d placeholder(s) ignored.\n\n", r.Stats.Files, r.Stats.Bytes, r.Stats.Placeholders)

	sup := ghSuppressedSection(r.Ignored, r.Findings, "### Suppressed by ignore rules: review these", ghIgnoreIntro,
		"run the CLI with --format json to list them all", limit/4, sc)
	if n > 0 {
		tail.WriteString("\n### How to rotate\n\n")
		tail.WriteString("A credential that reached a remote is compromised: delete it from the code **and** rotate it.\n\n")
		tail.WriteString(ghRotationSection(r.Findings, limit/4))
	}
	if len(r.Warnings) > 0 || r.Stats.ErrorCount > 0 {
		tail.WriteString("### Warnings\n\n")
		for i, w := range r.Warnings {
			if i == 50 {
				fmt.Fprintf(&tail, "- +%d more\n", len(r.Warnings)-i)
				break
			}
			tail.WriteString("- " + ghMdText(ghTruncate(sc.clean(w), 500)) + "\n")
		}
		if r.Stats.ErrorCount > 0 {
			fmt.Fprintf(&tail, "- %d item(s) could not be scanned in full.\n", r.Stats.ErrorCount)
		}
		tail.WriteString("\n")
	}
	tailStr := ghClip(tail.String(), limit/3)
	if n == 0 {
		return ghClip(head.String()+sup+tailStr, limit)
	}
	const moreNote = 200
	table, left := ghFindingsTable(r.Findings, limit-head.Len()-len(sup)-len(tailStr)-moreNote, sc)
	out := head.String() + table
	if left > 0 {
		out += fmt.Sprintf("\n%d more finding(s) did not fit in the summary; see the SARIF file or run the CLI with --format json.\n", left)
	}
	if sup != "" {
		out += "\n" + sup
	}
	return ghClip(out+tailStr, limit)
}

// ghTruncate cuts s to n bytes, on a rune boundary, and marks the cut.
func ghTruncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return ghClip(s, n) + "…"
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

// StickyCommentBody is the body of the one PR comment that lists every
// finding of the PR (on diff lines or not: earlier commits, build output),
// the findings that ignore rules suppress, and the ones a later push
// resolved. Ignore rules come from the PR's own tree, so a PR can suppress
// its own leak: the suppressed findings get their own section, with the
// reason of each, for the reviewers. notes are extra lines (for example
// that review comments could not be posted).
func StickyCommentBody(open []scanner.Finding, suppressed []Ignored, resolved []StickyEntry, notes []string) string {
	supFindings := ghFindingsOf(suppressed)
	sc := newGHScrubber(open, supFindings)
	var b strings.Builder
	b.WriteString(StickyMarker + "\n")
	// The state remembers the suppressed findings too: one that a later
	// push removes for good is then listed as resolved.
	b.WriteString(ghStateLine(open, supFindings))
	switch {
	case len(open) == 0 && len(suppressed) == 0:
		b.WriteString("### :white_check_mark: ClickUp secret scan: no credentials in this pull request any more\n\n")
	case len(open) == 0:
		fmt.Fprintf(&b, "### :warning: ClickUp secret scan: no open credentials; %d suppressed by ignore rules in this pull request, review them\n\n", len(suppressed))
	case len(suppressed) == 0:
		fmt.Fprintf(&b, "### :rotating_light: ClickUp secret scan: %d credential(s) in this pull request\n\n", len(open))
	default:
		fmt.Fprintf(&b, "### :rotating_light: ClickUp secret scan: %d credential(s) in this pull request; %d suppressed by ignore rules, review them\n\n", len(open), len(suppressed))
	}

	intro := "These credentials are in the pull request's commits, but an ignore rule or an inline `clickup-secret-scan:allow` marker hides them from the result and the exit code. " +
		"The rules are read from the pull request's own tree, so a pull request can hide its own leak: check each reason below and every change to the ignore file (`.clickup-secret-scan-ignore` by default). " +
		"Ignoring a credential does not make it safe: rotate any credential that is real."
	sup := ghSuppressedSection(suppressed, open, "#### Suppressed by ignore rules in this pull request: review these", intro,
		"see the job summary", ghIssueBodyLimit/4, sc)

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
		tail.WriteString("\n> " + sc.text(n) + "\n")
	}
	tailStr := ghClip(tail.String(), ghIssueBodyLimit/2)
	if len(open) > 0 {
		table, left := ghFindingsTable(open, ghIssueBodyLimit-b.Len()-len(sup)-len(tailStr)-200, sc)
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
	table, left := ghFindingsTable(open, ghIssueBodyLimit-b.Len()-len(rot)-300, newGHScrubber(open))
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
