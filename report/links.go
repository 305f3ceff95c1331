package report

import (
	"strconv"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/lazyre"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// Links builds the GitHub URLs that the job summary, the sticky comment and
// the tracking issue put on file lines and commits, the way GitHub's own
// secret-scanning alerts do. The zero value builds no links: every
// renderer then falls back to plain text.
type Links struct {
	// Server is GITHUB_SERVER_URL, "https://github.com" or the URL of a
	// GitHub Enterprise Server.
	Server string
	// Repo is GITHUB_REPOSITORY, "owner/name".
	Repo string
	// Head is the full commit id whose tree holds the locations that carry
	// no commit of their own (files of the checkout); "" leaves them
	// without a link.
	Head string
	// InHead, when set, tells whether a checkout path (slash-separated,
	// relative to the repository root) is a file of Head's tree; a path it
	// rejects (untracked build output) gets no link. Nil links every path
	// that isBuildOutput lets through.
	InHead func(path string) bool
}

// linkRepoRE is what GitHub allows in owner and repository names.
var linkRepoRE = lazyre.New(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)

// linkServerRE is the shape of GITHUB_SERVER_URL: a scheme, a host, an
// optional port and path, and no character that markdown or HTML would
// read.
var linkServerRE = lazyre.New(`^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~-]+)*$`)

// linkSHARE is a full or abbreviated hex commit id.
var linkSHARE = lazyre.New(`^[0-9a-f]{7,64}$`)

// base returns "<server>/<owner>/<repo>", or "" when either part is
// missing or not what GitHub would ever send: a link must never carry
// markup or a quote into the body.
func (l Links) base() string {
	if !linkRepoRE().MatchString(l.Repo) {
		return ""
	}
	server := strings.TrimSuffix(l.Server, "/")
	if !linkServerRE().MatchString(server) {
		return ""
	}
	return server + "/" + l.Repo
}

// Commit returns the URL of commit sha, or "" when no link can be made.
func (l Links) Commit(sha string) string {
	b := l.base()
	if b == "" || !linkSHARE().MatchString(sha) {
		return ""
	}
	return b + "/commit/" + sha
}

// Blob returns the URL of line (1-based; 0 for the whole file) of the
// file at repository path p in the tree of commit sha, or "" when no link
// can be made. Every path segment is percent-encoded, so a hostile file
// name stays inside the URL.
func (l Links) Blob(sha, p string, line int) string {
	b := l.base()
	if b == "" || !linkSHARE().MatchString(sha) || p == "" || strings.HasPrefix(p, "/") {
		return ""
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if s == "" || s == "." || s == ".." {
			return ""
		}
		segs[i] = linkEscape(s)
	}
	u := b + "/blob/" + sha + "/" + strings.Join(segs, "/")
	if line > 0 {
		u += "#L" + strconv.Itoa(line)
	}
	return u
}

// linkEscape percent-encodes every byte of s but the unreserved ones of RFC
// 3986. url.PathEscape keeps '&', ';', '=', '@' and others, which markdown
// reads as entities or mentions.
func linkEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// Location returns the URL of the file line where l was seen, or "" when
// GitHub holds no such file: archive members, git messages, unreachable
// blobs, the staged index, build output outside git, and locations
// removed by their commit (the file at that commit no longer holds the
// line). A location in git links to the commit that added it, where its
// line number is right by construction; a file of the checkout links to
// Head.
func (l Links) Location(loc scanner.Location) string {
	if loc.InnerPath != "" || loc.Object != "" || loc.Change == scanner.Removed || loc.Source == scanner.SourceStaged {
		return ""
	}
	sha := loc.Commit
	if sha == "" {
		if loc.Source != "dir" || isBuildOutput(loc) || (l.InHead != nil && !l.InHead(loc.Path)) {
			return ""
		}
		sha = l.Head
	}
	return l.Blob(sha, loc.Path, loc.Line)
}
