package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// maxTextErrors bounds the per-item errors listed in the text report; the
// JSON report lists all that Stats kept.
const maxTextErrors = 20

// writeText renders one block per finding, then the ignored findings, then
// a summary line. Values from the scan are shown through display, so a file
// name cannot fake a line or carry terminal escapes.
//
// With color, ANSI colours mark the headline by severity, the redacted value
// and the paths; ignored findings are one summary line unless showIgnored.
func writeText(w io.Writer, r Report, opts Options) error {
	var b strings.Builder
	c := textColors(opts.Color)
	for _, f := range r.Findings {
		head := Headline(f)
		red := f.Secret.Redacted()
		if i := strings.Index(head, red); i >= 0 && opts.Color {
			sev := c.severity(f.Kind.Severity())
			head = sev + head[:i] + c.reset + c.value + red + c.reset + sev + head[i+len(red):] + c.reset
		}
		b.WriteString(head)
		b.WriteByte('\n')
		fmt.Fprintf(&b, "  kind: %s (%s%s severity%s), rule %s\n", f.Kind, c.severity(f.Kind.Severity()), f.Kind.Severity(), c.reset, f.Rule())
		fmt.Fprintf(&b, "  id: %s\n", f.ID)
		if f.Verification != "" {
			v := string(f.Verification)
			if f.Verification == scanner.VerifiedUnknown {
				v += " (ClickUp gave no answer: treat it as live)"
			}
			if f.Username != "" {
				v += ", username " + display(f.Username)
			}
			fmt.Fprintf(&b, "  verification: %s\n", v)
		}
		if keys := f.Keys(); len(keys) > 0 {
			for i := range keys {
				keys[i] = display(keys[i])
			}
			fmt.Fprintf(&b, "  keys: %s\n", strings.Join(keys, ", "))
		}
		b.WriteString("  found at:\n")
		for _, l := range f.Locations {
			fmt.Fprintf(&b, "    %s%s%s\n", c.path, textLocation(l), c.reset)
		}
		fmt.Fprintf(&b, "  rotate it: %s\n\n", RotateHint(f))
	}
	if !opts.ShowIgnored && len(r.Ignored) > 0 {
		fmt.Fprintf(&b, "%d ignored: see --show-ignored\n", len(r.Ignored))
	}
	for _, ig := range r.Ignored {
		if !opts.ShowIgnored {
			break
		}
		f := ig.Finding
		fmt.Fprintf(&b, "ignored: %s %s (reason: %s)\n", KindTitle(f.Kind), f.Secret.Redacted(), display(ig.Reason))
		for _, l := range f.Locations {
			fmt.Fprintf(&b, "    %s\n", textLocation(l))
		}
	}
	if len(r.Ignored) > 0 {
		b.WriteByte('\n')
	}
	b.WriteString(summaryLine(r))
	b.WriteByte('\n')
	s := r.Stats
	for i, e := range s.Errors {
		if i == maxTextErrors {
			fmt.Fprintf(&b, "  ... and %d more errors (see --format json)\n", s.ErrorCount-int64(maxTextErrors))
			break
		}
		fmt.Fprintf(&b, "  error: %s\n", display(e))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ansi holds the escape sequences of the text report; all empty without
// colour.
type ansi struct{ reset, value, path, high, medium, low string }

func textColors(on bool) ansi {
	if !on {
		return ansi{}
	}
	return ansi{reset: "\x1b[0m", value: "\x1b[1;35m", path: "\x1b[36m", high: "\x1b[1;31m", medium: "\x1b[1;33m", low: "\x1b[1m"}
}

// severity returns the colour of a severity ("high", "medium", "low").
func (a ansi) severity(s string) string {
	switch s {
	case "high", "critical":
		return a.high
	case "medium":
		return a.medium
	}
	return a.low
}

// textLocation renders path[!/inner]:line:col followed by what else is
// known, e.g. "config/.env:3:19 (history, commit 0123456789ab, no longer at HEAD)".
func textLocation(l scanner.Location) string {
	var b strings.Builder
	switch {
	case l.Object == scanner.ObjectBlob:
		// The history source names unreachable blobs by hash.
		b.WriteString("blob " + display(l.Path))
	case l.Path == "" && l.Object != "":
		// A commit or tag message: no file to point at.
		b.WriteString(display(string(l.Object)))
		if l.Commit != "" {
			b.WriteString(" of " + display(shortCommit(l.Commit)))
		}
	default:
		b.WriteString(display(locDisplay(l)))
	}
	if l.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", l.Line, max(l.Column, 1))
	}
	if extra := locationExtras(l); len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, ", ") + ")")
	}
	return b.String()
}

