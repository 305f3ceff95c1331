package action

import (
	"slices"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// headIndex is what the PR's file list (its net diff, head side) says about
// where each secret sits at head.
type headIndex struct {
	// lines holds, per path and raw secret, the 1-based head lines that
	// hold it.
	lines map[string]map[string][]int
}

// at returns the 1-based lines of path at head that hold raw; nil when the
// file list shows none.
func (h *headIndex) at(path, raw string) []int {
	if h == nil {
		return nil
	}
	return h.lines[path][raw]
}

// mergeAPI moves the findings of an API-mode PR scan into col: commits
// holds what each commit added (credited to that commit), files what the
// PR's file list adds at head. The same secret at the same path from both
// is one location, the commit's (the one that introduced it); a
// file-list location without a commit counterpart (a patch the
// commit listing omitted) is kept, credited to head. When the file list
// was complete (filesComplete), a commit location of a secret the list
// does not hold at head is marked not at head, as the local diff source
// marks it; otherwise it is left unknown. It returns the index of head lines that
// review comments and annotations are placed with.
func mergeAPI(col *scanner.Collector, commits, files []scanner.Finding, head string, filesComplete bool) *headIndex {
	h := &headIndex{lines: map[string]map[string][]int{}}
	atHead := map[string]map[string]bool{} // id -> path
	for _, f := range files {
		raw := f.Secret.Reveal()
		for _, l := range f.Locations {
			if l.InnerPath != "" || l.Object != "" || l.Change == scanner.Removed {
				continue
			}
			if atHead[f.ID] == nil {
				atHead[f.ID] = map[string]bool{}
			}
			atHead[f.ID][l.Path] = true
			if h.lines[l.Path] == nil {
				h.lines[l.Path] = map[string][]int{}
			}
			if l.Line > 0 && !slices.Contains(h.lines[l.Path][raw], l.Line) {
				h.lines[l.Path][raw] = append(h.lines[l.Path][raw], l.Line)
			}
		}
	}
	inCommits := map[string]map[string]bool{} // id -> path
	for _, f := range commits {
		for _, l := range f.Locations {
			if l.Change != scanner.Removed && l.Object == "" {
				if inCommits[f.ID] == nil {
					inCommits[f.ID] = map[string]bool{}
				}
				inCommits[f.ID][l.Path] = true
				// As the local diff source does: at head when the secret is
				// anywhere in head's tree, at this path or another.
				at := len(atHead[f.ID]) > 0
				if at || filesComplete {
					l.AtHead = &at
				}
			}
			col.AddLocation(f.Kind, f.Secret, f.UserID, l)
		}
	}
	yes := true
	for _, f := range files {
		for _, l := range f.Locations {
			if inCommits[f.ID][l.Path] && l.Change != scanner.Removed {
				continue
			}
			if l.Change != scanner.Removed && l.Object == "" {
				l.AtHead = &yes
			}
			col.AddLocation(f.Kind, f.Secret, f.UserID, l)
		}
	}
	return h
}
