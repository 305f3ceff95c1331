package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/ignore"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/source"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/dir"
	"github.com/clickup-secret-scan/clickup-secret-scan/source/history"
)

// runBaseline implements `baseline [--repo PATH] [--output FILE]`: it scans
// the repository (its history when it is a git repository, else the
// directory) and adds one ignore entry per finding not listed yet, so that a
// team adopting the scanner on an old repository fails only on new leaks.
func runBaseline(ctx context.Context, args []string, env Env, stdout, stderr io.Writer) error {
	fset := newFlagSet("baseline", stderr)
	repo := fset.String("repo", ".", "the repository `path` to scan")
	output := fset.String("output", "", "the ignore `file` to write (default <repo>/"+ignore.DefaultFile+"; - for stdout); existing entries are kept")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: clickup-secret-scan baseline [--repo PATH] [--output FILE]")
		fmt.Fprintln(stderr, "records the current findings' ids as ignored; they stay leaked: rotate them")
		fset.PrintDefaults()
	}
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return usageErrorf("baseline takes no arguments (use --repo PATH)")
	}
	out := *output
	if out == "" {
		out = filepath.Join(*repo, ignore.DefaultFile)
	}
	var existing []byte
	var rules *ignore.Rules
	if out != "-" {
		data, err := os.ReadFile(out)
		switch {
		case err == nil:
			existing = data
			rules, err = ignore.Parse(bytes.NewReader(data), out)
			if err != nil {
				return usageErrorf("invalid ignore file: %w", err)
			}
		case !errors.Is(err, fs.ErrNotExist):
			return usageErrorf("failed to read %s: %w", out, err)
		}
	}

	src := &source.RepoOrDir{Repo: history.Source{RepoPath: *repo}, Dir: dir.Source{Roots: []string{*repo}}}
	rep, _, err := source.Run(ctx, src, scanner.Options{})
	if err != nil {
		return err
	}
	scanned := "history"
	if src.UsedDir() {
		scanned = "directory"
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if n := rep.Stats.ErrorCount; n > 0 {
		fmt.Fprintf(stderr, "warning: %d item(s) could not be scanned in full\n", n)
	}

	date := time.Now().UTC().Format("2006-01-02")
	var buf bytes.Buffer
	buf.Write(existing)
	if len(existing) > 0 && !bytes.HasSuffix(existing, []byte("\n")) {
		buf.WriteByte('\n')
	}
	if len(existing) == 0 {
		fmt.Fprintf(&buf, "# ClickUp secret scan ignore file: one finding id (sha256 of the secret) or path:<glob>, then a reason.\n")
		fmt.Fprintf(&buf, "# Ignoring a finding does not make a leaked token safe: rotate every token listed here.\n")
	}
	added, kept := 0, 0
	for _, f := range rep.Findings {
		if rules.Contains(f.ID) {
			kept++
			continue
		}
		if added == 0 {
			fmt.Fprintf(&buf, "\n# baseline of %s, %s scan\n", date, scanned)
		}
		added++
		fmt.Fprintf(&buf, "# %s %s at %s\n", f.Kind, f.Secret.Redacted(), commentSafe(baselineWhere(f)))
		fmt.Fprintf(&buf, "%s  baseline %s\n", f.ID, date)
	}
	if out == "-" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("failed to write the baseline: %w", err)
		}
	} else if added > 0 || len(existing) == 0 {
		if err := os.WriteFile(out, scanner.RedactShapes(buf.Bytes()), 0o644); err != nil {
			return fmt.Errorf("failed to write %s: %w", out, err)
		}
	}
	fmt.Fprintf(stderr, "baseline: %d new finding(s) recorded in %s (%d already listed)\n", added, out, kept)
	if added+kept > 0 {
		fmt.Fprintln(stderr, "these findings no longer fail a scan, but ignoring a finding does not make a leaked token safe: rotate them")
	}
	return nil
}

func baselineWhere(f scanner.Finding) string {
	if len(f.Locations) == 0 {
		return "?"
	}
	l := f.Locations[0]
	s := l.Path
	if l.InnerPath != "" {
		s += "!/" + l.InnerPath
	}
	if l.Line > 0 {
		s += fmt.Sprintf(":%d", l.Line)
	}
	if n := len(f.Locations) - 1; n > 0 {
		s += fmt.Sprintf(" (+%d more)", n)
	}
	return s
}

// commentSafe keeps a path from breaking out of its comment line.
func commentSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}
