package report

import (
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// finding builds a one-secret finding at the given locations.
func finding(kind scanner.Kind, secret scanner.Secret, userID string, locs ...scanner.Location) scanner.Finding {
	c := scanner.NewCollector()
	for _, l := range locs {
		c.AddLocation(kind, secret, userID, l)
	}
	return c.Findings()[0]
}

// stepIndex returns the index of the first step holding sub, or -1.
func stepIndex(steps []string, sub string) int {
	for i, s := range steps {
		if strings.Contains(s, sub) {
			return i
		}
	}
	return -1
}

func TestGuidance(t *testing.T) {
	t.Parallel()
	pk := fakePersonal(21, "7043602")
	cs := fake64(22)
	at := fakeAccess(23, "7043602")
	wh := fake64(24)
	tests := []struct {
		name    string
		f       scanner.Finding
		verify  string
		want    []string // substrings that must appear, in this order across steps
		notWant []string
		first   string // substring of the first step
	}{
		{
			name: "personal/build output",
			f:    finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "dir", Path: "dist/app.zip", InnerPath: "config/.env", Line: 3, Column: 19, Key: "CLICKUP_API_TOKEN_PROD"}),
			want: []string{
				"signed in as user 7043602: Settings > Apps > API Token > Regenerate",
				"stops working at once",
				"in the environment (CLICKUP_API_TOKEN_PROD)",
				`curl -sf https://api.clickup.com/api/v2/user -H "Authorization: $CLICKUP_API_TOKEN_PROD" | jq '.user.username'`,
				"gh secret set CLICKUP_API_TOKEN_PROD",
				"vault kv put",
				"aws secretsmanager update-secret",
				"401",
				"rebuild without it",
			},
			notWant: []string{"filter-repo", "before merging"},
			first:   "Regenerate",
		},
		{
			name:  "personal/history",
			f:     finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "history", Path: "config/.env", Line: 1, Column: 1, Commit: commitA}),
			first: "It is in git history (commit 0f3c9a1e5b7d): rotate it first",
			want: []string{
				"Regenerate",
				"gh secret set CLICKUP_API_TOKEN",
				"git filter-repo --invert-paths --path config/.env",
				"bfg --delete-files .env",
				"Optional, once rotated: purge it from history",
				"git push --force --all",
				"Forks and existing clones keep the old history",
			},
		},
		{
			name:    "personal/diff",
			f:       finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "diff", Path: "src/a.ts", Line: 4, Column: 2, Change: "added"}),
			first:   "It was pushed, so treat it as exposed and rotate it first. Regenerate",
			want:    []string{"gh secret set CLICKUP_API_TOKEN", "Remove it from src/a.ts", "Optional, after rotating: rewrite the commits"},
			notWant: []string{"filter-repo --invert-paths", "before merging"},
		},
		{
			// A JavaScript identifier names no variable: the advice uses
			// the conventional environment variable name instead.
			name:    "personal/js identifier",
			f:       finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "diff", Path: "src/a.ts", Line: 4, Column: 2, Change: "added", Key: "clickupToken"}),
			want:    []string{"gh secret set CLICKUP_API_TOKEN"},
			notWant: []string{"clickupToken"},
		},
		{
			name: "personal/env variable and js identifier",
			f: finding(scanner.PersonalToken, pk, "7043602",
				scanner.Location{Source: "dir", Path: "src/a.ts", Line: 4, Column: 2, Key: "clickupToken"},
				scanner.Location{Source: "dir", Path: ".env", Line: 1, Column: 19, Key: "CLICKUP_TOKEN_PROD"}),
			want:    []string{"gh secret set CLICKUP_TOKEN_PROD"},
			notWant: []string{"clickupToken", "CLICKUP_API_TOKEN"},
		},
		{
			name:  "personal/staged",
			f:     finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "staged", Path: "config/.env", Line: 4, Column: 2}),
			first: "before committing",
			want:  []string{"git add config/.env", "If the value was ever pushed or shared", "Regenerate"},
		},
		{
			name:  "personal/removed in diff",
			f:     finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "diff", Path: "old.env", Line: 4, Column: 2, Change: "removed", Commit: commitB}),
			first: "Removed here (old.env in commit 9a8b7c6d5e4f), but it is still in git history: rotate it",
			want:  []string{"Regenerate", "git filter-repo --invert-paths --path old.env", "Forks"},
		},
		{
			name:  "personal/source tree",
			f:     finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "dir", Path: "src/config.ts", Line: 4, Column: 2}),
			want:  []string{"Regenerate", "Remove it from src/config.ts", "clickup-secret-scan history"},
			first: "Regenerate",
		},
		{
			name:    "client secret/build output",
			f:       finding(scanner.OAuthClientSecret, cs, "", scanner.Location{Source: "dir", Path: ".next/static/main.js", Line: 1, Column: 9}),
			first:   "Regenerate the client secret",
			want:    []string{"gh secret set CLICKUP_CLIENT_SECRET", "server-side only", "move that exchange out of the client bundle", "rebuild without it"},
			notWant: []string{"API Token > Regenerate"},
		},
		{
			name:  "access token/dir",
			f:     finding(scanner.OAuthAccessToken, at, "7043602", scanner.Location{Source: "dir", Path: "app/client.go", Line: 1, Column: 9}),
			first: "Revoke the app's authorization for user 7043602",
			want:  []string{"run the OAuth flow again", "gh secret set CLICKUP_ACCESS_TOKEN"},
		},
		{
			name:  "webhook/history",
			f:     finding(scanner.WebhookSecret, wh, "", scanner.Location{Source: "history", Path: "hooks/verify.py", Line: 1, Column: 9, Key: "CLICKUP_WEBHOOK_SECRET_PROD"}),
			first: "It is in git history",
			want:  []string{"Delete the webhook and create it again", "X-Signature", "CLICKUP_WEBHOOK_SECRET_PROD", "git filter-repo --invert-paths --path hooks/verify.py"},
		},
		{
			name:    "revoked personal/history",
			f:       finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "history", Path: "a.env", Line: 1, Column: 9}),
			verify:  "revoked",
			first:   "needs no rotation",
			want:    []string{"git filter-repo"},
			notWant: []string{"API Token > Regenerate", "rotate it first"},
		},
		{
			name:   "live personal",
			f:      finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "dir", Path: "a.env", Line: 1, Column: 9}),
			verify: "live",
			want:   []string{"ClickUp confirmed it is live"},
		},
		{
			name:    "hostile key and path",
			f:       finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "history", Path: "it's dir/x\ny.env", Line: 1, Column: 9, Key: "$(reboot)"}),
			want:    []string{"gh secret set CLICKUP_API_TOKEN", `--path $'it\'s dir/x\x0ay.env'`, `bfg --delete-files $'x\x0ay.env'`},
			notWant: []string{"$(reboot)", "x\ny"},
		},
		{
			name: "quoted path",
			f:    finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "history", Path: "my dir/it's.env", Line: 1, Column: 9}),
			want: []string{`--path 'my dir/it'\''s.env'`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := tt.f
			f.Verification = scanner.Verification(tt.verify)
			steps := Guidance(f)
			if len(steps) == 0 {
				t.Fatal("no steps")
			}
			all := strings.Join(steps, "\n")
			if tt.first != "" && !strings.Contains(steps[0], tt.first) {
				t.Errorf("first step = %q, want it to hold %q", steps[0], tt.first)
			}
			last := -1
			for _, w := range tt.want {
				i := stepIndex(steps, w)
				if i < 0 {
					t.Errorf("no step holds %q; steps:\n%s", w, all)
					continue
				}
				if i < last {
					t.Errorf("%q (step %d) comes before an earlier expectation (step %d)", w, i, last)
				}
				last = max(last, i)
			}
			for _, nw := range tt.notWant {
				if strings.Contains(all, nw) {
					t.Errorf("steps hold %q, want not", nw)
				}
			}
			for i, s := range steps {
				if strings.Contains(s, "\n") {
					t.Errorf("step %d spans lines: %q", i, s)
				}
			}
			md := GuidanceMarkdown(f)
			if got := strings.Count(md, "\n"); got != len(steps) {
				t.Errorf("markdown has %d lines, want one per step (%d)", got, len(steps))
			}
			if !strings.HasPrefix(md, "1. ") {
				t.Errorf("markdown does not start a numbered list: %q", md)
			}
		})
	}
}

