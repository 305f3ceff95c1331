// Command clickup-secret-scan finds leaked ClickUp credentials in build
// output, git history, commit ranges and the staged index, and says how to
// rotate them. main only wires: run does the work and returns the exit code.
//
// Every command returns an error; exitCode maps it to the exit code and
// prints it, the one place that does either.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	buildversion "github.com/clickup-secret-scan/clickup-secret-scan/internal/version"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// Env looks up an environment variable; os.Getenv in production, a map in tests.
type Env func(key string) string

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"dir", "scan directories (build output) for ClickUp credentials", runDir},
		{"history", "scan every commit of a git repository", runHistory},
		{"diff", "scan every commit in a range (base..head)", runDiff},
		{"staged", "scan the staged changes (pre-commit)", runStaged},
		{"install-hook", "install a pre-commit hook that runs 'staged'", runInstallHook},
		{"org", "scan every repository of a GitHub organisation or user, or one shard", runOrg},
		{"merge", "merge JSON reports (org shards, single repositories) into one", runMerge},
		{"audit", "check a repository against the ClickUp security checklist", runAudit},
		{"baseline", "write the current findings' ids to an ignore file", runBaseline},
		{"action", "run as a GitHub Action (reads INPUT_* and the event)", runAction},
		{"completion", "print a shell completion script (bash, zsh or fish)", runCompletion},
		{"version", "print the version", runVersion},
		{"help", "print this help, or a command's help (help COMMAND)", nil},
	}
}

func runVersion(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fmt.Fprintln(stdout, "clickup-secret-scan", version)
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startCPUProfile(os.Getenv("CLICKUP_SECRET_SCAN_CPUPROFILE"), os.Stderr)
	code := run(withStdinReader(ctx, os.Stdin), os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
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
	errW := terminalWriter{errOut, stderr}
	return exitCode(dispatch(ctx, args, env, terminalWriter{out, stdout}, errW), errW)
}

// terminalWriter is a redacting writer that still tells isTerminal what it
// writes to, so that the progress line appears on a terminal.
type terminalWriter struct {
	*scanner.RedactingWriter
	underlying io.Writer
}

func dispatch(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stderr)
		return errShown{usage.Err}
	}
	switch args[0] {
	case "-h", "--help", "-help":
		printUsage(stdout)
		return nil
	case "help":
		if len(args) == 1 || strings.HasPrefix(args[1], "-") {
			printUsage(stdout)
			return nil
		}
		// help COMMAND is COMMAND -h.
		args = []string{args[1], "-h"}
	case "--version", "-version":
		args[0] = "version"
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			return c.run(ctx, args[1:], env, stdout, stderr)
		}
	}
	return withUsage{usageErrorf("unknown command %q", args[0]), func() {
		fmt.Fprintln(stderr)
		printUsage(stderr)
	}}
}

// version is the release, module or development version (internal/version).
var version = buildversion.String()

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: clickup-secret-scan <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\n"+exitCodesLine)
	fmt.Fprintln(w, "flags may come before or after arguments; -- ends them")
	fmt.Fprintln(w, "run 'clickup-secret-scan help <command>' for a command's flags")
}
