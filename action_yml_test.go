package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/sethvargo/go-githubactions"
	"go.yaml.in/yaml/v4"

	"github.com/clickup-secret-scan/clickup-secret-scan/action"
)

// actionSchema compiles SchemaStore's schema for action.yml (copied with its
// licence into testdata/schemastore).
func actionSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/schemastore/github-action.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://json.schemastore.org/github-action.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// yamlAsJSON decodes YAML and re-encodes it as a JSON instance.
func yamlAsJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("action.yml is not YAML: %v", err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

type actionYML struct {
	Name        string
	Description string
	Branding    map[string]string
	Inputs      map[string]struct {
		Description string
		Required    bool
		Default     *string
	}
	Outputs map[string]struct{ Description string }
	Runs    struct {
		Using string
		Image string
	}
}

func TestActionYMLValidates(t *testing.T) {
	t.Parallel()
	s := actionSchema(t)
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(yamlAsJSON(t, data)); err != nil {
		t.Errorf("action.yml does not validate against SchemaStore's github-action.json:\n%v", err)
	}
	// The validator is not a yes-machine: SchemaStore's own negative
	// example must fail.
	neg, err := os.ReadFile("testdata/schemastore/negative_test__github-action__missing_items_in_run.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(yamlAsJSON(t, neg)); err == nil {
		t.Errorf("the negative example validated")
	}

	var a actionYML
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "docker" || !releaseImageRef.MatchString(a.Runs.Image) {
		t.Errorf("runs = %+v, want docker with image %s", a.Runs, releaseImageRef)
	}
	if a.Branding["icon"] == "" || a.Branding["color"] == "" {
		t.Errorf("branding = %v, want icon and color", a.Branding)
	}
	for name, in := range a.Inputs {
		if strings.TrimSpace(in.Description) == "" || in.Default == nil {
			t.Errorf("input %s lacks a description or a default", name)
		}
	}
	for _, name := range []string{"findings", "sarif-file", "live"} {
		if strings.TrimSpace(a.Outputs[name].Description) == "" {
			t.Errorf("output %s is not documented", name)
		}
	}
}

// TestActionYMLInputsMatchTheCode checks that the code reads every input
// action.yml declares and no other, and that every default is accepted as
// the runner passes it (INPUT_<NAME>, hyphens kept).
func TestActionYMLInputsMatchTheCode(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a actionYML
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	var declared []string
	for name, in := range a.Inputs {
		key := "INPUT_" + strings.ToUpper(name)
		declared = append(declared, key)
		if in.Default != nil && !strings.Contains(*in.Default, "${{") {
			env[key] = *in.Default
		}
	}
	var read []string
	getenv := func(k string) string {
		if strings.HasPrefix(k, "INPUT_") && !slices.Contains(read, k) {
			read = append(read, k)
		}
		return env[k]
	}
	in, err := action.ReadInputs(githubactions.New(githubactions.WithGetenv(getenv)))
	if err != nil {
		t.Fatalf("the defaults of action.yml are rejected: %v", err)
	}
	slices.Sort(declared)
	slices.Sort(read)
	if !slices.Equal(declared, read) {
		t.Errorf("inputs declared in action.yml:\n  %v\nread by the code:\n  %v", declared, read)
	}
	if in.Mode != "auto" || !in.FailOnFindings || !in.Comment || !in.Summary || in.TrackingIssue || in.Verify || in.SARIFFile != "clickup-secret-scan.sarif" || in.HistoryState != "" {
		t.Errorf("defaults read as %+v", in)
	}
}

// pinnedUses is how a workflow must name a third-party action: by full
// commit SHA, with the release it is in a comment (which dependabot keeps
// in step with the SHA).
var pinnedUses = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@[0-9a-f]{40} # v[0-9]+\.[0-9]+\.[0-9]+$`)

// TestWorkflowsPinActionsAndPermissions checks every workflow: each
// third-party action pinned by commit SHA with a version comment, and
// each job naming its own least permissions instead of the repository's
// default token scope.
func TestWorkflowsPinActionsAndPermissions(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(".github/workflows/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflow in .github/workflows (%v)", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			_, ref, ok := strings.Cut(line, "uses: ")
			if !ok || strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			ref = strings.TrimSpace(ref)
			if strings.HasPrefix(ref, "./") {
				continue
			}
			if !pinnedUses.MatchString(ref) {
				t.Errorf("%s:%d: uses %q, want owner/repo@<40-hex SHA> # vX.Y.Z", f, i+1, ref)
			}
		}
		var wf struct {
			Jobs map[string]struct {
				// Permissions is nil when the key is absent; `{}` (no
				// access at all) is an explicit, valid choice.
				Permissions any
			}
		}
		if err := yaml.Unmarshal(data, &wf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(wf.Jobs) == 0 {
			t.Errorf("%s: no jobs", f)
		}
		for name, job := range wf.Jobs {
			perms, isMap := job.Permissions.(map[string]any)
			if !isMap {
				t.Errorf("%s: job %s names no permissions map (got %v)", f, name, job.Permissions)
				continue
			}
			for scope, level := range perms {
				// issues: write keeps the tracking issue of the nightly
				// and org-wide scans.
				if level == "write" && !slices.Contains([]string{"contents", "packages", "id-token", "attestations", "pull-requests", "security-events", "issues"}, scope) {
					t.Errorf("%s: job %s asks %s: write, which no step here needs", f, name, scope)
				}
			}
		}
	}
}

func TestPinnedUses(t *testing.T) {
	t.Parallel()
	for ref, want := range map[string]bool{
		"actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1":                   true,
		"github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e # v4.36.2": true,
		"actions/checkout@v7":                                                false,
		"actions/checkout@3d3c42e5":                                          false,
		"actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1":          false,
		"actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # latest": false,
	} {
		if got := pinnedUses.MatchString(ref); got != want {
			t.Errorf("pinnedUses matches %q = %v, want %v", ref, got, want)
		}
	}
}
