package merge

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// severities in the order the summary lists them.
var severities = []string{"critical", "high", "medium"}

// WriteSummary writes the Markdown roll-up for a job summary or a tracking
// issue: per repository counts, then the findings by severity with their
// rotation steps, then the errors. Every value that comes from a scanned
// repository (paths, names, keys) is in a code span or a fenced block, so
// that a hostile file name cannot inject markup, links or @-mentions.
func WriteSummary(w io.Writer, r Report) error {
	var b strings.Builder
	repos := repositories(r)
	fmt.Fprintf(&b, "## ClickUp credentials: %d found", len(r.Findings))
	if len(repos) > 0 {
		fmt.Fprintf(&b, " in %d repositor%s", len(repos), plural(len(repos)))
	}
	b.WriteString("\n\n")
	fmt.Fprintf(&b, "Scanned %d blobs or files (%d bytes); %d skipped; %d errors; %d ignored.\n\n",
		r.Stats.Files, r.Stats.Bytes, r.Stats.Skipped, r.Stats.ErrorCount, len(r.Ignored))
	if len(r.Findings) == 0 {
		b.WriteString("No ClickUp credential found.\n")
	}
	if len(repos) > 0 {
		b.WriteString("| Repository | Credentials | Locations |\n|---|---:|---:|\n")
		for _, repo := range repos {
			creds, locs := 0, 0
			for _, f := range r.Findings {
				n := 0
				for _, l := range f.Locations {
					if l.Repository == repo {
						n++
					}
				}
				if n > 0 {
					creds++
					locs += n
				}
			}
			fmt.Fprintf(&b, "| %s | %d | %d |\n", code(repo), creds, locs)
		}
		b.WriteString("\n")
	}
	for _, sev := range severities {
		var fs []Finding
		for _, f := range r.Findings {
			if f.Severity == sev {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s (%d)\n\n", strings.ToUpper(sev[:1])+sev[1:], len(fs))
		for _, f := range fs {
			title := f.Title
			if f.Verification == scanner.VerifiedLive {
				title = "LIVE " + title
			}
			fmt.Fprintf(&b, "#### %s %s", mdText(title), code(f.Redacted))
			if f.UserID != "" {
				fmt.Fprintf(&b, " (user %s)", code(f.UserID))
			}
			b.WriteString("\n\n")
			fmt.Fprintf(&b, "- id: %s\n", code(f.ID))
			if f.Verification != "" {
				fmt.Fprintf(&b, "- verification: %s\n", code(string(f.Verification)))
			}
			for _, g := range byRepository(f.Locations) {
				var locs []string
				for _, l := range g.locs {
					locs = append(locs, code(locationText(l)))
				}
				if g.repo != "" {
					fmt.Fprintf(&b, "- in %s: %s\n", code(g.repo), strings.Join(locs, ", "))
				} else {
					fmt.Fprintf(&b, "- at %s\n", strings.Join(locs, ", "))
				}
			}
			if len(f.Guidance) > 0 {
				b.WriteString("\nRotate it:\n\n" + fence(f.Guidance) + "\n")
			}
			b.WriteString("\n")
		}
	}
	if len(r.Stats.Errors) > 0 {
		b.WriteString("### Errors\n\n")
		for _, e := range r.Stats.Errors {
			fmt.Fprintf(&b, "- %s\n", code(e))
		}
		b.WriteString("\n")
	}
	return writeScrubbed(w, []byte(b.String()))
}

func plural(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}

// code renders s as a Markdown code span on one line, with a fence longer
// than any run of backticks inside it.
func code(s string) string {
	s = strings.Join(strings.Fields(clean(s)), " ")
	if s == "" {
		return "``"
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	// A | would end a table cell even inside a code span.
	s = strings.ReplaceAll(s, "|", "\\|")
	return fence + pad + s + pad + fence
}

// fence renders numbered steps in a fenced text block, with a fence longer
// than any run of tildes inside them.
func fence(steps []string) string {
	var body strings.Builder
	for i, s := range steps {
		fmt.Fprintf(&body, "%d. %s\n", i+1, clean(s))
	}
	f := "~~~"
	for strings.Contains(body.String(), f) {
		f += "~"
	}
	return f + "text\n" + body.String() + f + "\n"
}

// mdText escapes the characters Markdown gives a meaning to; used only
// for this tool's own titles.
func mdText(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "<", "&lt;", ">", "&gt;", "#", "\\#", "@", "&#64;")
	return r.Replace(s)
}

func sortStrings(s []string) { slices.Sort(s) }
