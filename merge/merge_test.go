package merge

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// tokens are fake, in the real shapes.
var (
	gen      = fixtures.NewGen(1212)
	shared   = gen.PersonalToken()
	webOnly  = gen.PersonalToken()
	secretCS = gen.LongSecret()
)

func yes() *bool { b := true; return &b }

// shardReports renders two org shard reports with report.Write: shard 1
// holds acme/api, shard 2 acme/web; the personal token shared by both is
// one finding once merged.
func shardReports(t *testing.T) [][]byte {
	t.Helper()
	mk := func(repo string, add func(col *scanner.Collector), stats scanner.StatsSnapshot) []byte {
		col := scanner.NewCollector()
		add(col)
		rep := report.Report{Mode: "org", Findings: col.Findings(), Stats: stats}
		var b bytes.Buffer
		if err := report.Write(&b, "json", rep); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	loc := func(repo, path string, line int, key string) scanner.Location {
		return scanner.Location{Repository: repo, Source: "history", Path: path, Line: line, Column: 7, Key: key,
			Commit: "0123456789abcdef0123456789abcdef01234567", Author: "Dev One <dev@example.com>", Date: "2024-01-02T03:04:05Z", AtHead: yes()}
	}
	uid := strings.Split(shared, "_")[1]
	a := mk("acme/api", func(col *scanner.Collector) {
		col.AddLocation(scanner.PersonalToken, scanner.NewSecret(shared), uid, loc("acme/api", "config/.env", 3, "CLICKUP_API_TOKEN"))
		col.AddLocation(scanner.OAuthClientSecret, scanner.NewSecret(secretCS), "", loc("acme/api", "oauth.json", 2, "client_secret"))
	}, scanner.StatsSnapshot{Files: 10, Bytes: 1000, Skipped: 1, ErrorCount: 1, Errors: []string{"acme/api: blob 1234: corrupt"}})
	b := mk("acme/web", func(col *scanner.Collector) {
		col.AddLocation(scanner.PersonalToken, scanner.NewSecret(shared), uid, loc("acme/web", "deploy/ci.env", 1, "CLICKUP_TOKEN"))
		col.AddLocation(scanner.PersonalToken, scanner.NewSecret(webOnly), strings.Split(webOnly, "_")[1], loc("acme/web", "src/`app|x`.js", 9, "clickup"))
	}, scanner.StatsSnapshot{Files: 5, Bytes: 500, ErrorCount: 1, Errors: []string{"acme/gone: failed to clone: HTTP 404"}})
	return [][]byte{a, b}
}

func readAll(t *testing.T, raw [][]byte) []Report {
	t.Helper()
	var out []Report
	for i, b := range raw {
		r, err := Read("shard"+string(rune('1'+i))+".json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	for _, tok := range []string{shared, webOnly, secretCS} {
		if bytes.Contains(got, []byte(tok)) {
			t.Fatalf("%s holds a raw token", name)
		}
	}
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./merge -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./merge -update to accept):\n%s", name, got)
	}
}

func TestMergeGolden(t *testing.T) {
	t.Parallel()
	m := Merge(readAll(t, shardReports(t)))
	if len(m.Findings) != 3 {
		t.Fatalf("%d findings, want 3 (the shared token once)", len(m.Findings))
	}
	sharedID := scanner.NewSecret(shared).ID()
	for _, f := range m.Findings {
		if f.ID == sharedID && (len(f.Locations) != 2 || f.Locations[0].Repository != "acme/api" || f.Locations[1].Repository != "acme/web") {
			t.Errorf("shared token locations %+v, want acme/api then acme/web", f.Locations)
		}
	}
	if m.Stats.Files != 15 || m.Stats.Bytes != 1500 || m.Stats.Skipped != 1 || m.Stats.ErrorCount != 2 || len(m.Stats.Errors) != 2 {
		t.Errorf("stats %+v, want summed", m.Stats)
	}
	if m.Mode != "org" {
		t.Errorf("mode %q, want org", m.Mode)
	}
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"merged.json", func(b *bytes.Buffer) error { return WriteJSON(b, m) }},
		{"merged.txt", func(b *bytes.Buffer) error { return WriteText(b, m) }},
		{"merged.md", func(b *bytes.Buffer) error { return WriteSummary(b, m) }},
		{"merged.sarif", func(b *bytes.Buffer) error { return WriteSARIF(b, m, "1.2.3") }},
	} {
		var b bytes.Buffer
		if err := tc.write(&b); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, tc.name, b.Bytes())
	}
}

