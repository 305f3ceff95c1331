#!/usr/bin/env bash
# bench/dir.sh: the `dir` benchmark. Not run in CI.
#
# Builds clickup-secret-scan, generates (or reuses a cached) ~300 MB
# build-output tree with bench/gencorpus, warms the page cache, then in the
# same run times
#   clickup-secret-scan dir --format json --output X CORPUS
#   rg -uu -a -c 'pk_[0-9]{7,9}_[0-9A-Z]{32}' CORPUS
# (median of --runs runs each, rounded up to whole rounds of 3 runs of
# every command in turn, with hyperfine and jq when installed; the ratios
# judged are the medians of each round's ratios), measures
# our peak RSS with GNU time, and checks that every planted token was found
# and nothing else was reported.
#
# Targets: peak RSS < 200 MB, every planted token found, no finding that
# was not planted, and a wall time of at most 1.5x ripgrep's on the
# text-heavy tree (--mix text) or at most 1.3x bench/floor's on the
# archive-heavy one (--mix build), where ripgrep, which opens no archive,
# is no fair measure.
#
# Two more commands are timed in the same run, to put that ratio in context:
#   bench/floor CORPUS   reads every file and inflates every archive with
#                        the scanner's decompressors, matching nothing: the
#                        least any scanner that opens the archives must pay
#   rg -uu -a -z -c ...  ripgrep asked to look inside .gz/.tgz too (it runs
#                        gzip per file and cannot open .zip/.jar)
#
# Exit status: 0 all correct (perf targets missed only print FAIL lines,
# unless --strict); 1 a planted token missed, a near miss reported, or a
# perf target missed under --strict; 2 a tool or build step failed.
#
# Usage: bench/dir.sh [--strict] [--size 300MB] [--seed 1] [--runs 3] [--mix build|text]
#                     [--cache DIR | --no-cache] [--profile] [--gitleaks]
#   --mix text generates a text-heavy tree instead (minified bundles, source
#              maps and CSS dense with near misses, about 1% archives): the
#              tree where matching, not inflating, is the cost.
#   --gitleaks also times one run of gitleaks (bench/lib/gitleaks.sh: built
#              with go install, one ClickUp rule, archives 3 deep) and counts
#              the planted tokens it finds and the near misses it reports.
#   --profile  also record a CPU profile of one scan with perf and print the
#              time by stage and the hottest functions (self and with
#              children); when main.go reads CLICKUP_SECRET_SCAN_CPUPROFILE,
#              also go tool pprof -top of the binary's own profile.
set -euo pipefail

size=300MB
seed=1
mix=build
runs=3
strict=0
profile=0
with_gitleaks=0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/clickup-secret-scan/bench"
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case "$1" in
	--strict) strict=1 ;;
	--profile) profile=1 ;;
	--gitleaks) with_gitleaks=1 ;;
	--size) size="$2"; shift ;;
	--seed) seed="$2"; shift ;;
	--mix) mix="$2"; shift ;;
	--runs) runs="$2"; shift ;;
	--cache) cache="$2"; shift ;;
	--no-cache) cache="" ;;
	-h | --help) usage; exit 0 ;;
	*) echo "dir.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if [ "$runs" -lt 3 ]; then
	echo "dir.sh: --runs must be at least 3 (a median of fewer says little)" >&2
	exit 2
fi

die() { echo "FAIL: $*" >&2; exit 2; }
say() { printf '\n== %s ==\n' "$*"; }

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/gitleaks.sh
. "$root/bench/lib/gitleaks.sh"
# shellcheck source=lib/build.sh
. "$root/bench/lib/build.sh"
work="$(mktemp -d "${TMPDIR:-/tmp}/dirbench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# --- tools -------------------------------------------------------------------
gnu_time() { /usr/bin/time --version 2>&1 | grep -q GNU; }
if ! command -v rg >/dev/null || ! command -v gzip >/dev/null || ! gnu_time || ! command -v hyperfine >/dev/null || ! command -v jq >/dev/null || { [ "$profile" = 1 ] && ! command -v perf >/dev/null; }; then
	if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
		say "installing missing tools"
		apt-get update -qq >&2 || true
		apt-get install -y ripgrep time hyperfine gzip jq >&2 || true
		if [ "$profile" = 1 ]; then
			apt-get install -y linux-perf >&2 || true
		fi
	fi
