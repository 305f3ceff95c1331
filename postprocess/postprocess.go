// Package postprocess is the step between the scan and the report: ignore
// rules, then live verification against ClickUp's API. The CLI and the
// Action call Apply on every report before rendering it.
package postprocess

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/clickup-secret-scan/clickup-secret-scan/auditlog"
	"github.com/clickup-secret-scan/clickup-secret-scan/ignore"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/verify"
)

// Options are the post-processing settings: ignore rules and live
// verification.
type Options struct {
	// IgnoreFile is the ignore file path; "" means
	// <RepoRoot>/.clickup-secret-scan-ignore when that exists.
	IgnoreFile string
	// RepoRoot is where the default ignore file is looked up ("" = "."),
	// and the directory path globs are relative to.
	RepoRoot string
	// Verify turns on live verification against ClickUp's API.
	Verify bool
	// ClickUpAPIURL overrides https://api.clickup.com (tests, proxies).
	ClickUpAPIURL string
	// APIURLOption names ClickUpAPIURL in errors, as the caller's user
	// knows it (a flag or an input); "" says "the ClickUp API URL".
	APIURLOption string
	// AuditLog is a file that receives one JSON line per API call; "" sends
	// the lines to stderr, so that no call goes unrecorded.
	AuditLog string
	// VerifyClient, when set, replaces the client built from the fields
	// above (tests use it to skip real waits between retries).
	VerifyClient *verify.Client
}

// Apply applies ignore rules and live verification to a report: ignored
// findings (or the ignored locations of a finding) move to rep.Ignored with
// their reason, remaining personal and OAuth access tokens are checked
// against ClickUp when o.Verify is set, and findings are sorted again so
// that live ones come first. Notices (the verification summary, and the
// API audit lines unless o.AuditLog is set) go to stderr. An error that is
// the user's to fix (a bad ignore file, API URL or audit log) matches
// usage.Err.
func Apply(ctx context.Context, o Options, rep report.Report, stderr io.Writer) (report.Report, error) {
	p := &o
	rules, err := loadIgnoreRules(p)
	if err != nil {
		return rep, err
	}
	root := p.RepoRoot
	if root == "" {
		root = "."
	}
	kept, ignored := rules.Apply(rep.Findings, root)
	rep.Findings = kept
	for _, ig := range ignored {
		rep.Ignored = append(rep.Ignored, report.Ignored{Finding: ig.Finding, Reason: ig.Reason})
	}
	if p.Verify {
		if err := verifyFindings(ctx, p, rep.Findings, stderr); err != nil {
			return rep, err
		}
	}
	scanner.SortFindings(rep.Findings)
	return rep, nil
}

// loadIgnoreRules reads the ignore file named by p, or the default one when
// it exists; a nil *ignore.Rules still applies the inline marker.
func loadIgnoreRules(p *Options) (*ignore.Rules, error) {
	name := p.IgnoreFile
	explicit := name != ""
	if !explicit {
		root := p.RepoRoot
		if root == "" {
			root = "."
		}
		name = filepath.Join(root, ignore.DefaultFile)
	}
	rules, err := ignore.Load(name)
	switch {
	case err == nil:
		return rules, nil
	case !explicit && errors.Is(err, fs.ErrNotExist):
		return nil, nil
	}
	return nil, usage.Error{Err: fmt.Errorf("invalid ignore file: %w", err)}
}

// verifyFindings checks the personal tokens and OAuth access tokens among
// fs against ClickUp and records the outcome in place.
func verifyFindings(ctx context.Context, p *Options, fs []scanner.Finding, stderr io.Writer) error {
	c := p.VerifyClient
	if c == nil {
		c = &verify.Client{BaseURL: p.ClickUpAPIURL}
	}
	if c.BaseURL != "" {
		if err := verify.CheckBaseURL(c.BaseURL); err != nil {
			name := p.APIURLOption
			if name == "" {
				name = "the ClickUp API URL"
			}
			return usage.Error{Err: fmt.Errorf("%s: %w", name, err)}
		}
	}
	if c.Audit == nil {
		var w io.Writer = stderr
		if p.AuditLog != "" {
			f, err := os.OpenFile(p.AuditLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
			if err != nil {
				return usage.Error{Err: fmt.Errorf("failed to open audit log: %w", err)}
			}
			defer f.Close()
			w = f
		}
		cc := *c
		cc.Audit = auditlog.New(w)
		c = &cc
	}
	sum := c.Findings(ctx, fs)
	if n := sum.Live + sum.Revoked + sum.Unknown; n > 0 {
		fmt.Fprintf(stderr, "verified %d token(s) against ClickUp: %d live, %d revoked, %d unknown\n", n, sum.Live, sum.Revoked, sum.Unknown)
	}
	for _, note := range sum.Notes {
		fmt.Fprintf(stderr, "warning: could not verify %s\n", note)
	}
	return nil
}
