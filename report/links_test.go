package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

const linkSHA = "0f3c9a1e5b7d24681357ace02468bdf13579ace0"

func TestLinks(t *testing.T) {
	t.Parallel()
	gh := Links{Server: "https://github.com", Repo: "octo/app", Head: commitB}
	ghes := Links{Server: "https://ghe.example.com:8443/", Repo: "team/app.js"}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"blob", gh.Blob(linkSHA, "src/a.js", 3), "https://github.com/octo/app/blob/" + linkSHA + "/src/a.js#L3"},
		{"blob without line", gh.Blob(linkSHA, "a.env", 0), "https://github.com/octo/app/blob/" + linkSHA + "/a.env"},
		{"commit", gh.Commit(linkSHA), "https://github.com/octo/app/commit/" + linkSHA},
		{"enterprise server, trailing slash", ghes.Commit(linkSHA), "https://ghe.example.com:8443/team/app.js/commit/" + linkSHA},
		{"segments escaped", gh.Blob(linkSHA, "my dir/[x](y) <b>&amp;@me #1?.js", 1),
			"https://github.com/octo/app/blob/" + linkSHA + "/my%20dir/%5Bx%5D%28y%29%20%3Cb%3E%26amp%3B%40me%20%231%3F.js#L1"},
		{"unicode and newline", gh.Blob(linkSHA, "конф/a\nb.env", 2),
			"https://github.com/octo/app/blob/" + linkSHA + "/%D0%BA%D0%BE%D0%BD%D1%84/a%0Ab.env#L2"},
		{"dot segments", gh.Blob(linkSHA, "../../etc/passwd", 1), ""},
		{"absolute path", gh.Blob(linkSHA, "/etc/passwd", 1), ""},
		{"empty segment", gh.Blob(linkSHA, "a//b", 1), ""},
		{"not a sha", gh.Blob("main", "a.js", 1), ""},
		{"sha with markup", gh.Commit(linkSHA + ")"), ""},
		{"no server", Links{Repo: "o/r"}.Commit(linkSHA), ""},
		{"javascript server", Links{Server: "javascript:alert(1)", Repo: "o/r"}.Commit(linkSHA), ""},
		{"server with quote", Links{Server: `https://x.example/"onmouseover=`, Repo: "o/r"}.Commit(linkSHA), ""},
		{"server with user", Links{Server: "https://u@x.example", Repo: "o/r"}.Commit(linkSHA), ""},
		{"repo with markup", Links{Server: "https://github.com", Repo: "o/r)[x"}.Commit(linkSHA), ""},
		{"repo without owner", Links{Server: "https://github.com", Repo: "r"}.Commit(linkSHA), ""},
		{"zero value", Links{}.Blob(linkSHA, "a.js", 1), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestLinksLocation(t *testing.T) {
	t.Parallel()
	lk := Links{Server: "https://github.com", Repo: "octo/app", Head: commitB}
	blob := func(sha, p string, line int) string { return lk.Blob(sha, p, line) }
	tests := []struct {
		name string
		loc  scanner.Location
		want string
	}{
		{"diff links the commit that added it", scanner.Location{Source: "diff", Path: "a.js", Line: 4, Commit: linkSHA, Change: "added"}, blob(linkSHA, "a.js", 4)},
		{"history", scanner.Location{Source: "history", Path: "cfg/.env", Line: 1, Commit: linkSHA}, blob(linkSHA, "cfg/.env", 1)},
		{"checkout file links the head", scanner.Location{Source: "dir", Path: "src/a.ts", Line: 2}, blob(commitB, "src/a.ts", 2)},
		// Nothing on GitHub to link to: the file at the removing commit no
		// longer holds the line, build output is not in git, the index is
		// local.
		{"removed", scanner.Location{Source: "diff", Path: "a.js", Line: 4, Commit: linkSHA, Change: "removed"}, ""},
		{"build output", scanner.Location{Source: "dir", Path: "dist/app.js", Line: 1}, ""},
		{"archive member", scanner.Location{Source: "history", Path: "a.zip", InnerPath: ".env", Line: 1, Commit: linkSHA}, ""},
		{"commit message", scanner.Location{Source: "history", Path: ".", Object: "commit-message", Commit: linkSHA}, ""},
		{"staged", scanner.Location{Source: "staged", Path: "a.js", Line: 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := lk.Location(tt.loc); got != tt.want {
				t.Errorf("Location = %q, want %q", got, tt.want)
			}
		})
	}
	if got := (Links{Server: "https://github.com", Repo: "octo/app"}).Location(scanner.Location{Source: "dir", Path: "src/a.ts", Line: 2}); got != "" {
		t.Errorf("a checkout file without Head linked to %q", got)
	}
}

// TestLinkWithSecretInPath: a file named after the token must not put the
// token in clear into a URL.
func TestLinkWithSecretInPath(t *testing.T) {
	t.Parallel()
	tok := ghToken(77)
	f := ghFinding(scanner.PersonalToken, tok, "leak/"+tok+".txt", 1)
	f.Locations[0].Source, f.Locations[0].Commit = "history", linkSHA
	lk := Links{Server: "https://github.com", Repo: "octo/app"}
	for name, out := range map[string]string{
		"sticky":   StickyCommentBody(Sticky{Findings: []scanner.Finding{f}, Links: lk}),
		"summary":  StepSummary(Report{Findings: []scanner.Finding{f}, Links: lk}, StepSummaryLimit),
		"tracking": TrackingIssueBody([]scanner.Finding{f}, "", lk),
	} {
		ghLeak(t, name, out, []scanner.Finding{f})
		if strings.Contains(out, "/blob/") {
			t.Errorf("%s links a path that holds the secret", name)
		}
		if !strings.Contains(out, "/commit/"+linkSHA) {
			t.Errorf("%s lost the commit link", name)
		}
	}
}

// linkSafeRE is every character a link may hold: none that markdown or
// HTML reads as syntax.
var linkSafeRE = regexp.MustCompile(`^https://github\.com/o/r/blob/[0-9a-f]{40}/[A-Za-z0-9%._~/-]+(#L[0-9]+)?$`)

// FuzzLinksBlob: file names come from the scanned repository. Whatever a
// name holds, its link is empty or made of safe characters only, and
// decodes back to the name.
func FuzzLinksBlob(f *testing.F) {
	for _, p := range append(hostilePaths, "a.js", "src/[x](y) <img>.js", "a/../b", "ü/%41.env") {
		f.Add(p, 3)
	}
	lk := Links{Server: "https://github.com", Repo: "o/r"}
	f.Fuzz(func(t *testing.T, p string, line int) {
		u := lk.Blob(linkSHA, p, line)
		if u == "" {
			return
		}
		if !linkSafeRE.MatchString(u) {
			t.Fatalf("Blob(%q) = %q holds unsafe characters", p, u)
		}
		rest := strings.TrimPrefix(u, "https://github.com/o/r/blob/"+linkSHA+"/")
		rest, _, _ = strings.Cut(rest, "#")
		var b strings.Builder
		for i := 0; i < len(rest); i++ {
			if rest[i] == '%' {
				var c byte
				for _, h := range rest[i+1 : i+3] {
					c = c<<4 | byte(strings.IndexRune("0123456789ABCDEF", h))
				}
				b.WriteByte(c)
				i += 2
				continue
			}
			b.WriteByte(rest[i])
		}
		if b.String() != p {
			t.Fatalf("Blob(%q) decodes to %q", p, b.String())
		}
	})
}