fi
command -v rg >/dev/null || die "ripgrep (rg) is required: apt-get install -y ripgrep"
command -v gzip >/dev/null || die "gzip is required (rg -z runs it): apt-get install -y gzip"
[ "$with_gitleaks" = 0 ] || command -v jq >/dev/null || die "--gitleaks needs jq: apt-get install -y jq"
gnu_time || die "GNU time at /usr/bin/time is required: apt-get install -y time"
[ "$profile" = 0 ] || command -v perf >/dev/null || die "--profile needs perf: apt-get install -y linux-perf"
have_hyperfine=0
if command -v hyperfine >/dev/null; then
	command -v jq >/dev/null || die "timing with hyperfine needs jq: apt-get install -y jq"
	have_hyperfine=1
fi

# --- build -------------------------------------------------------------------
say "build"
cd "$root"
build_release_binary "$root" "$work/clickup-secret-scan" || die "go build of clickup-secret-scan failed"
go build -o "$work/gencorpus" ./bench/gencorpus || die "go build of bench/gencorpus failed"
build_release_binary "$root" "$work/floor" ./bench/floor || die "go build of bench/floor failed"
bin="$work/clickup-secret-scan"
gen="$work/gencorpus"
echo "built $("$bin" version) with $(go version | cut -d' ' -f3)"

# --- corpus ------------------------------------------------------------------
# The cache key covers the generator's source and Go version, so a changed
# generator never reuses a stale corpus.
key="$({ cat bench/gencorpus/*.go; go version; echo "$size $seed $mix"; } | sha256sum | cut -c1-12)"
if [ -n "$cache" ]; then
	mkdir -p "$cache"
	corpus="$cache/corpus-$mix-$size-seed$seed-$key"
else
	corpus="$work/corpus"
fi
manifest="$corpus.manifest.json"
if [ -f "$manifest" ] && [ -d "$corpus" ]; then
	say "corpus (cached)"
else
	say "corpus (generating)"
	if [ -n "$cache" ]; then
		# Corpora of the same size and seed from an older generator are
		# stale: drop them rather than let 300 MB copies pile up.
		find "$cache" -maxdepth 1 -name "corpus-$mix-$size-seed$seed-*" ! -name "corpus-$mix-$size-seed$seed-$key*" -exec rm -rf {} +
	fi
	rm -rf "$corpus.tmp" "$corpus.tmp.manifest.json"
	start=$(date +%s.%N)
	"$gen" -out "$corpus.tmp" -size "$size" -seed "$seed" -mix "$mix" -manifest "$corpus.tmp.manifest.json" >/dev/null || die "gencorpus failed"
	echo "generated in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
	mv "$corpus.tmp" "$corpus"
	mv "$corpus.tmp.manifest.json" "$manifest"
fi
corpus_bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
corpus_files=$(find "$corpus" -type f | wc -l)
echo "$corpus: $corpus_files files, $corpus_bytes bytes"
echo "manifest: $manifest"

say "warming the page cache"
find "$corpus" -type f -exec cat {} + >/dev/null

