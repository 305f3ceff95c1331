package docscheck

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Problem is one place where the docs disagree with the code.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Action is the interface action.yml declares.
type Action struct {
	Inputs, Outputs map[string]bool
}

// ParseAction reads the input and output names of an action.yml.
func ParseAction(data []byte) (*Action, error) {
	var doc struct {
		Inputs  map[string]any `yaml:"inputs"`
		Outputs map[string]any `yaml:"outputs"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("failed to parse action.yml: %w", err)
	}
	a := &Action{Inputs: map[string]bool{}, Outputs: map[string]bool{}}
	for k := range doc.Inputs {
		a.Inputs[k] = true
	}
	for k := range doc.Outputs {
		a.Outputs[k] = true
	}
	return a, nil
}

// usesThisAction reports whether a step's uses: names this repository's
// Action: the published one at any ref, or the local checkout (./).
func usesThisAction(uses string) bool {
	return strings.HasPrefix(uses, "clickup-secret-scan/clickup-secret-scan@") || uses == "./" || uses == "."
}

var outputRef = regexp.MustCompile(`steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)

// CheckAction checks the docs against action.yml: every with: key of a step
// that uses this Action in a YAML block, every steps.<id>.outputs.<name>
// that reads such a step, and the first column of tables headed "input" or
// "output". A YAML block that does not parse is a problem too.
func CheckAction(docs []*Doc, a *Action) []Problem {
	var problems []Problem
	for _, d := range docs {
		for _, f := range d.Fences {
			if f.Info != "yaml" && f.Info != "yml" {
				continue
			}
			problems = append(problems, checkYAMLBlock(d.Path, f, a)...)
		}
		for _, t := range d.Tables {
			if len(t.Header) == 0 {
				continue
			}
			var kind string
			var names map[string]bool
			switch strings.ToLower(strings.TrimSpace(t.Header[0])) {
			case "input":
				kind, names = "input", a.Inputs
			case "output":
				kind, names = "output", a.Outputs
			default:
				continue
			}
			for _, r := range t.Rows {
				if len(r.Cells) == 0 {
					continue
				}
				spans := codeSpans(r.Cells[0])
				if len(spans) == 0 {
					problems = append(problems, Problem{d.Path, r.Line, fmt.Sprintf("%s table row names no %s in backticks: %q", kind, kind, r.Cells[0])})
				}
				for _, n := range spans {
					if !names[n] {
						problems = append(problems, Problem{d.Path, r.Line, fmt.Sprintf("%s table lists `%s`, which action.yml does not declare (its %ss: %s)", kind, n, kind, nameList(names))})
					}
				}
			}
		}
	}
	return problems
}

func checkYAMLBlock(file string, f Fence, a *Action) []Problem {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(strings.Join(f.Lines, "\n")), &root); err != nil {
		return []Problem{{file, f.Line, fmt.Sprintf("YAML block does not parse: %v", err)}}
	}
	// Node lines count from the block's first line.
	at := func(n *yaml.Node) int { return f.Line + n.Line }
	var problems []Problem
	ids := map[string]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			uses, with, id := mapValue(n, "uses"), mapValue(n, "with"), mapValue(n, "id")
			if uses != nil && usesThisAction(uses.Value) {
				if id != nil {
					ids[id.Value] = true
				}
				if with != nil && with.Kind == yaml.MappingNode {
					for i := 0; i < len(with.Content); i += 2 {
						k := with.Content[i]
						if !a.Inputs[k.Value] {
							problems = append(problems, Problem{file, at(k), fmt.Sprintf("with: %s: action.yml has no input %q (its inputs: %s)", k.Value, k.Value, nameList(a.Inputs))})
						}
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	var refs func(n *yaml.Node)
	refs = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			for _, m := range outputRef.FindAllStringSubmatch(n.Value, -1) {
				if ids[m[1]] && !a.Outputs[m[2]] {
					problems = append(problems, Problem{file, at(n), fmt.Sprintf("steps.%s.outputs.%s: action.yml has no output %q (its outputs: %s)", m[1], m[2], m[2], nameList(a.Outputs))})
				}
			}
		}
		for _, c := range n.Content {
			refs(c)
		}
	}
	refs(&root)
	return problems
}

func nameList(names map[string]bool) string {
	var out []string
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
