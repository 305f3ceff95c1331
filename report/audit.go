package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// CheckStatus is the outcome of one checklist item.
type CheckStatus string

// The outcomes of a checklist item. Only CheckPass and CheckSkip let the
// audit pass; CheckError means the check could not be run and so cannot
// vouch for the repository.
const (
	CheckPass  CheckStatus = "pass"
	CheckFail  CheckStatus = "fail"
	CheckSkip  CheckStatus = "skip"
	CheckError CheckStatus = "error"
)

// Check is one item of the security checklist.
type Check struct {
	// ID is stable, for scripts: "gitignore", "tracked-files",
	// "pre-commit-hook", "no-credentials", "one-secret-per-env",
	// "client-secret-server-side", "webhook-https".
	ID     string
	Title  string
	Status CheckStatus
	// Details say what was found (paths, redacted secrets), or why a check
	// was skipped or could not run.
	Details []string
	// Fix lists the steps that make a failed check pass.
	Fix []string
}

// Checklist is the result of `audit` on one repository.
type Checklist struct {
	Repo   string
	Checks []Check
	// Scan holds the credentials the audit found (after ignore rules and
	// verification), rendered with the usual report.
	Scan Report
}

// Failed returns the number of checks that failed or could not run.
func (c Checklist) Failed() int {
	n := 0
	for _, ch := range c.Checks {
		if ch.Status == CheckFail || ch.Status == CheckError {
			n++
		}
	}
	return n
}

func (c Checklist) count(s CheckStatus) int {
	n := 0
	for _, ch := range c.Checks {
		if ch.Status == s {
			n++
		}
	}
	return n
}

// WriteChecklist renders c in format ("text" or "json") to w. Like Write,
// it renders in memory and replaces any raw secret of c.Scan by its
// redacted form before writing.
func WriteChecklist(w io.Writer, format string, c Checklist) error {
	var buf bytes.Buffer
	var err error
	switch format {
	case "text":
		err = writeChecklistText(&buf, c)
	case "json":
		err = writeChecklistJSON(&buf, c)
	default:
		return fmt.Errorf("unknown audit format %q (want text or json)", format)
	}
	if err != nil {
		return fmt.Errorf("failed to render %s checklist: %w", format, err)
	}
	out := scrubBytes(buf.Bytes(), checklistSecrets(c))
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("failed to write %s checklist: %w", format, err)
	}
	return nil
}

var statusLabel = map[CheckStatus]string{CheckPass: "PASS", CheckFail: "FAIL", CheckSkip: "SKIP", CheckError: "ERROR"}

func writeChecklistText(w *bytes.Buffer, c Checklist) error {
	fmt.Fprintf(w, "ClickUp security checklist for %s\n\n", display(c.Repo))
	for _, ch := range c.Checks {
		fmt.Fprintf(w, "[%s] %s\n", statusLabel[ch.Status], ch.Title)
		for _, d := range ch.Details {
			fmt.Fprintf(w, "       - %s\n", display(d))
		}
		if ch.Status == CheckFail && len(ch.Fix) > 0 {
			fmt.Fprintln(w, "       fix:")
			for i, f := range ch.Fix {
				fmt.Fprintf(w, "         %d. %s\n", i+1, display(f))
			}
		}
	}
	fmt.Fprintf(w, "\n%d checks: %d passed, %d failed, %d skipped", len(c.Checks), c.count(CheckPass), c.count(CheckFail), c.count(CheckSkip))
	if n := c.count(CheckError); n > 0 {
		fmt.Fprintf(w, ", %d could not run", n)
	}
	fmt.Fprintln(w)
	if len(c.Scan.Ignored) > 0 {
		fmt.Fprintf(w, "%d finding(s) are ignored by rules: ignoring a finding does not make a leaked token safe; rotate it.\n", len(c.Scan.Ignored))
	}
	if len(c.Scan.Findings) > 0 {
		fmt.Fprintln(w, "\nCredentials found, and how to rotate them:")
		fmt.Fprintln(w)
		return Write(w, "text", c.Scan)
	}
	return nil
}

type jsonCheck struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Status  string   `json:"status"`
	Details []string `json:"details"`
	Fix     []string `json:"fix"`
}

type jsonChecklist struct {
	Version int         `json:"version"`
	Mode    Mode        `json:"mode"`
	Repo    string      `json:"repo"`
	Passed  bool        `json:"passed"`
	Summary jsonSummary `json:"summary"`
	Checks  []jsonCheck `json:"checks"`
	// Scan is the JSON report of the credentials found (findings, ignored,
	// stats, warnings), the same shape as every scanning command's.
	Scan json.RawMessage `json:"scan"`
}

type jsonSummary struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Errors  int `json:"errors"`
}

func writeChecklistJSON(w *bytes.Buffer, c Checklist) error {
	var scan bytes.Buffer
	rep := c.Scan
	if rep.Mode == "" {
		rep.Mode = ModeAudit
	}
	if err := Write(&scan, "json", rep); err != nil {
		return err
	}
	out := jsonChecklist{
		Version: Version,
		Mode:    ModeAudit,
		Repo:    c.Repo,
		Passed:  c.Failed() == 0,
		Summary: jsonSummary{Passed: c.count(CheckPass), Failed: c.count(CheckFail), Skipped: c.count(CheckSkip), Errors: c.count(CheckError)},
		Checks:  make([]jsonCheck, 0, len(c.Checks)),
		Scan:    json.RawMessage(bytes.TrimSpace(scan.Bytes())),
	}
	for _, ch := range c.Checks {
		out.Checks = append(out.Checks, jsonCheck{ID: ch.ID, Title: ch.Title, Status: string(ch.Status), Details: orEmpty(ch.Details), Fix: orEmpty(ch.Fix)})
	}
	return encodeIndented(w, out)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// checklistSecrets lists every secret the checklist holds, for the final
// scrub of the rendered bytes.
func checklistSecrets(c Checklist) []scanner.Secret {
	var out []scanner.Secret
	for _, f := range c.Scan.Findings {
		out = append(out, f.Secret)
	}
	for _, ig := range c.Scan.Ignored {
		out = append(out, ig.Finding.Secret)
	}
	return out
}
