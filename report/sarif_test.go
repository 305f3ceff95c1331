package report

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

var (
	sarifSchemaOnce sync.Once
	sarifSchemaC    *jsonschema.Schema
	sarifSchemaErr  error
)

// compiledSARIFSchema compiles SchemaStore's SARIF 2.1.0 schema (copied
// with its licence into testdata/schemastore) once per test binary.
func compiledSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sarifSchemaOnce.Do(func() {
		f, err := os.Open(filepath.Join("testdata", "schemastore", "sarif-2.1.0.json"))
		if err != nil {
			sarifSchemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			sarifSchemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		const loc = "file:///sarif-2.1.0.json"
		if err := c.AddResource(loc, doc); err != nil {
			sarifSchemaErr = err
			return
		}
		sarifSchemaC, sarifSchemaErr = c.Compile(loc)
	})
	if sarifSchemaErr != nil {
		t.Fatalf("failed to compile the SARIF schema: %v", sarifSchemaErr)
	}
	return sarifSchemaC
}

func validateSARIF(t *testing.T, b []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return compiledSARIFSchema(t).Validate(inst)
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	t.Parallel()
	for _, s := range samples() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			if err := validateSARIF(t, render(t, "sarif", s.report)); err != nil {
				t.Errorf("SARIF of %s does not validate: %v", s.name, err)
			}
		})
	}
}

// TestSARIFSchemaRejects proves the validation can fail: the one defect
// GitHub rejects most often, a column of 0, must be caught.
func TestSARIFSchemaRejects(t *testing.T) {
	t.Parallel()
	out := render(t, "sarif", samples()[0].report)
	bad := bytes.Replace(out, []byte(`"startColumn": 19`), []byte(`"startColumn": 0`), 1)
	if bytes.Equal(bad, out) {
		t.Fatal("sample SARIF has no startColumn 19 to break")
	}
	if err := validateSARIF(t, bad); err == nil {
		t.Error("schema accepted startColumn 0")
	}
}

