package audit

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// maxListedFindings bounds the findings a check lists.
const maxListedFindings = 20

// where names a location on one line: path[!/inner]:line, with the commit
// for history locations.
func where(l scanner.Location) string {
	s := l.Path
	if l.InnerPath != "" {
		s += "!/" + l.InnerPath
	}
	if l.Line > 0 {
		s += fmt.Sprintf(":%d", l.Line)
	}
	if l.Object != "" {
		s = string(l.Object)
	}
	if l.Commit != "" {
		c := l.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " (commit " + c + ")"
	}
	return s
}

// verdict fails c with the fix steps when failed, and passes it otherwise.
func verdict(c report.Check, failed bool, fix ...string) report.Check {
	if !failed {
		c.Status = report.CheckPass
		return c
	}
	c.Status = report.CheckFail
	c.Fix = fix
	return c
}

// skipIncompleteScan skips a check that needs the credential scan's
// findings when that scan did not complete.
func skipIncompleteScan(c report.Check) report.Check {
	c.Status = report.CheckSkip
	c.Details = []string{"the credential scan did not complete"}
	return c
}

func checkCredentials(scan report.Report, scanErr error, isGit bool) report.Check {
	c := report.Check{ID: "no-credentials", Title: "no ClickUp credential in the tree or history"}
	if !isGit {
		c.Title = "no ClickUp credential in the tree"
	}
	if scanErr != nil {
		c.Status = report.CheckError
		c.Details = []string{scanErr.Error()}
		return c
	}
	for i, f := range scan.Findings {
		if i == maxListedFindings {
			c.Details = append(c.Details, fmt.Sprintf("... and %d more", len(scan.Findings)-i))
			break
		}
		d := report.Headline(f)
		if len(f.Locations) > 0 {
			d += " at " + where(f.Locations[0])
			if n := len(f.Locations) - 1; n > 0 {
				d += fmt.Sprintf(" and %d more place(s)", n)
			}
		}
		c.Details = append(c.Details, d)
	}
	if n := len(scan.Ignored); n > 0 {
		c.Details = append(c.Details, fmt.Sprintf("%d finding(s) ignored by rules; ignoring a finding does not make a leaked token safe", n))
	}
	c.Details = append(c.Details, scan.Warnings...)
	return verdict(c, len(scan.Findings) > 0,
		"rotate each credential now, before anything else: the steps for each one are listed below the checklist",
		"keep the new values in the environment or a secret store, never in the repository",
		"then purge the old values from history (git filter-repo); forks and clones keep them, so rotation is what counts",
	)
}

// envWords name deployment environments inside variable names.
var envWords = map[string]string{
	"dev": "dev", "develop": "dev", "development": "dev",
	"stage": "staging", "staging": "staging", "stg": "staging",
	"prod": "prod", "production": "prod", "prd": "prod", "live": "prod",
	"test": "test", "testing": "test", "qa": "qa", "uat": "uat",
	"preview": "preview", "sandbox": "sandbox", "local": "local", "ci": "ci",
}

// keyEnv returns the environment a variable name is for ("prod" for
// CLICKUP_TOKEN_PROD or clickupTokenProd), or "" when it names none.
func keyEnv(key string) string {
	var words []string
	start := 0
	for i := 1; i <= len(key); i++ {
		if i == len(key) || key[i] == '_' || key[i] == '-' || key[i] == '.' || key[i] == ':' ||
			(key[i] >= 'A' && key[i] <= 'Z' && key[i-1] >= 'a' && key[i-1] <= 'z') {
			if w := strings.Trim(key[start:i], "_-.:"); w != "" {
				words = append(words, strings.ToLower(w))
			}
			start = i
		}
	}
	for _, w := range words {
		if e, ok := envWords[w]; ok {
			return e
		}
	}
	return ""
}

