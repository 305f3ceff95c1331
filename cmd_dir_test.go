package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
)

// runCLI runs the command in-process and returns its exit code and output.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// assertNoRawSecret fails when any of outputs holds a raw secret, or its
// base64 form; the failure names the redacted form only.
func assertNoRawSecret(t *testing.T, secrets []string, outputs map[string]string) {
	t.Helper()
	for name, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) || strings.Contains(out, base64.StdEncoding.EncodeToString([]byte(s))) {
				t.Errorf("%s holds a raw secret (ending …%s)", name, s[len(s)-4:])
			}
		}
	}
}

func plantedValues(d fixtures.Dist) []string {
	var out []string
	for _, p := range d.Planted {
		out = append(out, p.Value)
	}
	return out
}

type jsonReport struct {
	Version  int `json:"version"`
	Findings []struct {
		ID        string `json:"id"`
		Kind      string `json:"kind"`
		Rule      string `json:"rule"`
		Redacted  string `json:"redacted"`
		UserID    string `json:"user_id"`
		Locations []struct {
			Source    string `json:"source"`
			Path      string `json:"path"`
			InnerPath string `json:"inner_path"`
			Line      int    `json:"line"`
			Column    int    `json:"column"`
			Encoding  string `json:"encoding"`
		} `json:"locations"`
	} `json:"findings"`
	Stats struct {
		Files        int64    `json:"files"`
		Bytes        int64    `json:"bytes"`
		Skipped      int64    `json:"skipped"`
		Placeholders int64    `json:"placeholders"`
		Errors       []string `json:"errors"`
	} `json:"stats"`
}

func TestDirCommandEndToEnd(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	d, err := fixtures.WriteDist(filepath.Join(root, "dist"))
	if err != nil {
		t.Fatal(err)
	}
	secrets := plantedValues(d)
	outputs := map[string]string{}
	for _, format := range []string{"text", "json", "sarif"} {
		code, stdout, stderr := runCLI(t, nil, "dir", "--format", format, filepath.Join(root, "dist"))
		if code != exitFindings {
			t.Fatalf("%s: exit %d, want 1; stderr: %s", format, code, stderr)
		}
		outputs[format+" stdout"], outputs[format+" stderr"] = stdout, stderr
	}
	outFile := filepath.Join(root, "report.json")
	if code, _, stderr := runCLI(t, nil, "dir", "--format", "json", "--output", outFile, filepath.Join(root, "dist")); code != exitFindings {
		t.Fatalf("--output: exit %d; %s", code, stderr)
	}
	written, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	outputs["json file"] = string(written)
	assertNoRawSecret(t, secrets, outputs)

	var rep jsonReport
	if err := json.Unmarshal(written, &rep); err != nil {
		t.Fatalf("JSON report does not parse: %v", err)
	}
	if rep.Version != 1 || rep.Stats.Errors == nil || rep.Stats.Files < 10 || rep.Stats.Placeholders < int64(d.Placeholders) {
		t.Errorf("unexpected envelope: version %d, stats %+v", rep.Version, rep.Stats)
	}
	wantIDs := map[string]bool{}
	for _, s := range secrets {
		wantIDs[sha256hex(s)] = true
	}
	if len(rep.Findings) != len(wantIDs) {
		t.Errorf("want %d findings (one per distinct secret), got %d", len(wantIDs), len(rep.Findings))
	}
	var sawArchive bool
	for _, f := range rep.Findings {
		if !wantIDs[f.ID] {
			t.Errorf("finding %s (%s) was not planted", f.Redacted, f.Kind)
		}
		for _, l := range f.Locations {
			if l.Source != "dir" || l.Line < 1 || l.Column < 1 || !strings.HasPrefix(l.Path, filepath.ToSlash(root)+"/dist/") {
				t.Errorf("bad location %+v", l)
			}
			if l.Path == filepath.ToSlash(root)+"/dist/app.zip" && l.InnerPath == "config/.env" {
				sawArchive = true
			}
		}
	}
	if !sawArchive {
		t.Errorf("want a location in dist/app.zip + config/.env")
	}
}

