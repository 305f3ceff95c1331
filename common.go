package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/auditlog"
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
	// exitZero makes findings exit 0 (the report is still written).
	exitZero bool
	// quiet prints nothing on success: no text report, no progress line.
	quiet bool
	// showIgnored lists ignored findings in full in the text report.
	showIgnored bool
	// noColor turns colour off in the text report on a terminal.
	noColor bool
	// color is decided in validate: text on a terminal, NO_COLOR unset,
	// no --no-color.
	color bool
	// pipeline holds the post-processing flags (ignore rules, live
	// verification).
	pipeline postprocess.Options
}

func addOutputFlags(fs *flagSet) *outputOptions {
	o := &outputOptions{}
	fs.StringVar(&o.format, "format", "text", "output `format`: text, json or sarif")
	fs.StringVar(&o.output, "output", "", "write the report to this `file` instead of stdout")
	fs.BoolVar(&o.exitZero, "exit-zero", false, "exit 0 when credentials are found (the report still lists them); bad usage (2) and failures (3) still fail")
	fs.BoolVar(&o.quiet, "quiet", false, "print nothing when nothing is found (no text report, no progress line)")
	fs.boolAlias(&o.quiet, "q", "quiet")
	fs.BoolVar(&o.showIgnored, "show-ignored", false, "list ignored findings in full in the text report (default: one count line; JSON always lists them)")
	fs.BoolVar(&o.noColor, "no-color", false, "no colour in the text report (also off when NO_COLOR is set or stdout is not a terminal)")
	addPipelineFlags(fs, &o.pipeline)
	return o
}

// validate checks the format and decides on colour: only for the text
// report written to a terminal.
func (o *outputOptions) validate(fs *flagSet, env Env, stdout io.Writer) error {
	switch o.format {
	case "text", "json", "sarif":
	default:
		return fs.usageErrorf("unknown --format %q (want text, json or sarif)", o.format)
	}
	o.color = o.format == "text" && o.output == "" && !o.noColor && env("NO_COLOR") == "" && isTerminal(stdout)
	return nil
}

// progressAfter is how long a scan runs before its progress line appears:
// a quick scan prints none.
const progressAfter = 2 * time.Second

// progress returns where a command's progress line goes: stderr on a
// terminal unless --quiet, else nowhere.
func (o *outputOptions) progress(stderr io.Writer) io.Writer {
	if o.quiet || !isTerminal(stderr) {
		return nil
	}
	return stderr
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
	// --quiet drops the text report of a clean scan; JSON and SARIF are
	// data another program waits for, and a file was asked for.
	if !(o.quiet && len(rep.Findings) == 0 && o.format == "text" && o.output == "") {
		if err := writeReport(o, rep, stdout); err != nil {
			return err
		}
	}
	if len(rep.Findings) > 0 && !o.exitZero {
		return errFindings
	}
	return nil
}

// postProcess applies ignore rules and live verification to rep, stamps
// the tool's version and prints the scan's warnings: what finish does
// before writing the report, for a command that writes more than one.
func postProcess(ctx context.Context, o *outputOptions, rep report.Report, stderr io.Writer) (report.Report, error) {
	closeLog, err := withAuditLog(&o.pipeline, stderr)
	if err != nil {
		return rep, err
	}
	defer closeLog()
	rep, err = postprocess.Apply(ctx, o.pipeline, rep, stderr)
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
	opts := report.Options{Color: o.color, ShowIgnored: o.showIgnored}
	return writeOutput(o.output, stdout, func(w io.Writer) error { return report.WriteWith(w, o.format, rep, opts) })
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
func addPipelineFlags(fs *flagSet, p *postprocess.Options) {
	p.APIURLOption = apiURLFlag
	fs.StringVar(&p.IgnoreFile, "ignore-file", "", "read ignore rules from this `file` (default: "+ignore.DefaultFile+" at the repository root, when present)")
	fs.BoolVar(&p.Verify, "verify", false, "check each personal token and OAuth access token against ClickUp's API (GET /api/v2/user): live, revoked or unknown; this sends the token to ClickUp")
	fs.StringVar(&p.ClickUpAPIURL, "clickup-api-url", "", "ClickUp API base `URL` for --verify (default "+verify.DefaultBaseURL+")")
	fs.StringVar(&p.AuditLog, "audit-log", "", "with --verify, append one JSON line per ClickUp API call to this `file` (- for stderr; default: not kept); it never holds a token")
}

// withAuditLog points --verify's audit lines at --audit-log: a file, "-"
// for stderr, or nowhere when unset, so that they never mix into the
// human messages on stderr unasked. It returns the function that closes
// the file.
func withAuditLog(p *postprocess.Options, stderr io.Writer) (func(), error) {
	if !p.Verify || p.VerifyClient != nil {
		return func() {}, nil
	}
	var w io.Writer = io.Discard
	closer := func() {}
	switch p.AuditLog {
	case "":
	case "-":
		w = stderr
	default:
		f, err := os.OpenFile(p.AuditLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, usage.Error{Err: fmt.Errorf("failed to open the audit log: %w", err)}
		}
		w = f
		closer = func() { f.Close() }
	}
	p.VerifyClient = &verify.Client{BaseURL: p.ClickUpAPIURL, Audit: auditlog.New(w)}
	return closer, nil
}
