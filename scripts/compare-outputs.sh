#!/usr/bin/env bash
# compare-outputs.sh OLD_REV [NEW_REV]: builds clickup-secret-scan at two git
# revisions and runs both on the same inputs: dir on testdata/dist, and
# history, diff, staged, audit and the Action (local mode, a pull_request
# event made from testdata) on one temporary repository. It diffs stdout,
# stderr, the exit code and the Action's file commands byte for byte, and
# exits 1 when any differ. NEW_REV defaults to the working tree.
#
# Example: scripts/compare-outputs.sh main
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OLD=${1:?usage: compare-outputs.sh OLD_REV [NEW_REV]}
NEW=${2:-}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=../e2e/lib/fixtures.sh
css_die() { echo "compare-outputs: $*" >&2; exit 2; }
. "$ROOT/e2e/lib/fixtures.sh"

# build REV OUT: the binary at REV ("" = the working tree).
build() {
	local rev=$1 out=$2 src
	if [[ -z $rev ]]; then
		src=$ROOT
	else
		src=$WORK/src-${out##*/}
		mkdir -p "$src"
		git -C "$ROOT" archive "$rev" | tar -x -C "$src"
	fi
	(cd "$src" && CGO_ENABLED=0 go build -ldflags "-X main.version=compare -X github.com/clickup-secret-scan/clickup-secret-scan/internal/version.stamped=compare" -o "$out" .)
}
build "$OLD" "$WORK/bin-old"
build "$NEW" "$WORK/bin-new"

# One repository for every git case, made once so that both binaries see
# the same commits: a pull request that adds a fake token, then a staged
# change that adds another.
read -r BASE HEAD MERGE <<<"$(css_make_pr_repo "$WORK/repo" "$(css_fake_token)")"
printf 'CLICKUP_API_TOKEN=%s\n' "$(css_fake_token)" >"$WORK/repo/staged.env"
css_git -C "$WORK/repo" add staged.env
css_make_pr_event "$ROOT/testdata/octokit-webhooks/payload-examples/api.github.com/pull_request/opened.payload.json" \
	"$WORK/event.json" "$BASE" "$HEAD"

# run NAME BIN ARGS...: runs one case in a fresh directory (the same path
# for both binaries, since outputs may name it) and keeps what it wrote.
run() {
	local name=$1 bin=$2 side=$3 rc=0
	shift 3
	local run=$WORK/run fc=$WORK/run/file_commands
	rm -rf "$run" && mkdir -p "$fc"
	: >"$fc/set_output" && : >"$fc/step_summary"
	(cd "$ROOT" && env -i PATH="$PATH" HOME="$WORK/run" "${ACTION_ENV[@]}" "$bin" "$@") \
		>"$run/stdout" 2>"$run/stderr" || rc=$?
	echo "$rc" >"$run/rc"
	mkdir -p "$WORK/out/$side"
	mv "$run" "$WORK/out/$side/$name"
}

ACTION_ENV=()
cases=(
	"dir-text|dir testdata/dist"
	"dir-json|dir --format json testdata/dist"
	"dir-sarif|dir --format sarif testdata/dist"
	"dir-usage|dir"
	"history-json|history --format json --repo $WORK/repo"
	"history-text|history --repo $WORK/repo"
	"diff-json|diff --format json --repo $WORK/repo --base $BASE --head $HEAD"
	"diff-sarif|diff --format sarif --repo $WORK/repo --base $BASE --head $HEAD"
	"diff-nobase|diff --repo $WORK/repo --base no-such-rev"
	"staged-text|staged --repo $WORK/repo"
	"staged-json|staged --format json --repo $WORK/repo"
	"audit-text|audit --repo $WORK/repo"
	"audit-json|audit --format json --repo $WORK/repo"
	"unknown-command|no-such-command"
)
for side in old new; do
	for c in "${cases[@]}"; do
		# shellcheck disable=SC2086 # the case's arguments are words
		run "${c%%|*}" "$WORK/bin-$side" "$side" ${c#*|}
	done
	# The Action may write into its workspace: give each side a fresh copy,
	# at the same path.
	rm -rf "$WORK/ws" && cp -a "$WORK/repo" "$WORK/ws"
	ACTION_ENV=(
		GITHUB_WORKSPACE="$WORK/ws" GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$WORK/event.json"
		GITHUB_OUTPUT="$WORK/run/file_commands/set_output" GITHUB_STEP_SUMMARY="$WORK/run/file_commands/step_summary"
		GITHUB_REPOSITORY=Codertocat/Hello-World GITHUB_SHA="$MERGE" GITHUB_API_URL=http://127.0.0.1:9
		GITHUB_SERVER_URL=https://github.com GITHUB_RUN_ID=4242
	)
	while IFS= read -r input; do
		key=${input%%=*}
		key=${key^^}
		ACTION_ENV+=("INPUT_${key// /_}=${input#*=}")
	done < <(css_action_inputs "$ROOT/action.yml" comment=false)
	run action-pr "$WORK/bin-$side" "$side" action
	ACTION_ENV=()
done

status=0
for c in "${cases[@]%%|*}" action-pr; do
	if diff -r "$WORK/out/old/$c" "$WORK/out/new/$c" >"$WORK/diff.txt"; then
		echo "same    $c (exit $(cat "$WORK/out/new/$c/rc"))"
	else
		echo "DIFFERS $c"
		# The diff holds only redacted values: outputs never print a secret.
		# head stops reading early: under pipefail that is no failure.
		{ sed 's/^/    /' "$WORK/diff.txt" | head -n 20; } || true
		status=1
	fi
done
exit "$status"
