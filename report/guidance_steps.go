package report

import (
	"fmt"
	"path"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

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
