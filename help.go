package main

// helps holds each command's help besides its flags (see writeHelp).
var helps = map[string]helpText{
	"dir": {
		synopsis: "dir [flags] PATH...",
		description: `Scans files and directories (build output, archives inside them) for ClickUp
credentials. PATH - reads standard input, reported as path "-".`,
		examples: []string{
			"clickup-secret-scan dir dist",
			"clickup-secret-scan dir build --format json --output report.json",
			"kubectl get secret app -o yaml | clickup-secret-scan dir -",
		},
	},
	"history": {
		synopsis: "history [flags]",
		description: `Scans every commit of a git repository: each blob once, commit messages and
annotated tag messages, with the commit that introduced each finding.`,
		examples: []string{
			"clickup-secret-scan history",
			"clickup-secret-scan history --repo ../app --format sarif --output history.sarif",
			"clickup-secret-scan history --state .scan-state.json",
		},
	},
	"diff": {
		synopsis: "diff --base REV [flags]",
		description: `Scans every commit in base..head against its first parent: a token on an added
line is a new leak, one on a removed line is reported as removed (still in
history: rotate it).`,
		examples: []string{
			"clickup-secret-scan diff --base origin/main",
			"clickup-secret-scan diff --base v1.2.0 --head HEAD --format json",
		},
	},
	"org": {
		synopsis: "org [flags] OWNER",
		description: `Lists every repository of an organisation (or, with --user, a user) through
the GitHub API (GITHUB_API_URL, token from GITHUB_TOKEN or GH_TOKEN), clones
each one bare with the token in a header, and scans its full history. With
--shards N --list it prints a GitHub Actions matrix; --shard K/N scans one
shard. See docs/org.md.`,
		examples: []string{
			"clickup-secret-scan org my-org --format json --output org.json",
			"clickup-secret-scan org my-org --shards 8 --list",
			"clickup-secret-scan org my-org --shard 3/8 --cache-dir clones --state-dir states --sarif-dir sarif",
		},
	},
	"merge": {
		synopsis: "merge [flags] REPORT.json...",
		description: `Merges JSON reports (of org shards, or of history and dir runs) into one: one
finding per secret across repositories, stats summed, errors kept. A file that
is not a JSON report of this tool is refused (exit 2).`,
		examples: []string{
			"clickup-secret-scan merge shard-*.json --format json --output org.json",
			"clickup-secret-scan merge shard-*.json --summary summary.md",
		},
	},
	"staged": {
		synopsis: "staged [flags]",
		description: `Scans what the index adds relative to HEAD (everything staged in a repository
without commits). The pre-commit hook runs it. With --message-file it also
scans the commit message being written (what a commit-msg hook gets as $1).`,
		examples: []string{
			"clickup-secret-scan staged",
			"clickup-secret-scan staged --quiet",
			"clickup-secret-scan staged --quiet --message-file .git/COMMIT_EDITMSG",
		},
	},
	"install-hook": {
		synopsis: "install-hook [flags]",
		description: `Writes a pre-commit hook (in core.hooksPath when set) that runs
'clickup-secret-scan staged --quiet', and a commit-msg hook that scans the
commit message when this binary can. It refuses a binary that will not last
(go run, go test, the temporary directory): install it first, or use
--on-path. With --force an existing hook is kept and runs after ours.`,
		examples: []string{
			"clickup-secret-scan install-hook",
			"clickup-secret-scan install-hook --repo ../app --force",
		},
	},
	"audit": {
		synopsis: "audit [flags]",
		description: `Checks a repository against the ClickUp security checklist; exit 1 when a
check fails.`,
		examples: []string{
			"clickup-secret-scan audit",
			"clickup-secret-scan audit --repo ../app --format json",
		},
	},
	"baseline": {
		synopsis: "baseline [flags]",
		description: `Records the current findings' ids as ignored, so that a scan fails only on new
leaks. Findings an ignore rule already covers are skipped. Recorded tokens stay
leaked: rotate them.`,
		examples: []string{
			"clickup-secret-scan baseline",
			"clickup-secret-scan baseline --output -",
		},
	},
	"action": {
		synopsis: "action",
		description: `Runs as a GitHub Action: reads the inputs from INPUT_* variables and the event
from GITHUB_EVENT_PATH. See action.yml and docs/action.md.`,
		examples: []string{
			"INPUT_MODE=dir INPUT_PATHS=dist clickup-secret-scan action",
		},
	},
	"completion": {
		synopsis:    "completion bash|zsh|fish",
		description: `Prints a shell completion script for the commands and their flags.`,
		examples: []string{
			"source <(clickup-secret-scan completion bash)",
			"clickup-secret-scan completion zsh > \"${fpath[1]}/_clickup-secret-scan\"",
			"clickup-secret-scan completion fish > ~/.config/fish/completions/clickup-secret-scan.fish",
		},
	},
}
