package main

import (
	"bytes"
	"encoding/json"
	"os"
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