// A single report merged alone comes back byte for byte: the reader and
// writer keep every field of the contract.
func TestMergeOneIsIdentity(t *testing.T) {
	t.Parallel()
	for i, raw := range shardReports(t) {
		var b bytes.Buffer
		if err := WriteJSON(&b, Merge(readAll(t, [][]byte{raw}))); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), raw) {
			t.Errorf("report %d changed by a merge with nothing:\n%s\nwant\n%s", i, b.Bytes(), raw)
		}
	}
}

// Merging is order-independent for findings and locations.
func TestMergeOrderIndependent(t *testing.T) {
	t.Parallel()
	raw := shardReports(t)
	var ab, ba bytes.Buffer
	WriteJSON(&ab, Merge(readAll(t, raw)))
	m := Merge(readAll(t, [][]byte{raw[1], raw[0]}))
	m.Stats.Errors = []string{m.Stats.Errors[1], m.Stats.Errors[0]}
	WriteJSON(&ba, m)
	if ab.String() != ba.String() {
		t.Errorf("merging in another order changes the findings:\n%s\n%s", ab.String(), ba.String())
	}
}

func TestMergeVerification(t *testing.T) {
	t.Parallel()
	raw := shardReports(t)
	reps := readAll(t, raw)
	reps[1].Findings[0].Verification = "live"
	reps[1].Findings[0].Headline = "LIVE " + reps[1].Findings[0].Headline
	id := reps[1].Findings[0].ID
	m := Merge(reps)
	if m.Findings[0].ID != id || m.Findings[0].Verification != "live" || !strings.HasPrefix(m.Findings[0].Headline, "LIVE ") {
		t.Errorf("a finding live in one report is not first and live in the merge: %+v", m.Findings[0])
	}
}

func TestReadRefuses(t *testing.T) {
	t.Parallel()
	good := string(shardReports(t)[0])
	for _, tc := range []struct{ name, in, why string }{
		{"not JSON", "findings: []", "invalid JSON"},
		{"empty", "", "invalid JSON"},
		{"array", "[]", "invalid JSON"},
		{"no version", `{"findings":[],"stats":{}}`, "no \"version\""},
		{"future version", strings.Replace(good, `"version": 1`, `"version": 2`, 1), "version 2"},
		{"audit checklist", `{"version":1,"mode":"audit","checks":[]}`, "no \"findings\""},
		{"unknown field", strings.Replace(good, `"warnings"`, `"extra": 1, "warnings"`, 1), "shape"},
		{"bad id", strings.Replace(good, scanner.NewSecret(shared).ID(), "zz", 1), "invalid id"},
		{"bad kind", strings.Replace(good, `"kind": "personal_token"`, `"kind": "aws"`, 1), "kind"},
		{"trailing", good + "{}", "trailing"},
		{"wrong type", strings.Replace(good, `"files": 10`, `"files": "ten"`, 1), "wrong type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Read("in/"+tc.name+".json", strings.NewReader(tc.in))
			if !errors.Is(err, ErrBadReport) || !strings.Contains(err.Error(), "in/"+tc.name+".json") || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("Read: %v; want ErrBadReport naming the file and saying %q", err, tc.why)
			}
		})
	}
}

func TestSummaryEscapesHostileNames(t *testing.T) {
	t.Parallel()
	r := Report{Findings: []Finding{{ID: strings.Repeat("a", 64), Kind: "personal_token", Severity: "high", Title: "ClickUp personal API token",
		Redacted: "pk_1_…ABCD", Locations: []scanner.Location{{Repository: "acme/x", Path: "a`b|@admin\n# owned <img src=x>"}},
		Guidance: []string{"run ~~~\n@everyone"}}}}
	var b bytes.Buffer
	if err := WriteSummary(&b, r); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, bad := range []string{"\n# owned", "\n@everyone"} {
		if strings.Contains(s, bad) {
			t.Errorf("summary lets %q through:\n%s", bad, s)
		}
	}
	if !strings.Contains(s, "``a`b\\|@admin\\x0a# owned <img src=x>``") {
		t.Errorf("the hostile path is not one code span:\n%s", s)
	}
}
