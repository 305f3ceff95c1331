package action

// eventName is the GITHUB_EVENT_NAME of a run: what triggered the workflow
// decides what the Action scans.
type eventName string

// The events the Action acts on.
const (
	evPullRequest       eventName = "pull_request"
	evPullRequestTarget eventName = "pull_request_target"
	evPush              eventName = "push"
	evMergeGroup        eventName = "merge_group"
	evSchedule          eventName = "schedule"
	evWorkflowDispatch  eventName = "workflow_dispatch"
)

// isPR reports whether the event is a pull request (either kind).
func (e eventName) isPR() bool { return e == evPullRequest || e == evPullRequestTarget }

// isPRTarget reports whether the event is pull_request_target, whose
// checkout holds the base branch and must not be read as the PR.
func (e eventName) isPRTarget() bool { return e == evPullRequestTarget }

// addsCommits reports whether the event defines a range of commits to
// scan (mode diff).
func (e eventName) addsCommits() bool { return e.isPR() || e == evPush || e == evMergeGroup }

// isScheduled reports whether the event is a scheduled or manual run, which
// scans the whole history.
func (e eventName) isScheduled() bool { return e == evSchedule || e == evWorkflowDispatch }
