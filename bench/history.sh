#!/usr/bin/env bash
# bench/history.sh: time `clickup-secret-scan history` against git + ripgrep
# on a realistic repository built at run time, and check that every planted
# token is found with the right introducing commit.
#
# The repository is generated with git fast-import from real source files
# already on the machine (Go's own sources by default): COMMITS commits on
# main (default 20,000), each adding or editing files, a few hundred MB of
# blobs, a side branch and an annotated tag, and fake ClickUp tokens planted
# at known commits (bench/history/gen). Then, in one run, it times:
#   ours   clickup-secret-scan history --format json
#   gitlog git log -p --all | rg -c PATTERN
#   floor  git cat-file --batch-all-objects ... | git cat-file --batch | rg -a -c PATTERN
#          (single-threaded git inflating every blob once)
#   state  a second `history --state` run on the unchanged repository
# with /usr/bin/time -v (wall clock, CPU, peak RSS), prints ratios, and exits
# non-zero when a planted token is missed or attributed to the wrong commit.
# Our runs also print the Go runtime's GC trace (GODEBUG=gctrace=1): the
# largest heap any cycle started or ended with is reported as peak heap.
# Peak RSS includes the pages of the memory-mapped pack that the scan
# touched: file-backed and clean, the kernel drops them under memory
# pressure and reads them again when needed, unlike the heap.
#
# Targets: peak heap < 128 MiB, peak RSS < 256 MiB, wall time no worse than
# 1.28x the floor (FAIL lines only, unless STRICT=1).
#
# With GITLEAKS=1 it also times gitleaks git --log-opts=--all on the same
# repository (bench/lib/gitleaks.sh: one ClickUp rule) and counts the
# planted tokens it finds.
#
# Usage: bench/history.sh            (WORK=dir to keep and reuse the repository,
#                                     COMMITS=n, SRC=dir of source files,
#                                     GITLEAKS=1, STRICT=1 to fail on a
#                                     missed performance target)
# Not run by CI: it takes several minutes on 2 cores.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
COMMITS=${COMMITS:-20000}
SRC=${SRC:-$(go env GOROOT)/src}
WORK=${WORK:-$(mktemp -d /tmp/history-bench.XXXXXX)}
PATTERN='pk_[0-9]{7,9}_[0-9A-Z]{32}'
mkdir -p "$WORK"

die() { echo "history.sh: $*" >&2; exit 1; }
# shellcheck source=lib/gitleaks.sh
. "$ROOT/bench/lib/gitleaks.sh"
# shellcheck source=lib/build.sh
. "$ROOT/bench/lib/build.sh"

if ! command -v rg >/dev/null; then
	echo "history.sh: ripgrep is missing; installing it" >&2
	apt-get install -y ripgrep >&2 || die "cannot install ripgrep (apt-get install -y ripgrep failed)"
fi
for tool in git jq awk /usr/bin/time; do
	command -v "$tool" >/dev/null || die "$tool is required"
done

echo "== building the binary and the generator" >&2
build_release_binary "$ROOT" "$WORK/clickup-secret-scan" && (cd "$ROOT" && go build -o "$WORK/gen" ./bench/history/gen)
BIN=$WORK/clickup-secret-scan
REPO=$WORK/repo.git

if [ ! -f "$WORK/marks.txt" ] || [ ! -d "$REPO" ]; then
	echo "== generating $COMMITS commits from $SRC into $REPO" >&2
	rm -rf "$REPO"
	git init -q --bare -b main "$REPO"
	start=$(date +%s)
	"$WORK/gen" -src "$SRC" -commits "$COMMITS" -expected "$WORK/expected.tsv" |
		git -C "$REPO" fast-import --quiet --export-marks="$WORK/marks.txt"
	echo "   generated in $(($(date +%s) - start)) s" >&2