// The structs below read back the parts of our SARIF that GitHub code
// scanning depends on.
type sarifDoc struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID               string         `json:"id"`
					Name             string         `json:"name"`
					ShortDescription sarifText      `json:"shortDescription"`
					FullDescription  sarifText      `json:"fullDescription"`
					Help             sarifText      `json:"help"`
					Properties       map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string    `json:"ruleId"`
			RuleIndex int       `json:"ruleIndex"`
			Level     string    `json:"level"`
			Message   sarifText `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region map[string]any `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []map[string]any  `json:"suppressions"`
			Properties          map[string]any    `json:"properties"`
		} `json:"results"`
		ColumnKind string `json:"columnKind"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, b []byte) sarifDoc {
	t.Helper()
	var d sarifDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("SARIF does not parse: %v", err)
	}
	if len(d.Runs) != 1 {
		t.Fatalf("SARIF has %d runs, want 1", len(d.Runs))
	}
	return d
}

func TestSARIFRules(t *testing.T) {
	t.Parallel()
	d := parseSARIF(t, render(t, "sarif", Report{}))
	rules := d.Runs[0].Tool.Driver.Rules
	want := map[scanner.Kind]string{
		scanner.OAuthClientSecret: "9.5",
		scanner.PersonalToken:     "8.0",
		scanner.OAuthAccessToken:  "6.0",
		scanner.WebhookSecret:     "6.0",
	}
	if len(rules) != len(want) {
		t.Fatalf("got %d rules, want one per kind (%d)", len(rules), len(want))
	}
	for i, k := range scanner.Kinds {
		r := rules[i]
		if r.ID != k.Rule() {
			t.Errorf("rule %d id = %q, want %q", i, r.ID, k.Rule())
		}
		if r.Name == "" || r.ShortDescription.Text == "" || r.FullDescription.Text == "" {
			t.Errorf("rule %s lacks name or descriptions", r.ID)
		}
		if !strings.Contains(r.Help.Text, "Rotate it") || !strings.Contains(r.Help.Markdown, "**Rotate it**") {
			t.Errorf("rule %s help lacks the rotation steps", r.ID)
		}
		if got := r.Properties["security-severity"]; got != want[k] {
			t.Errorf("rule %s security-severity = %v, want %s", r.ID, got, want[k])
		}
		tags, _ := r.Properties["tags"].([]any)
		if len(tags) != 2 || tags[0] != "security" || tags[1] != "secret" {
			t.Errorf("rule %s tags = %v, want [security secret]", r.ID, tags)
		}
	}
	if !strings.Contains(rules[1].Help.Text, "Settings > Apps > API Token > Regenerate") {
		t.Error("personal token rule help does not say where to regenerate it")
	}
}

func TestSARIFResults(t *testing.T) {
	t.Parallel()
	s := samples()[0]
	d := parseSARIF(t, render(t, "sarif", s.report))
	run := d.Runs[0]
	// One result per location in a file; commit and tag messages are
	// left out (code scanning cannot place them) and counted.
	wantResults, messages := 0, 0
	for _, f := range s.report.Findings {
		for _, l := range f.Locations {
			if l.Object == scanner.ObjectCommitMessage || l.Object == scanner.ObjectTagMessage {
				messages++
			} else {
				wantResults++
			}
		}
	}
	suppressed := 0
	for _, ig := range s.report.Ignored {
		wantResults += len(ig.Finding.Locations)
		suppressed += len(ig.Finding.Locations)
	}
	if len(run.Results) != wantResults || messages == 0 {
		t.Fatalf("got %d results, want one per location in a file (%d; %d in messages)", len(run.Results), wantResults, messages)
	}
	ids := map[string]bool{}
	for _, f := range s.report.Findings {
		ids[f.ID] = true
	}
	for _, ig := range s.report.Ignored {
		ids[ig.Finding.ID] = true
	}
	gotSuppressed := 0
	for i, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d: ruleIndex %d does not point at %s", i, r.RuleIndex, r.RuleID)
		}
		if r.Level != "error" {
			t.Errorf("result %d: level %q, want error", i, r.Level)
		}
		if !ids[r.PartialFingerprints[FingerprintSecret]] {
			t.Errorf("result %d: partialFingerprints[%s] = %q, not a finding id", i, FingerprintSecret, r.PartialFingerprints[FingerprintSecret])
		}
		if len(r.PartialFingerprints[FingerprintLocation]) != 64 {
			t.Errorf("result %d: no location fingerprint", i)
		}
		if len(r.Locations) != 1 {
			t.Fatalf("result %d: %d locations, want 1", i, len(r.Locations))
		}
		reg := r.Locations[0].PhysicalLocation.Region
		if _, ok := reg["snippet"]; ok {
			t.Errorf("result %d: region has a snippet", i)
		}
		sl, sc, ec := reg["startLine"].(float64), reg["startColumn"].(float64), reg["endColumn"].(float64)
		if sl < 1 || sc < 1 || ec < sc {
			t.Errorf("result %d: region %v breaks startLine>=1, startColumn>=1, endColumn>=startColumn", i, reg)
		}
		if !strings.Contains(r.Message.Text, "ClickUp") || !strings.Contains(r.Message.Text, "…") {
			t.Errorf("result %d: message %q lacks the kind or the redacted value", i, r.Message.Text)
		}
		if len(r.Suppressions) > 0 {
			gotSuppressed++
			if r.Suppressions[0]["justification"] == "" {
				t.Errorf("result %d: suppression without justification", i)
			}
		}
	}
	if gotSuppressed != suppressed {
		t.Errorf("got %d suppressed results, want %d (the ignored findings)", gotSuppressed, suppressed)
	}
}

func TestSARIFColumnClamp(t *testing.T) {
	t.Parallel()
	tok := fakePersonal(11, "1234567")
	c := scanner.NewCollector()
	c.AddLocation(scanner.PersonalToken, tok, "1234567", scanner.Location{Source: "history", Path: "a.txt", Line: 0, Column: 0})
	d := parseSARIF(t, render(t, "sarif", Report{Findings: c.Findings()}))
	reg := d.Runs[0].Results[0].Locations[0].PhysicalLocation.Region
	if reg["startLine"].(float64) != 1 || reg["startColumn"].(float64) != 1 {
		t.Errorf("line/column 0 rendered as %v, want clamped to 1", reg)
	}
	if want := float64(1 + len("pk_1234567_") + 32); reg["endColumn"].(float64) != want {
		t.Errorf("endColumn = %v, want %v (start + token length)", reg["endColumn"], want)
	}
}

// TestSARIFColumnsInUTF16 checks that regions count UTF-16 code units, as
// the run's columnKind says: the scanner's UTF-16 column where it counted
// one, else the byte column.
func TestSARIFColumnsInUTF16(t *testing.T) {
	t.Parallel()
	tok := fakePersonal(12, "1234567")
	c := scanner.NewCollector()
	c.AddLocation(scanner.PersonalToken, tok, "1234567", scanner.Location{Source: "dir", Path: "a.js", Line: 2, Column: 23, ColumnUTF16: 21})
	c.AddLocation(scanner.PersonalToken, tok, "1234567", scanner.Location{Source: "dir", Path: "bundle.js", Line: 1, Column: 1048600})
	d := parseSARIF(t, render(t, "sarif", Report{Findings: c.Findings()}))
	if kind := d.Runs[0].ColumnKind; kind != "utf16CodeUnits" {
		t.Errorf("columnKind = %q, want utf16CodeUnits", kind)
	}
	got := map[string]float64{}
	for _, r := range d.Runs[0].Results {
		pl := r.Locations[0].PhysicalLocation
		got[pl.ArtifactLocation.URI] = pl.Region["startColumn"].(float64)
	}
	if got["a.js"] != 21 || got["bundle.js"] != 1048600 {
		t.Errorf("startColumn by file = %v, want a.js 21 (UTF-16) and bundle.js 1048600 (byte column, UTF-16 unknown)", got)
	}
}

func TestSARIFURI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, want string
	}{
		{"src/app.go", "src/app.go"},
		{"my dir/a b.env", "my%20dir/a%20b.env"},
		{"a,b:%0A::error::x", "a%2Cb%3A%250A%3A%3Aerror%3A%3Ax"},
		{"c:/x", "c%3A/x"},
		{"x\ny", "x%0Ay"},
		{"a#b?c", "a%23b%3Fc"},
		{"/abs/path.env", "file:///abs/path.env"},
		{"", "."},
	}
	for _, tt := range tests {
		got := sarifURI(tt.path)
		if got != tt.want {
			t.Errorf("sarifURI(%q) = %q, want %q", tt.path, got, tt.want)
		}
		// Every URI must parse back to the same path.
		u, err := url.Parse(got)
		if err != nil {
			t.Errorf("sarifURI(%q) = %q does not parse: %v", tt.path, got, err)
			continue
		}
		if tt.path != "" && strings.TrimPrefix(u.Path, "/") != strings.TrimPrefix(tt.path, "/") {
			t.Errorf("sarifURI(%q) parses back to %q", tt.path, u.Path)
		}
		if u.Scheme != "" && u.Scheme != "file" {
			t.Errorf("sarifURI(%q) = %q reads as scheme %q", tt.path, got, u.Scheme)
		}
	}
}

// TestGitleaksSARIFLeaksSnippet records the regret we avoid: gitleaks'
// real SARIF output validates, yet carries the secret in region.snippet
// and commit metadata in partialFingerprints. Ours has neither.
func TestGitleaksSARIFLeaksSnippet(t *testing.T) {
	t.Parallel()
	theirs, err := os.ReadFile(filepath.Join("testdata", "gitleaks", "sarif_simple.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	if err := validateSARIF(t, theirs); err != nil {
		t.Fatalf("gitleaks fixture does not validate: %v", err)
	}
	var doc struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						Region struct {
							Snippet *struct {
								Text string `json:"text"`
							} `json:"snippet"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(theirs, &doc); err != nil {
		t.Fatal(err)
	}
	res := doc.Runs[0].Results[0]
	snip := res.Locations[0].PhysicalLocation.Region.Snippet
	if snip == nil || snip.Text != "a secret" {
		t.Errorf("gitleaks fixture snippet = %v, want the secret %q in clear", snip, "a secret")
	}
	if res.PartialFingerprints["commitSha"] == "" || res.PartialFingerprints["email"] == "" {
		t.Error("gitleaks fixture no longer puts commit metadata in partialFingerprints")
	}

	for _, s := range samples() {
		ours := render(t, "sarif", s.report)
		if bytes.Contains(ours, []byte(`"snippet"`)) {
			t.Errorf("our SARIF for %s has a snippet", s.name)
		}
		d := parseSARIF(t, ours)
		for _, r := range d.Runs[0].Results {
			for k := range r.PartialFingerprints {
				if k != FingerprintSecret && k != FingerprintLocation {
					t.Errorf("our SARIF for %s has fingerprint %q beyond the id and location hash", s.name, k)
				}
			}
		}
	}
}

func TestSARIFResultLimit(t *testing.T) {
	t.Parallel()
	s := samples()[0]
	var buf bytes.Buffer
	if err := writeSARIFLimit(&buf, normalize(s.report), 3); err != nil {
		t.Fatal(err)
	}
	if err := validateSARIF(t, buf.Bytes()); err != nil {
		t.Fatalf("cut SARIF does not validate: %v", err)
	}
	d := parseSARIF(t, buf.Bytes())
	if n := len(d.Runs[0].Results); n != 3 {
		t.Errorf("%d results, want the limit 3", n)
	}
	if !bytes.Contains(buf.Bytes(), []byte("more results left out")) {
		t.Error("no notification says results were left out")
	}
	// The live finding comes first, so it survives the cut.
	if !strings.HasPrefix(d.Runs[0].Results[0].Message.Text, "LIVE ") {
		t.Errorf("first result is not the live finding: %q", d.Runs[0].Results[0].Message.Text)
	}
}
