package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/usage"
)

// flagSet is a command's flag set with what its help says besides the
// flags. Flags may come anywhere among the arguments; "--" ends them.
type flagSet struct {
	*flag.FlagSet
	name           string
	stdout, stderr io.Writer
	// aliases maps a short flag name to the long one it stands for.
	aliases map[string]string
}

// newFlagSet returns a flag set for command name that prints nothing
// itself: -h prints the command's help to stdout, a bad flag its error and
// the help to stderr, both through parse.
func newFlagSet(name string, stdout, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet("clickup-secret-scan "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, name: name, stdout: stdout, stderr: stderr, aliases: map[string]string{}}
}

// boolAlias registers short as a second name for the boolean flag long.
func (f *flagSet) boolAlias(p *bool, short, long string) {
	fl := f.Lookup(long)
	f.BoolVar(p, short, false, fl.Usage)
	f.aliases[short] = long
}

// errHelp is returned for -h: exit 0. It carries the flag set, so that
// shell completion can read any command's flags by asking for its help.
type errHelp struct{ fs *flagSet }

func (errHelp) Error() string     { return flag.ErrHelp.Error() }
func (errHelp) Unwrap() error     { return flag.ErrHelp }
func (e errHelp) flags() *flagSet { return e.fs }

// parse parses args, flags anywhere among them: a word that is not a flag
// is an argument and parsing goes on after it, until "--", after which
// every word is an argument. It returns errHelp for -h and --help (the
// help printed on stdout) and a usage error for a bad flag (the error and
// the help printed on stderr by main).
func (f *flagSet) parse(args []string) error {
	var positional []string
	for {
		if err := f.FlagSet.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.writeHelp(f.stdout)
				return errHelp{f}
			}
			return f.withUsage(usage.Error{Err: err})
		}
		rest := f.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Parse again with only the arguments left, so that Args and NArg
	// return them; "--" keeps one that starts with a dash an argument.
	return f.FlagSet.Parse(append([]string{"--"}, positional...))
}

// withUsage returns err marked so that main prints the command's help on
// stderr after it.
func (f *flagSet) withUsage(err error) error {
	return withUsage{err, func() {
		fmt.Fprintln(f.stderr)
		f.writeHelp(f.stderr)
	}}
}

// usageErrorf returns a usage error (exit 2) followed by the command's help.
func (f *flagSet) usageErrorf(format string, a ...any) error {
	return f.withUsage(usageErrorf(format, a...))
}

// helpText is what a command's help says besides its flags.
type helpText struct {
	// synopsis follows "usage: clickup-secret-scan ".
	synopsis string
	// description is one paragraph, lines already wrapped.
	description string
	// examples are full command lines.
	examples []string
}

const exitCodesLine = "exit codes: 0 clean, 1 findings, 2 bad usage or input, 3 internal failure"

// writeHelp prints the command's help, the same shape for every command:
// synopsis, description, flags, examples, exit codes.
func (f *flagSet) writeHelp(w io.Writer) {
	h := helps[f.name]
	fmt.Fprintf(w, "usage: clickup-secret-scan %s\n\n", h.synopsis)
	fmt.Fprintf(w, "%s\n\nflags:\n", strings.TrimSpace(h.description))
	short := map[string]string{}
	for s, l := range f.aliases {
		short[l] = s
	}
	var names []string
	f.VisitAll(func(fl *flag.Flag) {
		if _, isAlias := f.aliases[fl.Name]; !isAlias {
			names = append(names, fl.Name)
		}
	})
	sort.Strings(names)
	for _, name := range names {
		fl := f.Lookup(name)
		kind, desc := flag.UnquoteUsage(fl)
		head := "--" + name
		if s, ok := short[name]; ok {
			head = "-" + s + ", " + head
		}
		if kind != "" {
			head += " " + kind
		}
		if fl.DefValue != "" && fl.DefValue != "false" && fl.DefValue != "[]" {
			desc += fmt.Sprintf(" (default %s)", fl.DefValue)
		}
		fmt.Fprintf(w, "  %s\n        %s\n", head, desc)
	}
	fmt.Fprintf(w, "  -h, --help\n        print this help\n")
	if len(h.examples) > 0 {
		fmt.Fprintln(w, "\nexamples:")
		for _, e := range h.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	fmt.Fprintf(w, "\n%s\n", exitCodesLine)
}
