package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

func decodeJSON(t *testing.T, r Report) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(render(t, "json", r), &m); err != nil {
		t.Fatalf("JSON report does not parse: %v", err)
	}
	return m
}

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func requireKeys(t *testing.T, what string, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s lacks %q (has %v)", what, k, keysOf(m))
		}
	}
}

// TestJSONContract checks the fields the issue fixes as a contract, on a
// clean report and on a full one.
func TestJSONContract(t *testing.T) {
	t.Parallel()
	t.Run("empty", func(t *testing.T) {
		t.Parallel()
		m := decodeJSON(t, Report{})
		if m["version"] != float64(1) {
			t.Errorf("version = %v, want 1", m["version"])
		}
		for _, k := range []string{"findings", "ignored", "warnings"} {
			if a, ok := m[k].([]any); !ok || len(a) != 0 {
				t.Errorf("%s = %#v, want an empty array (never null)", k, m[k])
			}
		}
		stats, _ := m["stats"].(map[string]any)
		requireKeys(t, "stats", stats, "files", "bytes", "skipped", "placeholders", "errors")
		if a, ok := stats["errors"].([]any); !ok || len(a) != 0 {
			t.Errorf("stats.errors = %#v, want [] not null", stats["errors"])
		}
	})
	t.Run("full", func(t *testing.T) {
		t.Parallel()
		s := samples()[0]
		m := decodeJSON(t, s.report)
		findings, _ := m["findings"].([]any)
		if len(findings) != len(s.report.Findings) {
			t.Fatalf("%d findings, want %d", len(findings), len(s.report.Findings))
		}
		byID := map[string]bool{}
		for _, f := range s.report.Findings {
			byID[f.ID] = true
		}
		sawVerified, sawUnverified := false, false
		for i, fa := range findings {
			f := fa.(map[string]any)
			requireKeys(t, "finding", f, "id", "kind", "rule", "redacted", "user_id", "locations", "severity", "keys", "guidance")
			id, _ := f["id"].(string)
			if len(id) != 64 || !byID[id] {
				t.Errorf("finding %d id %q is not the sha256 hex of a secret", i, id)
			}
			if g, _ := f["guidance"].([]any); len(g) == 0 {
				t.Errorf("finding %d has no guidance", i)
			}
			if _, ok := f["keys"].([]any); !ok {
				t.Errorf("finding %d keys = %#v, want an array", i, f["keys"])
			}
			if _, ok := f["verification"]; ok {
				sawVerified = true
			} else {
				sawUnverified = true
				if _, ok := f["username"]; ok {
					t.Errorf("finding %d has a username but no verification", i)
				}
			}
			for _, la := range f["locations"].([]any) {
				requireKeys(t, "location", la.(map[string]any), "source", "path", "inner_path", "line", "column", "encoding")
			}
		}
		if !sawVerified || !sawUnverified {
			t.Error("sample should hold verified and unverified findings")
		}
		first := findings[0].(map[string]any)
		if first["verification"] != "live" || first["username"] != "dev.one" {
			t.Errorf("first finding = %v/%v, want the live one with its username first", first["verification"], first["username"])
		}
		loc := first["locations"].([]any)[0].(map[string]any)
		want := map[string]any{"source": "dir", "path": "dist/app.zip", "inner_path": "config/.env", "line": float64(3), "column": float64(19), "encoding": "base64"}
		for k, v := range want {
			if loc[k] != v {
				t.Errorf("first location %s = %v, want %v", k, loc[k], v)
			}
		}
		ignored, _ := m["ignored"].([]any)
		if len(ignored) != 1 {
			t.Fatalf("ignored = %v, want 1 entry", m["ignored"])
		}
		ig := ignored[0].(map[string]any)
		requireKeys(t, "ignored", ig, "id", "reason", "locations")
		if ig["reason"] != "test fixture, revoked 2024-01-02" {
			t.Errorf("ignored reason = %v", ig["reason"])
		}
		stats := m["stats"].(map[string]any)
		if stats["files"] != float64(42) || stats["skipped"] != float64(2) || stats["placeholders"] != float64(3) {
			t.Errorf("stats = %v", stats)
		}
		if errs, _ := stats["errors"].([]any); len(errs) != 2 {
			t.Errorf("stats.errors = %v, want 2", stats["errors"])
		}
		if w, _ := m["warnings"].([]any); len(w) != 1 {
			t.Errorf("warnings = %v, want 1", m["warnings"])
		}
		if m["mode"] != "dir" {
			t.Errorf("mode = %v, want dir", m["mode"])
		}
	})
}

// TestEncodeJSONLayout: EncodeJSON indents in a second pass, and must give
// the bytes json.Encoder gives with SetIndent (the layout every report
// written so far has), for any strings, into a bytes.Buffer or any writer.
func TestEncodeJSONLayout(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "plain", "<b>&amp;</b> && x > y", "line\nbreak\ttab \"quoted\" back\\slash",
		"\u2028\u2029 separators", "\xff\xfe invalid UTF-8", "é ü 日本", "[] {} [{}] : ,",
	} {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			t.Parallel()
			j := JSONReport{
				Version: Version, Mode: "dir",
				Findings: []JSONFinding{{ID: s, Keys: []string{}, Guidance: []string{s, s},
					Locations: []scanner.Location{{Source: "dir", Path: s, Line: 1, Column: 2}}}},
				Ignored:  []JSONIgnored{},
				Stats:    scanner.StatsSnapshot{Errors: []string{s}},
				Warnings: []string{},
			}
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(j); err != nil {
				t.Fatal(err)
			}
			var toBuffer bytes.Buffer
			if err := EncodeJSON(&toBuffer, j); err != nil {
				t.Fatal(err)
			}
			var toWriter strings.Builder
			if err := EncodeJSON(&toWriter, j); err != nil {
				t.Fatal(err)
			}
			if got := toBuffer.String(); got != want.String() {
				t.Errorf("into a bytes.Buffer:\n%s\nwant:\n%s", got, want.String())
			}
			if got := toWriter.String(); got != want.String() {
				t.Errorf("into a strings.Builder:\n%s\nwant:\n%s", got, want.String())
			}
		})
	}
}
