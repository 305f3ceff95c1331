package report

import (
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// maxListed bounds how many paths a single step names, so that a secret
// copied into ten thousand files still yields readable guidance.
const maxListed = 5

// KindTitle returns the human name of a credential kind, as used in
// headlines and rule descriptions.
func KindTitle(k scanner.Kind) string { return k.Title() }

// HeadlineMarkdown returns Headline as markdown for PR comments and step
// summaries: the redacted value and every value from the scan or from
// ClickUp (user id, username) are code spans, so they cannot inject markup
// or @-mentions.
func HeadlineMarkdown(f scanner.Finding) string {
	b := newStep()
	if f.Verification == scanner.VerifiedLive {
		b.t("**LIVE** ")
	}
	b.t("**" + KindTitle(f.Kind) + "** ").c(f.Secret.Redacted())
	b.owner(f)
	if f.Verification == scanner.VerifiedRevoked {
		b.t(": revoked, remove it")
	} else {
		b.t(": rotate it now")
	}
	return scrub(b.s.markdown(), f.Secret)
}

// Headline returns one line naming the finding, its redacted value, whose it
// is and what to do, e.g.
// "ClickUp personal API token pk_7043602_…L8VY (user 7043602): rotate it now".
// A finding verified live gets a "LIVE " prefix; a revoked one says so.
func Headline(f scanner.Finding) string {
	return headlineWith(f, f.Secret.Redacted())
}

// headlineWith is Headline with the redacted form of the secret given, for a
// finding read back from a report, which no longer holds the secret.
func headlineWith(f scanner.Finding, redacted string) string {
	var b strings.Builder
	if f.Verification == scanner.VerifiedLive {
		b.WriteString("LIVE ")
	}
	b.WriteString(KindTitle(f.Kind))
	b.WriteString(" ")
	b.WriteString(redacted)
	var who []string
	if f.UserID != "" {
		who = append(who, "user "+display(f.UserID))
	}
	if f.Username != "" {
		who = append(who, "@"+display(f.Username))
	}
	if len(who) > 0 {
		b.WriteString(" (" + strings.Join(who, ", ") + ")")
	}
	switch f.Verification {
	case scanner.VerifiedRevoked:
		b.WriteString(": revoked, remove it")
	default:
		b.WriteString(": rotate it now")
	}
	return scrub(b.String(), f.Secret)
}

// Guidance returns the ordered, plain-text steps the owner of f must take:
// specific to its kind, to where it was found (git history, a directory or
// build output, a pull request diff, the staged index) and to what the scan
// saw (variable names, the ClickUp user id, the paths). Commands in the
// steps are ready to paste; paths in them are shell-quoted.
func Guidance(f scanner.Finding) []string {
	steps := guidanceSteps(f)
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = scrub(s.plain(), f.Secret)
	}
	return out
}

// GuidanceMarkdown returns the steps of Guidance as a numbered markdown
// list, one item a line, ending in a newline. Values that come from the
// scanned content (paths, variable names, usernames) are rendered as code
// spans, so a hostile file name cannot inject markup or @-mentions.
func GuidanceMarkdown(f scanner.Finding) string {
	return numberedMarkdown(guidanceSteps(f), f.Secret)
}

// where summarises the locations of a finding by source.
type where struct {
	history, dir, diff, staged bool
	// historyPaths are the repository paths of blobs in history.
	historyPaths []string
	// messages are the git objects (commit-message, tag-message) that held it.
	messages []string
	// unreachable is true when some history location is in no ref.
	unreachable bool
	// dirPaths, buildPaths, diffPaths and stagedPaths are display paths
	// (path!/inner) per source; buildPaths are the dir paths that look like
	// build output or archives.
	dirPaths, buildPaths, diffPaths, stagedPaths []string
	// removed holds display paths of diff locations where the secret was
	// removed, with the commits that removed it.
	removed        []string
	removedCommits []string
	commits        []string
	// pushedMessages name the messages of a diff that held it (the commit
	// message of a commit, the pull request's title or body); stagedMessage
	// is true when the message being committed holds it.
	pushedMessages []string
	prText         bool
	stagedMessage  bool
}

