package docscheck

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// goHelp is a command's help in Go's default flag format, with a custom
// header and a description line that starts with a dash.
const goHelp = `usage: clickup-secret-scan dir [flags] PATH...
  -audit-log file
    	append one JSON line per ClickUp API call to this file
  -format string
    	output format: text, json or sarif (default "text")
  -max-archive-bytes bytes
    	-1 was once accepted; now a usage error
  -verify
    	check each token against ClickUp's API
`

// customHelp is a help in a hand-written format with short aliases.
const customHelp = `Usage:
  clickup-secret-scan dir [flags] PATH...

Flags:
  -q, --quiet             print nothing on success
      --exit-zero         exit 0 on findings
      --format=FORMAT     text, json or sarif
  -h, --help              show this help

Examples:
  clickup-secret-scan dir --format json dist
`

func TestParseFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, help string
		want       []string
	}{
		{"go default format", goHelp, []string{"audit-log", "format", "max-archive-bytes", "verify"}},
		{"custom format", customHelp, []string{"exit-zero", "format", "h", "help", "q", "quiet"}},
		{"no flags", "clickup-secret-scan dev\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := slices.Sorted(maps.Keys(ParseFlags(tt.help)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseFlags() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, help string
		want       []string
	}{
		{"today's usage", `usage: clickup-secret-scan <command> [flags] [args]

commands:
  dir           scan directories (build output) for ClickUp credentials
  install-hook  install a pre-commit hook that runs 'staged'

exit codes: 0 clean, 1 findings
run 'clickup-secret-scan <command> -h' for a command's flags
`, []string{"dir", "install-hook"}},
		{"cobra-like with aliases", `Usage:
  clickup-secret-scan [command]

Available Commands:
  completion    generate the autocompletion script for bash, zsh or fish
  dir, d        scan directories
  version       print the version

Flags:
  -h, --help   help for clickup-secret-scan
`, []string{"completion", "dir", "d", "version"}},
		{"groups, synopses and a following section", `Commands:
  dir PATH...       scan directories
  history           scan git history

  help [COMMAND]    print a command's help

Examples:
  clickup-secret-scan dir dist
`, []string{"dir", "history", "help"}},
		{"no command list", "usage: clickup-secret-scan [flags]\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ParseCommands(tt.help); !slices.Equal(got, tt.want) {
				t.Errorf("ParseCommands() = %v, want %v", got, tt.want)
			}
		})
	}
}

// fakeRunner answers like a binary with the commands in helps ("" is the
// global usage); any other command or flag exits 2.
func fakeRunner(helps map[string]string) Runner {
	return func(args ...string) (string, int, error) {
		switch {
		case len(args) == 1 && (args[0] == "--help" || args[0] == "help"):
			return helps[""], 0, nil
		case len(args) == 2 && args[1] == "-h":
			if h, ok := helps[args[0]]; ok {
				return h, 0, nil
			}
		case len(args) == 1:
			if h, ok := helps[args[0]]; ok {
				return h, 0, nil
			}
		}
		return "unknown command", 2, nil
	}
}

func TestDiscover(t *testing.T) {
	t.Parallel()
	run := fakeRunner(map[string]string{
		"":          "commands:\n  dir   scan directories\n\n",
		"dir":       goHelp,
		"version":   "clickup-secret-scan dev\n", // exists, but the usage does not list it
		"--version": "clickup-secret-scan dev\n",
	})
	cli, err := Discover(run, []string{"dir", "version", "scna"}, []string{"version", "bogus"})
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(cli.Commands)); !slices.Equal(got, []string{"dir", "version"}) {
		t.Errorf("commands = %v, want dir (listed) and version (probed), not scna", got)
	}
	if !cli.Commands["dir"]["max-archive-bytes"] || !cli.Commands["dir"]["h"] {
		t.Errorf("dir flags = %v, want those of its help plus -h", cli.Commands["dir"])
	}
	if !cli.Global["version"] || cli.Global["bogus"] || !cli.Global["help"] {
		t.Errorf("global flags = %v, want help and version (probed), not bogus", cli.Global)
	}

	_, err = Discover(fakeRunner(map[string]string{"": "usage: x\n"}), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "lists no commands") {
		t.Errorf("Discover on a usage without commands: err = %v, want one saying it lists no commands", err)
	}
}