func TestGuidanceHistoryRotatesBeforePurge(t *testing.T) {
	t.Parallel()
	f := finding(scanner.PersonalToken, fakePersonal(31, "7043602"), "7043602", scanner.Location{Source: "history", Path: "a/b.env", Line: 1, Column: 1})
	steps := Guidance(f)
	rot, purge := stepIndex(steps, "API Token > Regenerate"), stepIndex(steps, "git filter-repo --invert-paths")
	if rot < 0 || purge < 0 || rot > purge {
		t.Errorf("rotate step %d, purge step %d: want rotation first", rot, purge)
	}
}

func TestGuidanceListsAreBounded(t *testing.T) {
	t.Parallel()
	var locs []scanner.Location
	for i := range 50 {
		locs = append(locs, scanner.Location{Source: "history", Path: "d/f" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + ".env", Line: 1, Column: 1})
	}
	f := finding(scanner.PersonalToken, fakePersonal(32, "7043602"), "7043602", locs...)
	steps := Guidance(f)
	purge := steps[stepIndex(steps, "git filter-repo --invert-paths")]
	if n := strings.Count(purge, "--path "); n != maxListed {
		t.Errorf("purge command names %d paths, want %d", n, maxListed)
	}
	if !strings.Contains(purge, "and 45 more paths") {
		t.Errorf("purge step does not count the paths left out: %q", purge)
	}
}

