package docscheck

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"
)

// ParseHookIDs reads the hook ids a .pre-commit-hooks.yaml declares.
func ParseHookIDs(data []byte) (map[string]bool, error) {
	var hooks []struct {
		ID string `yaml:"id"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		return nil, fmt.Errorf("failed to parse .pre-commit-hooks.yaml: %w", err)
	}
	ids := map[string]bool{}
	for _, h := range hooks {
		ids[h.ID] = true
	}
	return ids, nil
}

// CheckPreCommitHooks checks that every hook id a YAML block in docs uses
// from this repository (a "repo:" naming it, then "hooks: - id:") is one
// that .pre-commit-hooks.yaml declares. Blocks that do not parse are left
// to CheckAction, which reports them.
func CheckPreCommitHooks(docs []*Doc, ids map[string]bool) []Problem {
	var problems []Problem
	for _, d := range docs {
		for _, f := range d.Fences {
			if f.Info != "yaml" && f.Info != "yml" {
				continue
			}
			var root yaml.Node
			if yaml.Unmarshal([]byte(strings.Join(f.Lines, "\n")), &root) != nil {
				continue
			}
			var walk func(n *yaml.Node)
			walk = func(n *yaml.Node) {
				if n.Kind == yaml.MappingNode {
					repo, hooks := mapValue(n, "repo"), mapValue(n, "hooks")
					if repo != nil && hooks != nil && strings.TrimSuffix(strings.TrimSuffix(repo.Value, "/"), ".git") == "https://github.com/clickup-secret-scan/clickup-secret-scan" {
						for _, h := range hooks.Content {
							if id := mapValue(h, "id"); id != nil && !ids[id.Value] {
								problems = append(problems, Problem{d.Path, f.Line + id.Line, fmt.Sprintf("pre-commit hook id %q: .pre-commit-hooks.yaml declares no such hook (its ids: %s)", id.Value, nameList(ids))})
							}
						}
					}
				}
				for _, c := range n.Content {
					walk(c)
				}
			}
			walk(&root)
		}
	}
	return problems
}

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
