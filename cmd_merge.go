package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/clickup-secret-scan/clickup-secret-scan/merge"
)

// runMerge merges JSON reports into one report and, with --summary, a
// Markdown roll-up.
func runMerge(_ context.Context, args []string, _ Env, stdout, stderr io.Writer) int {
	fs := newFlagSet("merge", stderr)
	var format, output, summary string
	fs.StringVar(&format, "format", "text", "output format: text, json or sarif")
	fs.StringVar(&output, "output", "", "write the merged report to this `file` instead of stdout")
	fs.StringVar(&summary, "summary", "", "also write the Markdown roll-up (per repository counts, findings by severity with their rotation steps) to this `file`")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	switch format {
	case "text", "json", "sarif":
	default:
		fmt.Fprintf(stderr, "clickup-secret-scan: unknown --format %q (want text, json or sarif)\n", format)
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "clickup-secret-scan: merge needs at least one REPORT.json")
		return exitUsage
	}
	var reps []merge.Report
	for _, name := range fs.Args() {
		rep, err := readReport(name)
		if err != nil {
			fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
			if errors.Is(err, merge.ErrBadReport) || errors.Is(err, os.ErrNotExist) {
				return exitUsage
			}
			return exitInternal
		}
		reps = append(reps, rep)
	}
	m := merge.Merge(reps)
	err := writeTo(output, stdout, func(w io.Writer) error {
		switch format {
		case "json":
			return merge.WriteJSON(w, m)
		case "sarif":
			return merge.WriteSARIF(w, m, version)
		}
		return merge.WriteText(w, m)
	})
	if err == nil && summary != "" {
		err = writeTo(summary, nil, func(w io.Writer) error { return merge.WriteSummary(w, m) })
	}
	if err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		return exitInternal
	}
	if len(m.Findings) > 0 {
		return exitFindings
	}
	return exitClean
}

func readReport(name string) (merge.Report, error) {
	f, err := os.Open(name)
	if err != nil {
		return merge.Report{}, fmt.Errorf("failed to open %s: %w", name, err)
	}
	defer f.Close()
	return merge.Read(name, f)
}
