#!/usr/bin/env bash
# Installs what the rendering test of package report needs: cmark-gfm, the
# GFM renderer GitHub's markdown is built on (Debian package cmark-gfm).
# With --screenshots it also installs headless Chromium and fonts, which
# scripts/render-screenshots.sh needs (not the tests).
# Run as root on Debian or Ubuntu; it does nothing that is already done.
set -euo pipefail

packages=()
command -v cmark-gfm >/dev/null || packages+=(cmark-gfm)
if [[ ${1:-} == --screenshots ]]; then
	command -v chromium >/dev/null || packages+=(chromium)
	packages+=(fonts-dejavu-core fonts-noto-color-emoji)
fi
if ((${#packages[@]} == 0)); then
	exit 0
fi
[[ $(id -u) -eq 0 ]] || { echo "install-render-tools.sh: run as root to apt-get install ${packages[*]}" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q "${packages[@]}"
cmark-gfm --version | head -1
