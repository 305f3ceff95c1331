package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// TestSARIFLeavesOutMessages: a commit or tag message has no file, and
// GitHub code scanning rejects or misplaces a result without one; such
// locations are listed in run.properties and a notification instead.
func TestSARIFLeavesOutMessages(t *testing.T) {
	t.Parallel()
	tok := "pk_81234567_" + strings.Repeat("Q7", 16)
	sec := scanner.NewSecret(tok)
	f := scanner.Finding{ID: sec.ID(), Kind: scanner.PersonalToken, Secret: sec, Locations: []scanner.Location{
		{Source: scanner.SourceHistory, Object: scanner.ObjectCommitMessage, Commit: "1a2b3c4d5e6f", Line: 1, Column: 5},
		{Source: scanner.SourceHistory, Object: scanner.ObjectTagMessage, Path: "refs/tags/v0.1", Commit: "1a2b3c4d5e6f", Line: 2, Column: 1},
		{Source: scanner.SourceHistory, Path: "config/app.env", Commit: "1a2b3c4d5e6f", Line: 3, Column: 7},
		{Source: scanner.SourceDiff, Object: scanner.ObjectPRTitle, Line: 1, Column: 5},
		{Source: scanner.SourceDiff, Object: scanner.ObjectPRBody, Line: 4, Column: 2},
	}}
	var buf bytes.Buffer
	if err := Write(&buf, "sarif", Report{Mode: ModeHistory, Findings: []scanner.Finding{f}}); err != nil {
		t.Fatal(err)
	}
	if err := validateSARIF(t, buf.Bytes()); err != nil {
		t.Errorf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
	if strings.Contains(buf.String(), tok) {
		t.Fatalf("SARIF holds the raw token (redacted %s)", sec.Redacted())
	}
	var d struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
			}
			Invocations []struct {
				ToolExecutionNotifications []struct{ Message struct{ Text string } }
			}
			Properties struct {
				OmittedMessageFindings []struct{ ID, RuleID, Object, Commit, Ref, Redacted string }
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	run := d.Runs[0]
	if len(run.Results) != 1 || run.Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "config/app.env" {
		t.Fatalf("results %+v, want only the file location", run.Results)
	}
	om := run.Properties.OmittedMessageFindings
	objects := map[string]string{}
	for _, o := range om {
		objects[o.Object] = o.Ref
		if o.ID != sec.ID() || o.Redacted != sec.Redacted() {
			t.Errorf("omitted %+v, want id %s and the redacted value", o, sec.ID())
		}
	}
	if len(om) != 4 || len(objects) != 4 || objects["tag-message"] != "refs/tags/v0.1" {
		t.Errorf("omittedMessageFindings = %+v, want the commit message, the tag message, the PR title and body", om)
	}
	notes := run.Invocations[0].ToolExecutionNotifications
	if len(notes) == 0 || !strings.Contains(notes[0].Message.Text, "4 finding location(s) in commit or tag messages or pull request text") {
		t.Errorf("notifications %+v, want one counting the left-out locations", notes)
	}
}
