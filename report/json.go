package report

import (
	"encoding/json"
	"io"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// jsonReport is the JSON contract, version 1. Fields are only ever added;
// arrays are always present (never null) so consumers need no nil checks.
type jsonReport struct {
	Version  int           `json:"version"`
	Mode     Mode          `json:"mode,omitempty"`
	Findings []jsonFinding `json:"findings"`
	Ignored  []jsonIgnored `json:"ignored"`
	Stats    jsonStats     `json:"stats"`
	Warnings []string      `json:"warnings"`
}

type jsonFinding struct {
	// ID is the hex SHA-256 of the raw secret.
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	// Redacted is the only form of the secret in the output.
	Redacted     string             `json:"redacted"`
	UserID       string             `json:"user_id"`
	Verification string             `json:"verification,omitempty"`
	Username     string             `json:"username,omitempty"`
	Keys         []string           `json:"keys"`
	Headline     string             `json:"headline"`
	Locations    []scanner.Location `json:"locations"`
	Guidance     []string           `json:"guidance"`
}

type jsonIgnored struct {
	ID        string             `json:"id"`
	Kind      string             `json:"kind"`
	Rule      string             `json:"rule"`
	Redacted  string             `json:"redacted"`
	UserID    string             `json:"user_id"`
	Reason    string             `json:"reason"`
	Locations []scanner.Location `json:"locations"`
}

type jsonStats struct {
	Files        int64    `json:"files"`
	Bytes        int64    `json:"bytes"`
	Skipped      int64    `json:"skipped"`
	Placeholders int64    `json:"placeholders"`
	ErrorCount   int64    `json:"error_count"`
	Errors       []string `json:"errors"`
}

func writeJSON(w io.Writer, r Report) error {
	out := jsonReport{
		Version:  Version,
		Mode:     r.Mode,
		Findings: make([]jsonFinding, 0, len(r.Findings)),
		Ignored:  make([]jsonIgnored, 0, len(r.Ignored)),
		Stats: jsonStats{
			Files:        r.Stats.Files,
			Bytes:        r.Stats.Bytes,
			Skipped:      r.Stats.Skipped,
			Placeholders: r.Stats.Placeholders,
			ErrorCount:   r.Stats.ErrorCount,
			Errors:       nonNil(r.Stats.Errors),
		},
		Warnings: nonNil(r.Warnings),
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, jsonFinding{
			ID:           f.ID,
			Kind:         string(f.Kind),
			Rule:         f.Rule(),
			Severity:     f.Kind.Severity(),
			Title:        KindTitle(f.Kind),
			Redacted:     f.Secret.Redacted(),
			UserID:       f.UserID,
			Verification: string(f.Verification),
			Username:     f.Username,
			Keys:         nonNil(f.Keys()),
			Headline:     Headline(f),
			Locations:    nonNilLocations(f.Locations),
			Guidance:     nonNil(Guidance(f)),
		})
	}
	for _, ig := range r.Ignored {
		f := ig.Finding
		out.Ignored = append(out.Ignored, jsonIgnored{
			ID:        f.ID,
			Kind:      string(f.Kind),
			Rule:      f.Rule(),
			Redacted:  f.Secret.Redacted(),
			UserID:    f.UserID,
			Reason:    ig.Reason,
			Locations: nonNilLocations(f.Locations),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Guidance holds shell commands with <placeholders> and &&: keep them readable.
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
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