func addUnique(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

func locDisplay(l scanner.Location) string {
	if l.InnerPath != "" {
		return l.Path + "!/" + l.InnerPath
	}
	return l.Path
}

func summarize(f scanner.Finding) where {
	var w where
	for _, l := range f.Locations {
		if l.Change == scanner.Removed {
			// Removed in this change, so present in the commits before it:
			// it needs the same purge as a secret found in history.
			w.removed = addUnique(w.removed, locDisplay(l))
			w.removedCommits = addUnique(w.removedCommits, shortCommit(l.Commit))
			w.historyPaths = addUnique(w.historyPaths, l.Path)
			continue
		}
		switch l.Source {
		case scanner.SourceHistory:
			w.history = true
			w.commits = addUnique(w.commits, shortCommit(l.Commit))
			if l.Unreachable {
				w.unreachable = true
			}
			if l.Object == scanner.ObjectBlob {
				// A blob no tree reaches: Path is its hash, not a file.
				w.unreachable = true
				continue
			}
			if l.Object != "" {
				w.messages = addUnique(w.messages, string(l.Object))
				continue
			}
			w.historyPaths = addUnique(w.historyPaths, l.Path)
		case "diff":
			w.diff = true
			if l.Path == "" && l.Object != "" {
				w.pushedMessages = addUnique(w.pushedMessages, messageName(l))
				w.prText = w.prText || l.Object == scanner.ObjectPRTitle || l.Object == scanner.ObjectPRBody
				continue
			}
			w.diffPaths = addUnique(w.diffPaths, locDisplay(l))
		case "staged":
			w.staged = true
			if l.Object != "" {
				w.stagedMessage = true
				continue
			}
			w.stagedPaths = addUnique(w.stagedPaths, locDisplay(l))
		default:
			w.dir = true
			if isBuildOutput(l) {
				w.buildPaths = addUnique(w.buildPaths, locDisplay(l))
			} else {
				w.dirPaths = addUnique(w.dirPaths, locDisplay(l))
			}
		}
	}
	return w
}

// buildDirs are directory names that hold generated output; a secret there
// was baked in by a build, not typed into a source file.
var buildDirs = []string{"dist", "build", "out", ".next", ".nuxt", ".output", ".svelte-kit", "target", "public", "bin", "release", "coverage", "storybook-static", "_site"}

func isBuildOutput(l scanner.Location) bool {
	if l.InnerPath != "" {
		return true
	}
	for _, part := range strings.Split(l.Path, "/") {
		if slices.Contains(buildDirs, part) {
			return true
		}
	}
	switch path.Ext(l.Path) {
	case ".map", ".zip", ".jar", ".war", ".tgz", ".gz", ".apk", ".whl":
		return true
	}
	return strings.HasSuffix(l.Path, ".min.js") || strings.HasSuffix(l.Path, ".bundle.js")
}

// messageName names a path-less diff location: "commit message of
// 0123456789ab", "pull request title".
func messageName(l scanner.Location) string {
	switch l.Object {
	case scanner.ObjectPRTitle:
		return "the pull request title"
	case scanner.ObjectPRBody:
		return "the pull request description"
	}
	if l.Commit != "" {
		return string(l.Object) + " of " + shortCommit(l.Commit)
	}
	return string(l.Object)
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// envNames returns the variable names to use in commands: the keys the scan
// saw that are environment variable names, UPPER_SNAKE_CASE (never empty:
// a conventional name when none is). Other keys are dropped rather than
// quoted: a JavaScript identifier such as clickupToken or a JSON field
// names no variable, and the names also become GitHub secret names.
func envNames(f scanner.Finding) []string {
	var names []string
	for _, k := range f.Keys() {
		if isIdentifier(k) && k == strings.ToUpper(k) && strings.ContainsFunc(k, unicode.IsUpper) {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		names = []string{f.Kind.EnvName()}
	}
	return names
}

// isIdentifier reports whether s can be used unquoted as a shell variable
// and a GitHub secret name.
func isIdentifier(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return !strings.HasPrefix(strings.ToUpper(s), "GITHUB_")
}
