#!/usr/bin/env bash
# End-to-end test of the GitHub Action's container image.
#
# Builds the real Dockerfile with podman and runs the image the way GitHub's
# runner runs a Docker action (workspace owned by uid 1001 at
# /github/workspace, file commands under /github/file_commands, INPUT_*
# variables from action.yml's defaults, no network) against a fixture
# repository with a pull request that adds a FAKE token, then asserts the
# exit code, the outputs, the SARIF file, the job summary, the workflow
# commands on stdout, and that the raw token is printed nowhere. A clean
# pull request must exit 0, the default depth-1 checkout without network
# must still find the token in the checked-out files (exit 1), a nightly
# history scan with the history-state input must write its state into the
# workspace and then scan incrementally, and the image must also run `dir`.
#
# Needs podman, runc, debootstrap (first run only), git, jq and go, and root.
# A missing tool fails the test; it never skips. See "The container image" in README.md.
# CSS_E2E_KEEP=1 keeps the scratch directory (fixtures, outputs) for a look;
# CSS_E2E_IMAGE names the image; CSS_CACHE_DIR moves the cache.
# CSS_E2E_PREBUILT=1 skips the build and runs CSS_E2E_IMAGE as it is, which
# must then report version CSS_E2E_VERSION: e2e/release.sh runs the released
# image (Dockerfile.release) through every check below this way.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=e2e/lib/podman.sh
source "$ROOT/e2e/lib/podman.sh"
# shellcheck source=e2e/lib/fixtures.sh
source "$ROOT/e2e/lib/fixtures.sh"

css_require podman runc git jq go sha256sum awk
[[ $(id -u) -eq 0 ]] || css_die "run as root: podman here runs rootful (no subuid setup), like .ci/run"

IMAGE=${CSS_E2E_IMAGE:-localhost/clickup-secret-scan:e2e}
EVENT_SRC=$ROOT/testdata/octokit-webhooks/payload-examples/api.github.com/pull_request/opened.payload.json
[[ -f $EVENT_SRC ]] || css_die "missing fixture $EVENT_SRC"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/css-e2e.XXXXXX")
CONTAINERS=()
cleanup() {
	local c
	for c in "${CONTAINERS[@]}"; do
		podman rm -f --ignore "$c" >/dev/null 2>&1 || true
	done
	# Untagged build stages (about 500 MB each) would fill the cached store;
	# warm rebuilds are fast without them thanks to the Go cache volumes.
	[[ -n ${CSS_E2E_PREBUILT:-} ]] || podman image prune -f >/dev/null 2>&1 || true
	if [[ -n ${CSS_E2E_KEEP:-} ]]; then
		css_log "kept $WORK (CSS_E2E_KEEP is set)"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
# bash skips the EXIT trap when a signal kills it: turn `timeout`'s TERM
# (and ^C) into an exit, so containers and scratch files are still removed.
trap 'exit 143' TERM
trap 'exit 130' INT
css_podman_setup "$WORK/podman"

FAILURES=0
TOKEN=$(css_fake_token)
REDACTED=$(css_redacted "$TOKEN")

# redact replaces the raw token with its redacted form, so that no failure
# message or dumped log of this script can leak it.
redact() {
	sed "s/$TOKEN/[raw token, redacted: $REDACTED]/g"
}

pass() { printf 'ok   %s\n' "$*"; }
fail() {
	printf 'FAIL %s\n' "$*" | redact
	FAILURES=$((FAILURES + 1))
}
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
dump() {
	local f
	for f in "$@"; do
		printf -- '----- %s (token redacted) -----\n' "${f#"$WORK"/}"
		if [[ -f $f ]]; then head -c 4000 "$f" | redact; else printf '(missing)\n'; fi
		printf '\n'
	done
}

# --- build -----------------------------------------------------------------
start=$(date +%s)
if [[ -n ${CSS_E2E_PREBUILT:-} ]]; then
	[[ -n ${CSS_E2E_IMAGE:-} && -n ${CSS_E2E_VERSION:-} ]] || css_die "CSS_E2E_PREBUILT needs CSS_E2E_IMAGE and CSS_E2E_VERSION"
	podman image exists "$IMAGE" || css_die "CSS_E2E_PREBUILT: no image $IMAGE"
	VERSION=$CSS_E2E_VERSION
	css_log "running the prebuilt image $IMAGE"
else
	css_ensure_base_images "$ROOT/Dockerfile"
	VERSION="e2e-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	css_log "building $ROOT/Dockerfile as $IMAGE"
	# The Go module and build caches are bind-mounted from the cache directory
	# for the build's RUN steps only: the Dockerfile stays free of BuildKit-only
	# cache mounts, yet a warm rebuild after a source change does not compile
	# every dependency again. Nothing in them reaches the image's layers.
	GOCACHES=$(css_cache_dir)/go
	mkdir -p "$GOCACHES/mod" "$GOCACHES/build"
	if ! podman build --pull=never --network host --build-arg "VERSION=$VERSION" \
		-v "$GOCACHES/mod:/go/pkg/mod" -v "$GOCACHES/build:/root/.cache/go-build" \
		-f "$ROOT/Dockerfile" -t "$IMAGE" "$ROOT" >"$WORK/build.log" 2>&1; then
		tail -n 40 "$WORK/build.log" >&2
		css_die "podman build of the Dockerfile failed"
	fi
	css_log "image ready in $(($(date +%s) - start))s"
fi

check "image has no USER (Docker actions run as root)" \
	test -z "$(podman image inspect --format '{{.Config.User}}' "$IMAGE")"
check "image ENTRYPOINT is [/clickup-secret-scan action]" \
	test "$(podman image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE")" = '["/clickup-secret-scan","action"]'
