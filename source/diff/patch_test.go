package diff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

func TestScanPatch(t *testing.T) {
	t.Parallel()
	t1, t2, t3 := fixtures.NewGen(30).PersonalToken(), fixtures.NewGen(31).PersonalToken(), fixtures.NewGen(32).PersonalToken()
	tests := []struct {
		name  string
		patch string
		want  []loc
		errs  int64
	}{
		{
			name:  "added line in the second hunk",
			patch: "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -10,2 +10,3 @@ func main() {\n x\n+TOKEN=" + t1 + "\n y\n",
			want:  []loc{{Token: redact(t1), Path: "f.env", Line: 11, Commit: "abc", Change: "added"}},
		},
		{
			name:  "removed line keeps its old number",
			patch: "@@ -5,3 +5,2 @@\n a\n-T=" + t2 + "\n b\n",
			want:  []loc{{Token: redact(t2), Path: "f.env", Line: 6, Commit: "abc", Change: "removed"}},
		},
		{
			name:  "edited line holding the same token is not new",
			patch: "@@ -1 +1 @@\n-T=" + t3 + "\n+T=" + t3 + " # prod\n",
		},
		{
			name:  "new file",
			patch: "@@ -0,0 +1,2 @@\n+first\n+T=" + t1 + "\n\\ No newline at end of file\n",
			want:  []loc{{Token: redact(t1), Path: "f.env", Line: 2, Commit: "abc", Change: "added"}},
		},
		{
			name:  "CRLF patch",
			patch: "@@ -1,1 +1,2 @@\r\n a\r\n+T=" + t2 + "\r\n",
			want:  []loc{{Token: redact(t2), Path: "f.env", Line: 2, Commit: "abc", Change: "added"}},
		},
		{
			name:  "lines before the first hunk are ignored",
			patch: "+T=" + t1 + "\n@@ -1 +1 @@\n-a\n+b\n",
		},
		{
			name:  "malformed header stops the parse and is counted",
			patch: "@@ -1 +1 @@\n+T=" + t1 + "\n@@ bogus " + t2 + "\n+T=" + t3 + "\n",
			want:  []loc{{Token: redact(t1), Path: "f.env", Line: 1, Commit: "abc", Change: "added"}},
			errs:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stats := &scanner.Stats{}
			col := scanner.NewCollector()
			ScanPatch("f.env", "abc", tt.patch, scanner.New(scanner.Options{}, stats), col, scanner.Location{})
			got := col.Findings()
			if diff := cmp.Diff(tt.want, locs(got)); diff != "" {
				t.Errorf("locations (-want +got):\n%s", diff)
			}
			for _, f := range got {
				if src := f.Locations[0].Source; src != "diff" {
					t.Errorf("source %q, want diff", src)
				}
			}
			s := stats.Snapshot()
			if s.ErrorCount != tt.errs {
				t.Errorf("errors = %d (%v), want %d", s.ErrorCount, s.Errors, tt.errs)
			}
			assertNoRaw(t, "stats errors", []byte(strings.Join(s.Errors, "\n")), t1, t2, t3)
		})
	}
}

func TestScanPatchKeepsBaseFields(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(33).PersonalToken()
	col := scanner.NewCollector()
	base := scanner.Location{Source: "api", Author: "Ada <ada@example.com>", Path: "ignored", Commit: "ignored"}
	ScanPatch("x/y.js", "def", "@@ -1 +1,2 @@\n a\n+const t = '"+tok+"';\n", scanner.New(scanner.Options{}, &scanner.Stats{}), col, base)
	fs := col.Findings()
	if len(fs) != 1 {
		t.Fatalf("%d findings, want 1", len(fs))
	}
	l := fs[0].Locations[0]
	want := scanner.Location{Source: "api", Author: "Ada <ada@example.com>", Path: "x/y.js", Commit: "def", Line: 2, Column: 12, ColumnUTF16: 12, Change: "added"}
	l.Encoding, l.Key, l.AllowMarker = "", "", false
	if diff := cmp.Diff(want, l); diff != "" {
		t.Errorf("location (-want +got):\n%s", diff)
	}
}

