package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/fixtures"
	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// ccRun runs the CLI in-process with env and stdin.
func ccRun(env map[string]string, stdin string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	ctx := withStdinReader(context.Background(), strings.NewReader(stdin))
	code := run(ctx, args, func(k string) string { return env[k] }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// ccTree writes one file holding tok into a new directory.
func ccTree(t *testing.T, tok string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "app.env"), []byte("CLICKUP_API_TOKEN="+tok+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func ccNoRaw(t *testing.T, tok string, outs ...string) {
	t.Helper()
	for _, o := range outs {
		if strings.Contains(o, tok) {
			t.Errorf("output holds the raw token (redacted %s)", scanner.NewSecret(tok).Redacted())
		}
	}
}

func TestFlagsAnywhere(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(101).PersonalToken()
	root := ccTree(t, tok)
	for _, args := range [][]string{
		{"dir", root, "--format", "json"},
		{"dir", "--format", "json", root},
		{"dir", "--format=json", root, "--exit-zero"},
	} {
		code, stdout, stderr := ccRun(nil, "", args...)
		var v map[string]any
		if err := json.Unmarshal([]byte(stdout), &v); err != nil || (code != exitFindings && code != exitClean) {
			t.Errorf("%v: exit %d, stdout not JSON (%v); stderr %q", args, code, err, stderr)
		}
		ccNoRaw(t, tok, stdout, stderr)
	}
	// After "--" every word is a PATH, even one that looks like a flag.
	code, _, stderr := ccRun(nil, "", "dir", root, "--", "--format")
	if code != exitUsage || !strings.Contains(stderr, "path does not exist: --format") {
		t.Errorf("dir PATH -- --format: exit %d, stderr %q; want --format read as a path", code, stderr)
	}
	// Every scanning command takes flags after its arguments too.
	r := newDHRepo(t)
	r.write("a.txt", "x\n")
	base := r.commit("base")
	for _, args := range [][]string{
		{"history", "--repo", r.dir, "--quiet"},
		{"diff", "--repo", r.dir, "--base", base, "-q"},
		{"staged", "--repo", r.dir, "--quiet"},
		{"audit", "--repo", r.dir, "--format", "json"},
	} {
		if code, _, stderr := ccRun(nil, "", args...); code == exitUsage || code == exitInternal {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if code, _, stderr := ccRun(nil, "", "history", "extra", "--repo", r.dir); code != exitUsage || !strings.Contains(stderr, "usage: clickup-secret-scan history") {
		t.Errorf("history extra: exit %d, want %d with the usage; stderr %q", code, exitUsage, stderr)
	}
}

func TestHelpConventions(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"help", "-h"}} {
		code, stdout, stderr := ccRun(nil, "", args...)
		if code != exitClean || stderr != "" || !strings.Contains(stdout, "commands:") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want the usage on stdout", args, code, stdout, stderr)
		}
		for _, c := range []string{"version", "completion", "dir", "history"} {
			if !strings.Contains(stdout, "\n  "+c+" ") {
				t.Errorf("%v does not list %s", args, c)
			}
		}
	}
	for _, c := range commands() {
		if c.run == nil || c.name == "version" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, help, stderr := ccRun(nil, "", c.name, "-h")
			if code != exitClean || stderr != "" {
				t.Fatalf("%s -h: exit %d, stderr %q", c.name, code, stderr)
			}
			// One shape: synopsis, description, flags, examples, exit codes.
			want := []string{"usage: clickup-secret-scan " + c.name, "\n\nflags:\n", "  -h, --help\n", "\nexamples:\n  ", "\n" + exitCodesLine + "\n"}
			last := -1
			for _, w := range want {
				i := strings.Index(help, w)
				if i <= last {
					t.Errorf("%s -h: %q missing or out of order:\n%s", c.name, w, help)
				}
				last = i
			}
			for _, other := range [][]string{{c.name, "--help"}, {"help", c.name}} {
				if code, out, _ := ccRun(nil, "", other...); code != exitClean || out != help {
					t.Errorf("%v: exit %d, output differs from %s -h", other, code, c.name)
				}
			}
			// A bad flag: the error and the usage on stderr, exit 2.
			code, stdout, stderr := ccRun(nil, "", c.name, "--no-such-flag")
			if code != exitUsage || stdout != "" || !strings.Contains(stderr, "flag provided but not defined: -no-such-flag") || !strings.Contains(stderr, "usage: clickup-secret-scan "+c.name) {
				t.Errorf("%s --no-such-flag: exit %d, stdout %q, stderr %q", c.name, code, stdout, stderr)
			}
		})
	}
	// A bad value found after parsing is a usage error with the usage too.
	for _, args := range [][]string{{"dir", ".", "--format", "xml"}, {"audit", "--format", "sarif"}, {"dir"}} {
		if code, _, stderr := ccRun(nil, "", args...); code != exitUsage || !strings.Contains(stderr, "usage: clickup-secret-scan "+args[0]) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and the usage", args, code, stderr)
		}
	}
	if code, stdout, _ := ccRun(nil, "", "version"); code != exitClean || !strings.HasPrefix(stdout, "clickup-secret-scan ") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
	if code, _, stderr := ccRun(nil, "", "help", "nope"); code != exitUsage || !strings.Contains(stderr, `unknown command "nope"`) {
		t.Errorf("help nope: exit %d, %q", code, stderr)
	}
}