func TestInvocations(t *testing.T) {
	t.Parallel()
	known := map[string]map[string]bool{"dir": {}, "history": {}}
	tests := []struct {
		name, md string
		want     []string // "line command global flags"
	}{
		{"fenced command", "```sh\nclickup-secret-scan dir --format json --output=x.json dist\n```\n",
			[]string{"2 dir [] [format output]"}},
		{"synopsis with choices and a wrapped line", "```\nclickup-secret-scan dir [--include GLOB]... [--format text|json|sarif]\n                        [--output FILE] PATH...\n```\n",
			[]string{"2 dir [] [include format output]"}},
		{"backslash continuation, pipe and comment", "```sh\nclickup-secret-scan history \\\n  --repo . | jq . # not --bogus\n```\n",
			[]string{"2 history [] [repo]"}},
		{"go run", "```sh\ngo run . dir testdata/dist\n```\n", []string{"2 dir [] []"}},
		{"container image and entrypoint", "`docker run --rm -v \"$PWD:/src\" ghcr.io/o/clickup-secret-scan:v1 dir /src`\n\n" +
			"`docker run --entrypoint /clickup-secret-scan clickup-secret-scan history --repo /src`\n",
			[]string{"1 dir [] []", "3 history [] [repo]"}},
		{"binary as a flag's value is not run", "```sh\ngo build -o clickup-secret-scan .\ndocker build -t clickup-secret-scan .\n```\n", nil},
		{"placeholders", "`clickup-secret-scan COMMAND -h` and `clickup-secret-scan <command> [flags]`\n", []string{"1  [] []", "1  [] []"}},
		{"global flag", "`clickup-secret-scan --version`\n", []string{"1  [version] []"}},
		{"double dash ends flags", "`clickup-secret-scan dir -- --not-a-flag`\n", []string{"1 dir [] []"}},
		{"span that starts with a command", "Write `dir --format json dist`, or `history`, or `git diff --stat`.\n",
			[]string{"1 dir [] [format]"}},
		{"triple backticks on one line are a span", "``` `clickup-secret-scan dir --x` ```\n", []string{"1 dir [] [x]"}},
		{"an image in another tool's URL is not run", "`gh attestation verify oci://ghcr.io/o/clickup-secret-scan:v1 --repo o/clickup-secret-scan`\n", nil},
		{"uses: and file names are not runs", "`uses: clickup-secret-scan/clickup-secret-scan@v1` and `.clickup-secret-scan-ignore`\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, inv := range Invocations(Parse("x.md", tt.md), known) {
				got = append(got, fmt.Sprintf("%d %s %v %v", inv.Line, inv.Command, inv.Global, inv.Flags))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Invocations() = %q, want %q", got, tt.want)
			}
		})
	}
}

// testCLI is a small CLI for the checks.
func testCLI() *CLI {
	return &CLI{
		Commands: map[string]map[string]bool{
			"dir":     {"format": true, "output": true, "h": true, "help": true},
			"history": {"repo": true, "format": true, "h": true, "help": true},
		},
		Global: map[string]bool{"h": true, "help": true},
	}
}

// checkProblems runs check and compares the problems' "file:line: msg"
// texts: each want must be a prefix-and-substring pair "file:line: ...substr".
func checkProblems(t *testing.T, problems []Problem, want []string) {
	t.Helper()
	if len(problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(problems), len(want), problemList(problems))
	}
	for i, p := range problems {
		loc, substr, _ := strings.Cut(want[i], " ")
		if !strings.HasPrefix(p.String(), loc) || !strings.Contains(p.String(), substr) {
			t.Errorf("problem %d = %q, want it at %s and containing %q", i, p, loc, substr)
		}
	}
}

