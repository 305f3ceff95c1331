package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/dir"
)

// runDir implements `dir [flags] PATH...`; PATH "-" is standard input.
func runDir(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fs := newFlagSet("dir", stdout, stderr)
	var include, exclude stringList
	fs.Var(&include, "include", "scan only files matching this doublestar `glob` (relative to each PATH; repeatable)")
	fs.Var(&exclude, "exclude", "skip files matching this doublestar `glob` (relative to each PATH; repeatable)")
	maxArchive := byteSize(scanner.DefaultMaxArchiveBytes)
	fs.Var(&maxArchive, "max-archive-bytes", "decompress at most this `size` from one archive: bytes, or with a unit (256MiB, 1GB)")
	out := addOutputFlags(fs)
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := out.validate(fs, env, stdout); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fs.usageErrorf("dir needs at least one PATH (- for standard input)")
	}
	roots := fs.Args()
	var src source.Source = dir.Source{Roots: slices.DeleteFunc(slices.Clone(roots), func(r string) bool { return r == "-" }), Include: include, Exclude: exclude}
	if slices.Contains(roots, "-") {
		src = withStdin{dir: src.(dir.Source), stdin: stdinFrom(ctx)}
	}
	rep, _, err := source.Run(ctx, source.WithProgress(src, out.progress(stderr), progressAfter), scanner.Options{MaxArchiveBytes: int64(maxArchive)})
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

type stdinKey struct{}

// withStdinReader returns ctx carrying r as the standard input that `dir -`
// reads; main passes os.Stdin, tests a pipe of their own.
func withStdinReader(ctx context.Context, r io.Reader) context.Context {
	return context.WithValue(ctx, stdinKey{}, r)
}

func stdinFrom(ctx context.Context) io.Reader {
	if r, ok := ctx.Value(stdinKey{}).(io.Reader); ok {
		return r
	}
	return os.Stdin
}

// withStdin scans standard input, reported as path "-", then the
// directory roots (when there are any besides "-").
type withStdin struct {
	dir   dir.Source
	stdin io.Reader
}

func (withStdin) Mode() report.Mode { return report.ModeDir }

func (s withStdin) Scan(ctx context.Context, sc *scanner.Scanner, col *scanner.Collector) (source.Result, error) {
	matches, err := sc.Scan(ctx, "-", s.stdin)
	if err != nil {
		if ctx.Err() != nil {
			return source.Result{}, fmt.Errorf("scan interrupted: %w", ctx.Err())
		}
		sc.Stats().Error("-", fmt.Errorf("failed to read standard input: %w", err))
	}
	for _, m := range matches {
		col.Add(m, scanner.Location{Source: scanner.SourceDir, Path: "-"})
	}
	if len(s.dir.Roots) == 0 {
		return source.Result{}, nil
	}
	return s.dir.Scan(ctx, sc, col)
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
