package action

import (
	"slices"
	"strings"
	"testing"
)

func TestParsePatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		patch string
		want  []addedLine
	}{
		{"new file", "@@ -0,0 +1,2 @@\n+a\n+b", []addedLine{{1, "a"}, {2, "b"}}},
		{"context and removal", "@@ -3,4 +3,4 @@ func x() {\n ctx\n-old\n+new\n ctx2\n+tail", []addedLine{{4, "new"}, {6, "tail"}}},
		{"two hunks", "@@ -1 +1 @@\n-a\n+b\n@@ -10,2 +10,3 @@\n x\n+y\n z", []addedLine{{1, "b"}, {11, "y"}}},
		{"no newline marker", "@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file", []addedLine{{1, "b"}}},
		{"CRLF", "@@ -0,0 +1,2 @@\r\n+a\r\n+b\r\n", []addedLine{{1, "a"}, {2, "b"}}},
		{"deleted file", "@@ -1,2 +0,0 @@\n-a\n-b", nil},
		{"garbage header", "@@ nonsense @@\n+a", nil},
		{"no hunk", "+a\n+b", nil},
		{"empty context line", "@@ -1,3 +1,4 @@\n a\n\n+c\n d", []addedLine{{3, "c"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := parsePatch(tc.patch); !slices.Equal(got, tc.want) {
				t.Errorf("parsePatch = %v, want %v", got, tc.want)
			}
		})
	}
	if got := ranges(parsePatch("@@ -0,0 +1,3 @@\n+a\n+b\n+c\n@@ -9 +10,2 @@\n+d\n x")); !slices.Equal(got, []LineRange{{Start: 1, End: 3}, {Start: 10, End: 10}}) {
		t.Errorf("ranges = %v", got)
	}
}

// FuzzParsePatch feeds patch bodies as the network may send them: the
// parser must not panic and every added line must be numbered from 1.
func FuzzParsePatch(f *testing.F) {
	f.Add("@@ -1,3 +1,4 @@\n a\n+b\n c\n")
	f.Add("@@ -0,0 +1 @@\n+x")
	f.Fuzz(func(t *testing.T, patch string) {
		prev := 0
		for _, a := range parsePatch(patch) {
			if a.line < 1 || a.line <= prev {
				t.Fatalf("added line numbered %d after %d", a.line, prev)
			}
			if strings.Contains(a.text, "\n") {
				t.Fatalf("added line text holds a newline")
			}
			prev = a.line
		}
	})
}

func TestEndpointTemplate(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"/repos/o/r/pulls/2/reviews":           "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
		"/repos/o/r/pulls/comments/5":          "/repos/{owner}/{repo}/pulls/comments/{comment_id}",
		"/repos/o/r/pulls/2":                   "/repos/{owner}/{repo}/pulls/{pull_number}",
		"/repos/o/r/compare/main...feature/x":  "/repos/{owner}/{repo}/compare/{basehead}",
		"/repos/o/r/commits/abc":               "/repos/{owner}/{repo}/commits/{ref}",
		"/repos/o/r/issues":                    "/repos/{owner}/{repo}/issues",
		"/repos/o/r/issues/comments/9":         "/repos/{owner}/{repo}/issues/comments/{comment_id}",
		"/repos/o/r":                           "/repos/{owner}/{repo}",
		"/user":                                "other",
		"/repos/o/r/pulls/2/reviews/extra/seg": "other",
	} {
		if got := endpointTemplate(path); got != want {
			t.Errorf("endpointTemplate(%q) = %q, want %q", path, got, want)
		}
	}
}

// FuzzEndpointTemplate: whatever the path, the audit endpoint is a known
// template or "other", never the filled-in path (which could carry data).
func FuzzEndpointTemplate(f *testing.F) {
	f.Add("/repos/o/r/pulls/2/reviews")
	f.Add("/repos/o/r/compare/a...b/c")
	f.Fuzz(func(t *testing.T, path string) {
		got := endpointTemplate(path)
		if got != "other" && !slices.Contains(templates, got) {
			t.Fatalf("endpointTemplate(%q) = %q", path, got)
		}
	})
}
