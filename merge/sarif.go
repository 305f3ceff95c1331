package merge

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// WriteSARIF writes r as one SARIF 2.1.0 run: one result per location,
// with the repository in the result's properties. GitHub code scanning
// takes one repository per upload: for that, use org --sarif-dir, which
// writes one file per repository with the full renderer. Regions end
// nowhere here because a report does not keep the secret's length.
func WriteSARIF(w io.Writer, r Report, toolVersion string) error {
	type text struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string         `json:"id"`
		ShortDescription text           `json:"shortDescription"`
		Properties       map[string]any `json:"properties"`
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
	type physical struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region region `json:"region"`
	}
	type location struct {
		PhysicalLocation physical `json:"physicalLocation"`
	}
	type result struct {
		RuleID              string            `json:"ruleId"`
		Level               string            `json:"level"`
		Message             text              `json:"message"`
		Locations           []location        `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          map[string]any    `json:"properties"`
	}
	driver := map[string]any{"name": "clickup-secret-scan", "informationUri": "https://github.com/clickup-secret-scan/clickup-secret-scan"}
	if toolVersion != "" {
		driver["version"] = toolVersion
	}
	var rules []rule
	seenRule := map[string]bool{}
	results := []result{}
	for _, f := range r.Findings {
		if !seenRule[f.Rule] {
			seenRule[f.Rule] = true
			rules = append(rules, rule{ID: f.Rule, ShortDescription: text{report.KindDescription(scanner.Kind(f.Kind))},
				Properties: map[string]any{"tags": []string{"security", "secret"}, "precision": "high"}})
		}
		for _, l := range f.Locations {
			var p physical
			p.ArtifactLocation.URI = (&url.URL{Path: strings.TrimPrefix(l.Path, "/")}).EscapedPath()
			p.Region = region{StartLine: max(l.Line, 1), StartColumn: max(report.ColumnUTF16(l), 1)}
			sum := sha256.Sum256([]byte(f.ID + "\x00" + l.Path + "\x00" + l.InnerPath + "\x00" + string(l.Object)))
			props := map[string]any{"kind": f.Kind, "severity": f.Severity, "redacted": f.Redacted, "source": l.Source}
			for k, v := range map[string]string{"repository": l.Repository, "commit": l.Commit, "innerPath": l.InnerPath, "userId": f.UserID, "verification": string(f.Verification)} {
				if v != "" {
					props[k] = v
				}
			}
			results = append(results, result{
				RuleID:    f.Rule,
				Level:     "error",
				Message:   text{f.Headline},
				Locations: []location{{p}},
				PartialFingerprints: map[string]string{
					report.FingerprintSecret:   f.ID,
					report.FingerprintLocation: hex.EncodeToString(sum[:]),
				},
				Properties: props,
			})
		}
	}
	if rules != nil {
		driver["rules"] = rules
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool":       map[string]any{"driver": driver},
			"results":    results,
			"columnKind": "utf16CodeUnits",
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