got=$(podman run --rm --network none --entrypoint /clickup-secret-scan "$IMAGE" version 2>&1 || true)
check "binary reports the version stamped at build time ($VERSION)" test "$got" = "clickup-secret-scan $VERSION"

# --- running the Action like the runner does ------------------------------

# run_action CASE TOKEN [shallow]: makes the fixture repository and event
# for CASE, runs the image, and leaves everything under $WORK/CASE; the exit
# code is in $WORK/CASE/rc. An empty TOKEN makes a clean pull request.
# "shallow" makes the workspace a depth-1 fetch of refs/pull/2/merge, what
# actions/checkout does by default. Three globals change a run: RUN_EVENT
# names the event (default pull_request; schedule gets a schedule payload),
# RUN_INPUTS holds extra NAME=VALUE inputs, and RUN_REUSE=1 runs the Action
# again on the fixture repository CASE already has.
RUN_EVENT=pull_request
RUN_INPUTS=()
RUN_REUSE=0
run_action() {
	local name=$1 token=$2 shallow=${3:-} dir=$WORK/$1 shas base head merge input key rc
	mkdir -p "$dir/home" "$dir/workflow" "$dir/file_commands"
	if [[ $RUN_REUSE == 1 && -d $dir/repo ]]; then
		# The checkout belongs to uid 1001 by now, which git refuses to
		# read as root without this.
		merge=$(css_git -c safe.directory="$dir/repo" -C "$dir/repo" rev-parse HEAD)
	else
		shas=$(css_make_pr_repo "$dir/repo" "$token")
		read -r base head merge <<<"$shas"
		if [[ -n $shallow ]]; then
			css_git -C "$dir/repo" update-ref refs/pull/2/merge "$merge"
			mv "$dir/repo" "$dir/origin"
			css_git init -q "$dir/repo"
			css_git -C "$dir/repo" fetch -q --depth 1 "file://$dir/origin" refs/pull/2/merge
			css_git -C "$dir/repo" checkout -q --detach FETCH_HEAD
			[[ $(css_git -C "$dir/repo" rev-list --count HEAD) -eq 1 ]] || css_die "the shallow fixture is not shallow"
		fi
	fi
	if [[ $RUN_EVENT == pull_request ]]; then
		css_make_pr_event "$EVENT_SRC" "$dir/workflow/event.json" "$base" "$head"
	else
		printf '{"schedule": "17 3 * * *"}\n' >"$dir/workflow/event.json"
	fi
	: >"$dir/file_commands/set_output"
	: >"$dir/file_commands/step_summary"
	: >"$dir/file_commands/set_env"
	: >"$dir/file_commands/add_path"
	: >"$dir/file_commands/save_state"
	# As on GitHub-hosted runners: the checkout and the runner's files
	# belong to the runner user, not to the container's root.
	chown -R 1001:1001 "$dir/repo" "$dir/home" "$dir/workflow" "$dir/file_commands"
	local -a env=(
		-e HOME=/github/home -e CI=true -e GITHUB_ACTIONS=true
		-e GITHUB_WORKSPACE=/github/workspace
		-e GITHUB_EVENT_NAME="$RUN_EVENT" -e GITHUB_EVENT_PATH=/github/workflow/event.json
		-e GITHUB_OUTPUT=/github/file_commands/set_output
		-e GITHUB_STEP_SUMMARY=/github/file_commands/step_summary
		-e GITHUB_ENV=/github/file_commands/set_env -e GITHUB_PATH=/github/file_commands/add_path
		-e GITHUB_STATE=/github/file_commands/save_state
		-e GITHUB_REPOSITORY=Codertocat/Hello-World -e GITHUB_REPOSITORY_OWNER=Codertocat
		-e GITHUB_SHA="$merge" -e GITHUB_REF=refs/pull/2/merge -e GITHUB_REF_NAME=2/merge
		-e GITHUB_HEAD_REF=feature -e GITHUB_BASE_REF=main
		-e GITHUB_SERVER_URL=https://github.com -e GITHUB_API_URL=https://api.github.com
		-e GITHUB_GRAPHQL_URL=https://api.github.com/graphql
		-e GITHUB_RUN_ID=4242 -e GITHUB_RUN_NUMBER=7 -e GITHUB_RUN_ATTEMPT=1
		-e GITHUB_JOB=scan -e GITHUB_ACTION=__self -e GITHUB_WORKFLOW=secrets
		-e GITHUB_ACTOR=Codertocat -e GITHUB_TRIGGERING_ACTOR=Codertocat
		-e RUNNER_OS=Linux -e RUNNER_ARCH=X64 -e RUNNER_NAME='GitHub Actions 2'
		-e RUNNER_ENVIRONMENT=github-hosted -e RUNNER_TEMP=/home/runner/work/_temp
		-e RUNNER_TOOL_CACHE=/opt/hostedtoolcache
		-e RUNNER_WORKSPACE=/home/runner/work/Hello-World
	)
	# The runner upper-cases input names and keeps hyphens: INPUT_GITHUB-TOKEN.
	while IFS= read -r input; do
		key=${input%%=*}
		key=${key^^}
		env+=(-e "INPUT_${key// /_}=${input#*=}")
	done < <(css_action_inputs "$ROOT/action.yml" comment=false "${RUN_INPUTS[@]}")
	CONTAINERS+=("css-e2e-$$-$name")
	rc=0
	podman run --rm --name "css-e2e-$$-$name" --network none --workdir /github/workspace \
		-v "$dir/repo:/github/workspace" -v "$dir/home:/github/home" \
		-v "$dir/workflow:/github/workflow" -v "$dir/file_commands:/github/file_commands" \
		"${env[@]}" "$IMAGE" >"$dir/stdout" 2>"$dir/stderr" || rc=$?
	printf '%s\n' "$rc" >"$dir/rc"
}

