package scanner

// Kind names a family of ClickUp credential. The values are part of the
// JSON contract.
type Kind string

// The credential kinds ClickUp issues.
const (
	PersonalToken     Kind = "personal_token"
	OAuthClientSecret Kind = "oauth_client_secret"
	OAuthAccessToken  Kind = "oauth_access_token"
	WebhookSecret     Kind = "webhook_secret"
)

// Kinds lists every kind, most severe first.
var Kinds = []Kind{OAuthClientSecret, PersonalToken, OAuthAccessToken, WebhookSecret}

// kindInfo is every fixed fact about one kind. A new kind is one more row
// in kindInfos (plus its matcher and its rotation steps in report); the
// scanner, every renderer and the guidance read their facts from here.
type kindInfo struct {
	rule     string // stable rule id, SARIF ruleId
	severity string // "critical", "high" or "medium"
	// rank orders kinds for display: personal tokens first (they give full
	// user access and never expire), then the others by severity.
	rank        int
	ruleName    string // PascalCase name SARIF viewers show
	title       string // human name, used in headlines
	description string // what it is and what a leak of it allows
	envName     string // the environment variable it belongs in by default
	// rotate is the one-line rotation action; user is the ClickUp user id,
	// already made safe to display, or "", env the variable to update.
	rotate func(user, env string) string
}

var kindInfos = map[Kind]kindInfo{
	PersonalToken: {
		rule: "clickup-personal-token", severity: "high", rank: 0,
		ruleName:    "ClickUpPersonalToken",
		title:       "ClickUp personal API token",
		description: "A ClickUp personal API token (pk_, the user id, _, 32 characters) was found. It never expires and gives full access to everything its user can see and do in ClickUp.",
		envName:     "CLICKUP_API_TOKEN",
		rotate: func(user, env string) string {
			s := "regenerate it in ClickUp (Settings > Apps > API Token > Regenerate)"
			if user != "" {
				s += " as user " + user
			}
			return s + ", then update " + env + " wherever it is deployed"
		},
	},
	OAuthClientSecret: {
		rule: "clickup-oauth-client-secret", severity: "critical", rank: 1,
		ruleName:    "ClickUpOAuthClientSecret",
		title:       "ClickUp OAuth client secret",
		description: "The client secret of a ClickUp OAuth app was found. With the client id it lets anyone act as the app in the OAuth flow; it belongs on a server only.",
		envName:     "CLICKUP_CLIENT_SECRET",
		rotate: func(_, env string) string {
			return "regenerate it in the ClickUp app's settings (Settings > Apps), keep it server-side, update " + env
		},
	},
	OAuthAccessToken: {
		rule: "clickup-oauth-access-token", severity: "medium", rank: 2,
		ruleName:    "ClickUpOAuthAccessToken",
		title:       "ClickUp OAuth access token",
		description: "A ClickUp OAuth access token was found. It acts as one user towards one app's granted workspaces and does not expire.",
		envName:     "CLICKUP_ACCESS_TOKEN",
		rotate: func(user, _ string) string {
			s := "revoke the app's authorization"
			if user != "" {
				s += " for user " + user
			}
			return s + " and re-authorize"
		},
	},
	WebhookSecret: {
		rule: "clickup-webhook-secret", severity: "medium", rank: 3,
		ruleName:    "ClickUpWebhookSecret",
		title:       "ClickUp webhook secret",
		description: "A ClickUp webhook secret was found. It lets anyone sign forged webhook deliveries that your endpoint will accept as ClickUp's.",
		envName:     "CLICKUP_WEBHOOK_SECRET",
		rotate: func(_, env string) string {
			return "delete and re-create the webhook, then update the verifier's " + env
		},
	},
}

// unknownKind holds the facts shown for a kind missing from kindInfos (a
// report read back from a newer version).
var unknownKind = kindInfo{
	rule: "clickup-unknown", severity: "medium", rank: 4,
	title:       "ClickUp credential",
	description: "A ClickUp credential was found.",
	envName:     "CLICKUP_API_TOKEN",
	rotate:      func(_, _ string) string { return "revoke it in ClickUp and issue a new one" },
}

func (k Kind) info() kindInfo {
	if i, ok := kindInfos[k]; ok {
		return i
	}
	return unknownKind
}

// Rule returns the stable rule id of a kind, used as SARIF ruleId.
func (k Kind) Rule() string { return k.info().rule }

// Severity returns "critical", "high" or "medium".
func (k Kind) Severity() string { return k.info().severity }

func (k Kind) rank() int { return k.info().rank }

// RuleName returns the PascalCase rule name SARIF viewers show; "" for an
// unknown kind.
func (k Kind) RuleName() string { return k.info().ruleName }

// Title returns the human name of the kind, as used in headlines and rule
// descriptions ("ClickUp personal API token").
func (k Kind) Title() string { return k.info().title }

// Description returns a paragraph saying what the kind of credential is
// and what a leak of it allows.
func (k Kind) Description() string { return k.info().description }

// EnvName returns the environment variable the credential belongs in when
// the scan saw no variable name of its own.
func (k Kind) EnvName() string { return k.info().envName }

// RotateAction returns the one-line rotation action for the kind; user is
// the ClickUp user id, already safe to display, or "", and env the
// variable to update.
func (k Kind) RotateAction(user, env string) string { return k.info().rotate(user, env) }

// Verification is what ClickUp's API said of a secret. The values are part
// of the JSON contract.
type Verification string

// The verification outcomes; the zero value means not checked.
const (
	NotVerified     Verification = ""
	VerifiedLive    Verification = "live"    // 200: the token works now
	VerifiedRevoked Verification = "revoked" // 401: ClickUp rejects it
	VerifiedUnknown Verification = "unknown" // 429, 5xx, timeout, network error, anything else
)

// SourceType names the kind of source a location came from. The values are
// part of the JSON contract.
type SourceType string

// The source types.
const (
	SourceDir     SourceType = "dir"
	SourceHistory SourceType = "history"
	SourceDiff    SourceType = "diff"
	SourceStaged  SourceType = "staged"
)

// Change says whether a diff location adds or removes the secret.
type Change string

// The changes of a diff location; the zero value is for other sources.
const (
	Added   Change = "added"
	Removed Change = "removed"
)

// Object says where a history match sat when not in a file at a path.
type Object string

// The objects; the zero value means a file at a path.
const (
	ObjectCommitMessage Object = "commit-message"
	ObjectTagMessage    Object = "tag-message"
	// ObjectBlob is an unreachable blob that no commit holds; Path is then
	// the blob id.
	ObjectBlob Object = "blob"
	// ObjectPRTitle and ObjectPRBody are the title and description of a
	// pull request, read from the event payload; Line is 1-based in them.
	ObjectPRTitle Object = "pr-title"
	ObjectPRBody  Object = "pr-body"
)
