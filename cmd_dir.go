package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
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
	rep, _, err := source.Run(ctx, src, scanner.Options{MaxArchiveBytes: *maxArchive})
	if err != nil {
		return err
	}
	if archiveCut(rep.Stats.Errors) {
		fmt.Fprintln(stderr, "clickup-secret-scan: an archive was cut short; raise --max-archive-bytes to scan it whole")
	}
	return finish(ctx, out, rep, stdout, stderr)
}

// archiveCut reports whether a skip line says an archive hit the
// decompression limit. The scanner words the limit generically, since
// Action users have no such input; the flag name is the CLI's to add.
func archiveCut(skips []string) bool {
	for _, s := range skips {
		if strings.HasSuffix(s, scanner.ErrArchiveLimit.Error()) {
			return true
		}
	}
	return false
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
