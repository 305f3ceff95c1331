package report

import (
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
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

// ghFindingsTable renders fs as a markdown table in at most budget bytes,
// with links to file lines and commits when lk can build them. It returns
// the table and how many findings did not fit.
func ghFindingsTable(fs []scanner.Finding, budget int, sc ghScrubber, lk Links) (string, int) {
	var b strings.Builder
	b.WriteString("| # | Kind | Value (redacted) | ClickUp user | Where | Commit |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for i, f := range fs {
		row := ghFindingRow(i+1, f, sc, lk)
		if b.Len()+len(row) > budget {
			return b.String(), len(fs) - i
		}
		b.WriteString(row)
	}
	return b.String(), 0
}

// ghFindingRow is one row of the findings table. What ClickUp said about
// the value goes with its kind; a finding no longer in the code says so in
// its Where cell, since it is exposed all the same.
func ghFindingRow(n int, f scanner.Finding, sc ghScrubber, lk Links) string {
	where, commits := ghWhere(f, sc, lk)
	kind := KindTitle(f.Kind)
	switch f.Verification {
	case scanner.VerifiedLive:
		kind = "**LIVE** " + kind
	case scanner.VerifiedRevoked:
		kind += " (revoked)"
	}
	if !InCode(f) {
		where += "<br>**removed from the code, still exposed: rotate**"
	}
	return fmt.Sprintf("| %d | %s | %s | %s | %s | %s |\n", n, kind, ghMdCode(f.Secret.Redacted()), ghUser(f), where, commits)
}

// ghSuppressedTable renders the suppressed findings ig as a markdown table
// in at most budget bytes, each with the reason of the rule that hid it. It
// returns the table and how many did not fit.
func ghSuppressedTable(ig []Ignored, budget int, sc ghScrubber, lk Links) (string, int) {
	var b strings.Builder
	b.WriteString("| # | Kind | Value (redacted) | ClickUp user | Where | Commit | Reason |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for i, x := range ig {
		where, commits := ghWhere(x.Finding, sc, lk)
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
// ghMaxCellLocations escaped paths, and their commits, each linked when lk
// can build the link. A path that holds a secret gets no link: the URL
// would carry it in clear.
func ghWhere(f scanner.Finding, sc ghScrubber, lk Links) (where, commits string) {
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
		w := ghMdText(p)
		if u := lk.Location(l); u != "" && sc.clean(l.Path) == l.Path {
			w = "[" + w + "](" + u + ")"
		}
		ws = append(ws, w)
		if l.Commit != "" && len(cs) < ghMaxCellLocations {
			c := ghMdCode(ghShortSHA(l.Commit))
			if u := lk.Commit(l.Commit); u != "" {
				c = "[" + c + "](" + u + ")"
			}
			if l.Change == scanner.Removed {
				c += " (removed)"
			}
			cs = append(cs, c)
		}
	}
	return strings.Join(ws, "<br>"), strings.Join(cs, " ")
}

// ghSuppressedSection renders the section that lists the suppressed
// findings ig, in at most budget bytes (the table is cut, the intro is
// not). open are the findings still reported, to say when a credential
// appears in both lists; more says where to find the rows that did not
// fit.
func ghSuppressedSection(ig []Ignored, open []scanner.Finding, title, intro, more string, budget int, sc ghScrubber, lk Links) string {
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
	table, left := ghSuppressedTable(ig, budget-len(head)-len(moreNote(len(ig))), sc, lk)
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

// ghRotateFirst opens the findings of every body: rotation comes first.
const ghRotateFirst = "Rotate each one first: a credential that was pushed is exposed, and removing it from the code does not revoke it.\n\n"

// ghRemovedCount counts the findings of fs that are no longer in the code.
func ghRemovedCount(fs []scanner.Finding) int {
	n := 0
	for _, f := range fs {
		if !InCode(f) {
			n++
		}
	}
	return n
}

// ghRemovedNote is the part of a headline that counts the findings no
// longer in the code; they are counted in the total too.
func ghRemovedNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d removed from the code, still exposed)", n)
}

// StepSummary renders r as the job summary (GITHUB_STEP_SUMMARY): a table of
// every finding (those no longer in the code too: they were pushed), a
// table of the findings suppressed by ignore rules with their reasons, the
// rotation steps, the warnings and, last, the counters. Links to file
// lines and commits come from r.Links. The result is at most limit bytes
// (use StepSummaryLimit): rows that do not fit are counted, not shown.
func StepSummary(r Report, limit int) string {
	sc := newGHScrubber(r.Findings, ghFindingsOf(r.Ignored))
	var head, tail strings.Builder
	n, ni := len(r.Findings), len(r.Ignored)
	removed := ghRemovedNote(ghRemovedCount(r.Findings))
	switch {
	case n == 0 && ni == 0:
		head.WriteString("## \u2705 ClickUp secret scan: no credentials found\n\n")
	case n == 0:
		fmt.Fprintf(&head, "## \u26a0\ufe0f ClickUp secret scan: no open credentials; %d suppressed by ignore rules, review them\n\n", ni)
	case ni == 0:
		fmt.Fprintf(&head, "## \U0001F6A8 ClickUp secret scan: %d credential(s) found%s\n\n", n, removed)
	default:
		fmt.Fprintf(&head, "## \U0001F6A8 ClickUp secret scan: %d credential(s) found%s; %d suppressed by ignore rules\n\n", n, removed, ni)
	}
	if n > 0 {
		head.WriteString(ghRotateFirst)
	}

	sup := ghSuppressedSection(r.Ignored, r.Findings, "### Suppressed by ignore rules: review these", ghIgnoreIntro,
		"run the CLI with --format json to list them all", limit/4, sc, r.Links)
	if n > 0 {
		tail.WriteString("\n### How to rotate\n\n")
		tail.WriteString(rotationSection(r.Findings, limit/4))
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
	// The counters are for whoever debugs the run, not for the reviewer:
	// last and small.
	fmt.Fprintf(&tail, "<sub>Scanned %d item(s), %d byte(s)", r.Stats.Files, r.Stats.Bytes)
	if r.Mode != "" {
		tail.WriteString(" in mode " + html.EscapeString(string(r.Mode)))
	}
	fmt.Fprintf(&tail, "; %d placeholder(s) ignored.</sub>\n", r.Stats.Placeholders)
	tailStr := ghClip(tail.String(), limit/3)
	if n == 0 {
		return ghClip(head.String()+sup+tailStr, limit)
	}
	const moreNote = 200
	table, left := ghFindingsTable(r.Findings, limit-head.Len()-len(sup)-len(tailStr)-moreNote, sc, r.Links)
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