fi
git -C "$REPO" count-objects -vH >&2
git -C "$REPO" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
	awk '{n[$1]++; s[$1]+=$2} END {for (k in n) printf "   %-6s %8d objects %10.1f MB\n", k, n[k], s[k]/1e6}' >&2
# Warm the page cache so that no contender pays for the first read.
cat "$REPO"/objects/pack/*.pack >/dev/null

# measure NAME CMD...: runs CMD under /usr/bin/time -v.
measure() {
	local name=$1
	shift
	echo "== $name: $*" >&2
	set +e
	/usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
	echo $? >"$WORK/$name.rc"
	set -e
}
# peakheap NAME: the largest heap in MiB in NAME's GC trace (gc N @t: ...
# A->B->C MB, G MB goal: A at the cycle's start, B at its end).
peakheap() {
	grep -o '[0-9]*->[0-9]*->[0-9]* MB' "$WORK/$1.err" | awk -F'[->]+' '{ if ($1 > m) m = $1; if ($2 > m) m = $2 } END { print m + 0 }'
}
# field NAME: wall seconds, user+sys seconds, peak RSS in MiB.
field() {
	awk -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
		/User time/ { cpu += $2 } /System time/ { cpu += $2 }
		/Maximum resident set size/ { rss = $2 / 1024 }
		END { printf "%.2f %.2f %.0f\n", wall, cpu, rss }' "$WORK/$1.time"
}

rm -f "$WORK/state.json"
measure ours env GODEBUG=gctrace=1 "$BIN" history --repo "$REPO" --format json --output "$WORK/ours.json"
measure gitlog sh -c "git -C '$REPO' log -p --all | rg -c '$PATTERN'"
measure floor sh -c "git -C '$REPO' cat-file --batch-all-objects --unordered --batch-check='%(objecttype) %(objectname)' | awk '\$1==\"blob\"{print \$2}' | git -C '$REPO' cat-file --batch | rg -a -c '$PATTERN'"
if [ "${GITLEAKS:-0}" = 1 ]; then
	GITLEAKS_BIN=$(ensure_gitleaks "$WORK") || die "could not build gitleaks"
	gitleaks_config "$WORK/gitleaks.toml"
	(cd "$ROOT" && go build -o "$WORK/gencorpus" ./bench/gencorpus) || die "go build of bench/gencorpus failed"
	# Only gitleaks is timed. Its report goes to stdout and only through
	# the pipe into the hasher: it holds the matched tokens raw.
	echo "== gitleaks: $GITLEAKS_BIN git $REPO --log-opts=--all" >&2
	set +e
	/usr/bin/time -v -o "$WORK/gitleaks.time" "$GITLEAKS_BIN" git "$REPO" --no-banner --log-level error -c "$WORK/gitleaks.toml" \
		--log-opts=--all --exit-code 0 --report-format json --report-path - 2>"$WORK/gitleaks.err" |
		jq -r '.[].Secret' | "$WORK/gencorpus" -hash >"$WORK/gitleaks.out"
	status=("${PIPESTATUS[@]}")
	set -e
	[ "${status[*]}" = "0 0 0" ] || die "gitleaks failed (exit statuses ${status[*]} for gitleaks, jq, hash): $(head -c 500 "$WORK/gitleaks.err")"
fi
measure state1 "$BIN" history --repo "$REPO" --format json --state "$WORK/state.json" --output "$WORK/state1.json"
measure state2 "$BIN" history --repo "$REPO" --format json --state "$WORK/state.json" --output "$WORK/state2.json"

[ "$(cat "$WORK/ours.rc")" = 1 ] || { cat "$WORK/ours.err" >&2; die "history exited $(cat "$WORK/ours.rc"), want 1 (findings)"; }
[ "$(cat "$WORK/state2.rc")" = 1 ] || { cat "$WORK/state2.err" >&2; die "incremental history exited $(cat "$WORK/state2.rc"), want 1"; }

echo "== checking every planted token" >&2
missed=0
check() {
	local report=$1
	jq -r '.findings[] | .id as $id | .locations[] | [$id, .path, .commit, (.object // "")] | @tsv' "$report" >"$report.tsv"
	while IFS=$'\t' read -r id path mark object; do
		[ "$path" = - ] && path=
		commit=$(awk -v m=":$mark" '$1 == m {print $2}' "$WORK/marks.txt")
		if ! grep -qxF "$(printf '%s\t%s\t%s\t%s' "$id" "$path" "$commit" "$object")" "$report.tsv"; then
			echo "MISSED in $(basename "$report"): finding ${id:0:12} at ${path:-<$object>} introduced by ${commit:0:12}" >&2
			missed=$((missed + 1))
		fi
	done <"$WORK/expected.tsv"
}
check "$WORK/ours.json"
check "$WORK/state2.json"
planted=$(wc -l <"$WORK/expected.tsv")

read -r ow oc orss <<<"$(field ours)"
read -r lw lc lrss <<<"$(field gitlog)"
read -r fw fc frss <<<"$(field floor)"
read -r s2w s2c s2rss <<<"$(field state2)"
blobs=$(jq .stats.files "$WORK/ours.json")
mb=$(jq '.stats.bytes / 1e6' "$WORK/ours.json")
printf '\n%-8s %9s %9s %9s\n' run wall_s cpu_s rss_MiB
printf '%-8s %9s %9s %9s\n' history "$ow" "$oc" "$orss" gitlog "$lw" "$lc" "$lrss" floor "$fw" "$fc" "$frss" state2 "$s2w" "$s2c" "$s2rss"
if [ "${GITLEAKS:-0}" = 1 ]; then
	read -r gw gc grss <<<"$(field gitleaks)"
	printf '%-8s %9s %9s %9s\n' gitleaks "$gw" "$gc" "$grss"
	planted_ids=$(cut -f1 "$WORK/expected.tsv" | sort -u)
	gl_found=$(grep -c -F -x -f <(echo "$planted_ids") "$WORK/gitleaks.out" || true)
	echo "gitleaks $GITLEAKS_VERSION found $gl_found of $(echo "$planted_ids" | wc -l) distinct planted tokens; history / gitleaks = $(awk -v o="$ow" -v g="$gw" 'BEGIN {printf "%.2f", o / g}')x wall"
fi
awk -v o="$ow" -v l="$lw" -v f="$fw" 'BEGIN { printf "\nhistory / floor = %.2fx wall; history / git-log pipeline = %.2fx wall\n", o / f, o / l }'
heap=$(peakheap ours)
pack_mib=$(du -cm "$REPO"/objects/pack/*.pack | awk 'END { print $1 }')
echo "history peak heap ${heap} MiB (GC trace), peak RSS ${orss} MiB, mapped pack ${pack_mib} MiB (file-backed, reclaimable)"
fail=0
awk -v h="$heap" 'BEGIN { exit !(h < 128) }' || { echo "FAIL: peak heap ${heap} MiB is not under 128 MiB"; fail=1; }
awk -v r="$orss" 'BEGIN { exit !(r < 256) }' || { echo "FAIL: peak RSS ${orss} MiB is not under 256 MiB"; fail=1; }
awk -v o="$ow" -v f="$fw" 'BEGIN { exit !(o <= 1.28 * f) }' || { echo "FAIL: history takes more than 1.28x the floor's wall time"; fail=1; }
echo "history scanned $blobs blobs, $mb MB; planted locations: $planted, missed: $missed"
echo "cores: $(nproc), load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "work dir: $WORK"
[ "$missed" = 0 ] || die "$missed planted location(s) missed"
awk -v r="$orss" 'BEGIN { exit !(r < 1024) }' || die "peak RSS ${orss} MiB is over 1 GiB"
[ "$fail" = 0 ] || [ "${STRICT:-0}" != 1 ] || die "a performance target was missed (STRICT=1)"