// FuzzScanPatch feeds untrusted patch text (it comes from GitHub's API):
// the parse must not panic and must number lines from 1.
func FuzzScanPatch(f *testing.F) {
	f.Add("@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n")
	f.Add("@@ -0,0 +1 @@\n+T=" + fixtures.NewGen(34).PersonalToken() + "\n")
	f.Add("@@ -1 +1 @@\r\n-x\r\n+y\r\n\\ No newline at end of file\n")
	f.Add("@@ -99999999999999999999 +1 @@\n+a\n")
	sc := scanner.New(scanner.Options{}, &scanner.Stats{})
	f.Fuzz(func(t *testing.T, patch string) {
		col := scanner.NewCollector()
		ScanPatch("p", "c", patch, sc, col, scanner.Location{})
		for _, fi := range col.Findings() {
			for _, l := range fi.Locations {
				if l.Line < 1 || l.Column < 1 {
					t.Errorf("%s at line %d column %d, want both >= 1", fi.Secret, l.Line, l.Column)
				}
				if l.Change != "added" && l.Change != "removed" {
					t.Errorf("change %q", l.Change)
				}
			}
		}
	})
}

// TestScanPatchContextAndBlankLines: a ClickUp client secret whose
// "clickup:" key is on an unchanged line of the hunk is found on its added
// line, a secret only on context lines is not reported, and a context line
// that lost its leading space still counts as a line.
func TestScanPatchContextAndBlankLines(t *testing.T) {
	t.Parallel()
	sec := fixtures.NewGen(34).LongSecret()
	tok := fixtures.NewGen(35).PersonalToken()
	patch := "@@ -1,3 +1,3 @@\n clickup:\n   client_id: ABC\n-  client_secret: OLD\n+  client_secret: " + sec + "\n" +
		"@@ -10,3 +10,4 @@\n a\n\n+T=" + tok + "\n c\n" +
		"@@ -20,2 +21,2 @@\n KEEP=" + fixtures.NewGen(36).PersonalToken() + "\n-x\n+y\n"
	col := scanner.NewCollector()
	ScanPatch("config.yml", "c1", patch, scanner.New(scanner.Options{}, &scanner.Stats{}), col, scanner.Location{})
	got := map[string]int{}
	for _, f := range col.Findings() {
		for _, l := range f.Locations {
			got[f.Secret.Reveal()] = l.Line
		}
	}
	if len(got) != 2 || got[sec] != 3 || got[tok] != 12 {
		t.Errorf("got %d findings; client secret on line %d (want 3), token on line %d (want 12)", len(got), got[sec], got[tok])
	}
}

// TestParsePatchStopsAtMalformedHeader: the hunks before a malformed header
// are kept, nothing after it is trusted, and the header's patch line is
// returned so that callers can count the error.
func TestParsePatchStopsAtMalformedHeader(t *testing.T) {
	t.Parallel()
	lines, at := ParsePatch("@@ -1,2 +1,2 @@\n ctx\n-old\n+new\n@@ garbage @@\n+after\n@@ -9 +9 @@\n+later")
	want := []PatchLine{{Op: '@', Old: 1, New: 1}, {Op: ' ', Old: 1, New: 1, Text: "ctx"}, {Op: '-', Old: 2, Text: "old"}, {Op: '+', New: 2, Text: "new"}}
	if at != 5 || len(lines) != len(want) {
		t.Fatalf("ParsePatch = %d lines, malformed at %d; want %d lines, at 5", len(lines), at, len(want))
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, lines[i], want[i])
		}
	}
	if _, at := ParsePatch("@@ -1 +1 @@\n+ok"); at != 0 {
		t.Errorf("well-formed patch: malformed at %d, want 0", at)
	}
}
