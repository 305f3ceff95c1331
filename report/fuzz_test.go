package report

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// FuzzWrite renders a finding whose path, archive member, key, username and
// per-item error come from the fuzzer (all attacker-controlled in real
// scans: file names, file contents, ClickUp's API) and checks that no
// format errors, leaks the raw token, breaks its syntax, or lets a value
// add lines to the text report. Seeds: testdata/fuzz/FuzzWrite.
func FuzzWrite(f *testing.F) {
	f.Add("config/.env", "", "CLICKUP_API_TOKEN", "dev", "a: permission denied")
	f.Add("a,b:%0A::error::x", "in\nner", "$(x)", "<b>@everyone</b>", "x\x1b[31m")
	tok := fakePersonal(51, "7043602")
	f.Fuzz(func(t *testing.T, path, inner, key, username, errMsg string) {
		loc := scanner.Location{Source: "history", Path: path, InnerPath: inner, Line: 2, Column: 3, Key: key, Commit: commitA}
		fd := finding(scanner.PersonalToken, tok, "7043602", loc)
		fd.Verification, fd.Username = "live", username
		r := Report{Mode: "history", Findings: []scanner.Finding{fd}, Stats: scanner.StatsSnapshot{Files: 1, ErrorCount: 1, Errors: []string{errMsg}}}

		// A benign twin: same structure, harmless values.
		twin := fd
		twin.Username = "u"
		twin.Locations = []scanner.Location{{Source: "history", Path: "p", Line: 2, Column: 3, Key: "K", Commit: commitA}}
		if inner != "" {
			twin.Locations[0].InnerPath = "i"
		}
		if key == "" {
			twin.Locations[0].Key = ""
		}
		if username == "" {
			twin.Username = ""
		}
		benign := Report{Mode: "history", Findings: []scanner.Finding{twin}, Stats: scanner.StatsSnapshot{Files: 1, ErrorCount: 1, Errors: []string{"e"}}}

		raw := []byte(tok.Reveal())
		for _, format := range Formats {
			var buf bytes.Buffer
			if err := Write(&buf, format, r); err != nil {
				t.Fatalf("Write(%s): %v", format, err)
			}
			out := buf.Bytes()
			if bytes.Contains(out, raw) {
				t.Fatalf("%s output holds the raw token %v", format, tok)
			}
			switch format {
			case "text":
				var bb bytes.Buffer
				if err := Write(&bb, "text", benign); err != nil {
					t.Fatal(err)
				}
				if got, want := bytes.Count(out, []byte("\n")), bytes.Count(bb.Bytes(), []byte("\n")); got != want {
					t.Fatalf("text has %d lines, its benign twin %d: a value added lines", got, want)
				}
				for _, r := range string(out) {
					if r != '\n' && r != ' ' && !unicode.IsPrint(r) {
						t.Fatalf("text holds control or format character %U", r)
					}
				}
			case "json":
				var m struct {
					Findings []struct {
						Locations []scanner.Location `json:"locations"`
					} `json:"findings"`
				}
				if err := json.Unmarshal(out, &m); err != nil {
					t.Fatalf("JSON does not parse: %v", err)
				}
				if utf8.ValidString(path) && !strings.Contains(path, tok.Reveal()) {
					if got := m.Findings[0].Locations[0].Path; got != path {
						t.Fatalf("JSON path = %q, want %q", got, path)
					}
				}
			case "sarif":
				d := parseSARIF(t, out)
				res := d.Runs[0].Results[0]
				uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
				u, err := url.Parse(uri)
				if err != nil {
					t.Fatalf("SARIF uri %q does not parse: %v", uri, err)
				}
				if u.Scheme != "" && u.Scheme != "file" {
					t.Fatalf("SARIF uri %q has scheme %q", uri, u.Scheme)
				}
				if path != "" && !strings.Contains(path, tok.Reveal()) && strings.TrimPrefix(u.Path, "/") != strings.TrimPrefix(path, "/") {
					t.Fatalf("SARIF uri %q reads back as %q, want %q", uri, u.Path, path)
				}
				reg := res.Locations[0].PhysicalLocation.Region
				if _, ok := reg["snippet"]; ok {
					t.Fatal("SARIF region has a snippet")
				}
			}
		}
		steps := Guidance(fd)
		for i, s := range steps {
			if strings.Contains(s, "\n") || strings.Contains(s, tok.Reveal()) {
				t.Fatalf("step %d spans lines or holds the token", i)
			}
		}
		if got := strings.Count(GuidanceMarkdown(fd), "\n"); got != len(steps) {
			t.Fatalf("markdown has %d lines for %d steps", got, len(steps))
		}
		if strings.Contains(Headline(fd), "\n") || strings.Contains(HeadlineMarkdown(fd), "\n") {
			t.Fatal("headline spans lines")
		}
	})
}