# json_true FILTER FILE: FILE is JSON and FILTER yields true on it.
json_true() { jq -e "$1" "$2" >/dev/null 2>&1; }

# nonempty_file PATH: PATH is a regular file with content.
nonempty_file() { [[ -f $1 && -s $1 ]]; }

# at_least_one VALUE: VALUE is an integer >= 1.
at_least_one() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= 1)); }

# no_raw_token FILE...: the raw token must not appear in any of them.
# ::add-mask:: lines are the one exception on stdout: they are how the
# runner learns what to mask, and the runner never shows them.
no_raw_token() {
	local f
	for f in "$@"; do
		if grep -v '^::add-mask::' "$f" | grep -qF "$TOKEN"; then
			printf 'raw token found in %s\n' "${f#"$WORK"/}" >&2
			return 1
		fi
	done
}

# mask_before_annotations FILE: the first ::add-mask:: comes before the
# first annotation, so nothing the runner logs can show the token unmasked.
mask_before_annotations() {
	local mask ann
	mask=$(grep -n -m1 '^::add-mask::' "$1" | cut -d: -f1)
	ann=$(grep -n -m1 -E '^::(error|warning|notice)( |::)' "$1" | cut -d: -f1)
	[[ -n $mask && -n $ann && $mask -lt $ann ]]
}

