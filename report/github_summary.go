package report

import (
	"fmt"
	"html"
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
