#!/usr/bin/env bash
# Regenerates the screenshots in docs/img from the rendered bodies that the
# rendering test of package report keeps (report/testdata/render/*.html,
# made by cmark-gfm). Not run in CI. Needs headless Chromium:
#   sudo scripts/install-render-tools.sh --screenshots
# Refresh the HTML first when the bodies changed:
#   go test ./report -run TestRenderedBodies -update
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v chromium >/dev/null || { echo "render-screenshots.sh: chromium is not installed (scripts/install-render-tools.sh --screenshots)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p docs/img

# name|title of the box|which <details> to open (all, first, none)
shots=(
	"review|github-actions commented on src/config.ts line 12|all"
	"sticky|github-actions commented|first"
	"summary|Job summary|first"
	"tracking|Issue: ClickUp credentials found in the git history|first"
)
width=960

browser() {
	# A fresh profile each time, and nothing that reaches the network.
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --hide-scrollbars \
		--user-data-dir="$(mktemp -d -p "$tmp")" "$@" 2>/dev/null
}

for shot in "${shots[@]}"; do
	IFS='|' read -r name title open <<<"$shot"
	page="$tmp/$name.html"
	{
		printf '<!doctype html><html><head><meta charset="utf-8"><style>\n'
		cat scripts/render/github-like.css
		printf '</style></head><body><div class="box"><div class="box-head"><b>%s</b></div><div class="markdown-body">\n' "$title"
		cat "report/testdata/render/$name.html"
		printf '</div></div><script>\n'
		printf 'const d = document.querySelectorAll("details"); const open = "%s";\n' "$open"
		printf 'd.forEach((e, i) => { e.open = open === "all" || (open === "first" && i === 0); });\n'
		printf 'document.body.dataset.height = Math.ceil(document.querySelector(".box").getBoundingClientRect().bottom) + 16;\n'
		printf '</script></body></html>\n'
	} >"$page"
	# First pass: let the page measure itself at the final width.
	height=$(browser --window-size="$width,800" --dump-dom "file://$page" | sed -n 's/.*data-height="\([0-9]*\)".*/\1/p' | head -1)
	[[ -n $height ]] || { echo "render-screenshots.sh: could not measure $name" >&2; exit 1; }
	browser --window-size="$width,$height" --screenshot="$PWD/docs/img/$name.png" "file://$page"
	echo "docs/img/$name.png: ${width}x$height"
done
