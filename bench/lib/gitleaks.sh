# bench/lib/gitleaks.sh: sourced by bench/dir.sh and bench/history.sh for
# their gitleaks comparison. gitleaks has no ClickUp rule, so it runs with a
# config holding one rule for the personal token shape, the same regex the
# scripts give ripgrep, with word boundaries as the issue defines them.

GITLEAKS_VERSION=v8.30.0

# ensure_gitleaks DIR: prints the path of a gitleaks $GITLEAKS_VERSION
# binary, building it once into DIR with go install (from the Go module
# proxy, about a minute on 2 cores). Fails when the build fails.
ensure_gitleaks() {
	local dir
	# go install refuses a relative GOBIN.
	dir=$(mkdir -p "$1/gitleaks-$GITLEAKS_VERSION" && cd "$1/gitleaks-$GITLEAKS_VERSION" && pwd) || return 1
	if [ ! -x "$dir/gitleaks" ]; then
		echo "building gitleaks $GITLEAKS_VERSION into $dir (go install, once)" >&2
		GOBIN="$dir" go install "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION" >&2 || return 1
	fi
	echo "$dir/gitleaks"
}

# Every run passes --exit-code 0: gitleaks exits 1 both when it finds
# leaks and when it fails, so only 0 can be told apart from a failure.

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
