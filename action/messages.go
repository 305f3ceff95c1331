package action

// Commit messages and pull request text: a token pasted there is public the
// moment the branch is pushed or the pull request opened, and no later
// commit takes it back. Locations carry no path, so that no annotation or
// review comment points at a file line that does not exist.

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/clickup-secret-scan/clickup-secret-scan/scanner"
)

// scanMessage scans the message of a commit fetched from the API; base is
// the commit's location (source, commit, author, date). Line is 1-based in
// the message.
func (a *apiScanner) scanMessage(msg string, base scanner.Location) {
	if msg == "" {
		return
	}
	base.Path, base.Object, base.Change = "", scanner.ObjectCommitMessage, scanner.Added
	for _, m := range a.sc.ScanBytes([]byte(msg)) {
		a.col.Add(m, base)
	}
}

// prText is the part of a pull_request payload that people write.
type prText struct {
	PullRequest *struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	} `json:"pull_request"`
}

// scanPRText scans the title and body of the pull request in the event
// payload (pull_request and pull_request_target alike: the payload is
// GitHub's, not the PR's code). The payload was read and checked before;
// it is read again here rather than widening Event, whose fields are the
// ones the scan strategy relies on.
func (r *runner) scanPRText() {
	if !r.event.isPR() {
		return
	}
	path := r.env("GITHUB_EVENT_PATH")
	data, err := os.ReadFile(path)
	if err != nil {
		r.warn(fmt.Sprintf("the pull request title and body were NOT scanned: failed to read the event payload: %v", err))
		return
	}
	var p prText
	if err := json.Unmarshal(data, &p); err != nil || p.PullRequest == nil {
		r.warn("the pull request title and body were NOT scanned: the event payload has no readable pull_request object")
		return
	}
	for _, part := range []struct {
		obj  scanner.Object
		text string
	}{{scanner.ObjectPRTitle, p.PullRequest.Title}, {scanner.ObjectPRBody, p.PullRequest.Body}} {
		for _, m := range r.sc.ScanBytes([]byte(part.text)) {
			r.col.Add(m, scanner.Location{Source: scanner.SourceDiff, Object: part.obj, Change: scanner.Added})
		}
	}
}
