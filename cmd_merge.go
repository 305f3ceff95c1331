package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/clickup-secret-scan/clickup-secret-scan/merge"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
)

// runMerge merges JSON reports into one report and, with --summary, a
// Markdown roll-up.
func runMerge(_ context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fs := newFlagSet("merge", stdout, stderr)
	o := &outputOptions{}
	var summary string
	fs.StringVar(&o.format, "format", "text", "output format: text, json or sarif")
	fs.StringVar(&o.output, "output", "", "write the merged report to this `file` instead of stdout")
	fs.StringVar(&summary, "summary", "", "also write the Markdown roll-up (per repository counts, findings by severity with their rotation steps) to this `file`")
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := o.validate(fs, env, stdout); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fs.usageErrorf("merge needs at least one REPORT.json")
	}
	var reps []merge.Report
	for _, name := range fs.Args() {
		rep, err := readReport(name)
		if err != nil {
			return err
		}
		reps = append(reps, rep)
	}
	m := merge.Merge(reps)
	err := writeOutput(o.output, stdout, func(w io.Writer) error {
		switch o.format {
		case "json":
			return merge.WriteJSON(w, m)
		case "sarif":
			return merge.WriteSARIF(w, m, version)
		}
		return merge.WriteText(w, m)
	})
	if err != nil {
		return err
	}
	if summary != "" {
		if err := report.WriteFile(summary, func(w io.Writer) error { return merge.WriteSummary(w, m) }); err != nil {
			return err
		}
	}
	if len(m.Findings) > 0 {
		return errFindings
	}
	return nil
}

// readReport reads one report; a file that is missing or not a report of
// ours is the user's to fix (merge.ErrBadReport matches usage.Err).
func readReport(name string) (merge.Report, error) {
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return merge.Report{}, usageErrorf("failed to open %s: %w", name, err)
	}
	if err != nil {
		return merge.Report{}, fmt.Errorf("failed to open %s: %w", name, err)
	}
	defer f.Close()
	return merge.Read(name, f)
}