# --- timing ------------------------------------------------------------------
pattern='pk_[0-9]{7,9}_[0-9A-Z]{32}'
ours_cmd="$(printf '%q dir --format json --output %q %q' "$bin" "$work/timed.json" "$corpus")"
rg_cmd="$(printf 'rg -uu -a -c %q %q' "$pattern" "$corpus")"
floor_cmd="$(printf '%q %q' "$work/floor" "$corpus")"
rgz_cmd="$(printf 'rg -uu -a -z -c %q %q' "$pattern" "$corpus")"
say "timing (median of $runs runs each, in interleaved rounds, $(nproc) cores)"
# The machine's speed drifts within seconds: a ratio of two commands timed
# one after the other, each over many runs, carries that drift. So every
# command is timed a few runs at a time, in rounds; each median pools
# every round's runs, and each ratio is the median of the rounds' ratios,
# each of commands timed within seconds of each other.
# median prints the median of the numbers on stdin, nothing when there are none.
median() { sort -g | awk '{v[NR]=$1} END {if (NR) {m=int((NR+1)/2); print (NR%2 ? v[m] : (v[m]+v[m+1])/2)}}'; }
per_round=3
rounds=$(((runs + per_round - 1) / per_round))
: >"$work/times.tsv" # round, name, wall seconds, cpu seconds (user + sys)
if [ "$have_hyperfine" = 1 ]; then
	for round in $(seq "$rounds"); do
		# -i: ours exits 1 when it finds tokens, which is the expected
		# outcome; the correctness run below checks its exit status.
		hyperfine --style none --warmup 1 --runs "$per_round" -i --export-json "$work/hf-$round.json" \
			-n ours "$ours_cmd" -n rg "$rg_cmd" -n floor "$floor_cmd" -n rg-z "$rgz_cmd" >/dev/null || die "hyperfine failed"
		# Per run: its wall time, and the round's mean CPU time.
		jq -r --arg round "$round" '.results[] | .command as $name | (.user + .system) as $cpu | .times[] | [$round, $name, ., $cpu] | @tsv' \
			"$work/hf-$round.json" >>"$work/times.tsv" || die "jq failed on hyperfine's report"
	done
else
	for cmd in "$ours_cmd" "$rg_cmd" "$floor_cmd" "$rgz_cmd"; do
		bash -c "$cmd" >/dev/null 2>&1 || true # warm-up
	done
	for round in $(seq "$rounds"); do
		for name in ours rg floor rg-z; do
			case $name in
			ours) cmd=$ours_cmd ;;
			rg) cmd=$rg_cmd ;;
			floor) cmd=$floor_cmd ;;
			rg-z) cmd=$rgz_cmd ;;
			esac
			for _ in $(seq "$per_round"); do
				/usr/bin/time -f '%e %U %S' -o "$work/t.txt" bash -c "$cmd" >/dev/null 2>&1 || true
				awk -v r="$round" -v n="$name" '{printf "%s\t%s\t%s\t%s\n", r, n, $1, $2 + $3}' "$work/t.txt" | tail -n 1 >>"$work/times.tsv"
			done
		done
	done
fi
wall_of() { awk -F'\t' -v n="$1" '$2==n {print $3}' "$work/times.tsv" | median; }
cpu_of() { awk -F'\t' -v n="$1" '$2==n {print $4}' "$work/times.tsv" | median; }
# round_ratios A B prints, per round, the median wall time of A over B's.
round_ratios() {
	local round a b
	for round in $(seq "$rounds"); do
		a=$(awk -F'\t' -v r="$round" -v n="$1" '$1==r && $2==n {print $3}' "$work/times.tsv" | median)
		b=$(awk -F'\t' -v r="$round" -v n="$2" '$1==r && $2==n {print $3}' "$work/times.tsv" | median)
		[ -n "$a" ] && [ -n "$b" ] && awk -v b="$b" 'BEGIN {exit !(b > 0)}' || die "round $round has no timing of $1 or $2"
		awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f\n", a / b}'
	done
}
ours_s=$(wall_of ours) rg_s=$(wall_of rg) floor_s=$(wall_of floor) rgz_s=$(wall_of rg-z)
ours_cpu=$(cpu_of ours) rg_cpu=$(cpu_of rg) floor_cpu=$(cpu_of floor) rgz_cpu=$(cpu_of rg-z)
echo "ours: median wall $ours_s s, cpu $ours_cpu s; rg: median wall $rg_s s, cpu $rg_cpu s"
echo "floor: median wall $floor_s s, cpu $floor_cpu s; rg -z: median wall $rgz_s s, cpu $rgz_cpu s"
[ -n "$ours_s" ] && [ -n "$rg_s" ] && [ -n "$floor_s" ] && [ -n "$rgz_s" ] || die "no timings recorded"
floor_bytes=$("$work/floor" "$corpus") || die "bench/floor failed on the corpus"

# --- correctness and memory ----------------------------------------------------
say "correctness run under GNU time"
set +e
/usr/bin/time -v -o "$work/time.txt" "$bin" dir --format json --output "$work/ours.json" "$corpus" 2>"$work/stderr.txt"
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	sed 's/^/  stderr: /' "$work/stderr.txt" | head -20 >&2
	die "clickup-secret-scan dir exited $rc, want 1 (findings)"