# --- a pull request that adds a token -------------------------------------
run_action pr "$TOKEN"
D=$WORK/pr
OUT=$D/file_commands/set_output
SUMMARY=$D/file_commands/step_summary
rc=$(cat "$D/rc")
check "PR with a token: exit code 1 (got $rc)" test "$rc" -eq 1
findings=$(css_output_value "$OUT" findings || true)
check "PR with a token: output findings >= 1 (got '${findings}')" \
	at_least_one "$findings"
sarif=$(css_output_value "$OUT" sarif-file || true)
check "PR with a token: output sarif-file is set (got '${sarif}')" test -n "$sarif"
sarif_host=$D/repo/${sarif#/github/workspace/}
check "PR with a token: SARIF file exists in the workspace" nonempty_file "$sarif_host"
check "PR with a token: SARIF is valid JSON with version 2.1.0" \
	json_true '.version == "2.1.0" and (.runs | length) >= 1' "$sarif_host"
check "PR with a token: SARIF has at least one result" \
	json_true '[.runs[].results[]?] | length >= 1' "$sarif_host"
check "PR with a token: job summary is not empty" nonempty_file "$SUMMARY"
check "PR with a token: ::add-mask:: of the token on stdout" \
	grep -qxF "::add-mask::$TOKEN" "$D/stdout"
check "PR with a token: ::add-mask:: comes before any annotation" mask_before_annotations "$D/stdout"
check "PR with a token: ::error annotation on src/clickup.js line 3" \
	grep -qE '^::error [^:]*file=(/github/workspace/)?src/clickup\.js(,|::)[^:]*line=3(,|::)|^::error [^:]*line=3,[^:]*file=(/github/workspace/)?src/clickup\.js(,|::)' "$D/stdout"
check "PR with a token: no raw token in stdout, stderr, outputs, summary, SARIF" \
	no_raw_token "$D/stdout" "$D/stderr" "$OUT" "$SUMMARY" "$sarif_host"
leaks=$(grep -rlF "$TOKEN" "$D/repo" "$D/home" "$D/workflow" "$D/file_commands" --exclude-dir=.git | grep -vxF "$D/repo/src/clickup.js" || true)
check "PR with a token: no file the Action wrote holds the raw token (${leaks:-none})" test -z "$leaks"
check "PR with a token: the redacted token is shown (in the summary)" grep -qF "$REDACTED" "$SUMMARY"
check "PR with a token: the Action wrote to /github/file_commands as root over uid 1001 files" nonempty_file "$OUT"
if ((FAILURES > 0)); then
	dump "$D/stdout" "$D/stderr" "$OUT" "$SUMMARY"
fi

# --- a clean pull request ---------------------------------------------------
before=$FAILURES
run_action clean ""
C=$WORK/clean
rc=$(cat "$C/rc")
check "clean PR: exit code 0 (got $rc)" test "$rc" -eq 0
findings=$(css_output_value "$C/file_commands/set_output" findings || true)
check "clean PR: output findings=0 (got '${findings}')" test "$findings" = 0
check "clean PR: no ::error annotation" bash -c '! grep -q "^::error" "$1"' _ "$C/stdout"
if ((FAILURES > before)); then
	dump "$C/stdout" "$C/stderr" "$C/file_commands/set_output"
fi

# --- the default shallow checkout, without network -------------------------
# The base commit is not in the clone, so the Action must use the API, which
# --network none makes unreachable. It then scans the checked-out files as a
# last resort: the token at head (src/clickup.js line 3 of the merge
# commit) is found, exit 1, with a warning that the commit range was not
# scanned and that fetch-depth: 0 gives a complete scan.
before=$FAILURES
run_action shallow "$TOKEN" shallow
H=$WORK/shallow
rc=$(cat "$H/rc")
check "shallow checkout, no network: exit code 1, the token at head is found (got $rc)" test "$rc" -eq 1
check "shallow checkout, no network: ::error annotation on src/clickup.js line 3" \
	grep -qE '^::error [^:]*file=(/github/workspace/)?src/clickup\.js(,|::)[^:]*line=3(,|::)|^::error [^:]*line=3,[^:]*file=(/github/workspace/)?src/clickup\.js(,|::)' "$H/stdout"
check "shallow checkout, no network: warns that the commit range was NOT scanned" \
	grep -qE '^::warning::.*could NOT be scanned' "$H/stdout"
check "shallow checkout, no network: says fetch-depth: 0 gives a complete scan" \
	grep -qF 'fetch-depth: 0' "$H/stdout" "$H/stderr"
check "shallow checkout, no network: the redacted token is in the summary" \
	grep -qF "$REDACTED" "$H/file_commands/step_summary"
check "shallow checkout, no network: no raw token in stdout, stderr, outputs, summary" \
	no_raw_token "$H/stdout" "$H/stderr" "$H/file_commands/set_output" "$H/file_commands/step_summary"
if ((FAILURES > before)); then
	dump "$H/stdout" "$H/stderr" "$H/file_commands/set_output" "$H/file_commands/step_summary"
fi

# --- a nightly history scan with history-state, twice -----------------------
# The first run scans the whole history and writes the state into the
# workspace (where actions/cache would keep it), as root over a checkout
# owned by uid 1001; the second run scans incrementally and still reports
# the token, which the state itself never holds in clear.
before=$FAILURES
RUN_EVENT=schedule
RUN_INPUTS=(history-state=.cache/clickup-secret-scan-state.json)
run_action nightly "$TOKEN"
N=$WORK/nightly
STATE=$N/repo/.cache/clickup-secret-scan-state.json
rc=$(cat "$N/rc")
check "nightly history-state, first run: exit code 1, the token in history is found (got $rc)" test "$rc" -eq 1
check "nightly history-state, first run: the state file is written, valid JSON" json_true 'type == "object"' "$STATE"
check "nightly history-state, first run: a notice says the whole history was scanned" \
	grep -qE '^::notice::.*history-state .*did not exist yet' "$N/stdout"
check "nightly history-state, first run: no raw token in stdout, stderr, summary or the state file" \
	no_raw_token "$N/stdout" "$N/stderr" "$N/file_commands/step_summary" "$STATE"
RUN_REUSE=1
run_action nightly "$TOKEN"
rc=$(cat "$N/rc")
check "nightly history-state, second run: exit code 1, the token still reported (got $rc)" test "$rc" -eq 1
check "nightly history-state, second run: a notice says the scan was incremental" \
	grep -qE '^::notice::.*incremental scan' "$N/stdout"
check "nightly history-state, second run: the redacted token is in the summary" \
	grep -qF "$REDACTED" "$N/file_commands/step_summary"
check "nightly history-state, second run: no raw token in stdout, stderr, summary or the state file" \
	no_raw_token "$N/stdout" "$N/stderr" "$N/file_commands/step_summary" "$STATE"
RUN_EVENT=pull_request RUN_INPUTS=() RUN_REUSE=0
if ((FAILURES > before)); then
	dump "$N/stdout" "$N/stderr" "$N/file_commands/step_summary"
fi

# --- the CLI in the same image: dir ----------------------------------------
before=$FAILURES
CONTAINERS+=("css-e2e-$$-dir")
rc=0
podman run --rm --name "css-e2e-$$-dir" --network none --entrypoint /clickup-secret-scan \
	-v "$D/repo:/github/workspace:ro" "$IMAGE" dir /github/workspace \
	>"$WORK/dir.stdout" 2>"$WORK/dir.stderr" || rc=$?
check "dir /github/workspace in the image: exit code 1 (got $rc)" test "$rc" -eq 1
check "dir /github/workspace in the image: reports src/clickup.js" grep -qF 'src/clickup.js' "$WORK/dir.stdout"
check "dir /github/workspace in the image: no raw token in stdout or stderr" \
	no_raw_token "$WORK/dir.stdout" "$WORK/dir.stderr"
if ((FAILURES > before)); then
	dump "$WORK/dir.stdout" "$WORK/dir.stderr"
fi

css_log "done in $(($(date +%s) - start))s"
if ((FAILURES > 0)); then
	css_die "$FAILURES check(s) failed"
fi
printf 'PASS e2e/container.sh (%s)\n' "$IMAGE"
