#!/usr/bin/env bash
# bench/org.sh: time `clickup-secret-scan org` on a generated organisation
# served by the fake GitHub of the tests (source/org/orgtest: the REST
# listing validated against GitHub's OpenAPI description, real git over
# smart HTTP through git http-backend, the token checked on every request).
#
# The organisation has REPOS repositories (default 120) of mixed size, made
# with git fast-import: most have 20 commits, one in ten has BIG/10 commits
# and one in forty BIG (default 3,000); one in five holds a fake ClickUp
# token. In one run it measures, with /usr/bin/time (wall clock, peak RSS):
#   cold   the whole organisation with --workers 1, 2 and 4 (fresh clones)
#   warm   the nightly rerun: --cache-dir and --state-dir primed by a first
#          run, no new commits, --workers 4 (target: under 0.2 s a repository)
# and checks that every run finds the same number of tokens and fails no
# repository. Peak RSS target: under 1 GiB at --workers 4.
#
# When trufflehog is on PATH, it also times
#   trufflehog github --org acme --endpoint <fake> --token ... --no-verification
# on the same organisation.
#
# Usage: bench/org.sh      (REPOS=n, BIG=n, WORK=dir to keep the files and
#                          reuse the generated repositories)
# Not run by CI: it takes a few minutes on 2 cores.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/build.sh
. "$ROOT/bench/lib/build.sh"
REPOS=${REPOS:-120}
BIG=${BIG:-3000}
WORK=${WORK:-$(mktemp -d /tmp/org-bench.XXXXXX)}
mkdir -p "$WORK"
die() { echo "org.sh: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "needs /usr/bin/time (apt-get install time)"

# A fake GitHub token, never a real one; it reaches the tools through the
# environment only.
FAKE_GITHUB_TOKEN="ghs_bench$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export FAKE_GITHUB_TOKEN

cd "$ROOT"
build_release_binary "$ROOT" "$WORK/clickup-secret-scan"
go build -o "$WORK/fakegithub" ./source/org/orgtest/fakegithub
mkdir -p "$WORK/srv"
echo "generating $REPOS repositories (biggest: $BIG commits), or reusing those in $WORK/srv..." >&2
start=$(date +%s)
"$WORK/fakegithub" -module "$ROOT" -dir "$WORK/srv" -repos "$REPOS" -big-commits "$BIG" >"$WORK/url" 2>"$WORK/fakegithub.log" &
srv=$!
trap 'kill "$srv" 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  [ -s "$WORK/url" ] && break
  kill -0 "$srv" 2>/dev/null || die "the fake GitHub died: $(cat "$WORK/fakegithub.log")"
  sleep 0.5
done
[ -s "$WORK/url" ] || die "the fake GitHub did not start"
echo "generated in $(( $(date +%s) - start )) s" >&2
export GITHUB_API_URL
GITHUB_API_URL=$(cat "$WORK/url")

# run NAME ARGS...: runs org, prints "NAME wall_s rss_mib findings" and checks the outcome.
run() {
  local name=$1; shift
  local code=0
  GITHUB_TOKEN=$FAKE_GITHUB_TOKEN /usr/bin/time -f "%e %M" -o "$WORK/$name.time" \
    "$WORK/clickup-secret-scan" org "$@" --format json --output "$WORK/$name.json" acme 2>"$WORK/$name.log" || code=$?
  [ "$code" = 1 ] || die "$name: exit $code (want 1: findings); see $WORK/$name.log"
  local found failed
  found=$(grep -c '"id": "' "$WORK/$name.json" || true)
  failed=$(grep -c 'FAILED' "$WORK/$name.log" || true)
  [ "$failed" = 0 ] || die "$name: $failed repositories failed; see $WORK/$name.log"
  # /usr/bin/time puts "Command exited with non-zero status" first.
  read -r wall rss < <(tail -n1 "$WORK/$name.time")
  printf '%-10s %8.2f s %8.0f MiB  %3d findings\n' "$name" "$wall" "$((rss / 1024))" "$found"
  echo "$found" >"$WORK/$name.found"
}

echo "organisation: $REPOS repositories; cores: $(nproc)"
printf '%-10s %10s %12s\n' run wall "peak RSS"
for w in 1 2 4; do
  run "cold-w$w" --workers "$w"
done
rm -rf "$WORK/cache" "$WORK/state"
run prime --workers 4 --cache-dir "$WORK/cache" --state-dir "$WORK/state"
run warm --workers 4 --cache-dir "$WORK/cache" --state-dir "$WORK/state"
for n in cold-w2 cold-w4 prime warm; do
  [ "$(cat "$WORK/$n.found")" = "$(cat "$WORK/cold-w1.found")" ] || die "$n found a different number of tokens than cold-w1"
done
read -r warm _ < <(tail -n1 "$WORK/warm.time")
read -r cold1 _ < <(tail -n1 "$WORK/cold-w1.time")
read -r cold4 _ < <(tail -n1 "$WORK/cold-w4.time")
awk -v w="$warm" -v n="$REPOS" -v c1="$cold1" -v c4="$cold4" 'BEGIN {
  printf "warm rerun: %.3f s a repository (target < 0.2)\n", w / n
  printf "cold --workers 4 vs 1: %.2fx faster\n", c1 / c4
}'
read -r _ rss4 < <(tail -n1 "$WORK/cold-w4.time")
[ "$rss4" -lt $((1024 * 1024)) ] || die "peak RSS at --workers 4 is $((rss4 / 1024)) MiB (target < 1024)"

if command -v trufflehog >/dev/null; then
  code=0
  /usr/bin/time -f "%e %M" -o "$WORK/trufflehog.time" trufflehog github --org acme \
    --endpoint "${GITHUB_API_URL%/api/v3}/api/v3" --token "$FAKE_GITHUB_TOKEN" --no-verification --json \
    >"$WORK/trufflehog.json" 2>"$WORK/trufflehog.log" || code=$?
  read -r wall rss < <(tail -n1 "$WORK/trufflehog.time")
  printf '%-10s %8.2f s %8.0f MiB  %3d findings (exit %d)\n' trufflehog "$wall" "$((rss / 1024))" \
    "$(grep -c ClickUp "$WORK/trufflehog.json" || true)" "$code"
else
  echo "trufflehog: not on PATH, not timed"
fi
echo "files kept in $WORK"
