package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// errUsage marks errors that are the user's to fix (exit 2).
var errUsage = errors.New("usage error")

// outputOptions are the flags every scanning command shares.
type outputOptions struct {
	format string
	output string
	// pipeline holds the post-processing flags (ignore rules, live
	// verification); see pipeline.go.
	pipeline pipelineOptions
}

func addOutputFlags(fs *flag.FlagSet) *outputOptions {
	o := &outputOptions{}
	fs.StringVar(&o.format, "format", "text", "output format: text, json or sarif")
	fs.StringVar(&o.output, "output", "", "write the report to this file instead of stdout")
	addPipelineFlags(fs, &o.pipeline)
	return o
}

func (o *outputOptions) validate() error {
	switch o.format {
	case "text", "json", "sarif":
		return nil
	}
	return fmt.Errorf("%w: unknown --format %q (want text, json or sarif)", errUsage, o.format)
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("clickup-secret-scan "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args and maps -h and flag errors to exit codes; ok is
// false when the command must return code at once.
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitClean, false
		}
		return exitUsage, false
	}
	return 0, true
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// finish runs the shared tail of every scanning command: ignore rules and
// live verification, then the report in the chosen format, then the exit
// code (1 when findings remain, else 0; 3 when the report cannot be
// written). Per-item errors were already counted in rep.Stats.
func finish(ctx context.Context, env Env, o *outputOptions, rep report.Report, stdout, stderr io.Writer) int {
	var err error
	rep, err = postProcess(ctx, env, &o.pipeline, rep, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		if errors.Is(err, errUsage) {
			return exitUsage
		}
		return exitInternal
	}
	rep.ToolVersion = version
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if rep.Stats.ErrorCount > 0 {
		fmt.Fprintf(stderr, "warning: %d item(s) could not be scanned in full; see stats.errors\n", rep.Stats.ErrorCount)
	}
	if err := writeReport(o, rep, stdout); err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: %v\n", err)
		return exitInternal
	}
	if len(rep.Findings) > 0 {
		return exitFindings
	}
	return exitClean
}

func writeReport(o *outputOptions, rep report.Report, stdout io.Writer) error {
	if o.output == "" {
		return report.Write(stdout, o.format, rep)
	}
	f, err := os.Create(o.output)
	if err != nil {
		return fmt.Errorf("failed to create %s: %w", o.output, err)
	}
	if err := report.Write(f, o.format, rep); err != nil {
		f.Close()
		return fmt.Errorf("failed to write %s: %w", o.output, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("failed to write %s: %w", o.output, err)
	}
	return nil
}

// exitCodeFor maps an error returned before scanning to an exit code.
func exitCodeFor(err error) int {
	if errors.Is(err, errUsage) {
		return exitUsage
	}
	return exitInternal
}

// newScan returns a fresh scanner, its stats and a collector.
func newScan(opts scanner.Options) (*scanner.Scanner, *scanner.Stats, *scanner.Collector) {
	stats := &scanner.Stats{}
	return scanner.New(opts, stats), stats, scanner.NewCollector()
}
