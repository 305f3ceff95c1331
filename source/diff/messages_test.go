package diff

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// msgLoc is the comparable part of a message location.
type msgLoc struct {
	Token, Source, Object, Commit, Change string
	Line                                  int
}

func msgLocs(fs []scanner.Finding) []msgLoc {
	var out []msgLoc
	for _, f := range fs {
		for _, l := range f.Locations {
			if l.Object == "" {
				continue
			}
			out = append(out, msgLoc{Token: f.Secret.Redacted(), Source: string(l.Source), Object: string(l.Object),
				Commit: l.Commit, Change: string(l.Change), Line: l.Line})
		}
	}
	return out
}

// TestScanRangeCommitMessages plants tokens in commit messages of a range
// (one commit changes no file, one is a merge) and expects each reported
// once, with its commit, and nothing from the message of a commit before
// the range.
func TestScanRangeCommitMessages(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(1301)
	before, inMsg, inEmpty, inMerge := g.PersonalToken(), g.PersonalToken(), g.PersonalToken(), g.PersonalToken()
	r := newRepo(t)
	r.write("README.md", "hello\n")
	r.commit("root\n\nold token " + before)
	base := r.git("rev-parse", "HEAD")
	r.git("checkout", "-q", "-b", "topic")
	r.write("app.js", "console.log(1);\n")
	c1 := r.commit("add app\n\nused CLICKUP_TOKEN=" + inMsg + " to test")
	c2 := r.commit("empty commit " + inEmpty)
	r.git("checkout", "-q", "main")
	r.write("other.txt", "x\n")
	r.commit("main moves on")
	r.n++
	r.git("merge", "-q", "--no-ff", "-m", "merge topic\n\n"+inMerge, "topic")
	merge := r.git("rev-parse", "HEAD")

	got, res := scanRange(t, r.dir, base, "HEAD")
	want := []msgLoc{
		{Token: redact(inMsg), Source: "diff", Object: "commit-message", Commit: c1, Change: "added", Line: 3},
		{Token: redact(inEmpty), Source: "diff", Object: "commit-message", Commit: c2, Change: "added", Line: 1},
		{Token: redact(inMerge), Source: "diff", Object: "commit-message", Commit: merge, Change: "added", Line: 3},
	}
	sortMsgLocs := cmp.Transformer("sort", func(in []msgLoc) []msgLoc {
		out := append([]msgLoc(nil), in...)
		for i := range out {
			for j := i + 1; j < len(out); j++ {
				if out[j].Commit+out[j].Token < out[i].Commit+out[i].Token {
					out[i], out[j] = out[j], out[i]
				}
			}
		}
		return out
	})
	if d := cmp.Diff(want, msgLocs(got), sortMsgLocs); d != "" {
		t.Errorf("message locations (-want +got):\n%s", d)
	}
	if len(got) != 3 {
		t.Errorf("%d findings, want 3 (one per message token)", len(got))
	}
	for _, f := range got {
		if len(f.Locations) != 1 {
			t.Errorf("%s has %d locations, want 1", f.Secret.Redacted(), len(f.Locations))
		}
		for _, l := range f.Locations {
			if l.AtHead != nil || l.Path != "" || l.Author == "" || l.Date == "" {
				t.Errorf("%s: location %+v: want no path, no at_head, an author and a date", f.Secret.Redacted(), l)
			}
		}
	}
	if res.Commits != 4 {
		t.Errorf("Commits = %d, want 4", res.Commits)
	}
	js, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	assertNoRaw(t, "findings JSON", js, before, inMsg, inEmpty, inMerge)
}

// TestScanRangeMessageNegative keeps a vendor key in a message unreported.
func TestScanRangeMessageNegative(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("a.txt", "a\n")
	base := r.commit("root")
	r.commit("stripe key pk_live_" + strings.Repeat("aB3", 8) + " rotated")
	got, _ := scanRange(t, r.dir, base, "HEAD")
	if len(got) != 0 {
		t.Errorf("findings %v, want none", locs(got))
	}
}