func problemList(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

func TestCheckInvocations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, md string
		want     []string
	}{
		{"all exist", "```sh\nclickup-secret-scan dir --format json dist\nclickup-secret-scan history -h\n```\n\n`clickup-secret-scan --help`\n", nil},
		{"bogus flag", "Intro.\n\n```sh\nclickup-secret-scan dir --fromat json dist\n```\n",
			[]string{"x.md:4: dir has no flag --fromat (it accepts: --format, --output)"}},
		{"flag of another command", "`clickup-secret-scan dir --repo .`\n",
			[]string{"x.md:1: dir has no flag --repo"}},
		{"bogus command", "\n\n`clickup-secret-scan scna --format json`\n",
			[]string{`x.md:3: has no command "scna" (its commands: dir, history)`}},
		{"bogus global flag", "`clickup-secret-scan --verbose dir`\n",
			[]string{"x.md:1: has no global flag --verbose"}},
		{"bogus flag in a span led by a command", "Flags first: `history --since REV`.\n",
			[]string{"x.md:1: history has no flag --since"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkProblems(t, CheckInvocations([]*Doc{Parse("x.md", tt.md)}, testCLI()), tt.want)
		})
	}
}

func TestCheckFlagTables(t *testing.T) {
	t.Parallel()
	md := `# CLI

## Shared flags

| flag | meaning |
|---|---|
| ` + "`--format text\\|json`" + ` | format |
| ` + "`--nope`" + ` | gone |

## dir

| flag | meaning |
|---|---|
| ` + "`--output FILE`" + ` | file |
| ` + "`--repo PATH`" + ` | not dir's |

## history

| other | table |
|---|---|
| ` + "`--bogus`" + ` | not a flag table |
`
	checkProblems(t, CheckFlagTables([]*Doc{Parse("cli.md", md)}, testCLI()), []string{
		"cli.md:8: lists --nope, which no clickup-secret-scan command accepts",
		`cli.md:15: under the "dir" heading lists --repo, which clickup-secret-scan dir does not accept`,
	})
}

func TestCheckAction(t *testing.T) {
	t.Parallel()
	a := &Action{Inputs: map[string]bool{"mode": true, "paths": true}, Outputs: map[string]bool{"findings": true}}
	tests := []struct {
		name, md string
		want     []string
	}{
		{"all exist", "```yaml\nsteps:\n  - id: scan\n    uses: clickup-secret-scan/clickup-secret-scan@v1\n    with:\n      mode: history\n  - run: echo ${{ steps.scan.outputs.findings }}\n  - uses: actions/checkout@v4\n    with:\n      fetch-depth: 0\n```\n", nil},
		{"bogus input", "Text.\n\n```yaml\n- uses: clickup-secret-scan/clickup-secret-scan@v1\n  with:\n    mode: history\n    path: dist\n```\n",
			[]string{`x.md:7: with: path: action.yml has no input "path" (its inputs: mode, paths)`}},
		{"local action", "```yml\n- uses: ./\n  with:\n    fail-on-findings: false\n```\n",
			[]string{`x.md:4: action.yml has no input "fail-on-findings"`}},
		{"bogus output", "```yaml\n- id: s\n  uses: clickup-secret-scan/clickup-secret-scan@v1\n- if: steps.s.outputs.live != ''\n  run: true\n```\n",
			[]string{`x.md:4: steps.s.outputs.live: action.yml has no output "live" (its outputs: findings)`}},
		{"invalid YAML", "```yaml\nwith:\n  mode: [\n```\n", []string{"x.md:1: YAML block does not parse"}},
		{"input and output tables", "| input | default |\n|---|---|\n| `mode` | `auto` |\n| `include` / `paths` | |\n\n| output | meaning |\n|---|---|\n| `findings` | n |\n| `sarif` | path |\n",
			[]string{"x.md:4: input table lists `include`", "x.md:9: output table lists `sarif`, which action.yml does not declare (its outputs: findings)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkProblems(t, CheckAction([]*Doc{Parse("x.md", tt.md)}, a), tt.want)
		})
	}
}