// locationExtras lists a location's other facts as short phrases.
func locationExtras(l scanner.Location) []string {
	var extra []string
	if l.Source != "" && l.Source != scanner.SourceDir {
		extra = append(extra, string(l.Source))
	}
	// A path-less object (commit message) already leads with its name
	// and commit in textLocation.
	pathless := l.Path == "" && l.Object != ""
	if l.Object != "" && l.Object != scanner.ObjectBlob && !pathless {
		extra = append(extra, "in "+display(string(l.Object)))
	}
	if l.Encoding != "" {
		extra = append(extra, display(l.Encoding)+"-encoded")
	}
	if l.Key != "" {
		extra = append(extra, "key "+display(l.Key))
	}
	if l.Change != "" {
		extra = append(extra, display(string(l.Change)))
	}
	if l.Commit != "" && !pathless {
		extra = append(extra, "commit "+display(shortCommit(l.Commit)))
	}
	if l.Author != "" {
		extra = append(extra, "by "+display(l.Author))
	}
	if l.Date != "" {
		extra = append(extra, display(l.Date))
	}
	if l.AtHead != nil {
		if *l.AtHead {
			extra = append(extra, "still at HEAD")
		} else {
			extra = append(extra, "no longer at HEAD")
		}
	}
	if l.Unreachable {
		extra = append(extra, "unreachable")
	}
	return extra
}

// summaryLine says what was found and scanned, in one line.
func summaryLine(r Report) string {
	s := r.Stats
	scanned := fmt.Sprintf("scanned %d %s (%d bytes); %d skipped, %d %s suppressed, %d %s; %d ignored",
		s.Files, plural(s.Files, "file", "files"), s.Bytes, s.Skipped,
		s.Placeholders, plural(s.Placeholders, "placeholder", "placeholders"),
		s.ErrorCount, plural(s.ErrorCount, "error", "errors"), len(r.Ignored))
	if len(r.Findings) == 0 {
		return "no ClickUp credentials found; " + scanned
	}
	locs, live := 0, 0
	for _, f := range r.Findings {
		locs += len(f.Locations)
		if f.Verification == scanner.VerifiedLive {
			live++
		}
	}
	n := int64(len(r.Findings))
	head := fmt.Sprintf("%d ClickUp %s", n, plural(n, "credential", "credentials"))
	if live > 0 {
		head += fmt.Sprintf(" (%d live)", live)
	}
	return fmt.Sprintf("%s found in %d %s; %s", head, locs, plural(int64(locs), "location", "locations"), scanned)
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// RotateHint returns a one-line summary of what to do about f, for places
// with room for one line only (the text report, annotations). Guidance has
// the full steps.
func RotateHint(f scanner.Finding) string {
	var b strings.Builder
	names := envNames(f)
	if f.Verification == scanner.VerifiedRevoked {
		b.WriteString("ClickUp already rejects it; remove it anyway")
	} else {
		user := ""
		if f.UserID != "" {
			user = display(f.UserID)
		}
		b.WriteString(f.Kind.RotateAction(user, names[0]))
	}
	w := summarize(f)
	switch {
	case f.Verification == scanner.VerifiedRevoked && (len(w.removed) > 0 || w.history):
		b.WriteString("; purge it from git history")
	case len(w.removed) > 0 || w.history:
		b.WriteString("; it is in git history: rotate first, then purge")
	case len(w.pushedMessages) > 0:
		b.WriteString("; it is in a pushed message, which cannot be edited away: rotating is the fix")
	case w.stagedMessage && len(w.stagedPaths) == 0 && !w.dir:
		b.WriteString("; remove it from the commit message before committing")
	case w.diff && !w.dir:
		b.WriteString("; remove it before merging")
	case w.staged && !w.dir:
		b.WriteString("; remove it before committing")
	case len(w.buildPaths) > 0:
		b.WriteString("; rebuild without it")
	}
	return scrub(b.String(), f.Secret)
}
