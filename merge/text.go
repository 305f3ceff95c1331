package merge

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// WriteText renders r for a terminal: one block per finding with its
// locations grouped by repository and its rotation steps, then a line of
// totals and the errors.
func WriteText(w io.Writer, r Report) error {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s\n", clean(f.Headline))
		fmt.Fprintf(&b, "  kind: %s (%s severity), rule %s\n", clean(f.Kind), clean(f.Severity), clean(f.Rule))
		fmt.Fprintf(&b, "  id: %s\n", f.ID)
		b.WriteString("  found at:\n")
		for _, g := range byRepository(f.Locations) {
			indent := "    "
			if g.repo != "" {
				fmt.Fprintf(&b, "    in %s:\n", clean(g.repo))
				indent = "      "
			}
			for _, l := range g.locs {
				fmt.Fprintf(&b, "%s%s\n", indent, locationText(l))
			}
		}
		if len(f.Guidance) > 0 {
			b.WriteString("  rotate it:\n")
			for i, s := range f.Guidance {
				fmt.Fprintf(&b, "    %d. %s\n", i+1, clean(s))
			}
		}
		b.WriteByte('\n')
	}
	for _, ig := range r.Ignored {
		fmt.Fprintf(&b, "ignored: %s %s (reason: %s)\n", clean(ig.Kind), clean(ig.Redacted), clean(ig.Reason))
	}
	repos := repositories(r)
	locs := 0
	for _, f := range r.Findings {
		locs += len(f.Locations)
	}
	fmt.Fprintf(&b, "%d ClickUp credential(s) in %d location(s)", len(r.Findings), locs)
	if len(repos) > 0 {
		fmt.Fprintf(&b, " across %d repositories", len(repos))
	}
	fmt.Fprintf(&b, "; scanned %d files (%d bytes); %d skipped, %d errors; %d ignored\n",
		r.Stats.Files, r.Stats.Bytes, r.Stats.Skipped, r.Stats.ErrorCount, len(r.Ignored))
	for _, e := range r.Stats.Errors {
		fmt.Fprintf(&b, "  error: %s\n", clean(e))
	}
	return writeScrubbed(w, []byte(b.String()))
}

type repoGroup struct {
	repo string
	locs []scanner.Location
}

// byRepository groups sorted locations by repository, in order.
func byRepository(locs []scanner.Location) []repoGroup {
	var out []repoGroup
	for _, l := range locs {
		if len(out) == 0 || out[len(out)-1].repo != l.Repository {
			out = append(out, repoGroup{repo: l.Repository})
		}
		out[len(out)-1].locs = append(out[len(out)-1].locs, l)
	}
	return out
}

// repositories returns the distinct repositories of r's findings, sorted.
func repositories(r Report) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range r.Findings {
		for _, l := range f.Locations {
			if l.Repository != "" && !seen[l.Repository] {
				seen[l.Repository] = true
				out = append(out, l.Repository)
			}
		}
	}
	sortStrings(out)
	return out
}

// locationText renders path[!/inner]:line:col (source, commit, change).
func locationText(l scanner.Location) string {
	var b strings.Builder
	switch {
	case l.Path == "" && l.Object != "":
		b.WriteString(clean(string(l.Object)))
	default:
		b.WriteString(clean(l.Path))
		if l.InnerPath != "" {
			b.WriteString("!/" + clean(l.InnerPath))
		}
	}
	if l.Line > 0 {
		b.WriteString(":" + strconv.Itoa(l.Line) + ":" + strconv.Itoa(max(l.Column, 1)))
	}
	var extra []string
	if l.Source != "" {
		extra = append(extra, clean(string(l.Source)))
	}
	if l.Commit != "" {
		extra = append(extra, "commit "+clean(short(l.Commit)))
	}
	if l.Change != "" {
		extra = append(extra, clean(string(l.Change)))
	}
	if l.AtHead != nil && !*l.AtHead {
		extra = append(extra, "no longer at HEAD")
	}
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, ", ") + ")")
	}
	return b.String()
}

func short(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// clean makes a value from a report safe on a terminal: control bytes (a
// file name can fake a line or carry escapes) become \xNN.
func clean(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }
