#!/usr/bin/env bash
# End-to-end test of the release: scripts/release.sh and the image that
# action.yml runs.
#
# 1. Refusals: a malformed VERSION, a release VERSION that is not the tag
#    action.yml's runs.image names, and a non-empty OUTDIR exit 2 with a
#    clear message and write nothing.
# 2. A release build of action.yml's own tag is accepted (linux/amd64 only,
#    to keep it short) and its binary prints that version.
# 3. Two --snapshot runs of every platform: byte-identical archives and
#    checksums.txt; checksums.txt verifies; each archive holds exactly the
#    binary, LICENSE and README.md, owned by 0/0 with the commit's time;
#    every binary is static (CGO_ENABLED=0), trimmed and for its platform;
#    the linux/amd64 binary prints the version.
# 4. The image: Dockerfile.release is built with podman from the snapshot's
#    linux binaries (amd64 and arm64), tagged with action.yml's exact
#    reference, checked (size under 15 MB, OCI labels, no USER, arch), and
#    run through every Action scenario of e2e/container.sh.
#
# Needs go, git, tar, gzip, zip, unzip, sha256sum, podman, runc and root.
# A missing tool fails the test; it never skips. CSS_E2E_KEEP=1 keeps the
# scratch directory.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=e2e/lib/podman.sh
source "$ROOT/e2e/lib/podman.sh"

css_require go git tar gzip zip unzip sha256sum podman runc awk cmp
[[ $(id -u) -eq 0 ]] || css_die "run as root: podman here runs rootful (no subuid setup), like .ci/run"

