package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// SARIF constants. The schema URL is the one GitHub code scanning and most
// tools write; the document validates against SchemaStore's copy of the
// OASIS 2.1.0 schema (see the tests).
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	toolName     = "clickup-secret-scan"
	toolURI      = "https://github.com/clickup-secret-scan/clickup-secret-scan"
	// FingerprintSecret is the partialFingerprints key that carries the
	// finding id (hex SHA-256 of the secret): stable across runs, commits
	// and line moves.
	FingerprintSecret = "clickupSecretId/v1"
	// FingerprintLocation is the partialFingerprints key that carries a hash
	// of the finding id and the location's path, inner path and git object,
	// so that two copies of one secret are two alerts, not one.
	FingerprintLocation = "clickupLocationHash/v1"
)

// securitySeverity maps Kind.Severity to GitHub's security-severity score
// (critical >= 9.0, high 7.0-8.9, medium 4.0-6.9).
func securitySeverity(k scanner.Kind) string {
	switch k.Severity() {
	case "critical":
		return "9.5"
	case "high":
		return "8.0"
	}
	return "6.0"
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	// ColumnKind says how region columns count: UTF-16 code units, as
	// GitHub's viewer (JavaScript strings) does.
	ColumnKind string         `json:"columnKind"`
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

// sarifRegion deliberately has no snippet: a snippet of the line would hold
// the secret (gitleaks' SARIF does exactly that).
type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

// maxSARIFResults is the most results GitHub code scanning accepts in one
// run; beyond it the upload is cut or rejected, so we cut first, keeping the
// most urgent (findings are sorted live first, then by kind).
const maxSARIFResults = 25000

func writeSARIF(w io.Writer, r Report) error {
	return writeSARIFLimit(w, r, maxSARIFResults)
}

func writeSARIFLimit(w io.Writer, r Report, limit int) error {
	in := sarifInput{mode: r.Mode, toolVersion: r.ToolVersion, warnings: r.Warnings, stats: r.Stats}
	for _, f := range r.Findings {
		in.findings = append(in.findings, sarifFindingOf(f))
	}
	for _, ig := range r.Ignored {
		in.ignored = append(in.ignored, sarifIgnored{sarifFindingOf(ig.Finding), ig.Reason})
	}
	return encodeSARIF(w, in, limit)
}

// WriteSARIFFromJSON renders a JSON report read back (merge) as one SARIF
// run with the rules, results, fingerprints and notifications that Write
// gives the report of a scan. A JSON report does not keep the length of a
// secret, so each region ends one column after it starts. Every
// personal-token shape left in the result is redacted, as Write does.
func WriteSARIFFromJSON(w io.Writer, j JSONReport, toolVersion string) error {
	in := sarifInput{mode: j.Mode, toolVersion: toolVersion, warnings: j.Warnings, stats: j.Stats}
	for _, f := range j.Findings {
		sf := sarifFindingOfJSON(f.ID, f.Kind, f.Redacted, f.UserID, f.Locations)
		sf.verification, sf.username = f.Verification, f.Username
		sf.headline, sf.hint = f.Headline, RotateHint(sf.finding())
		in.findings = append(in.findings, sf)
	}
	for _, ig := range j.Ignored {
		sf := sarifFindingOfJSON(ig.ID, ig.Kind, ig.Redacted, ig.UserID, ig.Locations)
		sf.headline, sf.hint = headlineWith(sf.finding(), ig.Redacted), RotateHint(sf.finding())
		in.ignored = append(in.ignored, sarifIgnored{sf, ig.Reason})
	}
	var buf bytes.Buffer
	if err := encodeSARIF(&buf, in, maxSARIFResults); err != nil {
		return fmt.Errorf("failed to render sarif report: %w", err)
	}
	if _, err := w.Write(scrubBytes(buf.Bytes(), nil)); err != nil {
		return fmt.Errorf("failed to write sarif report: %w", err)
	}
	return nil
}

// sarifInput is what a SARIF run is made of, from a scan's report or from
// a JSON report read back.
type sarifInput struct {
	mode        Mode
	toolVersion string
	findings    []sarifFinding
	ignored     []sarifIgnored
	warnings    []string
	stats       scanner.StatsSnapshot
}

type sarifIgnored struct {
	f      sarifFinding
	reason string
}

// sarifFinding is what the results of one finding need.
type sarifFinding struct {
	id, redacted, userID, username string
	kind                           scanner.Kind
	verification                   scanner.Verification
	locations                      []scanner.Location
	// headline and hint are the finding's Headline and RotateHint.
	headline, hint string
	// secret is the raw secret, zero when read back from JSON;
	// secretLen its length in bytes, 0 when unknown.
	secret    scanner.Secret
	secretLen int
}

func sarifFindingOf(f scanner.Finding) sarifFinding {
	return sarifFinding{
		id: f.ID, redacted: f.Secret.Redacted(), userID: f.UserID, username: f.Username,
		kind: f.Kind, verification: f.Verification, locations: f.Locations,
		headline: Headline(f), hint: RotateHint(f),
		secret: f.Secret, secretLen: len(f.Secret.Reveal()),
	}
}

func sarifFindingOfJSON(id, kind, redacted, userID string, locs []scanner.Location) sarifFinding {
	return sarifFinding{id: id, kind: scanner.Kind(kind), redacted: redacted, userID: userID, locations: locs}
}

// finding returns f as a finding without its secret, for the guidance
// functions, which read the secret only to scrub it.
func (f sarifFinding) finding() scanner.Finding {
	return scanner.Finding{ID: f.id, Kind: f.kind, UserID: f.userID, Username: f.username, Verification: f.verification, Locations: f.locations}
}

func encodeSARIF(w io.Writer, r sarifInput, limit int) error {
	rules := make([]sarifRule, len(scanner.Kinds))
	ruleIndex := map[scanner.Kind]int{}
	for i, k := range scanner.Kinds {
		rules[i] = sarifRuleFor(k)
		ruleIndex[k] = i
	}
	results := []sarifResult{}
	var omitted []sarifOmitted
	for _, f := range r.findings {
		f, om := splitFileless(f)
		omitted = append(omitted, om...)
		results = append(results, sarifResults(f, ruleIndex, nil)...)
	}
	for _, ig := range r.ignored {
		sup := &sarifSuppression{Kind: "external", Status: "accepted", Justification: ig.reason}
		f, _ := splitFileless(ig.f)
		results = append(results, sarifResults(f, ruleIndex, sup)...)
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	if n := len(omitted); n > 0 {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "warning",
			Message: sarifText{Text: strconv.Itoa(n) + " finding location(s) in commit or tag messages or pull request text are not results here: code scanning " +
				"places a result in a file only. run.properties.omittedMessageFindings lists them; the text and JSON reports show them in full. Rotate those tokens too."},
		})
	}
	if len(results) > limit {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "warning",
			Message: sarifText{Text: strconv.Itoa(len(results)-limit) + " more results left out: GitHub code scanning accepts at most " +
				strconv.Itoa(limit) + " per run; the JSON report (--format json) lists every location."},
		})
		results = results[:limit]
	}
	for _, warn := range r.warnings {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "warning", Message: sarifText{Text: sarifEscape(warn)}})
	}
	for _, e := range r.stats.Errors {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "warning", Message: sarifText{Text: sarifEscape(e)}})
	}
	stats := r.stats
	stats.Errors = nonNil(stats.Errors)
	props := map[string]any{"stats": stats}
	if r.mode != "" {
		props["mode"] = r.mode
	}
	if len(omitted) > 0 {
		props["omittedMessageFindings"] = omitted
	}
	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool:        sarifTool{Driver: sarifDriver{Name: toolName, InformationURI: toolURI, Version: r.toolVersion, Rules: rules}},
			Invocations: []sarifInvocation{inv},
			Results:     results,
			ColumnKind:  "utf16CodeUnits",
			Properties:  props,
		}},
	}
	return encodeIndented(w, log)
}

