package report

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// JSONReport is the JSON contract, version 1. Fields are only ever added;
// arrays are always present (never null) so consumers need no nil checks.
// It is exported for the tools that read reports back (merge) and must keep
// every field.
type JSONReport struct {
	Version  int                   `json:"version"`
	Mode     Mode                  `json:"mode,omitempty"`
	Findings []JSONFinding         `json:"findings"`
	Ignored  []JSONIgnored         `json:"ignored"`
	Stats    scanner.StatsSnapshot `json:"stats"`
	Warnings []string              `json:"warnings"`
}

// JSONFinding is one finding of the JSON contract.
type JSONFinding struct {
	// ID is the hex SHA-256 of the raw secret.
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	// Redacted is the only form of the secret in the output.
	Redacted     string               `json:"redacted"`
	UserID       string               `json:"user_id"`
	Verification scanner.Verification `json:"verification,omitempty"`
	Username     string               `json:"username,omitempty"`
	Keys         []string             `json:"keys"`
	Headline     string               `json:"headline"`
	Locations    []scanner.Location   `json:"locations"`
	Guidance     []string             `json:"guidance"`
}

// JSONIgnored is one finding suppressed by an ignore rule, with its reason.
type JSONIgnored struct {
	ID        string             `json:"id"`
	Kind      string             `json:"kind"`
	Rule      string             `json:"rule"`
	Redacted  string             `json:"redacted"`
	UserID    string             `json:"user_id"`
	Reason    string             `json:"reason"`
	Locations []scanner.Location `json:"locations"`
}

func writeJSON(w io.Writer, r Report) error {
	stats := r.Stats
	stats.Errors = nonNil(stats.Errors)
	out := JSONReport{
		Version:  Version,
		Mode:     r.Mode,
		Findings: make([]JSONFinding, 0, len(r.Findings)),
		Ignored:  make([]JSONIgnored, 0, len(r.Ignored)),
		Stats:    stats,
		Warnings: nonNil(r.Warnings),
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, JSONFinding{
			ID:           f.ID,
			Kind:         string(f.Kind),
			Rule:         f.Rule(),
			Severity:     f.Kind.Severity(),
			Title:        KindTitle(f.Kind),
			Redacted:     f.Secret.Redacted(),
			UserID:       f.UserID,
			Verification: f.Verification,
			Username:     f.Username,
			Keys:         nonNil(f.Keys()),
			Headline:     Headline(f),
			Locations:    nonNilLocations(f.Locations),
			Guidance:     nonNil(Guidance(f)),
		})
	}
	for _, ig := range r.Ignored {
		f := ig.Finding
		out.Ignored = append(out.Ignored, JSONIgnored{
			ID:        f.ID,
			Kind:      string(f.Kind),
			Rule:      f.Rule(),
			Redacted:  f.Secret.Redacted(),
			UserID:    f.UserID,
			Reason:    ig.Reason,
			Locations: nonNilLocations(f.Locations),
		})
	}
	return EncodeJSON(w, out)
}

// EncodeJSON writes j laid out as every JSON report is (two-space indent,
// one trailing newline), so that a report read back and written again is
// byte for byte the same. It writes j as it is: Write's scrubbing is the
// caller's to do.
func EncodeJSON(w io.Writer, j JSONReport) error {
	return encodeIndented(w, j)
}

// encodeIndented writes v as JSON with a two-space indent, one trailing
// newline and no HTML escaping (guidance holds shell commands with
// <placeholders> and &&: they stay readable): the layout of every JSON
// document this package writes.
//
// v is encoded compact and then indented into a buffer grown once, which
// gives the bytes an Encoder with SetIndent gives: that Encoder indents
// into a slice that starts empty and is copied and zeroed again at each
// doubling, which was half the time of writing a JSON report; Indent
// grows its destination once, to twice the compact size.
func encodeIndented(w io.Writer, v any) error {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	if buf, ok := w.(*bytes.Buffer); ok {
		return json.Indent(buf, compact.Bytes(), "", "  ")
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
		return err
	}
	_, err := w.Write(indented.Bytes())
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilLocations(l []scanner.Location) []scanner.Location {
	if l == nil {
		return []scanner.Location{}
	}
	return l
}
