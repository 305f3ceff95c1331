package action

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
)

// ErrUsage marks errors that are the user's to fix: a bad input value, an
// unknown mode, a missing or malformed event payload (exit 2).
var ErrUsage = usage.Err

// Inputs are the Action's inputs (action.yml), read from INPUT_* variables.
type Inputs struct {
	// Mode is "auto", "diff", "history", "dir" or "audit".
	Mode string
	// Paths are build output directories (doublestar globs, relative to
	// the workspace) scanned in addition to what Mode scans.
	Paths            []string
	Include, Exclude []string
	Token            string
	FailOnFindings   bool
	Comment          bool
	Summary          bool
	SARIFFile        string
	TrackingIssue    bool
	AuditLog         string
	// HistoryState is the incremental state file of history scans
	// (history.Options.StatePath), relative to the workspace; "" means
	// every history scan reads the whole history. Other scans ignore it.
	HistoryState string
	// Post-processing inputs, handed to the caller's callback.
	Verify        bool
	IgnoreFile    string
	ClickUpAPIURL string
}

// ReadInputs reads and validates the inputs. A missing input takes its
// action.yml default, so the binary behaves the same when run by hand.
func ReadInputs(gha *githubactions.Action) (Inputs, error) {
	in := Inputs{
		Mode:          strings.ToLower(gha.GetInput("mode")),
		Paths:         lines(gha.GetInput("paths")),
		Include:       lines(gha.GetInput("include")),
		Exclude:       lines(gha.GetInput("exclude")),
		Token:         gha.GetInput("github-token"),
		SARIFFile:     gha.GetInput("sarif-file"),
		AuditLog:      gha.GetInput("audit-log"),
		HistoryState:  gha.GetInput("history-state"),
		IgnoreFile:    gha.GetInput("ignore-file"),
		ClickUpAPIURL: gha.GetInput("clickup-api-url"),
	}
	if in.Mode == "" {
		in.Mode = "auto"
	}
	switch in.Mode {
	case "auto", "diff", "history", "dir", "audit":
	default:
		return in, fmt.Errorf("%w: input mode %q is unknown (want auto, diff, history, dir or audit)", ErrUsage, in.Mode)
	}
	if in.SARIFFile == "" {
		in.SARIFFile = "clickup-secret-scan.sarif"
	}
	var errs []error
	for _, b := range []struct {
		name string
		def  bool
		dst  *bool
	}{
		{"fail-on-findings", true, &in.FailOnFindings},
		{"comment", true, &in.Comment},
		{"summary", true, &in.Summary},
		{"tracking-issue", false, &in.TrackingIssue},
		{"verify", false, &in.Verify},
	} {
		v, err := parseBool(gha.GetInput(b.name), b.def)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: input %s: %w", ErrUsage, b.name, err))
		}
		*b.dst = v
	}
	if in.Mode == "dir" && len(in.Paths) == 0 {
		errs = append(errs, fmt.Errorf("%w: mode dir needs the paths input", ErrUsage))
	}
	return in, errors.Join(errs...)
}

// parseBool accepts the YAML 1.2 core booleans that workflows write.
func parseBool(s string, def bool) (bool, error) {
	switch s {
	case "":
		return def, nil
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	}
	return def, fmt.Errorf("%q is not true or false", s)
}

// lines splits a multi-line input, dropping blanks and # comments.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, l)
	}
	return out
}
