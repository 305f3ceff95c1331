package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/ignore"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/postprocess"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
	"github.com/clickup-secret-scan/clickup-secret-scan/verify"
)

// outputOptions are the flags every scanning command shares.
type outputOptions struct {
	format string
	output string
	// pipeline holds the post-processing flags (ignore rules, live
	// verification).
	pipeline postprocess.Options
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
	return usageErrorf("unknown --format %q (want text, json or sarif)", o.format)
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("clickup-secret-scan "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args. It returns flag.ErrHelp for -h (exit 0) and a
// usage error for a bad flag; the flag package has printed both already.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errShown{usage.Error{Err: err}}
	}
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// finish runs the shared tail of every scanning command: ignore rules and
// live verification, then the report in the chosen format. It returns
// errFindings when findings remain, an error when the report cannot be
// written. Per-item errors were already counted in rep.Stats.
func finish(ctx context.Context, o *outputOptions, rep report.Report, stdout, stderr io.Writer) error {
	rep, err := postProcess(ctx, o, rep, stderr)
	if err != nil {
		return err
	}
	if err := writeReport(o, rep, stdout); err != nil {
		return err
	}
	if len(rep.Findings) > 0 {
		return errFindings
	}
	return nil
}

// postProcess applies ignore rules and live verification to rep, stamps
// the tool's version and prints the scan's warnings: what finish does
// before writing the report, for a command that writes more than one.
func postProcess(ctx context.Context, o *outputOptions, rep report.Report, stderr io.Writer) (report.Report, error) {
	rep, err := postprocess.Apply(ctx, o.pipeline, rep, stderr)
	if err != nil {
		return rep, err
	}
	rep.ToolVersion = version
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if rep.Stats.ErrorCount > 0 {
		fmt.Fprintf(stderr, "warning: %d item(s) could not be scanned in full; see stats.errors\n", rep.Stats.ErrorCount)
	}
	return rep, nil
}

func writeReport(o *outputOptions, rep report.Report, stdout io.Writer) error {
	return writeOutput(o.output, stdout, func(w io.Writer) error { return report.Write(w, o.format, rep) })
}

// writeOutput runs write on stdout when path is "", else on the file at
// path (report.WriteFile).
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	return report.WriteFile(path, write)
}

// scanAndFinish runs src and finishes with its report (see finish).
func scanAndFinish(ctx context.Context, src source.Source, opts scanner.Options, o *outputOptions, stdout, stderr io.Writer) error {
	rep, _, err := source.Run(ctx, src, opts)
	if err != nil {
		return err
	}
	return finish(ctx, o, rep, stdout, stderr)
}

// apiURLFlag names the API URL option in post-processing errors.
const apiURLFlag = "--clickup-api-url"

// addPipelineFlags adds the post-processing flags (ignore rules, live
// verification) every scanning command shares.
func addPipelineFlags(fs *flag.FlagSet, p *postprocess.Options) {
	p.APIURLOption = apiURLFlag
	fs.StringVar(&p.IgnoreFile, "ignore-file", "", "read ignore rules from this `file` (default: "+ignore.DefaultFile+" at the repository root, when present)")
	fs.BoolVar(&p.Verify, "verify", false, "check each personal token and OAuth access token against ClickUp's API (GET /api/v2/user): live, revoked or unknown; this sends the token to ClickUp")
	fs.StringVar(&p.ClickUpAPIURL, "clickup-api-url", "", "ClickUp API base `URL` for --verify (default "+verify.DefaultBaseURL+")")
	fs.StringVar(&p.AuditLog, "audit-log", "", "append one JSON line per ClickUp API call to this `file` (default stderr); it never holds a token")
}
