// Command clickup-secret-scan finds leaked ClickUp credentials in build
// output, git history, commit ranges and the staged index, and says how to
// rotate them. main only wires: run does the work and returns the exit code.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	buildversion "github.com/clickup-secret-scan/clickup-secret-scan/internal/version"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// Exit codes, documented in README.md.
const (
	exitClean    = 0 // nothing found
	exitFindings = 1 // at least one finding (or a failed audit check)
	exitUsage    = 2 // bad usage or input
	exitInternal = 3 // internal failure
)

// Env looks up an environment variable; os.Getenv in production, a map in tests.
type Env func(key string) string

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"dir", "scan directories (build output) for ClickUp credentials", runDir},
		{"history", "scan every commit of a git repository", runHistory},
		{"diff", "scan every commit in a range (base..head)", runDiff},
		{"staged", "scan the staged changes (pre-commit)", runStaged},
		{"install-hook", "install a pre-commit hook that runs 'staged'", runInstallHook},
		{"audit", "check a repository against the ClickUp security checklist", runAudit},
		{"baseline", "write the current findings' ids to an ignore file", runBaseline},
		{"action", "run as a GitHub Action (reads INPUT_* and the event)", runAction},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startCPUProfile(os.Getenv("CLICKUP_SECRET_SCAN_CPUPROFILE"), os.Stderr)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stopProfile()
	stop()
	os.Exit(code)
}

// startCPUProfile writes a pprof CPU profile to path (for the benchmark
// scripts) and returns the function that finishes it; "" profiles nothing.
func startCPUProfile(path string, stderr io.Writer) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: failed to create CPU profile: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(stderr, "clickup-secret-scan: failed to start CPU profile: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// run dispatches args[0] to a subcommand and returns the process exit code.
// Everything a command prints passes through a redacting writer, so that a
// token that reached a message without being a finding (a file, ref or
// author named after one) is still never printed in clear.
func run(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) int {
	out := &scanner.RedactingWriter{W: stdout}
	errOut := &scanner.RedactingWriter{W: stderr}
	defer out.Flush()
	defer errOut.Flush()
	return dispatch(ctx, args, env, terminalWriter{out, stdout}, terminalWriter{errOut, stderr})
}

// terminalWriter is a redacting writer that still tells isTerminal what it
// writes to, so that the progress line appears on a terminal.
type terminalWriter struct {
	*scanner.RedactingWriter
	underlying io.Writer
}

func dispatch(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitClean
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "clickup-secret-scan", version)
		return exitClean
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], env, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "clickup-secret-scan: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

// version is the release, module or development version (internal/version).
var version = buildversion.String()

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: clickup-secret-scan <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nexit codes: 0 clean, 1 findings, 2 bad usage or input, 3 internal failure")
	fmt.Fprintln(w, "run 'clickup-secret-scan <command> -h' for a command's flags")
}
