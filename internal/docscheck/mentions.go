package docscheck

import (
	"slices"
	"sort"
	"strings"
)

func commandList(cli *CLI) string {
	var names []string
	for c := range cli.Commands {
		names = append(names, c)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// MentionedCommands returns the command words and global flags the docs
// use with the binary, for Discover to probe those its usage does not list.
func MentionedCommands(docs []*Doc) (commands, globals []string) {
	for _, d := range docs {
		for _, inv := range Invocations(d, nil) {
			if inv.Command != "" && !slices.Contains(commands, inv.Command) {
				commands = append(commands, inv.Command)
			}
			for _, g := range inv.Global {
				if !slices.Contains(globals, g) {
					globals = append(globals, g)
				}
			}
		}
	}
	return commands, globals
}
