// Package report renders findings: text, JSON, SARIF, and the rotation
// guidance each of them carries. It does no network I/O and never prints a
// secret in clear: every value comes from scanner.Secret's redacted forms.
package report

import (
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// Version is the version of the JSON output contract.
const Version = 1

// Report is everything a renderer needs about one scan.
type Report struct {
	// Mode is the command that produced the report.
	Mode     Mode
	Findings []scanner.Finding
	// Ignored holds findings suppressed by ignore rules; they are listed,
	// never silently dropped.
	Ignored []Ignored
	Stats   scanner.StatsSnapshot
	// Warnings are scan-level notices (shallow clone, submodules not
	// scanned, archive limits hit) shown to the user.
	Warnings []string
	// ToolVersion is the scanner's version, written in SARIF's
	// tool.driver.version when set.
	ToolVersion string
	// Links builds the links of the GitHub renderers (job summary) to file
	// lines and commits; the zero value builds none.
	Links Links
}

// Mode names the command that produced a report. The values are part of
// the JSON contract.
type Mode string

// The modes; the zero value is a report of no particular command. ModeOrg
// is the history of every repository of an organisation or user (each
// location names its repository); ModeMerged is a merge of reports of
// different modes (a merge of reports of one mode keeps that mode).
const (
	ModeDir     Mode = "dir"
	ModeHistory Mode = "history"
	ModeDiff    Mode = "diff"
	ModeStaged  Mode = "staged"
	ModeAudit   Mode = "audit"
	ModeOrg     Mode = "org"
	ModeMerged  Mode = "merged"
)

// Ignored is a finding suppressed by an ignore rule, with the rule's reason.
type Ignored struct {
	Finding scanner.Finding
	Reason  string
}