// KindDescription returns a paragraph saying what a kind of credential is
// and what a leak of it allows.
func KindDescription(k scanner.Kind) string { return k.Description() }

// whereHelpText and whereHelpMarkdown explain how the place a secret was
// found changes the steps; rule help is per kind, so it cannot name paths.
const whereHelpText = `Where it was found matters:
- In git history: rotate first, then purge it (git filter-repo --invert-paths --path <path>, or BFG), force-push, and remember that forks and existing clones keep the old history.
- In build output: rebuild without it and keep the value server-side; delete published copies of the artifact.
- In a pull request: remove it before merging and rewrite the branch; the branch was pushed, so rotate it too.
The alert message and the JSON report (--format json) list the exact commands for each finding.`

const whereHelpMarkdown = "**Where it was found matters**\n\n" +
	"- In git history: rotate first, then purge it (`git filter-repo --invert-paths --path <path>`, or BFG), force-push, and remember that forks and existing clones keep the old history.\n" +
	"- In build output: rebuild without it and keep the value server-side; delete published copies of the artifact.\n" +
	"- In a pull request: remove it before merging and rewrite the branch; the branch was pushed, so rotate it too.\n\n" +
	"The JSON report (`--format json`) lists the exact commands for each finding.\n"

func sarifRuleFor(k scanner.Kind) sarifRule {
	generic := scanner.Finding{Kind: k}
	var text strings.Builder
	text.WriteString(KindDescription(k) + "\n\nRotate it:\n")
	for i, s := range Guidance(generic) {
		text.WriteString(strconv.Itoa(i+1) + ". " + s + "\n")
	}
	text.WriteString("\n" + whereHelpText)
	md := "**" + KindTitle(k) + "**\n\n" + KindDescription(k) + "\n\n**Rotate it**\n\n" + GuidanceMarkdown(generic) + "\n" + whereHelpMarkdown
	return sarifRule{
		ID:                   k.Rule(),
		Name:                 k.RuleName(),
		ShortDescription:     sarifText{Text: KindTitle(k)},
		FullDescription:      sarifText{Text: KindDescription(k)},
		Help:                 sarifText{Text: text.String(), Markdown: md},
		HelpURI:              toolURI + "#rotation",
		DefaultConfiguration: sarifConfig{Level: "error"},
		Properties: map[string]any{
			"security-severity": securitySeverity(k),
			"tags":              []string{"security", "secret"},
			"precision":         "high",
			"problem.severity":  "error",
		},
	}
}
