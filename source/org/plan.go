package org

import (
	"encoding/json"
	"fmt"
	"io"
)

// planFormat names the plan file, so that another JSON file is refused.
const planFormat = "clickup-secret-scan/org-plan"

// planFile is what WritePlan writes: one listing, filtered, so that every
// shard job splits the same set (a listing minutes later may differ) and
// only the plan job spends API requests on listing.
type planFile struct {
	Format  string     `json:"format"`
	Version int        `json:"version"`
	Owner   string     `json:"owner"`
	Repos   []planRepo `json:"repositories"`
}

type planRepo struct {
	Owner    string `json:"owner"`
	Name     string `json:"name"`
	CloneURL string `json:"clone_url"`
	SizeKB   int64  `json:"size_kb"`
	Archived bool   `json:"archived,omitempty"`
	Fork     bool   `json:"fork,omitempty"`
}

// WritePlan writes the repositories of owner as a plan file.
func WritePlan(w io.Writer, owner string, repos []Repo) error {
	p := planFile{Format: planFormat, Version: 1, Owner: owner, Repos: []planRepo{}}
	for _, r := range repos {
		p.Repos = append(p.Repos, planRepo{r.Owner, r.Name, r.CloneURL, r.SizeKB, r.Archived, r.Fork})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// ReadPlan reads a plan file written by WritePlan for owner. It refuses a
// plan for another owner, and names outside GitHub's alphabet.
func ReadPlan(r io.Reader, owner string) ([]Repo, error) {
	var p planFile
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil || p.Format != planFormat || p.Version != 1 {
		return nil, fmt.Errorf("not an org plan file (version 1)")
	}
	if p.Owner != owner {
		return nil, fmt.Errorf("the plan is for %q, not %q", p.Owner, owner)
	}
	out := []Repo{}
	for _, pr := range p.Repos {
		if !validName(pr.Owner) || !validName(pr.Name) {
			return nil, fmt.Errorf("the plan holds an invalid name %q", pr.Owner+"/"+pr.Name)
		}
		out = append(out, Repo{Owner: pr.Owner, Name: pr.Name, CloneURL: pr.CloneURL, SizeKB: pr.SizeKB, Archived: pr.Archived, Fork: pr.Fork})
	}
	return out, nil
}
