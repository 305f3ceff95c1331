package report

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"
)

// endColumn matches the one field a JSON report cannot give back: where a
// region ends, since the report does not keep the secret's length.
var endColumn = regexp.MustCompile(`"endColumn": \d+`)

// locationHashRE matches the location fingerprint, which hashes the path: a
// path that holds a token shape is redacted in the JSON report, so its
// hash read back differs.
var locationHashRE = regexp.MustCompile(`"clickupLocationHash/v1": "[0-9a-f]+"`)

// TestSARIFFromJSONMatchesWrite renders each sample to JSON, reads it back
// and renders it with WriteSARIFFromJSON: apart from where regions end, the
// SARIF must be byte for byte what Write gives the report itself (same
// rules, results, messages, fingerprints, suppressions, stats), and valid.
func TestSARIFFromJSONMatchesWrite(t *testing.T) {
	t.Parallel()
	for _, s := range samples() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			s.report.ToolVersion = "1.2.3"
			var j JSONReport
			if err := json.Unmarshal(render(t, "json", s.report), &j); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := WriteSARIFFromJSON(&got, j, "1.2.3"); err != nil {
				t.Fatal(err)
			}
			if err := validateSARIF(t, got.Bytes()); err != nil {
				t.Errorf("SARIF from JSON does not validate: %v", err)
			}
			strip := func(b []byte) []byte {
				b = endColumn.ReplaceAll(b, nil)
				if pathRedacted(s.report, j) {
					b = locationHashRE.ReplaceAll(b, nil)
				}
				return b
			}
			want := strip(render(t, "sarif", s.report))
			if g := strip(got.Bytes()); !bytes.Equal(g, want) {
				t.Errorf("SARIF from JSON differs from Write's:\n%s\nwant\n%s", g, want)
			}
		})
	}
}

// pathRedacted reports whether a location path of r reads back changed
// from its JSON report j.
func pathRedacted(r Report, j JSONReport) bool {
	paths := map[string]bool{}
	for _, f := range r.Findings {
		for _, l := range f.Locations {
			paths[l.Path] = true
		}
	}
	for _, f := range j.Findings {
		for _, l := range f.Locations {
			if !paths[l.Path] {
				return true
			}
		}
	}
	return false
}
