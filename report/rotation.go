package report

import (
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// The bodies the Action posts (review comments, the sticky comment, the
// job summary, the tracking issue) lead with rotation and keep it short:
// at most three steps per finding (rotate, update where it is deployed,
// remove it from the code), and the long command lists once per body in a
// shared footnote. Guidance keeps the full list for the CLI.

// maxShortSteps is how many steps a finding gets in a GitHub body.
const maxShortSteps = 3

// perKindThreshold is the number of findings above which the rotation
// section gives one block per kind instead of one per finding, so that
// every finding is covered within the body's size limit.
const perKindThreshold = 10

// InCode reports whether f is still in the code: some location of it is
// neither removed by its commit (Change "removed") nor marked as gone from
// the head revision (AtHead false). A finding that is not was pushed all
// the same: it is exposed and must be rotated.
func InCode(f scanner.Finding) bool {
	return slices.ContainsFunc(f.Locations, func(l scanner.Location) bool {
		return l.Change != scanner.Removed && (l.AtHead == nil || *l.AtHead)
	})
}

// html renders the step as HTML text for places where GitHub renders no
// markdown (inside <summary>): prose escaped, commands and values in
// <code>.
func (s step) html() string {
	var b strings.Builder
	for _, g := range s {
		switch g.kind {
		case segText:
			b.WriteString(html.EscapeString(g.s))
		case segCode:
			b.WriteString("<code>" + html.EscapeString(g.s) + "</code>")
		case segValue:
			b.WriteString("<code>" + html.EscapeString(display(g.s)) + "</code>")
		}
	}
	return b.String()
}

// headlineStep is Headline as segments, bold parts marked by the caller.
func headlineParts(f scanner.Finding) (lead string, rest step) {
	if f.Verification == scanner.VerifiedLive {
		lead = "LIVE "
	}
	lead += KindTitle(f.Kind)
	b := newStep().t(" ").c(f.Secret.Redacted())
	b.owner(f)
	switch {
	case f.Verification == scanner.VerifiedRevoked:
		b.t(": revoked, remove it")
	case !InCode(f):
		b.t(": removed from the code, still exposed: rotate it")
	default:
		b.t(": rotate it now")
	}
	return lead, b.s
}

// HeadlineHTML returns the headline of f as HTML, for a <summary> line,
// where GitHub does not render markdown: the kind in <b>, the redacted
// value and every value from the scan or from ClickUp in <code>, all of
// it escaped.
func HeadlineHTML(f scanner.Finding) string {
	lead, rest := headlineParts(f)
	return scrub("<b>"+html.EscapeString(lead)+"</b>"+rest.html(), f.Secret)
}

// shortSteps are the at most three steps a finding gets in a GitHub body:
// rotate it, update where it is deployed, remove it from the code. They
// point to the footnote for commands.
func shortSteps(f scanner.Finding) []step {
	var steps []step
	add := func(b *stepBuilder) { steps = append(steps, b.s) }
	names := envNames(f)
	live := ""
	if f.Verification == scanner.VerifiedLive {
		live = " ClickUp confirmed it is live."
	}
	if f.Verification == scanner.VerifiedRevoked {
		add(newStep().t("ClickUp already rejects it (checked live): it needs no rotation."))
	} else {
		switch f.Kind {
		case scanner.PersonalToken:
			b := newStep().t("Regenerate it in ClickUp").signedInAs(f)
			add(b.t(": Settings > Apps > API Token > Regenerate. The old token stops working at once." + live))
		case scanner.OAuthClientSecret:
			add(newStep().t("Regenerate the OAuth app's client secret in ClickUp: Settings > Apps, open the app, regenerate. The old secret stops working at once." + live))
		case scanner.OAuthAccessToken:
			b := newStep().t("Re-authorize: revoke the app's authorization")
			if f.UserID != "" {
				b.t(" for user ").v(f.UserID)
			}
			add(b.t(" in ClickUp (Settings > Apps), then run the OAuth flow again. The old token never expires on its own." + live))
		case scanner.WebhookSecret:
			add(newStep().t("Re-create the webhook: ClickUp issues a secret only when a webhook is created, so delete it and create it again." + live))
		default:
			add(newStep().t("Revoke the credential in ClickUp and issue a new one." + live))
		}
		add(newStep().t("Update where it is deployed (").values(names).t("), then redeploy: see the commands below."))
	}
	add(removeStep(f, names))
	return steps[:min(len(steps), maxShortSteps)]
}

// removeStep is the last short step: what to do about the copies in the
// code, or why there is nothing left to remove.
func removeStep(f scanner.Finding, names []string) *stepBuilder {
	w := summarize(f)
	if !InCode(f) {
		b := newStep().t("It is no longer in the code")
		if len(w.removedCommits) > 0 {
			b.t(" (removed in ").values(w.removedCommits).t(")")
		}
		return b.t(", but it was pushed: only rotation protects you. Rewriting history is optional, see below.")
	}
	var code []string
	for _, l := range f.Locations {
		if l.Change == scanner.Removed || (l.AtHead != nil && !*l.AtHead) || l.Object != "" {
			continue
		}
		if l.Source == "dir" && isBuildOutput(l) {
			continue
		}
		code = addUnique(code, locDisplay(l))
	}
	switch {
	case len(code) > 0:
		b := newStep().t("Remove it from the code (").values(code).t(") and read ").v(names[0]).t(" from the environment.")
		if len(w.buildPaths) > 0 {
			b.t(" Rebuild the output that holds it (").values(w.buildPaths).t(").")
		}
		return b
	case len(w.buildPaths) > 0:
		return newStep().t("Rebuild the output that holds it (").values(w.buildPaths).
			t(") without it, delete every published copy, and call ClickUp from a server, not from client code.")
	case len(w.pushedMessages) > 0:
		b := newStep().t("It is in ").values(w.pushedMessages).
			t(", which cannot be edited away once pushed: only rotation protects you.")
		if w.prText {
			b.t(" Edit the pull request to drop it, and delete the old revision from its edit history.")
		}
		return b
	}
	return newStep().t("Remove it from wherever the scan found it and read ").v(names[0]).t(" from the environment.")
}

// shortMarkdown renders the short steps of f as a numbered markdown list.
func shortMarkdown(f scanner.Finding) string {
	return numberedMarkdown(shortSteps(f), f.Secret)
}

// kindGroup is the findings of one kind, for the per-kind blocks.
type kindGroup struct {
	kind scanner.Kind
	fs   []scanner.Finding
}

func groupByKind(fs []scanner.Finding) []kindGroup {
	var gs []kindGroup
	for _, k := range append(slices.Clone(scanner.Kinds), "") {
		var g kindGroup
		g.kind = k
		for _, f := range fs {
			if f.Kind == k || (k == "" && !slices.Contains(scanner.Kinds, f.Kind)) {
				g.fs = append(g.fs, f)
			}
		}
		if len(g.fs) > 0 {
			gs = append(gs, g)
		}
	}
	return gs
}

// kindBlock renders the three steps for every finding of one kind at once.
func kindBlock(g kindGroup) string {
	var users, names, code, build, removed []string
	gone, revoked := 0, 0
	for _, f := range g.fs {
		users = addUnique(users, f.UserID)
		for _, n := range envNames(f) {
			names = addUnique(names, n)
		}
		if f.Verification == scanner.VerifiedRevoked {
			revoked++
		}
		if !InCode(f) {
			gone++
			removed = addUnique(removed, f.Secret.Redacted())
			continue
		}
		for _, l := range f.Locations {
			if l.Change == scanner.Removed || (l.AtHead != nil && !*l.AtHead) || l.Object != "" {
				continue
			}
			if l.Source == "dir" && isBuildOutput(l) {
				build = addUnique(build, locDisplay(l))
			} else {
				code = addUnique(code, locDisplay(l))
			}
		}
	}
	n := len(g.fs)
	var steps []*stepBuilder
	switch g.kind {
	case scanner.PersonalToken:
		b := newStep().t("Regenerate each token in ClickUp, signed in as its user")
		if len(users) > 0 {
			b.t(" (").values(users).t(")")
		}
		steps = append(steps, b.t(": Settings > Apps > API Token > Regenerate."))
	case scanner.OAuthClientSecret:
		steps = append(steps, newStep().t("Regenerate the client secret of each OAuth app in ClickUp: Settings > Apps."))
	case scanner.OAuthAccessToken:
		b := newStep().t("Re-authorize: revoke the app's authorization")
		if len(users) > 0 {
			b.t(" for each user (").values(users).t(")")
		}
		steps = append(steps, b.t(" in ClickUp (Settings > Apps), then run the OAuth flow again."))
	case scanner.WebhookSecret:
		steps = append(steps, newStep().t("Re-create each webhook: ClickUp issues a secret only when a webhook is created."))
	default:
		steps = append(steps, newStep().t("Revoke each credential in ClickUp and issue a new one."))
	}
	if revoked > 0 {
		steps[0].t(fmt.Sprintf(" %d of them ClickUp already rejects (checked live).", revoked))
	}
	steps = append(steps, newStep().t("Update where they are deployed (").values(names).t("), then redeploy: see the commands below."))
	b := newStep()
	if len(code) > 0 {
		b.t("Remove them from the code (").values(code).t(") and read them from the environment.")
	}
	if len(build) > 0 {
		if len(code) > 0 {
			b.t(" ")
		}
		b.t("Rebuild the output that holds them (").values(build).t(") and delete published copies.")
	}
	if gone > 0 {
		if len(code)+len(build) > 0 {
			b.t(" ")
		}
		b.t(fmt.Sprintf("%d of them are no longer in the code (", gone)).values(removed).t(") but were pushed: rotate those all the same.")
	}
	steps = append(steps, b)

	var out strings.Builder
	fmt.Fprintf(&out, "<details><summary><b>%s</b>: %d credential(s)", html.EscapeString(KindTitle(g.kind)), n)
	if gone > 0 {
		fmt.Fprintf(&out, ", %d removed from the code, still exposed", gone)
	}
	out.WriteString("</summary>\n\n")
	for i, s := range steps {
		fmt.Fprintf(&out, "%d. %s\n", i+1, s.s.markdown())
	}
	out.WriteString("\n</details>\n\n")
	secrets := make([]scanner.Secret, len(g.fs))
	for i, f := range g.fs {
		secrets[i] = f.Secret
	}
	return scrub(out.String(), secrets...)
}

// findingBlock renders the short steps of one finding as a collapsible
// block; n is its number in the table.
func findingBlock(n int, f scanner.Finding) string {
	return fmt.Sprintf("<details><summary>%d. %s</summary>\n\n%s\n</details>\n\n", n, HeadlineHTML(f), shortMarkdown(f))
}

// rotationSection renders the rotation steps of fs: one block per finding
// when they are few and fit in budget bytes, else one block per kind, so
// that every finding is covered. The shared footnote follows.
func rotationSection(fs []scanner.Finding, budget int) string {
	if len(fs) == 0 {
		return ""
	}
	foot := rotationFootnote(fs)
	var b strings.Builder
	if len(fs) <= perKindThreshold {
		for i, f := range fs {
			b.WriteString(findingBlock(i+1, f))
		}
		if b.Len()+len(foot) <= budget {
			return b.String() + foot
		}
		b.Reset()
	}
	for _, g := range groupByKind(fs) {
		b.WriteString(kindBlock(g))
	}
	return ghClip(b.String()+foot, budget)
}

// rotationFootnote holds the long command lists once for every finding of
// a body: the commands that update deployment secrets, the checks of each
// kind present, and, last and optional, the history rewrite.
func rotationFootnote(fs []scanner.Finding) string {
	var names []string
	kinds := map[scanner.Kind]bool{}
	var hist where
	pushed, diffOnly := false, false
	var secrets []scanner.Secret
	for _, f := range fs {
		secrets = append(secrets, f.Secret)
		kinds[f.Kind] = true
		for _, n := range envNames(f) {
			names = addUnique(names, n)
		}
		w := summarize(f)
		if w.history || len(w.removed) > 0 {
			pushed = true
			for _, p := range w.historyPaths {
				hist.historyPaths = addUnique(hist.historyPaths, p)
			}
			for _, m := range w.messages {
				hist.messages = addUnique(hist.messages, m)
			}
			hist.unreachable = hist.unreachable || w.unreachable
		}
		if w.diff && !w.history && len(w.removed) == 0 {
			diffOnly = true
		}
	}
	var items []step
	add := func(b *stepBuilder) { items = append(items, b.s) }
	add(deploySteps(names))
	if kinds[scanner.PersonalToken] {
		add(newStep().t("Check a new personal token: ").
			c(`curl -sf https://api.clickup.com/api/v2/user -H "Authorization: $` + names[0] + `" | jq '.user.username'`).
			t(". Deployments still on the old one get 401 (").c("OAUTH_025").t("): each is a place you missed."))
	}
	if kinds[scanner.OAuthClientSecret] {
		add(newStep().t("A client secret is server-side only: keep the code exchange (").
			c("POST https://api.clickup.com/api/v2/oauth/token").t(") on a server, never in a browser or mobile bundle."))
	}
	if kinds[scanner.WebhookSecret] {
		add(newStep().t("Re-create a webhook with ").c("DELETE https://api.clickup.com/api/v2/webhook/{webhook_id}").t(" then ").
			c("POST https://api.clickup.com/api/v2/team/{team_id}/webhook").
			t(" (the response holds the new secret), and update the verifier of the HMAC-SHA256 ").c("X-Signature").t(" header."))
	}
	if diffOnly {
		add(newStep().t("Optional, after rotating: rewrite the commits that hold it (").c("git rebase -i").t(", then ").
			c("git push --force-with-lease").t("). This does not revoke it: clones and forks keep copies."))
	}
	if pushed {
		// purgeSteps starts with "Optional, once rotated".
		items = append(items, purgeSteps(hist)...)
	}
	var b strings.Builder
	b.WriteString("<details><summary>Commands: update deployment secrets, check the new value")
	if diffOnly || pushed {
		b.WriteString(", rewrite history (optional)")
	}
	b.WriteString("</summary>\n\n")
	for _, s := range items {
		b.WriteString("- " + s.markdown() + "\n")
	}
	b.WriteString("\n</details>\n\n")
	return scrub(b.String(), secrets...)
}
