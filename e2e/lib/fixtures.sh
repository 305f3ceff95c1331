# shellcheck shell=bash
# Fixtures for the end-to-end tests, made at run time: a FAKE ClickUp token,
# a git repository with a pull request in it, the event payload the runner
# would hand to the Action, and the INPUT_* variables it would set.

# css_has_placeholder_run succeeds when $1 holds what the matcher treats as a
# placeholder: a character repeated 3 times, a 3-long ascending or
# descending run (ABC, 123, CBA) or the words EXAMPLE / XXX.
css_has_placeholder_run() {
	local s=$1 i a b c
	[[ $s == *EXAMPLE* || $s == *XXX* ]] && return 0
	for ((i = 0; i + 2 < ${#s}; i++)); do
		printf -v a '%d' "'${s:i:1}"
		printf -v b '%d' "'${s:i+1:1}"
		printf -v c '%d' "'${s:i+2:1}"
		if ((a == b && b == c)) || ((b == a + 1 && c == b + 1)) || ((b == a - 1 && c == b - 1)); then
			return 0
		fi
	done
	return 1
}

# css_fake_token prints a random FAKE personal token in the real shape:
# pk_ + 8 digits + _ + 32 of [0-9A-Z]. It is made fresh on every run and
# never written anywhere but the fixture repository.
css_fake_token() {
	local uid body
	while :; do
		uid=$(head -c 512 /dev/urandom | LC_ALL=C tr -dc '0-9')
		uid=${uid:0:8}
		body=$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc '0-9A-Z')
		body=${body:0:32}
		[[ ${#uid} -eq 8 && ${uid:0:1} != 0 && ${#body} -eq 32 ]] || continue
		css_has_placeholder_run "$uid" && continue
		css_has_placeholder_run "$body" && continue
		printf 'pk_%s_%s\n' "$uid" "$body"
		return 0
	done
}

# css_redacted prints the form the project shows for a personal token
# (pk_<user id>_…<last 4>), for assertions and failure messages.
css_redacted() {
	local t=$1 rest
	rest=${t#pk_}
	printf 'pk_%s_…%s\n' "${rest%%_*}" "${t: -4}"
}

# css_git runs git with a fixed identity and no user or system config, so
# that the fixture does not depend on the machine.
css_git() {
	GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
		GIT_AUTHOR_NAME='E2E Author' GIT_AUTHOR_EMAIL='e2e@example.invalid' \
		GIT_COMMITTER_NAME='E2E Author' GIT_COMMITTER_EMAIL='e2e@example.invalid' \
		git "$@"
}

# css_make_pr_repo builds the repository a pull_request job checks out:
# main with one commit (the PR base), branch feature with two commits (the
# PR head; the first adds src/clickup.js, whose line 3 holds $2 when $2 is
# not empty), and HEAD detached at the merge of feature into main, the way
# actions/checkout leaves refs/pull/N/merge. It prints "base head merge".
css_make_pr_repo() {
	local repo=$1 token=${2:-} base head merge stripe
	mkdir -p "$repo"
	css_git -C "$repo" init -q -b main
	printf '# Fixture service\n\nTalks to ClickUp.\n' >"$repo/README.md"
	css_git -C "$repo" add README.md
	css_git -C "$repo" commit -q -m 'Initial commit'
	base=$(css_git -C "$repo" rev-parse HEAD)
	css_git -C "$repo" checkout -q -b feature
	mkdir -p "$repo/src"
	{
		printf '// ClickUp client settings.\n'
		printf 'const baseURL = "https://api.clickup.com/api/v2";\n'
		if [[ -n $token ]]; then
			printf 'const clickupToken = "%s";\n' "$token"
		else
			printf 'const clickupToken = process.env.CLICKUP_TOKEN;\n'
		fi
		printf 'module.exports = { baseURL, clickupToken };\n'
	} >"$repo/src/clickup.js"
	css_git -C "$repo" add src/clickup.js
	css_git -C "$repo" commit -q -m 'Add the ClickUp client'
	# Not ClickUp: a Stripe-style publishable key must never be reported.
	stripe=$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc 'a-zA-Z0-9')
	printf 'STRIPE_PUBLISHABLE_KEY=pk_test_%s\n' "${stripe:0:24}" >"$repo/payments.env"
	css_git -C "$repo" add payments.env
	css_git -C "$repo" commit -q -m 'Add payments settings'
	head=$(css_git -C "$repo" rev-parse HEAD)
	css_git -C "$repo" checkout -q --detach main
	css_git -C "$repo" merge -q --no-ff -m "Merge $head into $base" feature
	merge=$(css_git -C "$repo" rev-parse HEAD)
	printf '%s %s %s\n' "$base" "$head" "$merge"
}

# css_make_pr_event rewrites the octokit pull_request/opened example so that
# its base and head point into the fixture repository, as the runner's
# event.json would.
css_make_pr_event() {
	local src=$1 dst=$2 base=$3 head=$4
	jq --arg base "$base" --arg head "$head" '
		.pull_request.base.sha = $base | .pull_request.base.ref = "main" |
		.pull_request.head.sha = $head | .pull_request.head.ref = "feature" |
		.pull_request.commits = 2' "$src" >"$dst"
	[[ $(jq -r '.pull_request.head.sha' "$dst") == "$head" ]] || css_die "could not rewrite $src"
}

# css_action_inputs prints NAME=VALUE lines, one per input that action.yml
# ($1) declares with a default, the way the runner turns them into INPUT_*
# variables; extra NAME=VALUE arguments override a default, as a workflow's
# `with:` would. ${{ github.token }} becomes a fake token since no test here
# has network.
css_action_inputs() {
	local action_yml=$1
	shift
	[[ -f $action_yml ]] || css_die "$action_yml is missing"
	local -A values=()
	local -a order=()
	local name value kv
	while IFS=$'\t' read -r name value; do
		order+=("$name")
		values[$name]=$value
	done < <(awk '
		/^[^[:space:]#]/ { inputs = ($0 ~ /^inputs:[[:space:]]*$/); next }
		inputs && /^  [A-Za-z0-9_-]+:[[:space:]]*$/ { name = $1; sub(/:$/, "", name); next }
		inputs && name != "" && /^    default:/ {
			v = $0; sub(/^    default:[[:space:]]*/, "", v)
			if (v ~ /^".*"$/ || v ~ /^\047.*\047$/) v = substr(v, 2, length(v) - 2)
			printf "%s\t%s\n", name, v
		}' "$action_yml")
	for kv in "$@"; do
		name=${kv%%=*}
		[[ -v values[$name] ]] || order+=("$name")
		values[$name]=${kv#*=}
	done
	for name in "${order[@]}"; do
		value=${values[$name]}
		[[ $value == '${{ github.token }}' ]] && value='ghs_e2eFakeTokenWithoutAnyNetworkAccess0'
		printf '%s=%s\n' "$name" "$value"
	done
}

# css_output_value prints the value of output $2 from a GITHUB_OUTPUT file
# $1, in either form the runner accepts: name=value or name<<DELIM.
css_output_value() {
	awk -v want="$2" '
		delim != "" { if ($0 == delim) { delim = ""; if (cur == want) { print val; found = 1 } } else { val = (val == "" ? $0 : val "\n" $0) }; next }
		index($0, "<<") > 0 && (index($0, "=") == 0 || index($0, "<<") < index($0, "=")) {
			cur = substr($0, 1, index($0, "<<") - 1); delim = substr($0, index($0, "<<") + 2); val = ""; next
		}
		index($0, "=") > 0 { if (substr($0, 1, index($0, "=") - 1) == want) { print substr($0, index($0, "=") + 1); found = 1 } }
		END { exit !found }' "$1"
}
