package org

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// ForRepository returns the part of rep that concerns one repository: its
// findings and ignored findings with only the locations in it, and no
// stats or warnings (the caller knows the repository's own).
func ForRepository(rep report.Report, fullName string) report.Report {
	out := report.Report{Mode: rep.Mode, ToolVersion: rep.ToolVersion}
	for _, f := range rep.Findings {
		if g, ok := onlyIn(f, fullName); ok {
			out.Findings = append(out.Findings, g)
		}
	}
	for _, ig := range rep.Ignored {
		if g, ok := onlyIn(ig.Finding, fullName); ok {
			out.Ignored = append(out.Ignored, report.Ignored{Finding: g, Reason: ig.Reason})
		}
	}
	return out
}

func onlyIn(f scanner.Finding, fullName string) (scanner.Finding, bool) {
	var locs []scanner.Location
	for _, l := range f.Locations {
		if l.Repository == fullName {
			locs = append(locs, l)
		}
	}
	f.Locations = locs
	return f, len(locs) > 0
}

// WriteText writes the text report grouped by repository: for each
// repository with findings or a failure, a "== OWNER/NAME ==" header and
// its own text report (its findings, its stats); then one line of totals
// in which a secret found in several repositories counts once.
func WriteText(w io.Writer, rep report.Report, res Result) error {
	var b strings.Builder
	for _, rr := range res.Repos {
		name := rr.Repo.FullName()
		sub := ForRepository(rep, name)
		if len(sub.Findings) == 0 && len(sub.Ignored) == 0 && rr.Err == nil {
			continue
		}
		fmt.Fprintf(&b, "== %s ==\n", name)
		if rr.Err != nil {
			fmt.Fprintf(&b, "  not scanned in full: %v\n", rr.Err)
		}
		if len(sub.Findings) > 0 || len(sub.Ignored) > 0 {
			sub.Stats = rr.Stats
			if err := report.Write(&b, "text", sub); err != nil {
				return err
			}
		}
		b.WriteByte('\n')
	}
	repos := map[string]bool{}
	locs := 0
	for _, f := range rep.Findings {
		locs += len(f.Locations)
		for _, l := range f.Locations {
			repos[l.Repository] = true
		}
	}
	fmt.Fprintf(&b, "%s: %d ClickUp credential(s) in %d location(s) across %d repositor%s; %d repositor%s scanned, %d failed; %d blobs (%d bytes) scanned\n",
		res.Owner, len(rep.Findings), locs, len(repos), plural(len(repos)), len(res.Repos), plural(len(res.Repos)),
		res.Failed(), rep.Stats.Files, rep.Stats.Bytes)
	// The headers and failures come from the API and git, not from report:
	// scrub the whole, as report.Write does its own output.
	var secrets []scanner.Secret
	for _, f := range rep.Findings {
		secrets = append(secrets, f.Secret)
	}
	for _, ig := range rep.Ignored {
		secrets = append(secrets, ig.Finding.Secret)
	}
	_, err := w.Write(scanner.NewScrubber(secrets...).Bytes([]byte(b.String())))
	return err
}

func plural(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}

// WriteSARIFDir writes one SARIF file per repository with findings,
// dir/OWNER__NAME.sarif, with paths relative to that repository: what
// POST /repos/{owner}/{repo}/code-scanning/sarifs expects. It returns the
// number of files written.
func WriteSARIFDir(dir string, rep report.Report, res Result) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("failed to create %s: %w", dir, err)
	}
	n := 0
	for _, rr := range res.Repos {
		sub := ForRepository(rep, rr.Repo.FullName())
		if len(sub.Findings) == 0 {
			continue
		}
		sub.Stats = rr.Stats
		p := filepath.Join(dir, rr.Repo.FileStem()+".sarif")
		if err := report.WriteFile(p, func(w io.Writer) error { return report.Write(w, "sarif", sub) }); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
