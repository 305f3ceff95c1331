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
	"slices"
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
	fset := newFlagSet("baseline", stdout, stderr)
	repo := fset.String("repo", ".", "the repository `path` to scan")
	output := fset.String("output", "", "the ignore `file` to write (default <repo>/"+ignore.DefaultFile+"; - for stdout); existing entries are kept")
	if err := fset.parse(args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return fset.usageErrorf("baseline takes no arguments (use --repo PATH)")
	}
	out := *output
	if out == "" {
		out = filepath.Join(*repo, ignore.DefaultFile)
	}
	// The rules already in force are those of the file written to, or of
	// the repository's ignore file when the baseline goes to stdout.
	rulesFile := out
	if out == "-" {
		rulesFile = filepath.Join(*repo, ignore.DefaultFile)
	}
	var existing []byte
	var rules *ignore.Rules
	data, err := os.ReadFile(rulesFile)
	switch {
	case err == nil:
		rules, err = ignore.Parse(bytes.NewReader(data), rulesFile)
		if err != nil {
			return usageErrorf("invalid ignore file: %w", err)
		}
		if out != "-" {
			existing = data
		}
	case !errors.Is(err, fs.ErrNotExist):
		return usageErrorf("failed to read %s: %w", rulesFile, err)
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
	// A finding an id or path rule (or the inline marker) ignores already
	// needs no entry; one ignored at some locations only still does.
	findings, ignored := rules.Apply(rep.Findings, *repo)
	kept := 0
	for _, ig := range ignored {
		if !slices.ContainsFunc(findings, func(f scanner.Finding) bool { return f.ID == ig.Finding.ID }) {
			kept++
		}
	}
	added := 0
	for _, f := range findings {
		if added == 0 {
			fmt.Fprintf(&buf, "\n# baseline of %s, %s scan\n", date, scanned)
		}
		added++
		fmt.Fprintf(&buf, "# %s %s at %s\n", f.Kind, f.Secret.Redacted(), commentSafe(baselineWhere(f)))
		fmt.Fprintf(&buf, "%s  baseline %s\n", f.ID, date)
	}
	if out == "-" {
		if _, err := stdout.Write(scanner.RedactShapes(buf.Bytes())); err != nil {
			return fmt.Errorf("failed to write the baseline: %w", err)
		}
	} else if added > 0 || len(existing) == 0 {
		if err := os.WriteFile(out, scanner.RedactShapes(buf.Bytes()), 0o644); err != nil {
			return fmt.Errorf("failed to write %s: %w", out, err)
		}
	}
	where := out
	if out == "-" {
		where = "standard output"
	}
	fmt.Fprintf(stderr, "baseline: %d new finding(s) written to %s (%d already ignored)\n", added, where, kept)
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
	switch l.Object {
	case scanner.ObjectCommitMessage:
		s = "commit " + shortID(l.Commit) + " message"
	case scanner.ObjectTagMessage:
		s = "tag " + strings.TrimPrefix(l.Path, "refs/tags/") + " message"
	}
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

// shortID abbreviates a commit id to 7 characters, as git log --oneline.
func shortID(id string) string {
	if len(id) > 7 {
		return id[:7]
	}
	return id
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
