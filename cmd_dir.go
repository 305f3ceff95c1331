package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/dir"
)

// runDir implements `dir [--include GLOB]... [--exclude GLOB]... PATH...`.
func runDir(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fs := newFlagSet("dir", stderr)
	var include, exclude stringList
	fs.Var(&include, "include", "scan only files matching this doublestar `glob` (relative to each PATH; repeatable)")
	fs.Var(&exclude, "exclude", "skip files matching this doublestar `glob` (relative to each PATH; repeatable)")
	maxArchive := fs.Int64("max-archive-bytes", scanner.DefaultMaxArchiveBytes, "decompress at most this many `bytes` from one archive")
	out := addOutputFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: clickup-secret-scan dir [flags] PATH...")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := out.validate(); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return withUsage{usageErrorf("dir needs at least one PATH"), fs.Usage}
	}
	src := dir.Source{Roots: fs.Args(), Include: include, Exclude: exclude}
	if isTerminal(stderr) {
		src.Progress = stderr
	}
	return scanAndFinish(ctx, src, scanner.Options{MaxArchiveBytes: *maxArchive}, out, stdout, stderr)
}

// isTerminal reports whether w is a character device (a terminal), where a
// progress line helps rather than clutters a log.
func isTerminal(w io.Writer) bool {
	if t, ok := w.(terminalWriter); ok {
		w = t.underlying
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
