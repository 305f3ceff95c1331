package report

import (
	"fmt"
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

func guidanceSteps(f scanner.Finding) []step {
	w := summarize(f)
	var steps []step
	add := func(b *stepBuilder) { steps = append(steps, b.s) }

	if len(w.removed) > 0 {
		b := newStep().t("Removed here (").values(w.removed)
		if len(w.removedCommits) > 0 {
			b.t(" in commit ").values(w.removedCommits)
		}
		add(b.t("), but it is still in git history: rotate it. Deleting the line does not revoke the credential."))
	}

	onlyChange := !w.history && !w.dir && (w.diff || w.staged)
	if onlyChange && w.staged && !w.diff && w.stagedMessage {
		add(newStep().t("Remove it from the commit message, then commit again: ").
			c(`git commit -e -F "$(git rev-parse --git-path COMMIT_EDITMSG)"`).t(" reopens the message git kept."))
	}
	if onlyChange && w.staged && !w.diff && len(w.stagedPaths) > 0 {
		b := newStep().t("Remove it from ").values(w.stagedPaths).
			t(" before committing: edit the file to read the value from the environment, then ")
		if len(w.stagedPaths) == 1 {
			b.c("git add " + shellQuote(strings.SplitN(w.stagedPaths[0], "!/", 2)[0]))
		} else {
			b.c("git add <file>")
		}
		add(b.t(" again (or unstage it with ").c("git restore --staged <file>").t(")."))
	}

	if w.history && f.Verification != scanner.VerifiedRevoked {
		b := newStep().t("It is in git history")
		if len(w.commits) > 0 {
			b.t(" (commit ").values(w.commits).t(")")
		}
		add(b.t(": rotate it first. A commit that deletes it does not help, and rewriting history does not revoke it."))
	}

	if f.Verification == scanner.VerifiedRevoked {
		add(newStep().t("ClickUp already rejects this credential (checked live), so it needs no rotation; still remove it, so that people and scanners stop tripping on it."))
	} else {
		ks := kindSteps(f, w)
		if onlyChange && len(w.removed) == 0 {
			var cond seg
			if w.diff {
				// A diff is of pushed commits (a pull request, a push to a
				// branch or tag): the value is public now, whatever a later
				// commit or a rewrite does.
				cond = seg{segText, "It was pushed, so treat it as exposed and rotate it first. "}
			} else {
				cond = seg{segText, "If the value was ever pushed or shared, treat it as exposed and rotate it. "}
			}
			ks[0] = append(step{cond}, ks[0]...)
		}
		steps = append(steps, ks...)
	}

	if onlyChange && w.diff && len(w.diffPaths) > 0 {
		add(newStep().t("Remove it from ").values(w.diffPaths).t(" and read the value from the environment instead."))
	}
	if w.diff && len(w.pushedMessages) > 0 {
		b := newStep().t("It is in ").values(w.pushedMessages).
			t(": a message cannot be edited away once pushed (clones, forks, notifications and the pull request's timeline keep it), so rotation is what protects you.")
		if w.prText {
			b.t(" Edit the pull request to drop it, and delete the old revision from the edit history (the \"edited\" menu).")
		}
		add(b)
	}
	if len(w.buildPaths) > 0 {
		add(newStep().t("It was baked into build output (").values(w.buildPaths).
			t("): rebuild without it. Keep the value server-side: bundlers inline variables such as ").
			c("NEXT_PUBLIC_*").t(", ").c("VITE_*").t(" and ").c("REACT_APP_*").
			t(" into client code, so call ClickUp from a server or function instead. Delete every published copy of the old artifact (releases, CDN, caches, container images)."))
	}
	if len(w.dirPaths) > 0 {
		add(newStep().t("Remove it from ").values(w.dirPaths).
			t(" and read it from the environment at run time. If the file is tracked by git, the value is also in history: run ").
			c("clickup-secret-scan history").t(" and purge it."))
	}
	// Rewriting history never revokes a pushed value: it comes last, as
	// an option.
	if onlyChange && w.diff {
		add(newStep().t("Optional, after rotating: rewrite the commits that hold it (").
			c("git rebase -i").t(", then ").c("git push --force-with-lease").
			t("). This does not revoke it: clones and forks keep copies."))
	}
	if w.history || len(w.removed) > 0 {
		steps = append(steps, purgeSteps(w)...)
	}
	return steps
}

// kindSteps are the rotation steps of one kind of credential.
func kindSteps(f scanner.Finding, w where) []step {
	var steps []step
	add := func(b *stepBuilder) { steps = append(steps, b.s) }
	names := envNames(f)
	// oldValue names the leaked value when there is one: rule help is
	// built from a finding without a secret.
	oldValue := func(b *stepBuilder, noun, tail string) *stepBuilder {
		if f.Secret.IsZero() {
			return b.t(" The old " + noun + tail)
		}
		return b.t(" The old " + noun + " ").c(f.Secret.Redacted()).t(tail)
	}
	live := ""
	if f.Verification == scanner.VerifiedLive {
		live = " ClickUp confirmed it is live: anyone holding the value has access now."
	}

	switch f.Kind {
	case scanner.PersonalToken:
		b := newStep().t("Regenerate the token in ClickUp").signedInAs(f)
		add(oldValue(b.t(": Settings > Apps > API Token > Regenerate."), "token", " stops working at once."+live))
		add(newStep().t("Put the new token in the environment (").values(names).t("), never in code or config files."))
		add(newStep().t("Check the new token: ").
			c(`curl -sf https://api.clickup.com/api/v2/user -H "Authorization: $` + names[0] + `" | jq '.user.username'`))
		add(deploySteps(names))
		add(newStep().t("Expect 401 errors (").c("OAUTH_025").t(", Token invalid) from any deployment still on the old token; each one is a place you missed."))
	case scanner.OAuthClientSecret:
		add(oldValue(newStep().t("Regenerate the client secret in ClickUp: Settings > Apps, open the OAuth app, regenerate its client secret."), "secret", " stops working at once."+live))
		add(deploySteps(names))
		b := newStep().t("The client secret is server-side only: it belongs in the server that exchanges OAuth codes (")
		b.c("POST https://api.clickup.com/api/v2/oauth/token").t(")")
		if len(w.buildPaths) > 0 {
			b.t(". It was found in build output, so move that exchange out of the client bundle to the server.")
		} else {
			b.t("; if a browser or mobile bundle ever held it, move the exchange to the server.")
		}
		add(b)
	case scanner.OAuthAccessToken:
		b := newStep().t("Revoke the app's authorization")
		if f.UserID != "" {
			b.t(" for user ").v(f.UserID)
		}
		add(oldValue(b.t(" (in ClickUp: Settings > Apps, remove the authorized app), then run the OAuth flow again to get a new access token."), "token", " never expires on its own."+live))
		add(deploySteps(names))
	case scanner.WebhookSecret:
		add(newStep().t("Delete the webhook and create it again: ClickUp issues the secret only at creation (").
			c("DELETE https://api.clickup.com/api/v2/webhook/{webhook_id}").t(", then ").
			c("POST https://api.clickup.com/api/v2/team/{team_id}/webhook").t("; the response holds the new secret)." + live))
		add(newStep().t("Update the signature verifier (HMAC-SHA256 of the body, header ").c("X-Signature").
			t(") with the new secret, in ").values(names).t("; until then it rejects genuine deliveries."))
		add(deploySteps(names))
	default:
		add(newStep().t("Revoke the credential in ClickUp and issue a new one." + live))
		add(deploySteps(names))
	}
	return steps
}

// deploySteps names the commands that update every stored copy.
func deploySteps(names []string) *stepBuilder {
	b := newStep().t("Update every deployment secret that held it: ")
	for i, n := range names {
		if i == maxListed {
			break
		}
		if i > 0 {
			b.t(", ")
		}
		b.c("gh secret set " + n)
	}
	n := names[0]
	return b.t(", ").c(`vault kv put secret/<app> ` + n + `="$NEW_VALUE"`).t(", ").
		c(`aws secretsmanager update-secret --secret-id <id> --secret-string "$NEW_VALUE"`).
		t(", then redeploy.")
}

// allSecretFiles reports whether every path names a file that exists to
// hold secrets (.env, credentials, keys), which history can lose entirely.
func allSecretFiles(paths []string) bool {
	for _, p := range paths {
		base := strings.ToLower(path.Base(p))
		switch {
		case base == ".env" || strings.HasPrefix(base, ".env.") || strings.HasSuffix(base, ".env"),
			strings.Contains(base, "secret"), strings.Contains(base, "credential"),
			strings.HasSuffix(base, ".pem"), strings.HasSuffix(base, ".key"),
			base == ".npmrc", base == ".netrc", strings.HasSuffix(base, ".tfvars"):
		default:
			return false
		}
	}
	return true
}

// purgeSteps remove a secret from git history once it is rotated.
func purgeSteps(w where) []step {
	var steps []step
	add := func(b *stepBuilder) { steps = append(steps, b.s) }

	if len(w.historyPaths) > 0 {
		cmd := "git filter-repo --invert-paths"
		for i, p := range w.historyPaths {
			if i == maxListed {
				break
			}
			cmd += " --path " + shellQuote(p)
		}
		var bases []string
		for _, p := range w.historyPaths {
			bases = addUnique(bases, path.Base(p))
		}
		dropFile := func(b *stepBuilder) {
			b.t("to drop the file from every commit, ").c(cmd)
			if len(w.historyPaths) > maxListed {
				b.t(fmt.Sprintf(" (and %d more paths)", len(w.historyPaths)-maxListed))
			}
			b.t(", or with BFG ")
			for i, base := range bases {
				if i == maxListed {
					break
				}
				if i > 0 {
					b.t(", ")
				}
				b.c("bfg --delete-files " + shellQuote(base))
			}
			b.t(" (BFG matches the name anywhere and spares the copy at HEAD: delete it in a commit first)")
		}
		keepFile := func(b *stepBuilder) {
			b.t("to keep the file but drop the value, put the old value on a line of a file outside the repository (").
				c("replacements.txt").t(") and run ").c("git filter-repo --replace-text replacements.txt").
				t(" (BFG: ").c("bfg --replace-text replacements.txt").t(")")
		}
		b := newStep().t("Optional, once rotated: purge it from history: ")
		// Lead with the likelier fix: a secrets file should go entirely; a
		// source file must stay, minus the value.
		if allSecretFiles(w.historyPaths) {
			dropFile(b)
			b.t("; or, ")
			keepFile(b)
		} else {
			keepFile(b)
			b.t("; or, ")
			dropFile(b)
		}
		b.t(".")
		add(b)
	}
	if len(w.messages) > 0 {
		add(newStep().t("It is in a git message (").values(w.messages).t("): purge it with ").
			c("git filter-repo --replace-message replacements.txt").t(" (a file holding the old value)."))
	}
	if w.unreachable {
		add(newStep().t("Some copies are in objects that no branch or tag reaches: expire them locally with ").
			c("git reflog expire --expire=now --all && git gc --prune=now").
			t("; GitHub keeps unreachable objects until GitHub Support removes them."))
	}
	add(newStep().t("Force-push the rewritten history (").c("git push --force --all && git push --force --tags").
		t("), ask every collaborator to re-clone, and ask GitHub Support to purge cached views and pull request refs. Forks and existing clones keep the old history: only rotation protects you."))
	return steps
}
