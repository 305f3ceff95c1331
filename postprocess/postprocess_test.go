package postprocess

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
	"github.com/clickup-secret-scan/clickup-secret-scan/report"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
	"github.com/clickup-secret-scan/clickup-secret-scan/verify"
)

// fakeToken returns a fake personal token in the real shape, fixed by seed.
func fakeToken(seed uint64) string { return fixtures.NewGen(seed).PersonalToken() }

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// assertNoToken fails when tok appears in out, printing only its redacted
// form.
func assertNoToken(t *testing.T, what string, out []byte, tok string) {
	t.Helper()
	if bytes.Contains(out, []byte(tok)) || bytes.Contains(out, []byte(tok[len(tok)-16:])) {
		t.Errorf("%s holds token %s in clear", what, scanner.NewSecret(tok))
	}
}

// TestAPIURLOptionNamed checks that a bad API URL is the user's to fix and
// is named the way the caller's user knows it.
func TestAPIURLOptionNamed(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ option, want string }{
		{"", "the ClickUp API URL: "},
		{"--clickup-api-url", "--clickup-api-url: "},
		{"input clickup-api-url", "input clickup-api-url: "},
	} {
		s := scanner.NewSecret(fakeToken(41))
		rep := report.Report{Findings: []scanner.Finding{{ID: s.ID(), Kind: scanner.PersonalToken, Secret: s}}}
		_, err := Apply(context.Background(), Options{Verify: true, ClickUpAPIURL: "http://192.0.2.10", APIURLOption: tt.option, RepoRoot: t.TempDir()}, rep, &bytes.Buffer{})
		if !errors.Is(err, usage.Err) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("option %q: err = %v, want a usage error starting %q", tt.option, err, tt.want)
		}
	}
}

func TestPostProcess(t *testing.T) {
	t.Parallel()
	tokA, tokB := fakeToken(11), fakeToken(12)
	mk := func(tok string, paths ...string) scanner.Finding {
		s := scanner.NewSecret(tok)
		f := scanner.Finding{ID: s.ID(), Kind: scanner.PersonalToken, Secret: s}
		for _, p := range paths {
			f.Locations = append(f.Locations, scanner.Location{Source: "dir", Path: p})
		}
		return f
	}
	tests := []struct {
		name        string
		ignoreFile  string // content of <root>/.clickup-secret-scan-ignore; "" = none
		explicit    string // --ignore-file relative to root
		wantErr     string
		wantUsage   bool
		wantKept    int
		wantIgnored int
	}{
		{name: "no ignore file", wantKept: 2},
		{name: "default file at repo root", ignoreFile: "path:vendor/**  third-party bundle\n", wantKept: 1, wantIgnored: 1},
		{name: "malformed default file", ignoreFile: "# ok\n\npath:vendor/**\n", wantErr: ".clickup-secret-scan-ignore:3: path rule needs a reason", wantUsage: true},
		{name: "missing explicit file", explicit: "nope.ignore", wantErr: "invalid ignore file", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			if tt.ignoreFile != "" {
				writeFile(t, filepath.Join(root, ".clickup-secret-scan-ignore"), tt.ignoreFile)
			}
			p := Options{RepoRoot: root}
			if tt.explicit != "" {
				p.IgnoreFile = filepath.Join(root, tt.explicit)
			}
			rep := report.Report{Findings: []scanner.Finding{mk(tokA, "src/a.js"), mk(tokB, filepath.ToSlash(filepath.Join(root, "vendor/x.js")))}}
			got, err := Apply(context.Background(), p, rep, &bytes.Buffer{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, usage.Err) != tt.wantUsage {
					t.Fatalf("Apply error = %v, want %q (usage=%v)", err, tt.wantErr, tt.wantUsage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Findings) != tt.wantKept || len(got.Ignored) != tt.wantIgnored {
				t.Errorf("kept %d ignored %d, want %d and %d", len(got.Findings), len(got.Ignored), tt.wantKept, tt.wantIgnored)
			}
		})
	}
}

// TestVerifyClientOverride checks that a retrying verification goes through
// the pipeline's client (tests inject one to avoid real waits).
func TestVerifyClientOverride(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	tok := fakeToken(31)
	s := scanner.NewSecret(tok)
	var waits []time.Duration
	var auditBuf bytes.Buffer
	p := Options{Verify: true, VerifyClient: &verify.Client{BaseURL: srv.URL, Sleep: func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}}, AuditLog: ""}
	rep := report.Report{Findings: []scanner.Finding{{ID: s.ID(), Kind: scanner.PersonalToken, Secret: s}}}
	got, err := Apply(context.Background(), p, rep, &auditBuf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Findings[0].Verification != verify.Unknown || len(waits) != 2 {
		t.Errorf("verification %q after %d waits, want unknown after 2", got.Findings[0].Verification, len(waits))
	}
	// Without --audit-log the audit lines go to stderr.
	if n := strings.Count(auditBuf.String(), `"service":"clickup"`); n != 3 {
		t.Errorf("stderr has %d audit lines, want 3", n)
	}
	assertNoToken(t, "stderr", auditBuf.Bytes(), tok)
}