func TestHeadline(t *testing.T) {
	t.Parallel()
	pk := fakePersonal(41, "7043602")
	f := finding(scanner.PersonalToken, pk, "7043602", scanner.Location{Source: "dir", Path: "a", Line: 1, Column: 1})
	want := "ClickUp personal API token " + pk.Redacted() + " (user 7043602): rotate it now"
	if got := Headline(f); got != want {
		t.Errorf("Headline = %q, want %q", got, want)
	}
	f.Verification, f.Username = "live", "dev.one"
	if got := Headline(f); !strings.HasPrefix(got, "LIVE ClickUp personal API token") || !strings.Contains(got, "@dev.one") {
		t.Errorf("live Headline = %q", got)
	}
	f.Verification = "revoked"
	if got := Headline(f); !strings.HasSuffix(got, "revoked, remove it") {
		t.Errorf("revoked Headline = %q", got)
	}
	f.Verification, f.Username = "live", "<b>x</b> @everyone"
	md := HeadlineMarkdown(f)
	if !strings.Contains(md, "`<b>x</b> @everyone`") || !strings.HasPrefix(md, "**LIVE**") {
		t.Errorf("HeadlineMarkdown = %q, want the username in a code span", md)
	}
}

func TestMarkdownValuesAreCodeSpans(t *testing.T) {
	t.Parallel()
	f := finding(scanner.PersonalToken, fakePersonal(42, "7043602"), "7043602",
		scanner.Location{Source: "dir", Path: "src/<img src=x>@team`x`.ts", Line: 1, Column: 1})
	md := GuidanceMarkdown(f)
	if !strings.Contains(md, "`` src/<img src=x>@team`x`.ts ``") {
		t.Errorf("hostile path not in a code span with a long enough fence:\n%s", md)
	}
	outside := md
	for _, cs := range []string{"`` src/<img src=x>@team`x`.ts ``"} {
		outside = strings.ReplaceAll(outside, cs, "")
	}
	if strings.Contains(outside, "<img") || strings.Contains(outside, "@team") {
		t.Errorf("hostile value outside a code span:\n%s", md)
	}
}