func TestDirStdin(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(102).PersonalToken()
	root := ccTree(t, tok)
	tok2 := fixtures.NewGen(103).PersonalToken()
	code, stdout, stderr := ccRun(nil, "apiVersion: v1\ndata:\n  CLICKUP_API_TOKEN: "+tok2+"\n", "dir", "-", root, "--format", "json")
	if code != exitFindings {
		t.Fatalf("dir - ROOT: exit %d, stderr %q", code, stderr)
	}
	var rep struct {
		Findings []struct {
			ID        string
			Locations []struct{ Path string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, f := range rep.Findings {
		paths[f.ID] = f.Locations[0].Path
	}
	if paths[scanner.NewSecret(tok2).ID()] != "-" || !strings.HasSuffix(paths[scanner.NewSecret(tok).ID()], "app.env") || len(paths) != 2 {
		t.Errorf("findings at %v, want stdin as path - and the file", paths)
	}
	ccNoRaw(t, tok2, stdout, stderr)
	if code, stdout, _ := ccRun(nil, "nothing here\n", "dir", "-"); code != exitClean || !strings.Contains(stdout, "scanned 1 file") {
		t.Errorf("dir - on clean input: exit %d, %q", code, stdout)
	}
}

func TestExitZero(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(104).PersonalToken()
	root := ccTree(t, tok)
	code, stdout, stderr := ccRun(nil, "", "dir", root, "--exit-zero")
	if code != exitClean || !strings.Contains(stdout, scanner.NewSecret(tok).Redacted()) {
		t.Errorf("--exit-zero with a finding: exit %d, want 0 with the report; stdout %q", code, stdout)
	}
	ccNoRaw(t, tok, stdout, stderr)
	if code, _, _ := ccRun(nil, "", "dir", "--exit-zero", filepath.Join(root, "missing")); code != exitUsage {
		t.Errorf("--exit-zero on a bad path: exit %d, want %d", code, exitUsage)
	}
	r := newDHRepo(t)
	r.write("a.env", "T="+tok+"\n")
	base := r.commit("base")
	tok2 := fixtures.NewGen(108).PersonalToken()
	r.write("b.env", "U="+tok2+"\n")
	r.commit("second")
	for _, args := range [][]string{
		{"history", "--repo", r.dir, "--exit-zero"},
		{"diff", "--repo", r.dir, "--base", base, "--exit-zero"},
	} {
		if code, _, stderr := ccRun(nil, "", args...); code != exitClean {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
		args[len(args)-1] = "--quiet"
		if code, _, _ := ccRun(nil, "", args...); code == exitClean {
			t.Errorf("%v without --exit-zero: exit 0, want findings to fail", args)
		}
	}
	if code, _, _ := ccRun(nil, "", "diff", "--repo", r.dir, "--base", "nope", "--exit-zero"); code != exitUsage {
		t.Errorf("diff --exit-zero with a bad base: exit %d, want %d", code, exitUsage)
	}
}

func TestQuiet(t *testing.T) {
	t.Parallel()
	clean := t.TempDir()
	for _, args := range [][]string{{"dir", "-q", clean}, {"dir", clean, "--quiet"}} {
		if code, stdout, stderr := ccRun(nil, "", args...); code != exitClean || stdout != "" || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want nothing", args, code, stdout, stderr)
		}
	}
	tok := fixtures.NewGen(105).PersonalToken()
	code, stdout, stderr := ccRun(nil, "", "dir", "-q", ccTree(t, tok))
	if code != exitFindings || !strings.Contains(stdout, scanner.NewSecret(tok).Redacted()) {
		t.Errorf("-q with a finding: exit %d, want the report; stdout %q", code, stdout)
	}
	ccNoRaw(t, tok, stdout, stderr)
	// JSON is data another program waits for: --quiet keeps it.
	if _, stdout, _ := ccRun(nil, "", "dir", "-q", "--format", "json", clean); !strings.HasPrefix(stdout, "{") {
		t.Errorf("-q --format json dropped the JSON: %q", stdout)
	}
}

func TestByteSizes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want int64
	}{{"256MiB", 256 << 20}, {"1GB", 1e9}, {"1048576", 1 << 20}, {"10kb", 10000}, {"1.5KiB", 1536}, {"7 B", 7}} {
		got, err := parseByteSize(c.in)
		if err != nil || got != c.want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	dir := t.TempDir()
	if code, _, stderr := ccRun(nil, "", "dir", dir, "--max-archive-bytes", "256MiB"); code != exitClean {
		t.Errorf("256MiB: exit %d: %s", code, stderr)
	}
	for _, bad := range []string{"0", "-5", "0MiB", "lots", "1XB", ""} {
		code, _, stderr := ccRun(nil, "", "dir", dir, "--max-archive-bytes", bad)
		if code != exitUsage || !strings.Contains(stderr, "max-archive-bytes") {
			t.Errorf("--max-archive-bytes %q: exit %d, want %d; stderr %q", bad, code, exitUsage, stderr)
		}
	}
}

func TestColor(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(106).PersonalToken()
	root := ccTree(t, tok)
	// Not a terminal: no escape codes, whatever the environment says.
	if _, stdout, _ := ccRun(nil, "", "dir", root); strings.Contains(stdout, "\x1b[") {
		t.Errorf("colour in a report that goes to a pipe:\n%q", stdout)
	}
	term, read := openPTY(t)
	scan := func(env map[string]string, args ...string) string {
		var stderr bytes.Buffer
		run(context.Background(), append([]string{"dir", root}, args...), func(k string) string { return env[k] }, term, &stderr)
		return read()
	}
	out := scan(nil)
	red := scanner.NewSecret(tok).Redacted()
	for _, want := range []string{"\x1b[1;35m" + red + "\x1b[0m", "\x1b[1;31mhigh severity\x1b[0m", "\x1b[36m" + root} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal report lacks %q:\n%q", want, out)
		}
	}
	ccNoRaw(t, tok, out)
	for name, o := range map[string]string{"NO_COLOR": scan(map[string]string{"NO_COLOR": "1"}), "--no-color": scan(nil, "--no-color")} {
		if strings.Contains(o, "\x1b[") || !strings.Contains(o, red) {
			t.Errorf("%s: colour still on, or no report:\n%q", name, o)
		}
	}
}