// sharedEnvs returns the environments a finding's keys span, when they span
// several: CLICKUP_TOKEN_DEV and CLICKUP_TOKEN_PROD, or CLICKUP_TOKEN and
// CLICKUP_TOKEN_PROD (the unsuffixed name is the default environment).
// Several names that say no environment (token, apiKey) are one code base
// passing a value around, not environments sharing it.
func sharedEnvs(keys []string) []string {
	var envs []string
	named := false
	for _, k := range keys {
		e := keyEnv(k)
		if e != "" {
			named = true
		} else {
			e = "default"
		}
		if !slices.Contains(envs, e) {
			envs = append(envs, e)
		}
	}
	if !named || len(envs) < 2 {
		return nil
	}
	return envs
}

func checkOnePerEnv(all []scanner.Finding, scanErr error) report.Check {
	c := report.Check{ID: "one-secret-per-env", Title: "no secret is shared by several environments (one token per environment)"}
	if scanErr != nil {
		return skipIncompleteScan(c)
	}
	var shared []string
	for _, f := range all {
		keys := f.Keys()
		if envs := sharedEnvs(keys); envs != nil {
			shared = append(shared, fmt.Sprintf("%s is held under %s (environments: %s)", f.Secret.Redacted(), strings.Join(keys, ", "), strings.Join(envs, ", ")))
		}
	}
	if len(shared) > maxListedFindings {
		shared = append(shared[:maxListedFindings], fmt.Sprintf("... and %d more", len(shared)-maxListedFindings))
	}
	c.Details = shared
	return verdict(c, len(shared) > 0,
		"issue a separate credential for each environment (a ClickUp token per environment, from a dedicated user or app), so that a leak in development does not open production",
		"rotate the shared one, then set each environment's own value: gh secret set NAME --env ENVIRONMENT",
	)
}

// clientDirs are path segments of build output and client-side code.
var clientDirs = map[string]bool{
	"dist": true, "build": true, ".next": true, ".nuxt": true, ".output": true, ".svelte-kit": true, "out": true,
	"public": true, "static": true, "www": true, "client": true, "frontend": true, "browser": true, "assets": true,
}

// clientSuffixes are file names that only ever ship to browsers.
var clientSuffixes = []string{".min.js", ".bundle.js", ".chunk.js", ".js.map", ".min.mjs"}

// publicPrefixes are environment variable prefixes that frameworks inline
// into client bundles.
var publicPrefixes = []string{"NEXT_PUBLIC_", "VITE_", "REACT_APP_", "EXPO_PUBLIC_", "NUXT_PUBLIC_", "GATSBY_", "PUBLIC_", "VUE_APP_"}

// clientSide says why a location is client-side, or "" when it is not.
func clientSide(l scanner.Location) string {
	full := l.Path
	if l.InnerPath != "" {
		full += "/" + strings.ReplaceAll(l.InnerPath, "!/", "/")
	}
	for _, seg := range strings.Split(strings.ToLower(full), "/") {
		if clientDirs[seg] {
			return seg + "/ is build output or client-side code"
		}
	}
	base := strings.ToLower(path.Base(full))
	for _, s := range clientSuffixes {
		if strings.HasSuffix(base, s) {
			return "a " + s + " file ships to browsers"
		}
	}
	key := strings.ToUpper(l.Key)
	for _, p := range publicPrefixes {
		if strings.HasPrefix(key, p) {
			return p + " variables are inlined into client bundles"
		}
	}
	return ""
}

func checkClientSecret(all []scanner.Finding, scanErr error) report.Check {
	c := report.Check{ID: "client-secret-server-side", Title: "no OAuth client secret in build output or client-side code"}
	if scanErr != nil {
		return skipIncompleteScan(c)
	}
	for _, f := range all {
		if f.Kind != scanner.OAuthClientSecret {
			continue
		}
		for _, l := range f.Locations {
			if why := clientSide(l); why != "" {
				if len(c.Details) < maxListedFindings {
					c.Details = append(c.Details, fmt.Sprintf("%s at %s: %s", f.Secret.Redacted(), where(l), why))
				}
			}
		}
	}
	return verdict(c, len(c.Details) > 0,
		"regenerate the client secret in the ClickUp app's settings (anyone who loaded the bundle has it)",
		"move the OAuth code exchange (POST /api/v2/oauth/token) to a server; the browser only ever gets the client id",
		"keep the secret in a server-only variable, never one with a public prefix (NEXT_PUBLIC_, VITE_, REACT_APP_...), and rebuild",
	)
}