RELEASE=$ROOT/scripts/release.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/css-release-e2e.XXXXXX")
cleanup() {
	if [[ -n ${CSS_E2E_KEEP:-} ]]; then
		css_log "kept $WORK (CSS_E2E_KEEP is set)"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

FAILURES=0
pass() { printf 'ok   %s\n' "$*"; }
fail() {
	printf 'FAIL %s\n' "$*"
	FAILURES=$((FAILURES + 1))
}
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# action.yml's runs.image, e.g. docker://ghcr.io/o/r:v1.0.0.
action_image=$(awk '/^runs:/ { r = 1; next } /^[^[:space:]#]/ { r = 0 } r && $1 == "image:" { print $2; exit }' "$ROOT/action.yml")
[[ $action_image == docker://*:v* ]] || css_die "action.yml runs.image is '$action_image', want docker://IMAGE:vX.Y.Z"
REF=${action_image#docker://}
TAG=${REF##*:}
start=$(date +%s)

# --- 1. refusals -------------------------------------------------------------
# refused NAME WANT_MESSAGE ARGS...: release.sh exits 2, says WANT_MESSAGE on
# stderr, and OUTDIR ($WORK/NAME) does not exist afterwards.
refused() {
	local name=$1 want=$2 rc=0
	shift 2
	"$RELEASE" "$@" "$WORK/$name" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
	check "refuses $name: exit 2 (got $rc)" test "$rc" -eq 2
	check "refuses $name: says '$want'" grep -qF "$want" "$WORK/$name.err"
	check "refuses $name: writes nothing" test ! -e "$WORK/$name"
}
for bad in 1.0.0 v1.0 v1 v01.0.0 v1.0.0+build.1 v1.0.0- 'v1.0.0-rc..1' 'v1.0.0 ' '' latest; do
	refused "malformed-version-'$bad'" "malformed version" --snapshot "$bad"
done
refused "release-not-action-yml-tag" "differs from the image tag action.yml runs ($TAG)" v99.0.0
refused "unknown-flag" "unknown flag --snapshots" --snapshots "$TAG"
mkdir -p "$WORK/nonempty" && : >"$WORK/nonempty/keep"
rc=0
"$RELEASE" --snapshot "$TAG" "$WORK/nonempty" >/dev/null 2>"$WORK/nonempty.err" || rc=$?
check "refuses a non-empty OUTDIR: exit 2 (got $rc)" test "$rc" -eq 2
check "refuses a non-empty OUTDIR: leaves it as it was" test "$(ls -A "$WORK/nonempty")" = keep

# --- 2. a release of action.yml's own tag ------------------------------------
rc=0
RELEASE_TARGETS=linux/amd64 "$RELEASE" "$TAG" "$WORK/tagged" >"$WORK/tagged.out" 2>&1 || rc=$?
check "release $TAG (action.yml's tag): exit 0 (got $rc)" test "$rc" -eq 0
got=$("$WORK/tagged/linux_amd64/clickup-secret-scan" version 2>&1 || true)
check "release $TAG: the binary prints 'clickup-secret-scan $TAG' (got '$got')" test "$got" = "clickup-secret-scan $TAG"

# --- 3. two snapshot runs ----------------------------------------------------
VERSION="$TAG-snapshot.$(git -C "$ROOT" rev-parse --short=7 HEAD 2>/dev/null || echo nogit)"
PLAIN=${VERSION#v}
EPOCH=$(git -C "$ROOT" log -1 --format=%ct HEAD)
for run in 1 2; do
	rc=0
	# Run 1 dates the archives at HEAD's commit time by default (checked
	# below); run 2 gets that time explicitly, so that a commit made while
	# the test runs cannot make the two differ.
	sde=()
	((run == 2)) && sde=(env "SOURCE_DATE_EPOCH=$EPOCH")
	"${sde[@]}" "$RELEASE" --snapshot "$VERSION" "$WORK/dist$run" >"$WORK/dist$run.log" 2>&1 || rc=$?
	if [[ $rc -ne 0 ]]; then
		tail -n 30 "$WORK/dist$run.log" >&2
		css_die "release.sh --snapshot $VERSION (run $run) exited $rc"
	fi
done
D=$WORK/dist1
want_archives=(
	"clickup-secret-scan_${PLAIN}_darwin_amd64.tar.gz"
	"clickup-secret-scan_${PLAIN}_darwin_arm64.tar.gz"
	"clickup-secret-scan_${PLAIN}_linux_amd64.tar.gz"
	"clickup-secret-scan_${PLAIN}_linux_arm64.tar.gz"
	"clickup-secret-scan_${PLAIN}_windows_amd64.zip"
)
got_archives=$(cd "$D" && ls -1 -- *.tar.gz *.zip | sort)
check "snapshot: the five archives, named as GoReleaser names them" \
	test "$got_archives" = "$(printf '%s\n' "${want_archives[@]}" | sort)"
check "snapshot: checksums.txt lists each archive once" \
	test "$(awk '{print $2}' "$D/checksums.txt" | sort)" = "$(printf '%s\n' "${want_archives[@]}" | sort)"
check "snapshot: sha256sum -c checksums.txt passes" bash -c 'cd "$1" && sha256sum --quiet -c checksums.txt' _ "$D"
check "snapshot: a tampered archive fails the checksum" bash -c '
	cd "$1" && cp "$2" tampered.tar.gz && printf x >>tampered.tar.gz &&
	sed "s/$2\$/tampered.tar.gz/" checksums.txt >t.sums && ! sha256sum --quiet -c t.sums >/dev/null 2>&1; rc=$?; rm -f tampered.tar.gz t.sums; exit $rc' _ "$D" "${want_archives[2]}"
for a in "${want_archives[@]}" checksums.txt; do
	check "reproducible: $a is byte-identical in two runs" cmp -s "$D/$a" "$WORK/dist2/$a"
done
for a in "${want_archives[@]}"; do
	case $a in
	*.tar.gz)
		bin=clickup-secret-scan
		listing=$(tar -tzf "$D/$a" | sort)
		owners=$(tar --numeric-owner -tvzf "$D/$a" | awk '{print $2}' | sort -u)
		x=$WORK/x/${a%.tar.gz}
		mkdir -p "$x" && tar -C "$x" -xzf "$D/$a"
		want_time=$EPOCH
		;;
	*.zip)
		bin=clickup-secret-scan.exe
		listing=$(unzip -Z1 "$D/$a" | sort)
		owners=0/0
		x=$WORK/x/${a%.zip}
		mkdir -p "$x" && TZ=UTC unzip -q -o "$D/$a" -d "$x"
		# zip -X keeps only the DOS time, which counts in 2 seconds (rounded up).
		want_time=$((EPOCH + EPOCH % 2))
		;;
	esac
	check "$a: holds exactly $bin, LICENSE and README.md" test "$listing" = "$(printf '%s\n' "$bin" LICENSE README.md | sort)"
	check "$a: entries owned by 0/0 (got $owners)" test "$owners" = 0/0
	check "$a: entries dated at the commit ($want_time)" test "$(stat -c %Y "$x/$bin")" = "$want_time"
	check "$a: LICENSE is the repository's" cmp -s "$x/LICENSE" "$ROOT/LICENSE"
	osarch=${a#clickup-secret-scan_"${PLAIN}"_}
	osarch=${osarch%%.*}
	info=$(go version -m "$x/$bin")
	check "$a: static (CGO_ENABLED=0), -trimpath, for ${osarch/_//}" bash -c '
		grep -qE "build\s+CGO_ENABLED=0" <<<"$1" && grep -qE "build\s+-trimpath=true" <<<"$1" &&
		grep -qE "build\s+GOOS=$2" <<<"$1" && grep -qE "build\s+GOARCH=$3" <<<"$1"' _ "$info" "${osarch%_*}" "${osarch#*_}"
done
got=$("$WORK/x/clickup-secret-scan_${PLAIN}_linux_amd64/clickup-secret-scan" version 2>&1 || true)
check "snapshot: the linux/amd64 binary prints 'clickup-secret-scan $VERSION' (got '$got')" test "$got" = "clickup-secret-scan $VERSION"
got=$("$WORK/x/clickup-secret-scan_${PLAIN}_linux_amd64/clickup-secret-scan" --version 2>&1 || true)
check "snapshot: --version prints the same (got '$got')" test "$got" = "clickup-secret-scan $VERSION"
check "snapshot: the image context has the linux binaries, the CA bundle and tmp/" \
	test -x "$D/linux_amd64/clickup-secret-scan" -a -x "$D/linux_arm64/clickup-secret-scan" -a -s "$D/ca-certificates.crt" -a -d "$D/tmp"

# --- 4. the image ------------------------------------------------------------
css_podman_setup "$WORK/podman"
REVISION=$(git -C "$ROOT" rev-parse HEAD)
build_image() {
	local arch=$1 tag=$2
	podman build --pull=never --platform "linux/$arch" -f "$ROOT/Dockerfile.release" \
		--build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION" \
		-t "$tag" "$D" >"$WORK/build-$arch.log" 2>&1 || {
		tail -n 30 "$WORK/build-$arch.log" >&2
		css_die "podman build of Dockerfile.release for $arch failed"
	}
}
ARM_TAG=localhost/clickup-secret-scan:e2e-release-arm64
build_image arm64 "$ARM_TAG"
check "arm64 image: built without emulation, architecture arm64" \
	test "$(podman image inspect --format '{{.Architecture}}' "$ARM_TAG")" = arm64
podman rmi -f "$ARM_TAG" >/dev/null 2>&1 || true
build_image amd64 "$REF"
size=$(podman image inspect --format '{{.Size}}' "$REF")
css_log "image $REF: $size bytes"
check "image size under 15 MB (got $size bytes)" test "$size" -lt 15000000
label() { podman image inspect --format "{{index .Labels \"org.opencontainers.image.$1\"}}" "$REF"; }
check "label source is the repository" test "$(label source)" = https://github.com/clickup-secret-scan/clickup-secret-scan
check "label version is $VERSION" test "$(label version)" = "$VERSION"
check "label revision is HEAD" test "$(label revision)" = "$REVISION"
check "label licenses is Apache-2.0" test "$(label licenses)" = Apache-2.0
check "image binary is the archive's binary" bash -c '
	id=$(podman create "$1") && podman cp "$id:/clickup-secret-scan" "$2/from-image" >/dev/null; rc=$?; podman rm -f "$id" >/dev/null; ((rc == 0)) && cmp -s "$2/from-image" "$3"' _ "$REF" "$WORK" "$D/linux_amd64/clickup-secret-scan"

css_log "running every Action scenario of e2e/container.sh against $REF"
if ! CSS_E2E_PREBUILT=1 CSS_E2E_IMAGE="$REF" CSS_E2E_VERSION="$VERSION" bash "$ROOT/e2e/container.sh"; then
	fail "e2e/container.sh against the released image $REF"
else
	pass "e2e/container.sh against the released image $REF"
fi

css_log "done in $(($(date +%s) - start))s"
if ((FAILURES > 0)); then
	css_die "$FAILURES check(s) failed"
fi
printf 'PASS e2e/release.sh\n'