// TestScanMessageFile scans the message a commit is being made with, as
// git will keep it.
func TestScanMessageFile(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(1302)
	tok := g.PersonalToken()
	scissors := "# ------------------------ >8 ------------------------"
	cases := []struct {
		name, msg, commentChar string
		wantLine               int // 0: nothing found
	}{
		{name: "subject", msg: "deploy " + tok + "\n", wantLine: 1},
		{name: "body", msg: "deploy\n\n# a comment\nCLICKUP_TOKEN=" + tok + "\n", wantLine: 4},
		{name: "crlf body", msg: "deploy\r\n\r\ntoken " + tok + "\r\n", wantLine: 3},
		{name: "comment line", msg: "deploy\n\n# token " + tok + "\n"},
		{name: "below scissors", msg: "deploy\n" + scissors + "\n+CLICKUP_TOKEN=" + tok + "\n"},
		{name: "custom comment char keeps hash lines", msg: "deploy\n#token " + tok + "\n", commentChar: ";", wantLine: 2},
		{name: "custom comment char strips its lines", msg: "deploy\n;token " + tok + "\n", commentChar: ";"},
		{name: "vendor key", msg: "pk_live_" + strings.Repeat("aB3", 8) + "\n"},
		{name: "no trailing newline", msg: "x\n" + tok, wantLine: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRepo(t)
			if tc.commentChar != "" {
				r.git("config", "core.commentChar", tc.commentChar)
			}
			path := filepath.Join(t.TempDir(), "COMMIT_EDITMSG")
			if err := os.WriteFile(path, []byte(tc.msg), 0o600); err != nil {
				t.Fatal(err)
			}
			col := scanner.NewCollector()
			if err := ScanMessageFile(r.dir, path, scanner.New(scanner.Options{}, &scanner.Stats{}), col); err != nil {
				t.Fatalf("ScanMessageFile: %v", err)
			}
			got := msgLocs(col.Findings())
			var want []msgLoc
			if tc.wantLine > 0 {
				want = []msgLoc{{Token: redact(tok), Source: "staged", Object: "commit-message", Change: "added", Line: tc.wantLine}}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("locations (-want +got):\n%s", d)
			}
		})
	}
}

func TestScanMessageFileMissing(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	err := ScanMessageFile(r.dir, filepath.Join(t.TempDir(), "nope"), scanner.New(scanner.Options{}, &scanner.Stats{}), scanner.NewCollector())
	if !errors.Is(err, usage.Err) || !strings.Contains(err.Error(), "failed to read the commit message") {
		t.Errorf("error %v: want a usage error that names the message file", err)
	}
}

// TestStagedSourceScansMessageAndIndex checks that the staged source with
// a message file reports both the staged file and the message.
func TestStagedSourceScansMessageAndIndex(t *testing.T) {
	t.Parallel()
	g := fixtures.NewGen(1303)
	inFile, inMsg := g.PersonalToken(), g.PersonalToken()
	r := newRepo(t)
	r.write("README.md", "x\n")
	r.commit("root")
	r.write(".env", "CLICKUP_TOKEN="+inFile+"\n")
	r.git("add", ".env")
	msg := filepath.Join(r.dir, ".git", "COMMIT_EDITMSG")
	if err := os.WriteFile(msg, []byte("add env\n\n"+inMsg+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	col := scanner.NewCollector()
	if _, err := (Staged{RepoPath: r.dir, MessageFile: msg}).Scan(context.Background(), scanner.New(scanner.Options{}, &scanner.Stats{}), col); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, f := range col.Findings() {
		for _, l := range f.Locations {
			seen[f.Secret.Redacted()] = l.Path + "|" + string(l.Object)
		}
	}
	want := map[string]string{redact(inFile): ".env|", redact(inMsg): "|commit-message"}
	if d := cmp.Diff(want, seen); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
}

// FuzzCommittedMessage checks, on any message bytes and comment
// character, that stripping never panics, never adds bytes, keeps every
// line before the scissors line (so that match lines stay those of the
// file), and keeps a token on a line that is not a comment.
func FuzzCommittedMessage(f *testing.F) {
	tok := fixtures.NewGen(1304).PersonalToken()
	f.Add([]byte("subject\n\nbody\n# comment\n"), "#")
	f.Add([]byte("x\r\n# ------------------------ >8 ------------------------\r\ndiff\r\n"), "#")
	f.Add([]byte(";c\nno newline"), ";")
	f.Add([]byte(""), "")
	f.Fuzz(func(t *testing.T, data []byte, comment string) {
		if comment == "" || strings.ContainsAny(comment, "\r\n") {
			comment = "#"
		}
		msg := append(append([]byte{}, data...), []byte("\n"+tok+"\n")...)
		out := committedMessage(msg, comment)
		if len(out) > len(msg) {
			t.Fatalf("output %d bytes, longer than the input's %d", len(out), len(msg))
		}
		scissors := comment + " ------------------------ >8 ------------------------"
		cut := false
		for _, l := range strings.Split(string(data), "\n") {
			if strings.TrimRight(l, "\r") == scissors {
				cut = true
			}
		}
		if cut {
			return
		}
		if got, want := strings.Count(string(out), "\n"), strings.Count(string(msg), "\n"); got != want {
			t.Fatalf("%d lines kept, want %d", got, want)
		}
		if !strings.HasPrefix(tok, comment) && !strings.Contains(string(out), tok) {
			t.Fatalf("the token on its own line was dropped")
		}
	})
}
