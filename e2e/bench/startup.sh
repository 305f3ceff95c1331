#!/usr/bin/env bash
# Measures what a Docker action costs before its first scan, on a cold
# cache, for the two ways action.yml can name the image:
#
#   image: Dockerfile           the runner gets the golang base image and
#                               builds the Dockerfile (module download and
#                               compile included), then starts the container;
#   image: docker://REF         the runner gets the prebuilt release image
#                               (Dockerfile.release), then starts it.
#
# There is no registry here, so "get the image" is `podman load` of a saved
# image tarball into an empty image store: what a pull costs minus the
# network transfer (the sizes are printed, to add a network at your speed).
# "Scan start" is the moment the container's binary first prints. Also
# prints the release image's size. Not run by .ci/run: the cold build
# downloads every Go module. Needs root, podman, runc, go, git, zip.
#
# usage: e2e/bench/startup.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=e2e/lib/podman.sh
source "$ROOT/e2e/lib/podman.sh"
css_require podman runc go git zip sha256sum
[[ $(id -u) -eq 0 ]] || css_die "run as root (rootful podman)"

W=$(mktemp -d "${TMPDIR:-/tmp}/css-startup.XXXXXX")
trap 'rm -rf "$W"' EXIT

# 1. The inputs, made with the warm cache: the golang base image and the
#    release image, each saved as the tarball a registry would serve.
css_podman_setup "$W/warm"
css_ensure_base_images "$ROOT/Dockerfile"
RELEASE_TARGETS=linux/amd64 "$ROOT/scripts/release.sh" --snapshot v0.0.0-startup "$W/dist" 2>/dev/null
podman build --pull=never --platform linux/amd64 -f "$ROOT/Dockerfile.release" \
	--build-arg VERSION=v0.0.0-startup --build-arg REVISION=bench -t localhost/css-startup:release "$W/dist" >/dev/null
size=$(podman image inspect --format '{{.Size}}' localhost/css-startup:release)
podman save -o "$W/golang.tar" docker.io/library/golang:1.26-bookworm >/dev/null
podman save -o "$W/release.tar" localhost/css-startup:release >/dev/null
podman rmi -f localhost/css-startup:release >/dev/null

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# cold NAME: a fresh, empty image store and no Go caches.
cold() {
	export CSS_CACHE_DIR=$W/cold-$1
	css_podman_setup "$W/cold-$1-conf"
}

# 2. image: Dockerfile, cold.
cold dockerfile
t0=$(now)
podman load -q -i "$W/golang.tar" >/dev/null
t1=$(now)
podman build --pull=never --network host -f "$ROOT/Dockerfile" -t localhost/css-startup:source "$ROOT" >"$W/build.log" 2>&1 ||
	{ tail -n 30 "$W/build.log" >&2; css_die "build failed"; }
t2=$(now)
podman run --rm --network none --entrypoint /clickup-secret-scan localhost/css-startup:source version >/dev/null
t3=$(now)
podman rmi -af >/dev/null 2>&1 || true

# 3. image: docker://REF, cold.
cold prebuilt
u0=$(now)
podman load -q -i "$W/release.tar" >/dev/null
u1=$(now)
podman run --rm --network none --entrypoint /clickup-secret-scan localhost/css-startup:release version >/dev/null
u2=$(now)
podman rmi -af >/dev/null 2>&1 || true

printf 'release image size: %s bytes (%.1f MB); saved tarballs: golang base %s bytes, release %s bytes\n' \
	"$size" "$(awk -v s="$size" 'BEGIN { print s / 1e6 }')" "$(stat -c %s "$W/golang.tar")" "$(stat -c %s "$W/release.tar")"
printf 'image: Dockerfile        load base %ss + build %ss + start %ss = %ss to scan start\n' \
	"$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "$(secs "$t2" "$t3")" "$(secs "$t0" "$t3")"
printf 'image: docker://release  load %ss + start %ss = %ss to scan start\n' \
	"$(secs "$u0" "$u1")" "$(secs "$u1" "$u2")" "$(secs "$u0" "$u2")"