func TestDirExitCodes(t *testing.T) {
	t.Parallel()
	clean := t.TempDir()
	os.WriteFile(filepath.Join(clean, "app.js"), []byte(`const stripe = "pk_live_51Hc8ZKJ2eZvKYlo2C0aBcDeFgHiJk";`), 0o644)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"clean tree", []string{"dir", clean}, exitClean},
		{"missing path", []string{"dir", filepath.Join(clean, "missing")}, exitUsage},
		{"bad glob", []string{"dir", "--include", "[", clean}, exitUsage},
		{"no path", []string{"dir"}, exitUsage},
		{"bad format", []string{"dir", "--format", "xml", clean}, exitUsage},
		{"unknown flag", []string{"dir", "--nope", clean}, exitUsage},
		{"unwritable output", []string{"dir", "--output", filepath.Join(clean, "no", "such", "dir", "r.json"), clean}, exitInternal},
		{"unknown command", []string{"scan-everything"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if code, _, stderr := runCLI(t, nil, tt.args...); code != tt.want {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.want, stderr)
			}
		})
	}
}

// TestDirUnreadableFileAsUnprivilegedUser builds the binary and runs it as
// an unprivileged user (nobody, when the test runs as root, as in CI), so
// that a mode-000 file really cannot be read: the scan must count it, warn,
// and still report the token next to it.
func TestDirUnreadableFileAsUnprivilegedUser(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	bin := filepath.Join(work, "clickup-secret-scan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tree := filepath.Join(work, "dist")
	os.MkdirAll(tree, 0o755)
	tok := fixtures.NewGen(99).PersonalToken()
	os.WriteFile(filepath.Join(tree, "readable.js"), []byte("t="+tok), 0o644)
	os.WriteFile(filepath.Join(tree, "locked.js"), []byte("nothing"), 0o000)
	for _, p := range []string{work, tree, bin} {
		os.Chmod(p, 0o755)
	}
	os.Chmod(filepath.Join(tree, "readable.js"), 0o644)
	cmd := exec.Command(bin, "dir", "--format", "json", tree)
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		// t.TempDir's parent is private to root: let nobody reach it.
		for dir := filepath.Dir(work); dir != "/" && dir != os.TempDir(); dir = filepath.Dir(dir) {
			os.Chmod(dir, 0o755)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	exitErr, ok := err.(*exec.ExitError)
	if !ok || exitErr.ExitCode() != exitFindings {
		t.Fatalf("want exit 1, got %v; stderr: %s", err, stderr.String())
	}
	var rep jsonReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Stats.Skipped != 1 || !strings.Contains(strings.Join(rep.Stats.Errors, ""), "locked.js") {
		t.Errorf("want 1 finding and locked.js skipped, got %d findings, stats %+v", len(rep.Findings), rep.Stats)
	}
	if !strings.Contains(stderr.String(), "could not be scanned") {
		t.Errorf("want a warning on stderr, got %q", stderr.String())
	}
	assertNoRawSecret(t, []string{tok}, map[string]string{"stdout": stdout.String(), "stderr": stderr.String()})
}

func sha256hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestReadmeFirstCommand runs the README's first command as a new user
// would, from the repository root: it must show every planted finding of
// testdata/dist and exit 1. The repository's own
// .clickup-secret-scan-ignore covers its fixtures (so that it scans itself
// clean), hence the command's --ignore-file /dev/null.
func TestReadmeFirstCommand(t *testing.T) {
	t.Parallel()
	d, err := fixtures.WriteDist(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, p := range d.Planted {
		ids[sha256hex(p.Value)] = true
	}
	code, stdout, stderr := runCLI(t, nil, "dir", "--ignore-file", os.DevNull, "--format", "json", "testdata/dist")
	if code != exitFindings {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr)
	}
	var rep jsonReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != len(ids) {
		t.Errorf("want %d findings, got %d (an ignore file or a regression hides some)", len(ids), len(rep.Findings))
	}
	assertNoRawSecret(t, plantedValues(d), map[string]string{"stdout": stdout, "stderr": stderr})
}
