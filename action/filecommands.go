package action

// The runner's file commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) and the
// SARIF file: a failure to write one is recorded, and fails the run at the
// end, rather than ending it.

import (
	"errors"
	"fmt"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// writeSARIF writes the SARIF file for github/codeql-action/upload-sarif.
func (r *runner) writeSARIF(rep report.Report) bool {
	if r.in.SARIFFile == "" {
		return false
	}
	err := report.WriteFile(r.abs(r.in.SARIFFile), func(w io.Writer) error { return report.Write(w, "sarif", rep) })
	if err != nil {
		r.postWarnings = append(r.postWarnings, fmt.Sprintf("could not write the SARIF file %s: %v", r.in.SARIFFile, err))
		return false
	}
	return true
}

// setOutput writes an output when GITHUB_OUTPUT is set. go-githubactions
// panics on a write error: the failure is recorded instead, so that the
// run goes on to do everything else it can and fails at the end.
func (r *runner) setOutput(k, v string) {
	if r.env("GITHUB_OUTPUT") == "" {
		return
	}
	defer r.recoverFileCommand("GITHUB_OUTPUT")
	r.gha.SetOutput(k, v)
}

// addSummary appends to the job summary when GITHUB_STEP_SUMMARY is set; a
// write failure is recorded as in setOutput.
func (r *runner) addSummary(md string) {
	if r.env("GITHUB_STEP_SUMMARY") == "" {
		return
	}
	defer r.recoverFileCommand("GITHUB_STEP_SUMMARY")
	// Paths and warnings come from the repository: a file named after a
	// token must not put it in the summary.
	r.gha.AddStepSummary(scanner.RedactShapesString(md))
}

// recoverFileCommand turns go-githubactions' panic on a file command that
// could not be written into a recorded error for the file variable name.
func (r *runner) recoverFileCommand(name string) {
	p := recover()
	if p == nil {
		return
	}
	err, ok := p.(error)
	if !ok {
		err = fmt.Errorf("%v", p)
	}
	if r.fileErrs == nil {
		r.fileErrs = map[string]error{}
	}
	if _, seen := r.fileErrs[name]; !seen {
		r.fileErrs[name] = err
		r.fileErrOrder = append(r.fileErrOrder, name)
	}
}

// fileCommandErrors shows each file command file that could not be
// written, as an error annotation (stdout still reaches the log when the
// files do not) and on stderr, and returns them joined, nil when none.
func (r *runner) fileCommandErrors() error {
	var errs []error
	for _, name := range r.fileErrOrder {
		what := "the step's outputs (findings, sarif-file) are NOT set for later steps"
		if name == "GITHUB_STEP_SUMMARY" {
			what = "the job summary is missing"
		}
		err := fmt.Errorf("could not write %s, so %s: %w", name, what, r.fileErrs[name])
		r.gha.Errorf("clickup-secret-scan: %v", err)
		fmt.Fprintf(r.o.Stderr, "clickup-secret-scan: %v\n", err)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
