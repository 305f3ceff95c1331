package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
)

// maxWalkEntries bounds the work-tree walk, so that an audit of a tree with
// millions of untracked files still ends; the checks say when it was cut.
const maxWalkEntries = 500_000

// maxTextFile is the largest file searched for webhook configuration.
const maxTextFile = 1 << 20

// ignoreSet is what one walk of the work tree learned: the .gitignore
// patterns (real git semantics: nested files, negation, directory rules)
// and the files that are not ignored.
type ignoreSet struct {
	patterns []gitignore.Pattern
	matcher  gitignore.Matcher
	// files lists the regular files that are not ignored, slash-separated
	// and relative to the root.
	files []string
	// truncated is true when the walk stopped at maxWalkEntries.
	truncated bool
}

// isSensitiveName reports whether a base name is one the checklist wants
// kept out of git: .env, .env.local, .env.*.local, *.pem.
func isSensitiveName(name string) bool {
	switch {
	case name == ".env", name == ".env.local":
		return true
	case strings.HasPrefix(name, ".env.") && strings.HasSuffix(name, ".local") && len(name) > len(".env..local"):
		return true
	case strings.HasSuffix(name, ".pem") && len(name) > len(".pem"):
		return true
	}
	return false
}

// readGitignores walks the work tree under root, reading every .gitignore
// of a directory that is not itself ignored (as git does) and listing the
// files that are not ignored. .git/info/exclude and global excludes are left
// out on purpose: they protect one clone, not the team.
func readGitignores(root string) (*ignoreSet, error) {
	s := &ignoreSet{}
	s.matcher = gitignore.NewMatcher(nil)
	entries := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			// An unreadable directory is skipped; git could not read it
			// either.
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		entries++
		if entries > maxWalkEntries {
			s.truncated = true
			return fs.SkipAll
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if d.Name() == ".git" && p != root {
				return fs.SkipDir
			}
			var domain []string
			if rel != "." {
				domain = strings.Split(rel, "/")
				if s.ignored(rel, true) {
					return fs.SkipDir
				}
			}
			ps, rerr := readPatternFile(filepath.Join(p, ".gitignore"), domain)
			if rerr != nil {
				return rerr
			}
			if len(ps) > 0 {
				s.patterns = append(s.patterns, ps...)
				s.matcher = gitignore.NewMatcher(s.patterns)
			}
			return nil
		}
		if !d.Type().IsRegular() || s.ignored(rel, false) {
			return nil
		}
		s.files = append(s.files, rel)
		return nil
	})
	return s, err
}

// readPatternFile parses one .gitignore; a missing file holds no pattern.
func readPatternFile(name string, domain []string) ([]gitignore.Pattern, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", name, err)
	}
	var ps []gitignore.Pattern
	for _, line := range bytes.Split(data, []byte("\n")) {
		l := strings.TrimSuffix(string(line), "\r")
		if strings.HasPrefix(l, "#") {
			continue
		}
		// git drops trailing blanks unless escaped with a backslash.
		if t := strings.TrimRight(l, " \t"); !strings.HasSuffix(t, "\\") {
			l = t
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(l, domain))
	}
	return ps, nil
}

// ignored reports whether rel (slash-separated, relative to the root) is
// ignored: itself, or through an ignored parent directory, which git never
// looks into.
func (s *ignoreSet) ignored(rel string, isDir bool) bool {
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		if s.matcher.Match(parts[:i], true) {
			return true
		}
	}
	return s.matcher.Match(parts, isDir)
}

// probes are the file names the gitignore check tries at the root, one per
// pattern of the checklist.
var probes = []struct{ pattern, probe string }{
	{".env", ".env"},
	{".env.local", ".env.local"},
	{".env.*.local", ".env.production.local"},
	{".env.*.local", ".env.development.local"},
	{"*.pem", "key.pem"},
	{"*.pem", "certs/server.pem"},
}

func (a *auditor) checkGitignore(walkErr error) report.Check {
	c := report.Check{ID: "gitignore", Title: ".env, .env.local, .env.*.local and *.pem are ignored by .gitignore"}
	if walkErr != nil {
		c.Status = report.CheckError
		c.Details = []string{"could not read the work tree: " + walkErr.Error()}
		return c
	}
	var missing []string
	for _, p := range probes {
		if a.gitignore.ignored(p.probe, false) {
			continue
		}
		c.Details = append(c.Details, fmt.Sprintf("%s is not ignored (pattern %s)", p.probe, p.pattern))
		if !slices.Contains(missing, p.pattern) {
			missing = append(missing, p.pattern)
		}
	}
	for _, f := range a.gitignore.files {
		if isSensitiveName(path.Base(f)) && !slices.Contains(probeNames(), f) {
			c.Details = append(c.Details, f+" exists and is not ignored")
			if p := patternFor(path.Base(f)); !slices.Contains(missing, p) {
				missing = append(missing, p)
			}
		}
	}
	if a.gitignore.truncated {
		c.Details = append(c.Details, fmt.Sprintf("the work tree has more than %d entries; only the first were checked", maxWalkEntries))
	}
	return verdict(c, len(c.Details) > 0 && len(missing) > 0,
		"add these lines to the .gitignore at the repository root: "+strings.Join(missing, "  "),
		"check that no later pattern re-includes them (a line starting with '!')",
		"if such a file was ever committed, see the tracked-files check: the secrets in it are leaked",
	)
}

func probeNames() []string {
	out := make([]string, len(probes))
	for i, p := range probes {
		out[i] = p.probe
	}
	return out
}

// patternFor names the checklist pattern a sensitive base name falls under.
func patternFor(name string) string {
	switch {
	case name == ".env", name == ".env.local":
		return name
	case strings.HasSuffix(name, ".pem"):
		return "*.pem"
	}
	return ".env.*.local"
}
