#!/usr/bin/env bash
# Builds the release artifacts of clickup-secret-scan: static binaries for
# every supported platform, one archive each (named as GoReleaser names
# them) and checksums.txt. The release workflow and CI both run this script,
# so what CI checks is what a release ships. See docs/releasing.md.
#
# usage: scripts/release.sh [--snapshot] VERSION OUTDIR
#
#   VERSION   vMAJOR.MINOR.PATCH or vMAJOR.MINOR.PATCH-PRERELEASE (semver).
#             Without --snapshot it must be the tag of the image action.yml
#             runs, so a release never ships an action.yml that points at
#             another release's image.
#   OUTDIR    created; must not exist or be empty.
#
# Environment:
#   SOURCE_DATE_EPOCH  timestamp (seconds) of every archived file; default:
#                      the commit time of HEAD, so two runs on one commit
#                      give byte-identical archives.
#   RELEASE_TARGETS    space-separated GOOS/GOARCH list, for tests; default:
#                      every released platform.
#   CA_BUNDLE          CA bundle for the image; default:
#                      /etc/ssl/certs/ca-certificates.crt.
#
# Besides the archives and checksums.txt, OUTDIR holds the build context of
# Dockerfile.release: linux_<arch>/clickup-secret-scan, ca-certificates.crt
# and an empty tmp/.
#
# Exit codes: 0 built, 2 bad usage or input (nothing is written), 3 a build
# or archive step failed.
set -euo pipefail

usage() {
	echo "usage: scripts/release.sh [--snapshot] VERSION OUTDIR" >&2
	exit 2
}
die_usage() {
	printf 'release.sh: %s\n' "$*" >&2
	exit 2
}
die() {
	printf 'release.sh: %s\n' "$*" >&2
	exit 3
}

snapshot=0
args=()
for a in "$@"; do
	case $a in
	--snapshot) snapshot=1 ;;
	-h | --help) usage ;;
	-*) die_usage "unknown flag $a" ;;
	*) args+=("$a") ;;
	esac
done
((${#args[@]} == 2)) || usage
version=${args[0]}
outdir=${args[1]}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT=clickup-secret-scan
MODULE=github.com/clickup-secret-scan/clickup-secret-scan
ALL_TARGETS="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64"

# Every check comes before the first write: a refused run leaves no trace.
semver='^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$'
[[ $version =~ $semver ]] ||
	die_usage "malformed version '$version': want vMAJOR.MINOR.PATCH or vMAJOR.MINOR.PATCH-PRERELEASE, e.g. v1.2.3 or v1.3.0-rc.1"

image=$(awk '/^runs:/ { r = 1; next } /^[^[:space:]#]/ { r = 0 } r && $1 == "image:" { print $2; exit }' "$ROOT/action.yml")
image=${image//\"/}
image=${image//\'/}
if ((!snapshot)); then
	[[ $image == docker://*:* ]] ||
		die_usage "action.yml runs.image is '$image', not docker://IMAGE:TAG; a release must point the Action at its prebuilt image"
	tag=${image##*:}
	[[ $version == "$tag" ]] ||
		die_usage "version $version differs from the image tag action.yml runs ($tag): bump runs.image in action.yml to :$version in its own commit first, or pass --snapshot for a build that is not a release"
fi

targets=${RELEASE_TARGETS:-$ALL_TARGETS}
for t in $targets; do
	[[ " $ALL_TARGETS " == *" $t "* ]] || die_usage "RELEASE_TARGETS: unknown target '$t' (known: $ALL_TARGETS)"
done
if [[ -e $outdir ]]; then
	[[ -d $outdir ]] || die_usage "OUTDIR $outdir exists and is not a directory"
	[[ -z $(ls -A "$outdir") ]] || die_usage "OUTDIR $outdir is not empty; give a new directory"
fi
for tool in go tar gzip zip sha256sum; do
	command -v "$tool" >/dev/null || die_usage "required tool '$tool' is not installed"
done
for f in LICENSE README.md; do
	[[ -f $ROOT/$f ]] || die_usage "$ROOT/$f is missing; every archive holds it"
done
if [[ -z ${SOURCE_DATE_EPOCH:-} ]]; then
	SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct HEAD 2>/dev/null) ||
		die_usage "not a git checkout: set SOURCE_DATE_EPOCH to the release's timestamp"
fi
[[ $SOURCE_DATE_EPOCH =~ ^[0-9]+$ ]] || die_usage "SOURCE_DATE_EPOCH '$SOURCE_DATE_EPOCH' is not a number of seconds"
export SOURCE_DATE_EPOCH

# GoReleaser's default archive names carry the version without its v.
plain=${version#v}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/css-release.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TZ=UTC LC_ALL=C

for t in $targets; do
	goos=${t%/*} goarch=${t#*/}
	name=${PROJECT}_${plain}_${goos}_${goarch}
	stage=$work/$name
	mkdir -p "$stage"
	bin=$PROJECT
	[[ $goos == windows ]] && bin=$PROJECT.exe
	printf 'release.sh: building %s\n' "$t" >&2
	# -trimpath and an empty build id make the binary depend only on the
	# source and the toolchain; CGO_ENABLED=0 makes it static.
	(cd "$ROOT" && CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath \
		-ldflags "-s -w -buildid= -X $MODULE/internal/version.stamped=$version" \
		-o "$stage/$bin" .) || die "go build for $t failed"
	cp "$ROOT/LICENSE" "$ROOT/README.md" "$stage/"
	chmod 0755 "$stage/$bin"
	chmod 0644 "$stage/LICENSE" "$stage/README.md"
	touch -d "@$SOURCE_DATE_EPOCH" "$stage/$bin" "$stage/LICENSE" "$stage/README.md"
	# Same entries, order, owners, modes and times on every run.
	if [[ $goos == windows ]]; then
		(cd "$stage" && zip -q -X -D "$outdir/$name.zip" "$bin" LICENSE README.md) || die "zip of $name failed"
	else
		tar -C "$stage" --format=ustar --owner=0 --group=0 --numeric-owner \
			--mtime="@$SOURCE_DATE_EPOCH" -cf - "$bin" LICENSE README.md |
			gzip -n -9 >"$outdir/$name.tar.gz" || die "tar of $name failed"
	fi
	# The bare linux binaries feed the image build (Dockerfile.release).
	if [[ $goos == linux ]]; then
		mkdir -p "$outdir/linux_$goarch"
		cp -p "$stage/$bin" "$outdir/linux_$goarch/$bin"
	fi
done

# The rest of the image's build context (Dockerfile.release): the CA bundle
# of the build machine and an empty /tmp.
if [[ -d $outdir/linux_amd64 || -d $outdir/linux_arm64 ]]; then
	ca=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
	[[ -s $ca ]] || die "CA bundle $ca is missing (install ca-certificates, or set CA_BUNDLE)"
	cp "$ca" "$outdir/ca-certificates.crt"
	mkdir -p "$outdir/tmp"
	chmod 1777 "$outdir/tmp"
fi

archives=()
shopt -s nullglob
for f in "$outdir"/*.tar.gz "$outdir"/*.zip; do archives+=("${f##*/}"); done
shopt -u nullglob
((${#archives[@]} > 0)) || die "no archive was written"
(cd "$outdir" && sha256sum -- "${archives[@]}" >checksums.txt) || die "sha256sum failed"
printf 'release.sh: %s artifacts in %s\n' "$version" "$outdir" >&2