fi
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
rss_mb=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k / 1024}')

# The report and stderr must never hold a planted token in clear: look for
# any token-shaped string in them and compare its id with the manifest.
rg -a -o -N --no-filename "$pattern" "$work/ours.json" "$work/stderr.txt" | "$gen" -hash >"$work/leaked-ids.txt" || true
grep -o '"id": "[0-9a-f]*"' "$manifest" | cut -d'"' -f4 >"$work/planted-ids.txt"
leaked=$(grep -c -F -x -f "$work/planted-ids.txt" "$work/leaked-ids.txt" || true)

# Which planted tokens a plain regex sees; the raw matches only pass through
# the pipe into -hash.
rg -uu -a -o -N --no-filename "$pattern" "$corpus" | "$gen" -hash >"$work/rg-ids.txt"
set +e
"$gen" -check -manifest "$manifest" -findings "$work/ours.json" -rg-ids "$work/rg-ids.txt" >"$work/check.txt"
check_rc=$?
set -e
[ "$check_rc" -le 1 ] || die "gencorpus -check failed"
# Thousands of EXTRA lines would bury the summary: show the first 20.
awk '!/^EXTRA/' "$work/check.txt"
awk '/^EXTRA/' "$work/check.txt" | awk 'NR <= 20; END {if (NR > 20) printf "... and %d more EXTRA lines\n", NR - 20}'
result=$(grep '^RESULT ' "$work/check.txt")
field() { echo "$result" | tr ' ' '\n' | awk -F= -v k="$1" '$1==k {print $2}'; }

# --- gitleaks ----------------------------------------------------------------
if [ "$with_gitleaks" = 1 ]; then
	say "gitleaks $GITLEAKS_VERSION (one run: one ClickUp rule, archives 3 deep)"
	gitleaks_bin=$(ensure_gitleaks "${cache:-$work}") || die "could not build gitleaks"
	gitleaks_config "$work/gitleaks.toml"
	# The report goes to stdout and only through the pipe into -hash: it
	# holds the matched tokens raw.
	set +e
	/usr/bin/time -f '%e %U %S' -o "$work/gitleaks.time" "$gitleaks_bin" dir "$corpus" --no-banner --log-level error \
		-c "$work/gitleaks.toml" --max-archive-depth 3 --exit-code 0 --report-format json --report-path - 2>"$work/gitleaks.err" |
		jq -r 'length, .[].Secret' | { read -r n && echo "$n" >"$work/gitleaks-count.txt" && "$gen" -hash >"$work/gitleaks-ids.txt"; }
	status=("${PIPESTATUS[@]}")
	set -e
	if [ "${status[*]}" != "0 0 0" ] || ! grep -qx '[0-9][0-9]*' "$work/gitleaks-count.txt"; then
		die "gitleaks failed (exit statuses ${status[*]} for gitleaks, jq, hash): $(head -c 500 "$work/gitleaks.err")"
	fi
	read -r gl_s gl_user gl_sys <"$work/gitleaks.time"
	gl_cpu=$(awk -v u="$gl_user" -v s="$gl_sys" 'BEGIN {print u + s}')
	gl_findings=$(cat "$work/gitleaks-count.txt")
	# -hash prints each distinct id once.
	gl_planted=$(grep -c -F -x -f "$work/planted-ids.txt" "$work/gitleaks-ids.txt" || true)
	gl_unplanted=$(grep -v -c -F -x -f "$work/planted-ids.txt" "$work/gitleaks-ids.txt" || true)
	echo "gitleaks: $gl_s s wall, $gl_cpu s CPU, $gl_findings findings"
fi

