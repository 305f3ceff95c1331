// Package ignore parses the ignore file (.clickup-secret-scan-ignore) and
// applies it, together with the inline "clickup-secret-scan:allow" marker,
// to findings. Ignoring a finding hides it from the exit code; it does not
// make a leaked token safe, so ignored findings are always returned to the
// caller to be listed, never dropped.
package ignore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// DefaultFile is the ignore file looked up at the repository root.
const DefaultFile = ".clickup-secret-scan-ignore"

// Marker is the inline marker that, on the line of a match, ignores that
// location.
const Marker = "clickup-secret-scan:allow"

// MarkerReason is the reason given to locations ignored by Marker.
const MarkerReason = "inline " + Marker + " marker"

// maxFileBytes bounds the ignore file: it may come from an untrusted pull
// request, and a real one is a few kilobytes.
const maxFileBytes = 4 << 20

// Rule is one entry of an ignore file: either a finding id or a path glob,
// with the reason the team gave for it.
type Rule struct {
	// Line is the 1-based line of the rule in its file.
	Line int
	// ID is the lowercase hex SHA-256 of the secret; empty for path rules.
	ID string
	// Glob is a doublestar pattern matched against slash-separated paths
	// relative to the repository root; empty for id rules.
	Glob   string
	Reason string
}

// Rules is a parsed ignore file. The zero value holds no rule; the inline
// marker still applies.
type Rules struct {
	// File is the path the rules were read from, for messages.
	File  string
	Rules []Rule
	byID  map[string]int
}

// ParseError reports a malformed line of an ignore file.
type ParseError struct {
	File string
	Line int // 1-based
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ErrTooLarge is returned when an ignore file exceeds the size limit.
var ErrTooLarge = errors.New("ignore file larger than 4 MiB")

// Load reads and parses the ignore file at name.
func Load(name string) (*Rules, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("failed to open ignore file: %w", err)
	}
	defer f.Close()
	return Parse(f, name)
}

// Parse reads an ignore file from r; name is used in error messages. Each
// line is blank, a comment starting with '#', a finding id (64 hex digits)
// followed by whitespace and a reason, or "path:" followed by a doublestar
// glob, whitespace and a reason. The reason is required: a suppressed leak
// must say why. The first malformed line is returned as a *ParseError.
func Parse(r io.Reader, name string) (*Rules, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", name, err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("%s: %w", name, ErrTooLarge)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	rules := &Rules{File: name, byID: map[string]int{}}
	for i, raw := range strings.Split(string(data), "\n") {
		n := i + 1
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rule, msg := parseLine(line)
		if msg != "" {
			return nil, &ParseError{File: name, Line: n, Msg: msg}
		}
		rule.Line = n
		if rule.ID != "" {
			if _, dup := rules.byID[rule.ID]; !dup {
				rules.byID[rule.ID] = len(rules.Rules)
			}
		}
		rules.Rules = append(rules.Rules, rule)
	}
	return rules, nil
}

// parseLine parses one trimmed, non-comment line; msg is non-empty when the
// line is malformed. Messages never quote the line: a confused user may
// have pasted a raw token into it.
func parseLine(line string) (rule Rule, msg string) {
	if rest, ok := strings.CutPrefix(line, "path:"); ok {
		rest = strings.TrimLeft(rest, " \t")
		glob, reason := splitField(rest)
		switch {
		case glob == "":
			return rule, `"path:" needs a glob, then a reason`
		case reason == "":
			return rule, "path rule needs a reason after the glob"
		case !doublestar.ValidatePattern(glob):
			return rule, "invalid glob after \"path:\""
		}
		glob = strings.TrimPrefix(glob, "./")
		return Rule{Glob: glob, Reason: reason}, ""
	}
	id, reason := splitField(line)
	if !isHexID(id) {
		if strings.HasPrefix(id, "pk_") {
			return rule, "expected a finding id (SHA-256, 64 hex digits), not a token: never put a token in this file; use `printf %s \"$TOKEN\" | sha256sum`"
		}
		return rule, `expected a finding id (64 hex digits) or "path:<glob>", then a reason`
	}
	if reason == "" {
		return rule, "finding id needs a reason after it"
	}
	return Rule{ID: strings.ToLower(id), Reason: reason}, ""
}

// splitField splits s at its first run of blanks.
func splitField(s string) (first, rest string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

func isHexID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Contains reports whether the rules list the finding id.
func (r *Rules) Contains(id string) bool {
	if r == nil {
		return false
	}
	_, ok := r.byID[strings.ToLower(id)]
	return ok
}

// Ignored is a finding, or the part of its locations, that rules suppressed.
type Ignored struct {
	// Finding holds only the suppressed locations.
	Finding scanner.Finding
	// Reason is the reason of the rule (or rules, joined by "; ").
	Reason string
}

// Apply splits findings into those kept and those ignored. A finding whose
// id is listed is ignored whole. Otherwise each location is ignored when it
// carries the inline marker or its path matches a path rule; a finding all
// of whose locations are ignored moves to ignored, and one with only some
// keeps the others (and the ignored ones are listed under ignored with the
// same id). root, when not empty, is the repository root: absolute paths
// under it are made relative before globs are matched.
func (r *Rules) Apply(findings []scanner.Finding, root string) (kept []scanner.Finding, ignored []Ignored) {
	for _, f := range findings {
		if r != nil {
			if i, ok := r.byID[f.ID]; ok {
				ignored = append(ignored, Ignored{Finding: f, Reason: r.Rules[i].Reason})
				continue
			}
		}
		var keep, drop []scanner.Location
		var reasons []string
		for _, loc := range f.Locations {
			reason, ok := r.locationReason(loc, root)
			if !ok {
				keep = append(keep, loc)
				continue
			}
			drop = append(drop, loc)
			if !slices.Contains(reasons, reason) {
				reasons = append(reasons, reason)
			}
		}
		if len(drop) > 0 {
			g := f
			g.Locations = drop
			ignored = append(ignored, Ignored{Finding: g, Reason: strings.Join(reasons, "; ")})
		}
		if len(keep) > 0 || len(f.Locations) == 0 {
			g := f
			g.Locations = keep
			kept = append(kept, g)
		}
	}
	return kept, ignored
}

// locationReason returns why loc is ignored, if it is.
func (r *Rules) locationReason(loc scanner.Location, root string) (string, bool) {
	if loc.AllowMarker {
		return MarkerReason, true
	}
	if r == nil {
		return "", false
	}
	p := relPath(loc.Path, root)
	full := p
	if loc.InnerPath != "" {
		full = p + "!/" + loc.InnerPath
	}
	for _, rule := range r.Rules {
		if rule.Glob == "" {
			continue
		}
		if matchGlob(rule.Glob, p) || (full != p && matchGlob(rule.Glob, full)) {
			return rule.Reason, true
		}
	}
	return "", false
}

func matchGlob(glob, p string) bool {
	ok, err := doublestar.Match(glob, p)
	return err == nil && ok
}

// relPath makes p slash-separated and relative to root when it lies under
// it, and drops a leading "./".
func relPath(p, root string) string {
	if root != "" && filepath.IsAbs(filepath.FromSlash(p)) {
		if absRoot, err := filepath.Abs(root); err == nil {
			if rel, err := filepath.Rel(absRoot, filepath.FromSlash(p)); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				p = filepath.ToSlash(rel)
			}
		}
	}
	p = path.Clean(p)
	return strings.TrimPrefix(p, "./")
}
