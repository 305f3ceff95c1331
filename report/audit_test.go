package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// auditSecret builds a fake personal token at run time, so that no
// credential-shaped literal sits in the source.
func auditSecret() scanner.Secret {
	body := []byte("Q7M2XK9VTR4PWH3ZJ8NDL5BC6YF0GS1E")
	for i := range body {
		if body[i] >= 'A' && body[i] <= 'Y' {
			body[i]++
		}
	}
	return scanner.NewSecret("pk_" + "84127736_" + string(body))
}

// sampleChecklist returns a checklist with every status. withScan adds a
// finding whose raw secret also leaks into a detail; the golden files are
// made without it so that they do not depend on the scan report's format.
func sampleChecklist(withScan bool) Checklist {
	s := auditSecret()
	f := scanner.Finding{ID: s.ID(), Kind: scanner.PersonalToken, Secret: s, UserID: "84127736",
		Locations: []scanner.Location{{Source: "history", Path: "src/config.js", Line: 3, Column: 9, Commit: "0123456789abcdef0123456789abcdef01234567"}}}
	leak := "leaked " + s.Reveal() + " here"
	if !withScan {
		leak = "pk_84127736_…HT1F at src/config.js:3"
	}
	cl := Checklist{
		Repo: "/work/repo",
		Checks: []Check{
			{ID: "gitignore", Title: ".env ignored", Status: CheckPass},
			{ID: "tracked-files", Title: "no .env tracked", Status: CheckFail, Details: []string{"config/.env is tracked now", "evil\nname\x1b[31m.env is tracked now"}, Fix: []string{"git rm --cached config/.env", "rotate"}},
			{ID: "pre-commit-hook", Title: "hook", Status: CheckSkip, Details: []string{"not a git repository"}},
			{ID: "no-credentials", Title: "no credential", Status: CheckFail, Details: []string{leak}, Fix: []string{"rotate it"}},
			{ID: "webhook-https", Title: "https webhooks", Status: CheckError, Details: []string{"could not read the work tree"}},
		},
		Scan: Report{Mode: "audit"},
	}
	if withScan {
		cl.Scan.Findings = []scanner.Finding{f}
	}
	return cl
}

func TestChecklistNoSecret(t *testing.T) {
	t.Parallel()
	raw := auditSecret().Reveal()
	for _, format := range []string{"text", "json"} {
		var buf bytes.Buffer
		if err := WriteChecklist(&buf, format, sampleChecklist(true)); err != nil {
			t.Fatal(err)
		}
		got := buf.Bytes()
		if bytes.Contains(got, []byte(raw)) || bytes.Contains(got, []byte(raw[len(raw)-12:])) {
			t.Errorf("%s checklist holds the token %s in clear", format, auditSecret())
		}
		if !bytes.Contains(got, []byte(auditSecret().Redacted())) {
			t.Errorf("%s checklist does not show the redacted token", format)
		}
	}
}

func TestChecklistGolden(t *testing.T) {
	t.Parallel()
	cl := sampleChecklist(false)
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := WriteChecklist(&buf, format, cl); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			if bytes.Contains(got, []byte("\x1b")) || bytes.Contains(got, []byte("evil\nname")) {
				t.Errorf("%s checklist passes a hostile path through unquoted", format)
			}
			path := filepath.Join("testdata", "golden", "audit."+map[string]string{"text": "txt", "json": "json"}[format])
			checkGolden(t, path, got, "go test ./report -run TestChecklistGolden -update")
		})
	}
}

func TestChecklistJSONShape(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteChecklist(&buf, "json", sampleChecklist(true)); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Mode    string
		Passed  bool
		Summary struct{ Passed, Failed, Skipped, Errors int }
		Checks  []struct {
			ID, Status string
			Details    []string
			Fix        []string
		}
		Scan struct {
			Findings []struct{ ID string }
			Ignored  []any
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if v.Mode != "audit" || v.Passed || v.Summary.Passed != 1 || v.Summary.Failed != 2 || v.Summary.Skipped != 1 || v.Summary.Errors != 1 {
		t.Errorf("header = %+v", v)
	}
	if len(v.Checks) != 5 || v.Checks[0].Details == nil || v.Checks[0].Fix == nil {
		t.Errorf("checks = %+v (details and fix must be arrays, never null)", v.Checks)
	}
	if len(v.Scan.Findings) != 1 || v.Scan.Findings[0].ID != auditSecret().ID() || v.Scan.Ignored == nil {
		t.Errorf("scan = %+v", v.Scan)
	}
	if err := WriteChecklist(&buf, "sarif", sampleChecklist(true)); err == nil || !strings.Contains(err.Error(), "unknown audit format") {
		t.Errorf("sarif checklist: err = %v", err)
	}
}