func TestKindTitle(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, k := range scanner.Kinds {
		title := KindTitle(k)
		if !strings.HasPrefix(title, "ClickUp ") || seen[title] {
			t.Errorf("KindTitle(%s) = %q: want a distinct ClickUp title", k, title)
		}
		seen[title] = true
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"config/.env", "config/.env"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"a\nb", `$'a\x0ab'`},
		{"$(x)", "'$(x)'"},
		{"", "''"},
		{"ü.env", "'ü.env'"},
	}
	for _, tt := range tests {
		if got := shellQuote(tt.in); got != tt.want {
			t.Errorf("shellQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCodeSpan(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"a", "`a`"},
		{"a`b", "`` a`b ``"},
		{"``x", "``` ``x ```"},
	}
	for _, tt := range tests {
		if got := codeSpan(tt.in); got != tt.want {
			t.Errorf("codeSpan(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestGuidanceMatrix checks every kind in every place: the steps always
// hold the kind's own rotation and the place's own clean-up.
func TestGuidanceMatrix(t *testing.T) {
	t.Parallel()
	kinds := []struct {
		kind   scanner.Kind
		secret scanner.Secret
		user   string
		marker string
	}{
		{scanner.PersonalToken, fakePersonal(61, "7043602"), "7043602", "Settings > Apps > API Token > Regenerate"},
		{scanner.OAuthClientSecret, fake64(62), "", "regenerate its client secret"},
		{scanner.OAuthAccessToken, fakeAccess(63, "7043602"), "7043602", "Revoke the app's authorization for user 7043602"},
		{scanner.WebhookSecret, fake64(64), "", "Delete the webhook and create it again"},
	}
	places := []struct {
		name   string
		loc    scanner.Location
		marker string
	}{
		{"history", scanner.Location{Source: "history", Path: "cfg/app.env", Line: 2, Column: 3, Commit: commitA}, "git filter-repo --invert-paths --path cfg/app.env"},
		{"build", scanner.Location{Source: "dir", Path: "build/static/js/main.js", Line: 2, Column: 3}, "rebuild without it"},
		{"source", scanner.Location{Source: "dir", Path: "src/app.py", Line: 2, Column: 3}, "Remove it from src/app.py and read it from the environment"},
		{"diff", scanner.Location{Source: "diff", Path: "src/app.py", Line: 2, Column: 3, Change: "added"}, "Remove it from src/app.py and read the value from the environment"},
		{"diff removed", scanner.Location{Source: "diff", Path: "src/app.py", Line: 2, Column: 3, Change: "removed", Commit: commitB}, "still in git history: rotate it"},
		{"staged", scanner.Location{Source: "staged", Path: "src/app.py", Line: 2, Column: 3}, "before committing"},
	}
	for _, k := range kinds {
		for _, p := range places {
			f := finding(k.kind, k.secret, k.user, p.loc)
			all := strings.Join(Guidance(f), "\n")
			if !strings.Contains(all, k.marker) {
				t.Errorf("%s in %s: steps lack %q", k.kind, p.name, k.marker)
			}
			if !strings.Contains(all, p.marker) {
				t.Errorf("%s in %s: steps lack %q", k.kind, p.name, p.marker)
			}
			if !strings.Contains(all, "gh secret set ") {
				t.Errorf("%s in %s: steps do not say how to update deployment secrets", k.kind, p.name)
			}
			if strings.Contains(all, k.secret.Reveal()) {
				t.Errorf("%s in %s: steps hold the raw secret %v", k.kind, p.name, k.secret)
			}
		}
	}
}
