package report

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// Formats lists the formats Write accepts.
var Formats = []string{"text", "json", "sarif"}

// Write renders r in format ("text", "json" or "sarif") to w. The report is
// rendered in memory first and written in one call, so that a failing
// renderer leaves nothing half-written; every raw secret of r is replaced by
// its redacted form in the result as a last line of defence (a secret can
// enter through a hostile file name or an error message).
func Write(w io.Writer, format string, r Report) error {
	return WriteWith(w, format, r, Options{})
}

// Options tune a rendering.
type Options struct {
	// Color marks up the text report with ANSI colours (severity, redacted
	// value, paths), for a terminal. Other formats ignore it.
	Color bool
	// ShowIgnored lists ignored findings in full in the text report, where
	// they are otherwise one count line. JSON always lists them.
	ShowIgnored bool
}

// WriteWith is Write with options.
func WriteWith(w io.Writer, format string, r Report, opts Options) error {
	r = normalize(r)
	var buf bytes.Buffer
	var err error
	switch format {
	case "text":
		err = writeText(&buf, r, opts)
	case "json":
		err = writeJSON(&buf, r)
	case "sarif":
		err = writeSARIF(&buf, r)
	default:
		return fmt.Errorf("unknown report format %q (want text, json or sarif)", format)
	}
	if err != nil {
		return fmt.Errorf("failed to render %s report: %w", format, err)
	}
	out := scrubBytes(buf.Bytes(), secretsOf(r))
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("failed to write %s report: %w", format, err)
	}
	return nil
}

// normalize returns a copy of r with findings and locations in display
// order, so that every format lists them the same way whatever the caller
// did, and without mutating the caller's slices.
func normalize(r Report) Report {
	r.Findings = slices.Clone(r.Findings)
	for i := range r.Findings {
		r.Findings[i].Locations = slices.Clone(r.Findings[i].Locations)
		scanner.SortLocations(r.Findings[i].Locations)
	}
	scanner.SortFindings(r.Findings)
	r.Ignored = slices.Clone(r.Ignored)
	for i := range r.Ignored {
		r.Ignored[i].Finding.Locations = slices.Clone(r.Ignored[i].Finding.Locations)
		scanner.SortLocations(r.Ignored[i].Finding.Locations)
	}
	slices.SortStableFunc(r.Ignored, func(a, b Ignored) int {
		return cmp.Or(cmp.Compare(firstPath(a.Finding), firstPath(b.Finding)), cmp.Compare(a.Finding.ID, b.Finding.ID))
	})
	return r
}

func secretsOf(r Report) []scanner.Secret {
	var out []scanner.Secret
	for _, f := range r.Findings {
		out = append(out, f.Secret)
	}
	for _, ig := range r.Ignored {
		out = append(out, ig.Finding.Secret)
	}
	return out
}

// scrubBytes replaces every raw secret in b by its redacted form, then
// every other personal-token shape (a file or member named after a token,
// an ignore reason quoting one).
func scrubBytes(b []byte, secrets []scanner.Secret) []byte {
	return scanner.NewScrubber(secrets...).Bytes(b)
}

func firstPath(f scanner.Finding) string {
	if len(f.Locations) == 0 {
		return ""
	}
	return f.Locations[0].Path
}