# --- profile -----------------------------------------------------------------
if [ "$profile" = 1 ]; then
	say "CPU profile of one scan (perf, 1999 Hz)"
	perf record -q -F 1999 -g -o "$work/perf.data" -- "$bin" dir --format json --output /dev/null "$corpus" >/dev/null 2>&1 || true
	# Whole reports go to files first: a reader that stops early (head)
	# would kill perf with SIGPIPE under pipefail.
	perf report -i "$work/perf.data" --stdio --no-children --sort symbol >"$work/perf-self.txt" 2>/dev/null || true
	perf report -i "$work/perf.data" --stdio --children --sort symbol -g none >"$work/perf-children.txt" 2>/dev/null || true
	# Where time goes, by stage: cumulative shares of all samples (stages
	# nest: the matcher includes the base64 run search and blob decoding).
	echo "-- by stage (cumulative % of all samples)"
	stage() {
		awk -v sym="$2" -v label="$1" '$3 == "[.]" && $4 == sym {printf "  %-44s %s\n", label, $1; found=1} END {if (!found) printf "  %-44s (no samples)\n", label}' "$work/perf-children.txt"
	}
	mod=github.com/clickup-secret-scan/clickup-secret-scan
	stage "walk (source/dir walker)" "$mod/source/dir.(*walker).walkRoot"
	stage "file reads (pread syscalls)" "syscall.pread"
	stage "file reads (read syscalls)" "syscall.read"
	stage "archive inflate (klauspost/compress/flate)" "github.com/klauspost/compress/flate.(*decompressor).Read"
	stage "matcher (scanner.matchWindow)" "$mod/scanner.matchWindow"
	stage "  base64/context run search (forEachRun)" "$mod/scanner.forEachRun"
	stage "  base64 blob decode+scan (scanBlob)" "$mod/scanner.scanBlob"
	stage "  anchor search (findAnchors)" "$mod/scanner.findAnchors"
	stage "allocation (runtime.mallocgc)" "runtime.mallocgc"
	stage "GC workers (runtime.gcBgMarkWorker)" "runtime.gcBgMarkWorker"
	echo "-- self time, top 25"
	awk '/^ +[0-9]/ && n++ < 25 {sub(/ +- +- *$/, ""); print}' "$work/perf-self.txt"
	echo "-- with children (cumulative), top 40"
	awk '/^ +[0-9]/ && n++ < 40 {sub(/ +- +- *$/, ""); print}' "$work/perf-children.txt"
fi

