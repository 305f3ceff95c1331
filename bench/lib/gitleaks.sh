# bench/lib/gitleaks.sh: sourced by bench/dir.sh and bench/history.sh for
# their gitleaks comparison. gitleaks has no ClickUp rule, so it runs with a
# config holding one rule for the personal token shape, the same regex the
# scripts give ripgrep, with word boundaries as the issue defines them.

GITLEAKS_VERSION=v8.30.0

# ensure_gitleaks DIR: prints the path of a gitleaks $GITLEAKS_VERSION
# binary, building it once into DIR with go install (from the Go module
# proxy, about a minute on 2 cores). Fails when the build fails.
ensure_gitleaks() {
	local dir="$1/gitleaks-$GITLEAKS_VERSION"
	if [ ! -x "$dir/gitleaks" ]; then
		echo "building gitleaks $GITLEAKS_VERSION into $dir (go install, once)" >&2
		mkdir -p "$dir"
		GOBIN="$dir" go install "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION" >&2 || return 1
	fi
	echo "$dir/gitleaks"
}

# gitleaks_config FILE: writes the one-rule config to FILE.
gitleaks_config() {
	cat >"$1" <<'TOML'
title = "ClickUp personal API tokens only (clickup-secret-scan benchmark)"

[[rules]]
id = "clickup-personal-api-token"
description = "ClickUp personal API token"
regex = '''\bpk_[0-9]{7,9}_[0-9A-Z]{32}\b'''
keywords = ["pk_"]
TOML
}
