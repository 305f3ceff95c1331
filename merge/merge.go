// Package merge combines JSON reports (from org shards, or from history or
// dir runs of single repositories) into one: one finding per secret id
// across all of them, with every location, stats summed and errors
// concatenated. It works on the JSON contract alone: a report holds no raw
// secret, so neither does anything here.
package merge

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/lazyre"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// ErrBadReport is returned (wrapped, with the file's name) for input that
// is not a JSON report of this tool's contract version. It is the user's to
// fix and matches usage.Err.
var ErrBadReport error = usage.Error{Err: errors.New("not a clickup-secret-scan JSON report")}

// Report is the JSON contract (report.Version) as read back: the types
// report writes, so that a merge keeps every field.
type Report = report.JSONReport

// Finding is one finding of the JSON contract.
type Finding = report.JSONFinding

// Ignored is one ignored finding of the JSON contract.
type Ignored = report.JSONIgnored

// Stats are the counters of the JSON contract.
type Stats = scanner.StatsSnapshot

var idRE = lazyre.New(`^[0-9a-f]{64}$`)

// Read parses one report. name is the file it came from, for the error.
// Unknown fields are refused rather than dropped: a report from a newer
// version would otherwise lose them in the merge without a word.
func Read(name string, r io.Reader) (Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Report{}, fmt.Errorf("failed to read %s: %w", name, err)
	}
	bad := func(why string) (Report, error) {
		return Report{}, fmt.Errorf("%w: %s: %s", ErrBadReport, name, why)
	}
	var probe struct {
		Version  *int             `json:"version"`
		Findings *json.RawMessage `json:"findings"`
		Stats    *json.RawMessage `json:"stats"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return bad("invalid JSON: " + jsonErr(err))
	}
	switch {
	case probe.Version == nil:
		return bad(`no "version"`)
	case *probe.Version != report.Version:
		return bad(fmt.Sprintf("version %d, want %d", *probe.Version, report.Version))
	case probe.Findings == nil || probe.Stats == nil:
		return bad(`no "findings" or "stats"`)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rep Report
	if err := dec.Decode(&rep); err != nil {
		return bad(jsonErr(err))
	}
	if dec.More() {
		return bad("trailing data after the report")
	}
	known := map[string]bool{}
	for _, k := range scanner.Kinds {
		known[string(k)] = true
	}
	for _, f := range rep.Findings {
		if !idRE().MatchString(f.ID) || !known[f.Kind] {
			return bad(fmt.Sprintf("finding with invalid id or kind %q", f.Kind))
		}
	}
	for _, f := range rep.Ignored {
		if !idRE().MatchString(f.ID) || !known[f.Kind] {
			return bad(fmt.Sprintf("ignored finding with invalid id or kind %q", f.Kind))
		}
	}
	return rep, nil
}

// jsonErr keeps a decoding error short: it never quotes the input, which
// could hold anything.
func jsonErr(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("wrong type for field %q at byte %d", te.Field, te.Offset)
	}
	return "does not match the report's shape"
}

// Merge combines reports: one finding per id with the union of the
// locations, in the order every report uses (scanner.SortFindings and
// SortLocations); verification keeps the most alarming answer (live, then
// unknown, then revoked); guidance keeps each distinct step once, taking
// the reports in the order of where each saw the finding first; stats are
// summed, errors and warnings concatenated in the order of reps. The mode
// is the reports' common mode, else report.ModeMerged.
func Merge(reps []Report) Report {
	out := Report{Version: report.Version, Findings: []Finding{}, Ignored: []Ignored{}, Warnings: []string{}, Stats: Stats{Errors: []string{}}}
	byID := map[string]int{}
	seen := map[string]bool{}
	// contrib holds each report's guidance for a finding, keyed by where
	// that report saw it first, so that the union does not depend on the
	// order of the reports.
	type contribution struct {
		at       scanner.Location
		guidance []string
	}
	contrib := map[string][]contribution{}
	igByID := map[string]int{}
	for i, r := range reps {
		switch {
		case i == 0:
			out.Mode = r.Mode
		case r.Mode != out.Mode:
			out.Mode = report.ModeMerged
		}
		for _, f := range r.Findings {
			j, ok := byID[f.ID]
			if !ok {
				j = len(out.Findings)
				byID[f.ID] = j
				g := f
				g.Locations, g.Guidance, g.Keys = nil, nil, nil
				out.Findings = append(out.Findings, g)
			}
			g := &out.Findings[j]
			if rank(f.Verification) < rank(g.Verification) {
				g.Verification, g.Username, g.Headline = f.Verification, f.Username, f.Headline
			}
			for _, l := range f.Locations {
				if k := f.ID + "\x00" + locKey(l); !seen[k] {
					seen[k] = true
					g.Locations = append(g.Locations, l)
				}
			}
			first := scanner.Location{}
			if len(f.Locations) > 0 {
				locs := slices.Clone(f.Locations)
				scanner.SortLocations(locs)
				first = locs[0]
			}
			contrib[f.ID] = append(contrib[f.ID], contribution{first, f.Guidance})
			g.Keys = union(g.Keys, f.Keys)
		}
		for _, f := range r.Ignored {
			j, ok := igByID[f.ID]
			if !ok {
				igByID[f.ID] = len(out.Ignored)
				g := f
				g.Locations = nil
				out.Ignored = append(out.Ignored, g)
				j = len(out.Ignored) - 1
			}
			g := &out.Ignored[j]
			for _, l := range f.Locations {
				if k := "ignored\x00" + f.ID + "\x00" + locKey(l); !seen[k] {
					seen[k] = true
					g.Locations = append(g.Locations, l)
				}
			}
		}
		out.Stats.Add(r.Stats, "")
		out.Warnings = append(out.Warnings, r.Warnings...)
	}
	for i := range out.Findings {
		f := &out.Findings[i]
		cs := contrib[f.ID]
		slices.SortStableFunc(cs, func(a, b contribution) int {
			x, y := a.at, b.at
			return cmp.Or(cmp.Compare(x.Repository, y.Repository), cmp.Compare(x.Path, y.Path), cmp.Compare(x.InnerPath, y.InnerPath),
				cmp.Compare(x.Line, y.Line), cmp.Compare(x.Column, y.Column), cmp.Compare(locKey(x), locKey(y)))
		})
		for _, c := range cs {
			f.Guidance = union(f.Guidance, c.guidance)
		}
		scanner.SortLocations(f.Locations)
		f.Locations = nonNil(f.Locations)
		f.Guidance = nonNil(f.Guidance)
		f.Keys = nonNil(f.Keys)
		slices.Sort(f.Keys)
	}
	for i := range out.Ignored {
		scanner.SortLocations(out.Ignored[i].Locations)
		out.Ignored[i].Locations = nonNil(out.Ignored[i].Locations)
	}
	sortFindings(out.Findings)
	slices.SortStableFunc(out.Ignored, func(a, b Ignored) int {
		return cmp.Or(cmp.Compare(firstPath(a.Locations), firstPath(b.Locations)), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// sortFindings orders findings exactly as scanner.SortFindings orders
// the findings of a scan.
func sortFindings(fs []Finding) {
	keys := make([]scanner.Finding, len(fs))
	for i, f := range fs {
		keys[i] = scanner.Finding{ID: f.ID, Kind: scanner.Kind(f.Kind), Verification: f.Verification, Locations: f.Locations}
	}
	scanner.SortFindings(keys)
	pos := make(map[string]int, len(keys))
	for i, k := range keys {
		pos[k.ID] = i
	}
	slices.SortFunc(fs, func(a, b Finding) int { return cmp.Compare(pos[a.ID], pos[b.ID]) })
}

func firstPath(l []scanner.Location) string {
	if len(l) == 0 {
		return ""
	}
	return l[0].Path
}

// rank orders verification answers, most alarming first.
func rank(v scanner.Verification) int {
	switch v {
	case scanner.VerifiedLive:
		return 0
	case scanner.VerifiedUnknown:
		return 1
	case scanner.VerifiedRevoked:
		return 2
	}
	return 3
}

// locKey identifies a location by every field it has.
func locKey(l scanner.Location) string {
	b, _ := json.Marshal(l)
	return string(b)
}

func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// WriteJSON writes r in the JSON contract, laid out as the report package
// lays it out, so that merging one report gives it back byte for byte.
func WriteJSON(w io.Writer, r Report) error {
	return write(w, func(w io.Writer) error { return report.EncodeJSON(w, r) })
}

// write renders with render in memory and writes the result in one call,
// with every personal-token shape redacted: a report read back holds no
// raw secret, but a hostile file or repository name can look like one.
func write(w io.Writer, render func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	return writeScrubbed(w, buf.Bytes())
}

// writeScrubbed writes b with every personal-token shape redacted.
func writeScrubbed(w io.Writer, b []byte) error {
	_, err := w.Write(scanner.NewScrubber().Bytes(b))
	return err
}