func TestCheckPreCommitHooks(t *testing.T) {
	t.Parallel()
	ids, err := ParseHookIDs([]byte("- id: clickup-secret-scan\n  entry: clickup-secret-scan staged\n"))
	if err != nil {
		t.Fatal(err)
	}
	md := "```yaml\nrepos:\n  - repo: https://github.com/clickup-secret-scan/clickup-secret-scan\n    rev: v1.0.0\n    hooks:\n      - id: clickup-secret-scan\n      - id: clickup-secrets\n  - repo: https://github.com/other/hooks\n    hooks:\n      - id: anything\n```\n"
	checkProblems(t, CheckPreCommitHooks([]*Doc{Parse("x.md", md)}, ids), []string{
		`x.md:7: pre-commit hook id "clickup-secrets": .pre-commit-hooks.yaml declares no such hook (its ids: clickup-secret-scan)`,
	})
	if _, err := ParseHookIDs([]byte("id: [")); err == nil {
		t.Error("ParseHookIDs accepted malformed YAML")
	}
}

func TestParseAction(t *testing.T) {
	t.Parallel()
	a, err := ParseAction([]byte("name: x\ninputs:\n  mode:\n    default: auto\n  paths: {}\noutputs:\n  findings:\n    description: n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(a.Inputs)); !slices.Equal(got, []string{"mode", "paths"}) {
		t.Errorf("inputs = %v", got)
	}
	if got := slices.Sorted(maps.Keys(a.Outputs)); !slices.Equal(got, []string{"findings"}) {
		t.Errorf("outputs = %v", got)
	}
	if _, err := ParseAction([]byte("inputs: [")); err == nil {
		t.Error("ParseAction accepted malformed YAML")
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	tests := []struct{ heading, want string }{
		{"Incremental nightly scans (`history-state`)", "incremental-nightly-scans-history-state"},
		{"Incremental scans: `--state FILE`", "incremental-scans---state-file"},
		{"Build output after `npm run build`", "build-output-after-npm-run-build"},
		{"`dir` against ripgrep", "dir-against-ripgrep"},
		{"Baseline: adopt the scanner on an old repository", "baseline-adopt-the-scanner-on-an-old-repository"},
		{"What [links](x.md) and **bold** keep", "what-links-and-bold-keep"},
		{"Déjà vu, snake_case & 1.5×", "déjà-vu-snake_case--15"},
	}
	for _, tt := range tests {
		if got := Slug(tt.heading); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.heading, got, tt.want)
		}
	}
}

func TestHeadings(t *testing.T) {
	t.Parallel()
	md := "# Title\n\n## Usage\n\ntext\n\n## Usage ##\n\nSetext\n------\n\n```sh\n# not a heading\n```\n\n- item\n---\n"
	var got []string
	for _, h := range Parse("x.md", md).Headings {
		got = append(got, fmt.Sprintf("%d %s", h.Line, h.Slug))
	}
	want := []string{"1 title", "3 usage", "7 usage-1", "9 setext"}
	if !slices.Equal(got, want) {
		t.Errorf("headings = %q, want %q", got, want)
	}
}

