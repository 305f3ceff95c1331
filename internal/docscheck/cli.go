package docscheck

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Binary is the name the docs call the command line tool by.
const Binary = "clickup-secret-scan"

// CLI is what the binary says it accepts, learnt from its help output.
type CLI struct {
	// Commands maps each command name to the flag names (without dashes)
	// its help lists.
	Commands map[string]map[string]bool
	// Global holds the flag names accepted before any command.
	Global map[string]bool
}

// Runner runs the binary with args and returns what it printed on stdout
// and stderr together, and its exit code.
type Runner func(args ...string) (output string, exitCode int, err error)

var (
	commandsHeader = regexp.MustCompile(`(?i)^\s*(available\s+)?(sub)?commands:?\s*$`)
	commandLine    = regexp.MustCompile(`^\s+[a-z][a-z0-9-]*(,|\s|$)`)
	flagLineStart  = regexp.MustCompile(`^ *--?[A-Za-z0-9]`)
	flagName       = regexp.MustCompile(`^--?([A-Za-z0-9][A-Za-z0-9_.-]*)`)
	descSeparator  = regexp.MustCompile(`\t| {2,}`)
)

// ParseCommands returns the command names listed in a usage text: the
// indented first words of the lines after a "commands:" header, up to the
// next unindented line (the next section), blank lines between groups
// allowed.
func ParseCommands(help string) []string {
	var names []string
	in := false
	for _, line := range strings.Split(help, "\n") {
		switch {
		case commandsHeader.MatchString(line):
			in = true
		case !in:
		case commandLine.MatchString(line):
			// "  dir, d   scan ...": the names are before the description.
			head := strings.TrimSpace(line)
			if loc := descSeparator.FindStringIndex(head); loc != nil {
				head = head[:loc[0]]
			}
			for _, n := range strings.FieldsFunc(head, func(r rune) bool { return r == ',' || r == ' ' }) {
				if commandWord.MatchString(n) && !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		case strings.TrimSpace(line) != "" && line[0] != ' ' && line[0] != '\t':
			in = false
		}
	}
	return names
}

// ParseFlags returns the flag names (without dashes) a help text lists:
// every line that starts with optional spaces then -name or --name, in Go's
// default format ("  -format string") or a custom one ("  -q, --quiet  ...").
// Only the part before the description (a tab or two spaces) is read; Go's
// description lines start with a tab, so a description that starts with a
// dash is not taken for a flag.
func ParseFlags(help string) map[string]bool {
	flags := map[string]bool{}
	for _, line := range strings.Split(help, "\n") {
		if !flagLineStart.MatchString(line) {
			continue
		}
		head := strings.TrimSpace(line)
		if loc := descSeparator.FindStringIndex(head); loc != nil {
			head = head[:loc[0]]
		}
		for _, f := range strings.FieldsFunc(head, func(r rune) bool { return r == ' ' || r == ',' || r == '|' || r == '[' || r == ']' }) {
			if m := flagName.FindStringSubmatch(f); m != nil {
				flags[strings.TrimRight(strings.SplitN(m[1], "=", 2)[0], ".")] = true
			}
		}
	}
	return flags
}

// Discover learns the CLI from the binary: the command list of --help and
// help, each command's flags from "<command> -h", and the global flags from
// the usage text. A command or global flag the docs mention but the usage
// does not list (mentioned, extraFlags) is probed: it exists when the
// binary exits 0 on "<command> -h" or "<flag>". The probes pass -h or run a
// lone flag, so they never scan anything.
func Discover(run Runner, mentioned, extraFlags []string) (*CLI, error) {
	cli := &CLI{Commands: map[string]map[string]bool{}, Global: map[string]bool{"h": true, "help": true}}
	var usage strings.Builder
	for _, args := range [][]string{{"--help"}, {"help"}} {
		out, _, err := run(args...)
		if err != nil {
			return nil, fmt.Errorf("failed to run %s %s: %w", Binary, strings.Join(args, " "), err)
		}
		usage.WriteString(out + "\n")
	}
	names := ParseCommands(usage.String())
	if len(names) == 0 {
		return nil, fmt.Errorf("%s --help lists no commands under a \"commands:\" header:\n%s", Binary, usage.String())
	}
	for f := range ParseFlags(usage.String()) {
		cli.Global[f] = true
	}
	listed := len(names)
	for _, name := range mentioned {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	for i, name := range names {
		out, code, err := run(name, "-h")
		if err != nil {
			return nil, fmt.Errorf("failed to run %s %s -h: %w", Binary, name, err)
		}
		if code != 0 && i >= listed {
			continue // a mentioned command that does not exist
		}
		// A listed command is one even if its -h fails; its flags are
		// then whatever that output shows.
		flags := ParseFlags(out)
		flags["h"], flags["help"] = true, true
		cli.Commands[name] = flags
	}
	for _, f := range extraFlags {
		if cli.Global[f] {
			continue
		}
		arg := "--" + f
		if len(f) == 1 {
			arg = "-" + f
		}
		_, code, err := run(arg)
		if err != nil {
			return nil, fmt.Errorf("failed to run %s %s: %w", Binary, arg, err)
		}
		if code == 0 {
			cli.Global[f] = true
		}
	}
	return cli, nil
}

// Invocation is one mention of the binary run with a command in the docs.
type Invocation struct {
	Line int
	// Command is the command word ("" when the mention names none, such as
	// "clickup-secret-scan -h" or "clickup-secret-scan <command>").
	Command string
	// Global and Flags are flag names without dashes, before and after the
	// command.
	Global, Flags []string
	// Text is the mention as written, for error messages.
	Text string
}

// Invocations returns every mention of the binary run with arguments in
// d's fenced code blocks and code spans: "clickup-secret-scan CMD ...",
// a path ending in /clickup-secret-scan, an image ".../clickup-secret-scan:TAG"
// and "go run . CMD". A code span that starts with a known command and holds
// a flag ("dir --format json dist") counts too.
func Invocations(d *Doc, commands map[string]map[string]bool) []Invocation {
	var out []Invocation
	for _, f := range d.Fences {
		for _, l := range logicalLines(f) {
			out = append(out, findInvocations(l.text, l.line)...)
		}
	}
	for _, s := range d.Spans {
		found := findInvocations(s.Text, s.Line)
		if len(found) == 0 {
			words := tokenize(s.Text)
			if len(words) > 1 && !words[0].sep && commands[words[0].text] != nil {
				if inv := parseArgs(words, 0, s.Line, s.Text); len(inv.Flags) > 0 {
					found = append(found, inv)
				}
			}
		}
		out = append(out, found...)
	}
	return out
}

type logicalLine struct {
	line int
	text string
}

// logicalLines joins a fenced block's continued lines: a trailing
// backslash, or a synopsis line that wraps onto an indented line starting
// with "[" or "-".
func logicalLines(f Fence) []logicalLine {
	var out []logicalLine
	for i := 0; i < len(f.Lines); i++ {
		l := logicalLine{line: f.Line + 1 + i, text: f.Lines[i]}
		for i+1 < len(f.Lines) {
			next := f.Lines[i+1]
			trimmed := strings.TrimSpace(next)
			if strings.HasSuffix(strings.TrimSpace(l.text), `\`) {
				l.text = strings.TrimSuffix(strings.TrimSpace(l.text), `\`) + " " + trimmed
			} else if strings.Contains(l.text, Binary) && next != trimmed && (strings.HasPrefix(trimmed, "[") || strings.HasPrefix(trimmed, "-")) && !strings.HasPrefix(trimmed, "- ") {
				l.text += " " + trimmed
			} else {
				break
			}
			i++
		}
		out = append(out, l)
	}
	return out
}

type word struct {
	text string
	sep  bool // a shell operator that ends a command: | || && ; & ( ) > <
}

// tokenize splits a shell-like line into words and operators. Quotes group
// words and are dropped; a # that starts a word starts a comment.
func tokenize(s string) []word {
	var out []word
	var cur strings.Builder
	inWord := false
	emit := func() {
		if inWord {
			out = append(out, word{text: cur.String()})
		}
		cur.Reset()
		inWord = false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				j = len(s) - i - 1
			}
			cur.WriteString(s[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case c == ' ' || c == '\t':
			emit()
		case c == '#' && !inWord:
			emit()
			return out
		case c == '$' && i+1 < len(s) && s[i+1] == '(':
			emit()
			out = append(out, word{text: "$(", sep: true})
			i++
		case c == '<' && i+1 < len(s) && isLetter(s[i+1]):
			// A placeholder such as <root commit> is one word.
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				j = len(s) - i - 1
			}
			cur.WriteString(s[i : i+j+1])
			inWord = true
			i += j
		case (c == '|' || c == '&') && inWord:
			// "text|json|sarif" lists choices; a pipe is written apart.
			cur.WriteByte(c)
		case strings.IndexByte("|&;()<>`", c) >= 0:
			// "2>" and "2>&1": the fd digit belongs to the operator.
			if c == '>' && cur.String() == "2" {
				cur.Reset()
				inWord = false
			}
			emit()
			out = append(out, word{text: string(c), sep: true})
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	emit()
	return out
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

var (
	commandWord = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	flagWord    = regexp.MustCompile(`^[\[(]*--?([A-Za-z][A-Za-z0-9_-]*)`)
)

// findInvocations returns the invocations of the binary in one line.
func findInvocations(text string, line int) []Invocation {
	words := tokenize(text)
	var out []Invocation
	for i, w := range words {
		if w.sep {
			continue
		}
		prevIsFlag := i > 0 && !words[i-1].sep && strings.HasPrefix(words[i-1].text, "-") && words[i-1].text != "--" && words[i-1].text != "-"
		base := w.text[strings.LastIndex(w.text, "/")+1:]
		switch {
		case prevIsFlag:
			// "go build -o clickup-secret-scan", "docker build -t clickup-secret-scan":
			// the name is a flag's value, not a command being run.
		case strings.Contains(w.text, "://"):
			// "oci://ghcr.io/.../clickup-secret-scan:v1": a reference another
			// tool reads, not the image being run.
		case base == Binary,
			strings.Contains(w.text, "/") && strings.HasPrefix(base, Binary+":"):
			out = append(out, parseArgs(words, i+1, line, text))
		case w.text == "go" && i+2 < len(words) && words[i+1].text == "run":
			j := i + 2
			for j < len(words) && strings.HasPrefix(words[j].text, "-") && !words[j].sep {
				j++
			}
			if j < len(words) && !words[j].sep {
				target := words[j].text
				tbase := target[strings.LastIndex(target, "/")+1:]
				if target == "." || tbase == Binary || strings.HasPrefix(tbase, Binary+"@") {
					out = append(out, parseArgs(words, j+1, line, text))
				}
			}
		}
	}
	return out
}

// parseArgs reads the words from start on as the binary's arguments: global
// flags, a command word, then the command's flags, up to a shell operator.
// Flags after "--" are arguments, not flags.
func parseArgs(words []word, start, line int, text string) Invocation {
	inv := Invocation{Line: line, Text: strings.TrimSpace(text)}
	for i := start; i < len(words) && !words[i].sep; i++ {
		w := words[i].text
		if w == "--" {
			break
		}
		if m := flagWord.FindStringSubmatch(w); m != nil {
			if inv.Command == "" {
				inv.Global = append(inv.Global, m[1])
			} else {
				inv.Flags = append(inv.Flags, m[1])
			}
			continue
		}
		if inv.Command != "" {
			continue // a positional argument
		}
		if !commandWord.MatchString(w) {
			// A placeholder (<command>, COMMAND) or a path: nothing more
			// to check here.
			break
		}
		inv.Command = w
	}
	return inv
}

// CheckInvocations checks every invocation in docs against cli: the command
// exists and accepts each flag.
func CheckInvocations(docs []*Doc, cli *CLI) []Problem {
	var problems []Problem
	for _, d := range docs {
		for _, inv := range Invocations(d, cli.Commands) {
			for _, f := range inv.Global {
				if !cli.Global[f] {
					problems = append(problems, Problem{d.Path, inv.Line, fmt.Sprintf("`%s`: %s has no global flag --%s (it accepts: %s)", inv.Text, Binary, f, flagList(cli.Global))})
				}
			}
			if inv.Command == "" {
				continue
			}
			flags, ok := cli.Commands[inv.Command]
			if !ok {
				problems = append(problems, Problem{d.Path, inv.Line, fmt.Sprintf("`%s`: %s has no command %q (its commands: %s)", inv.Text, Binary, inv.Command, commandList(cli))})
				continue
			}
			for _, f := range inv.Flags {
				if !flags[f] {
					problems = append(problems, Problem{d.Path, inv.Line, fmt.Sprintf("`%s`: %s %s has no flag --%s (it accepts: %s)", inv.Text, Binary, inv.Command, f, flagList(flags))})
				}
			}
		}
	}
	return problems
}

// CheckFlagTables checks the first column of every table whose header
// starts with "flag": each flag must be accepted by the command the
// enclosing heading names ("## dir"), or by some command when the heading
// names none.
func CheckFlagTables(docs []*Doc, cli *CLI) []Problem {
	var problems []Problem
	for _, d := range docs {
		for _, t := range d.Tables {
			if len(t.Header) == 0 || !strings.EqualFold(strings.TrimSpace(t.Header[0]), "flag") {
				continue
			}
			cmd := headingCommand(d, t.Line, cli)
			for _, r := range t.Rows {
				if len(r.Cells) == 0 {
					continue
				}
				for _, s := range codeSpans(r.Cells[0]) {
					m := flagWord.FindStringSubmatch(strings.TrimSpace(s))
					if m == nil {
						problems = append(problems, Problem{d.Path, r.Line, fmt.Sprintf("flag table cell `%s` does not start with a flag", s)})
						continue
					}
					f := m[1]
					switch {
					case cmd != "" && !cli.Commands[cmd][f]:
						problems = append(problems, Problem{d.Path, r.Line, fmt.Sprintf("flag table under the %q heading lists --%s, which %s %s does not accept (it accepts: %s)", cmd, f, Binary, cmd, flagList(cli.Commands[cmd]))})
					case cmd == "" && !anyCommandAccepts(cli, f):
						problems = append(problems, Problem{d.Path, r.Line, fmt.Sprintf("flag table lists --%s, which no %s command accepts (commands: %s)", f, Binary, commandList(cli))})
					}
				}
			}
		}
	}
	return problems
}

// headingCommand returns the command that the nearest heading above line
// names by its first word ("## dir", "## `dir`: build output"), or "".
func headingCommand(d *Doc, line int, cli *CLI) string {
	var nearest *Heading
	for i := range d.Headings {
		if d.Headings[i].Line < line {
			nearest = &d.Headings[i]
		}
	}
	if nearest == nil {
		return ""
	}
	fields := strings.Fields(strings.NewReplacer("`", " ", ":", " ").Replace(nearest.Text))
	if len(fields) > 0 && cli.Commands[fields[0]] != nil {
		return fields[0]
	}
	return ""
}

func anyCommandAccepts(cli *CLI, f string) bool {
	for _, flags := range cli.Commands {
		if flags[f] {
			return true
		}
	}
	return false
}

var codeSpanRe = regexp.MustCompile("`([^`]+)`")

func codeSpans(s string) []string {
	var out []string
	for _, m := range codeSpanRe.FindAllStringSubmatch(s, -1) {
		out = append(out, strings.ReplaceAll(m[1], `\|`, "|"))
	}
	return out
}

func flagList(flags map[string]bool) string {
	var names []string
	for f := range flags {
		if f != "h" && f != "help" {
			names = append(names, "--"+f)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "no flags but -h"
	}
	return strings.Join(names, ", ")
}
