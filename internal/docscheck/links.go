package docscheck

import (
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Link is a link or image destination written in a page.
type Link struct {
	Line int
	Dest string
}

var (
	inlineDest = regexp.MustCompile(`!?\[[^\]]*\]\(\s*(<[^>]*>|[^)\s]*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)`)
	refDef     = regexp.MustCompile(`(?m)^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)`)
	htmlDest   = regexp.MustCompile(`<(?:a|img|source)\s[^>]*\b(?:href|src|srcset)\s*=\s*"([^"]+)"`)
	scheme     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// Links returns the link and image destinations of d outside code: inline
// links and images, reference definitions and HTML href/src attributes.
func Links(d *Doc) []Link {
	var out []Link
	for _, p := range d.Paragraphs {
		for _, re := range []*regexp.Regexp{inlineDest, refDef, htmlDest} {
			for _, m := range re.FindAllStringSubmatchIndex(p.Text, -1) {
				dest := strings.TrimSuffix(strings.TrimPrefix(p.Text[m[2]:m[3]], "<"), ">")
				out = append(out, Link{Line: p.LineAt(m[2]), Dest: dest})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Link) int { return a.Line - b.Line })
	return out
}

// CheckLinks checks that every relative link in docs resolves in root (the
// repository): the file or directory exists inside the repository, and an
// #anchor into a Markdown page (or the page itself) names one of its
// headings by GitHub's slug, or an explicit HTML anchor. Links with a
// scheme (https:, mailto:) are left alone.
func CheckLinks(root fs.FS, docs []*Doc) []Problem {
	pages := map[string]*Doc{}
	for _, d := range docs {
		pages[d.Path] = d
	}
	page := func(name string) (*Doc, error) {
		if d, ok := pages[name]; ok {
			return d, nil
		}
		data, err := fs.ReadFile(root, name)
		if err != nil {
			return nil, err
		}
		d := Parse(name, string(data))
		pages[name] = d
		return d, nil
	}
	var problems []Problem
	for _, d := range docs {
		for _, l := range Links(d) {
			if msg := checkLink(root, d, l.Dest, page); msg != "" {
				problems = append(problems, Problem{d.Path, l.Line, fmt.Sprintf("link %q: %s", l.Dest, msg)})
			}
		}
	}
	return problems
}

func checkLink(root fs.FS, from *Doc, dest string, page func(string) (*Doc, error)) string {
	if dest == "" {
		return "empty destination"
	}
	if scheme.MatchString(dest) || strings.HasPrefix(dest, "//") {
		return ""
	}
	target, anchor, _ := strings.Cut(dest, "#")
	if i := strings.IndexByte(target, '?'); i >= 0 {
		target = target[:i]
	}
	target, err := url.PathUnescape(target)
	if err != nil {
		return fmt.Sprintf("bad escape in the path: %v", err)
	}
	name := from.Path
	if target != "" {
		if strings.HasPrefix(target, "/") {
			name = path.Clean(strings.TrimPrefix(target, "/")) // GitHub resolves / at the repository root
		} else {
			name = path.Join(path.Dir(from.Path), target)
		}
		if name == ".." || strings.HasPrefix(name, "../") {
			return "points outside the repository"
		}
		if _, err := fs.Stat(root, name); err != nil {
			return fmt.Sprintf("%s does not exist%s", name, nearbyFiles(root, name))
		}
	}
	if anchor == "" || !strings.HasSuffix(strings.ToLower(name), ".md") {
		return ""
	}
	anchor, err = url.PathUnescape(anchor)
	if err != nil {
		return fmt.Sprintf("bad escape in the anchor: %v", err)
	}
	d, err := page(name)
	if err != nil {
		return fmt.Sprintf("failed to read %s: %v", name, err)
	}
	var slugs []string
	for _, h := range d.Headings {
		if h.Slug == strings.ToLower(anchor) {
			return ""
		}
		slugs = append(slugs, "#"+h.Slug)
	}
	if slices.Contains(d.Anchors, anchor) {
		return ""
	}
	return fmt.Sprintf("%s has no heading with anchor #%s (its anchors: %s)", name, anchor, strings.Join(slugs, " "))
}

// nearbyFiles names the entries of the missing file's directory, to help
// spot a typo.
func nearbyFiles(root fs.FS, name string) string {
	entries, err := fs.ReadDir(root, path.Dir(name))
	if err != nil {
		return fmt.Sprintf(" (nor does its directory %s)", path.Dir(name))
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		names = append(names, n)
	}
	if len(names) > 20 {
		names = append(names[:20], "…")
	}
	return fmt.Sprintf(" (%s holds: %s)", path.Dir(name), strings.Join(names, " "))
}
