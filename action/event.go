package action

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/clickup-secret-scan/clickup-secret-scan/internal/lazyre"
)

// zeroSHA is what push events carry in before (new branch) or after
// (deleted branch or tag).
const zeroSHA = "0000000000000000000000000000000000000000"

var shaRE = lazyre.New(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// Event is the part of $GITHUB_EVENT_PATH the Action reads.
type Event struct {
	Number      int `json:"number"`
	PullRequest *struct {
		Number int `json:"number"`
		Base   struct {
			SHA  string `json:"sha"`
			Ref  string `json:"ref"`
			Repo *struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"base"`
		Head struct {
			SHA  string `json:"sha"`
			Ref  string `json:"ref"`
			Repo *struct {
				FullName string `json:"full_name"`
				Fork     bool   `json:"fork"`
			} `json:"repo"`
		} `json:"head"`
	} `json:"pull_request"`
	Before  string `json:"before"`
	After   string `json:"after"`
	Ref     string `json:"ref"`
	Deleted bool   `json:"deleted"`
	Created bool   `json:"created"`
	Commits []struct {
		ID string `json:"id"`
	} `json:"commits"`
	MergeGroup *struct {
		BaseSHA string `json:"base_sha"`
		HeadSHA string `json:"head_sha"`
	} `json:"merge_group"`
	Repository *struct {
		FullName      string `json:"full_name"`
		DefaultBranch string `json:"default_branch"`
	} `json:"repository"`
}

// readEvent parses the payload at path. The payload is required for the
// events whose range it defines; for the others a missing file is fine.
func readEvent(path string, required bool) (*Event, error) {
	if path == "" {
		if required {
			return nil, fmt.Errorf("%w: GITHUB_EVENT_PATH is not set", ErrUsage)
		}
		return &Event{}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !required && os.IsNotExist(err) {
			return &Event{}, nil
		}
		return nil, fmt.Errorf("%w: failed to read the event payload %s: %w", ErrUsage, path, err)
	}
	e, err := parseEvent(data)
	if err != nil {
		return nil, fmt.Errorf("%w: failed to parse the event payload %s: %w", ErrUsage, path, err)
	}
	return e, nil
}

// parseEvent decodes a payload; unknown fields are ignored.
func parseEvent(data []byte) (*Event, error) {
	var e Event
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// prRange returns the PR's number and base..head, checking their shape.
func (e *Event) prRange() (number int, base, head string, err error) {
	if e.PullRequest == nil {
		return 0, "", "", fmt.Errorf("%w: the event payload has no pull_request object", ErrUsage)
	}
	number = e.PullRequest.Number
	if number == 0 {
		number = e.Number
	}
	base, head = e.PullRequest.Base.SHA, e.PullRequest.Head.SHA
	if number <= 0 || !shaRE().MatchString(base) || !shaRE().MatchString(head) {
		return 0, "", "", fmt.Errorf("%w: the event payload's pull_request lacks a number or base.sha/head.sha", ErrUsage)
	}
	return number, base, head, nil
}

// pushRange returns before..after of a push, checking their shape.
func (e *Event) pushRange() (before, after string, err error) {
	if !shaRE().MatchString(e.Before) || !shaRE().MatchString(e.After) {
		return "", "", fmt.Errorf("%w: the push payload lacks before/after commit ids", ErrUsage)
	}
	return e.Before, e.After, nil
}