func TestAuditLogNotOnStderr(t *testing.T) {
	t.Parallel()
	tok := fixtures.NewGen(107).PersonalToken()
	root := ccTree(t, tok)
	srv := httptest.NewServer(&vtClickUp{live: map[string]string{tok: "Jane Doe"}})
	defer srv.Close()
	code, stdout, stderr := ccRun(nil, "", "dir", root, "--verify", "--clickup-api-url", srv.URL)
	if code != exitFindings || !strings.Contains(stderr, "verified 1 token(s)") || strings.Contains(stderr, `"method"`) || strings.Contains(stderr, "{") {
		t.Errorf("--verify without --audit-log: exit %d; stderr must hold the summary and no audit line:\n%s", code, stderr)
	}
	ccNoRaw(t, tok, stdout, stderr)
	log := filepath.Join(t.TempDir(), "audit.jsonl")
	_, stdout, stderr = ccRun(nil, "", "dir", root, "--verify", "--clickup-api-url", srv.URL, "--audit-log", log)
	b, err := os.ReadFile(log)
	if err != nil || bytes.Count(b, []byte("\n")) != 1 || !json.Valid(bytes.TrimSpace(b)) {
		t.Errorf("--audit-log file (%v): %q, want one JSON line", err, b)
	}
	ccNoRaw(t, tok, string(b), stdout, stderr)
	_, _, stderr = ccRun(nil, "", "dir", root, "--verify", "--clickup-api-url", srv.URL, "--audit-log", "-")
	if !strings.Contains(stderr, "{") {
		t.Errorf("--audit-log - wrote no line to stderr:\n%s", stderr)
	}
	ccNoRaw(t, tok, stderr)
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, stderr := ccRun(nil, "", "completion", shell)
		if code != exitClean || stderr != "" {
			t.Fatalf("completion %s: exit %d: %s", shell, code, stderr)
		}
		// Every command and every flag of dir and history is in it.
		for _, w := range []string{"install-hook", "baseline", "max-archive-bytes", "exit-zero", "all-objects", "show-ignored", "no-color"} {
			if !strings.Contains(out, w) {
				t.Errorf("completion %s lacks %q", shell, w)
			}
		}
	}
	if code, _, _ := ccRun(nil, "", "completion", "tcsh"); code != exitUsage {
		t.Errorf("completion tcsh: exit %d, want %d", code, exitUsage)
	}
}
