package docscheck

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// LoadDocs parses README.md and every Markdown page under docs/ in root.
func LoadDocs(root fs.FS) ([]*Doc, error) {
	names := []string{"README.md"}
	err := fs.WalkDir(root, "docs", func(name string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && strings.EqualFold(path.Ext(name), ".md") {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("failed to list docs/: %w", err)
	}
	var docs []*Doc
	for _, name := range names {
		data, err := fs.ReadFile(root, name)
		if err != nil {
			return nil, fmt.Errorf("failed to read %s: %w", name, err)
		}
		docs = append(docs, Parse(name, string(data)))
	}
	return docs, nil
}