func TestCheckLinks(t *testing.T) {
	t.Parallel()
	root := fstest.MapFS{
		"README.md":        {Data: []byte("# Project\n\n## Two commands\n")},
		"docs/cli.md":      {Data: []byte("# CLI\n\n## `dir`\n\n## Usage\n\n## Usage\n\n<a name=\"legacy\"></a>\n")},
		"docs/img/log.png": {Data: []byte("png")},
		"LICENSE":          {Data: []byte("licence")},
	}
	tests := []struct {
		name, md string
		want     []string
	}{
		{"all resolve", "See [cli](cli.md), [dir](cli.md#dir), [second usage](cli.md#usage-1), [old](cli.md#legacy),\n" +
			"[top](../README.md#two-commands), [root](/LICENSE), [self](#here), ![logo](img/log.png \"Logo\"),\n" +
			"[folder](img/), [web](https://example.com/missing.md), <https://example.com>, `[code](nope.md)`.\n\n" +
			"## Here\n\n```md\n[fenced](nope.md)\n```\n\n[ref]: cli.md#dir\n", nil},
		{"broken file", "Intro\n\nsee [install](install.md)\n",
			[]string{`docs/x.md:3: link "install.md": docs/install.md does not exist (docs holds: cli.md img/)`}},
		{"broken anchor", "[dir](cli.md#dirr)\n",
			[]string{`docs/x.md:1: link "cli.md#dirr": docs/cli.md has no heading with anchor #dirr (its anchors: #cli #dir #usage #usage-1)`}},
		{"broken anchor in the same page", "# X\n\n[up](#nowhere)\n", []string{`docs/x.md:3: docs/x.md has no heading with anchor #nowhere`}},
		{"broken image", "text ![logo](img/logo.png)\n", []string{`docs/x.md:1: link "img/logo.png": docs/img/logo.png does not exist`}},
		{"broken reference definition", "\n[ref]: ../LICENCE\n", []string{`docs/x.md:2: link "../LICENCE": LICENCE does not exist`}},
		{"destination on the next line", "A [long\nlink text](\nnope.md) here\n", []string{`docs/x.md:3: link "nope.md": docs/nope.md does not exist`}},
		{"link text over two lines", "A [long\nlink text](nope.md) here\n", []string{`docs/x.md:2: link "nope.md": docs/nope.md does not exist`}},
		{"outside the repository", "[up](../../etc/passwd)\n", []string{`docs/x.md:1: link "../../etc/passwd": points outside the repository`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkProblems(t, CheckLinks(root, []*Doc{Parse("docs/x.md", tt.md)}), tt.want)
		})
	}
}

func TestLoadDocs(t *testing.T) {
	t.Parallel()
	root := fstest.MapFS{
		"README.md":         {Data: []byte("# R\n")},
		"docs/a.md":         {Data: []byte("# A\n")},
		"docs/deep/b.md":    {Data: []byte("# B\n")},
		"docs/img/c.png":    {Data: []byte("png")},
		"CONTRIBUTING.md":   {Data: []byte("# not checked\n")},
		"internal/x/doc.md": {Data: []byte("# not checked\n")},
	}
	docs, err := LoadDocs(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.Path)
	}
	if want := []string{"README.md", "docs/a.md", "docs/deep/b.md"}; !slices.Equal(got, want) {
		t.Errorf("LoadDocs() = %v, want %v", got, want)
	}
}

// FuzzParse checks that any page parses without panicking and that every
// line number it reports is inside the page.
func FuzzParse(f *testing.F) {
	f.Add("# T\n\n```sh\nclickup-secret-scan dir --format json\n```\n| a | b |\n|---|---|\n| `x` | [l](y.md#z) |\n")
	f.Add("``` \n`unclosed\n[a](b\n## `x`\n===\n")
	f.Fuzz(func(t *testing.T, src string) {
		d := Parse("f.md", src)
		n := strings.Count(src, "\n") + 1
		for _, l := range Links(d) {
			if l.Line < 1 || l.Line > n {
				t.Errorf("link %q on line %d of a %d-line page", l.Dest, l.Line, n)
			}
		}
		for _, s := range d.Spans {
			if s.Line < 1 || s.Line > n {
				t.Errorf("span %q on line %d of a %d-line page", s.Text, s.Line, n)
			}
		}
		for _, inv := range Invocations(d, map[string]map[string]bool{"dir": {}}) {
			if inv.Line < 1 || inv.Line > n {
				t.Errorf("invocation %q on line %d of a %d-line page", inv.Text, inv.Line, n)
			}
		}
	})
}