if [ "$profile" = 1 ] && grep -q CLICKUP_SECRET_SCAN_CPUPROFILE "$root"/*.go; then
	# The binary's own pprof hook, once main.go has it, gives Go-level detail
	# (inlined functions included) that perf cannot.
	say "CPU profile of one scan (pprof via CLICKUP_SECRET_SCAN_CPUPROFILE)"
	CLICKUP_SECRET_SCAN_CPUPROFILE="$work/cpu.pprof" "$bin" dir --format json --output /dev/null "$corpus" >/dev/null 2>&1 || true
	if [ -s "$work/cpu.pprof" ]; then
		go tool pprof -top -nodecount=15 "$bin" "$work/cpu.pprof" 2>/dev/null || echo "go tool pprof failed"
		go tool pprof -top -cum -nodecount=25 "$bin" "$work/cpu.pprof" 2>/dev/null | tail -n 26 || true
	else
		echo "the hook wrote no profile"
	fi
fi

# --- summary -----------------------------------------------------------------
say "summary"
rg_rounds=$(round_ratios ours rg | tr '\n' ' ')
floor_rounds=$(round_ratios ours floor | tr '\n' ' ')
ratio=$(echo "$rg_rounds" | tr ' ' '\n' | grep . | median)
floor_ratio=$(echo "$floor_rounds" | tr ' ' '\n' | grep . | median)
mbps=$(awk -v n="$corpus_bytes" -v s="$ours_s" 'BEGIN {printf "%.0f", n / s / 1e6}')
fail=0
perf_fail=0
printf 'corpus            %s files, %s bytes (seed %s), %s cores\n' "$corpus_files" "$corpus_bytes" "$seed" "$(nproc)"
printf 'ours (dir)        median %.3f s  (%s MB/s on disk; scanned %s bytes incl. decompressed)\n' "$ours_s" "$mbps" "$(field bytes)"
printf 'ripgrep -uu -a -c median %.3f s\n' "$rg_s"
printf 'floor (read+inflate, no matching) median %.3f s  (%s bytes; %.2fx ripgrep: the least a scanner opening the archives pays)\n' \
	"$floor_s" "$floor_bytes" "$(awk -v a="$floor_s" -v b="$rg_s" 'BEGIN {print a / b}')"
printf 'ripgrep -uu -a -z -c median %.3f s  (also inflates .gz/.tgz, with a gzip process each; no .zip/.jar)\n' "$rgz_s"
printf 'cpu (user+sys)    floor %.2f s, ripgrep -z %.2f s\n' "$floor_cpu" "$rgz_cpu"
printf 'cpu (user+sys)    ours %.2f s, ripgrep %.2f s, ratio %s (less sensitive than wall time to other load; load average now %s)\n' \
	"$ours_cpu" "$rg_cpu" "$(awk -v a="$ours_cpu" -v b="$rg_cpu" 'BEGIN {printf "%.2f", a / b}')" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "rounds            ours/rg ${rg_rounds}; ours/floor ${floor_rounds}(median of each is judged)"
# check_ratio NAME VALUE LIMIT WHAT: a PASS or FAIL line for a wall-time target.
check_ratio() {
	if awk -v r="$2" -v l="$3" 'BEGIN {exit !(r <= l)}'; then
		echo "PASS wall time $1 = $2 (target <= $3, $4 tree)"
	else
		echo "FAIL wall time $1 = $2 (target <= $3, $4 tree)"
		perf_fail=1
	fi
}
if [ "$(field skipped)" != 0 ] || [ "$(field errors)" != 0 ]; then
	echo "note: the scan skipped or cut items (limits, errors); bench/floor applies no limits, so ours/floor below compares unequal work"
fi
if [ "$mix" = text ]; then
	check_ratio ours/rg "$ratio" 1.5 text-heavy
	echo "info wall time ours/floor = $floor_ratio (what matching adds to reading and inflating)"
else
	check_ratio ours/floor "$floor_ratio" 1.3 archive-heavy
	echo "info wall time ours/rg = $ratio (ripgrep opens no archive)"
fi
echo "info wall time ours/(rg -z) = $(awk -v a="$ours_s" -v b="$rgz_s" 'BEGIN {printf "%.2f", a / b}') (ripgrep made to look inside .gz/.tgz)"
if [ "$rss_kb" -lt $((200 * 1024)) ]; then
	echo "PASS peak RSS $rss_mb MB (target < 200 MB)"
else
	echo "FAIL peak RSS $rss_mb MB (target < 200 MB)"
	perf_fail=1
fi
if [ "$(field missed)" = 0 ]; then
	echo "PASS planted tokens found: $(field found) of $(field planted)"
else
	echo "FAIL planted tokens missed: $(field missed) of $(field planted) (see MISSED lines above)"
	fail=1
fi
if [ "$(field extra)" = 0 ]; then
	echo "PASS no finding outside the planted set ($(field placeholders) placeholders suppressed)"
else
	echo "FAIL $(field extra) findings that were not planted (near misses reported; see EXTRA lines above)"
	fail=1
fi
if [ "$leaked" = 0 ]; then
	echo "PASS no planted token in clear in the JSON report or stderr"
else
	echo "FAIL $leaked planted tokens in clear in the JSON report or stderr"
	fail=1
fi
echo "info ripgrep sees $(field rg_seen) of $(field planted) planted tokens (not the archived or encoded ones)"
if [ "$with_gitleaks" = 1 ]; then
	printf 'info gitleaks %s: %.2f s wall, %.2f s CPU (one run), %.0fx our wall time; found %s of %s planted tokens; reported %s findings, %s distinct values that were not planted\n' \
		"$GITLEAKS_VERSION" "$gl_s" "$gl_cpu" "$(awk -v a="$gl_s" -v b="$ours_s" 'BEGIN {print a / b}')" \
		"$gl_planted" "$(field planted)" "$gl_findings" "$gl_unplanted"
fi
echo "info scan stats: files=$(field files) skipped=$(field skipped) errors=$(field errors)"
echo "command: bench/dir.sh --size $size --seed $seed --runs $runs --mix $mix"
if [ "$fail" = 1 ]; then
	exit 1
fi
if [ "$perf_fail" = 1 ] && [ "$strict" = 1 ]; then
	exit 1
fi
exit 0
