# shellcheck shell=bash
# Helpers to build and run the project's real Dockerfile with podman on a
# machine that has no Docker engine and no registry (see "The container image" in README.md).
# Source this file; it defines functions and sets no shell options itself.

# css_cache_dir prints the directory that survives between runs: the base
# image tarball and podman's image store live there, so a warm run is fast.
css_cache_dir() {
	if [[ -n "${CSS_CACHE_DIR:-}" ]]; then
		printf '%s\n' "$CSS_CACHE_DIR"
	elif [[ $(id -u) -eq 0 ]]; then
		printf '%s\n' /var/cache/clickup-secret-scan
	else
		printf '%s\n' "${XDG_CACHE_HOME:-$HOME/.cache}/clickup-secret-scan"
	fi
}

css_die() {
	printf 'e2e: FAIL: %s\n' "$*" >&2
	exit 1
}

css_log() {
	printf 'e2e: %s\n' "$*" >&2
}

# css_require fails (never skips) when a tool the test needs is missing.
css_require() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || css_die "required tool '$tool' is not installed (.ci/run installs it with apt-get)"
	done
}

# css_podman_setup writes a containers.conf and storage.conf of our own and
# exports CONTAINERS_CONF / CONTAINERS_STORAGE_CONF, so that we neither touch
# nor depend on the machine's podman settings. $1 is a scratch directory.
# runc and cgroupfs because crun fails here with "cgroups in hybrid mode not
# supported"; explicit ulimits because the default ones cannot be set.
css_podman_setup() {
	local scratch=$1 cache
	cache=$(css_cache_dir)
	mkdir -p "$cache/storage" "$scratch/runroot"
	cat >"$scratch/containers.conf" <<-CONF
		[containers]
		default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
		[engine]
		runtime = "runc"
		cgroup_manager = "cgroupfs"
		events_logger = "file"
	CONF
	cat >"$scratch/storage.conf" <<-CONF
		[storage]
		driver = "overlay"
		graphroot = "$cache/storage"
		runroot = "$scratch/runroot"
	CONF
	export CONTAINERS_CONF="$scratch/containers.conf"
	export CONTAINERS_STORAGE_CONF="$scratch/storage.conf"
}

# css_debian_mirror prints the Debian mirror the machine's apt already uses.
css_debian_mirror() {
	local m
	m=$(grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
		grep -oE 'https?://[^ ]+' | head -n1 || true)
	printf '%s\n' "${m:-http://deb.debian.org/debian}"
}

# css_base_key prints the cache key of the local golang base image: the Go
# version, the Debian suite and the extra CA certificates all change it.
css_base_key() {
	local goroot=$1 suite=$2
	{
		printf 'recipe 1\n%s\n' "$suite"
		head -n1 "$goroot/VERSION"
		cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true
	} | sha256sum | cut -c1-16
}

# css_ensure_golang_image makes docker.io/library/golang:<minor>-<suite> from
# the machine's own Go and a debootstrapped Debian, and caches it. It refuses
# a tag whose Go minor version does not match the local toolchain, because
# the image would then lie about its Go.
css_ensure_golang_image() {
	local ref=$1 tag minor suite goroot gover key cache tarball label rootfs
	tag=${ref##*:}
	minor=${tag%%-*}
	suite=${tag#*-}
	[[ $tag == *-* ]] || css_die "cannot supply base image '$ref': want golang:<go minor>-<debian suite>"
	goroot=$(go env GOROOT)
	gover=$(head -n1 "$goroot/VERSION")
	gover=${gover#go}
	[[ $gover == "$minor" || $gover == "$minor".* ]] ||
		css_die "cannot supply base image '$ref': the local Go is $gover, not $minor"
	case $suite in
	bookworm | trixie | bullseye) ;;
	*) css_die "cannot supply base image '$ref': unknown Debian suite '$suite'" ;;
	esac
	key=$(css_base_key "$goroot" "$suite")
	label=$(podman image inspect --format '{{index .Labels "org.clickup-secret-scan.base-key"}}' "$ref" 2>/dev/null || true)
	if [[ $label == "$key" ]]; then
		css_log "base image $ref is cached (key $key)"
		return 0
	fi
	cache=$(css_cache_dir)
	tarball="$cache/base/golang-$gover-$suite-$key.tar"
	if [[ ! -s $tarball ]]; then
		css_require debootstrap chroot
		css_log "building base image $ref with debootstrap (cold, a few minutes)"
		mkdir -p "$cache/base"
		rootfs=$(mktemp -d "$cache/base/rootfs.XXXXXX")
		debootstrap --variant=minbase --include=ca-certificates,git "$suite" "$rootfs" "$(css_debian_mirror)" >"$cache/base/debootstrap.log" 2>&1 ||
			{
				tail -n 20 "$cache/base/debootstrap.log" >&2
				rm -rf "$rootfs"
				css_die "debootstrap $suite failed (log: $cache/base/debootstrap.log)"
			}
		cp -a "$goroot" "$rootfs/usr/local/go"
		# Outgoing TLS is intercepted on these machines: without the extra
		# CAs, 'go mod download' in the build stage cannot verify the proxy.
		if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
			cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
		fi
		chroot "$rootfs" update-ca-certificates >/dev/null
		mkdir -p "$rootfs/go/bin" "$rootfs/go/src"
		rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
		tar -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
		rm -rf "$rootfs"
	fi
	css_log "importing $tarball as $ref"
	podman import --quiet \
		--change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'ENV GOPATH=/go' \
		--change 'ENV GOTOOLCHAIN=local' \
		--change 'WORKDIR /go' \
		--change "LABEL org.clickup-secret-scan.base-key=$key" \
		"$tarball" "$ref" >/dev/null || css_die "podman import of $tarball failed"
}

# css_ensure_base_images supplies every FROM of the Dockerfile $1 that is not
# scratch or an earlier stage, and refuses any it cannot make.
css_ensure_base_images() {
	local dockerfile=$1 line from stages=" " image
	while read -r line; do
		# shellcheck disable=SC2206
		local words=($line)
		from=${words[1]:-}
		[[ -n $from ]] || css_die "$dockerfile: FROM without an image"
		[[ $from == --* ]] && css_die "$dockerfile: FROM flags ($from) are not supported by this harness"
		if [[ $from != scratch && $stages != *" $from "* ]]; then
			image=$from
			[[ $image == */* ]] || image="docker.io/library/$image"
			case $image in
			docker.io/library/golang:*) css_ensure_golang_image "$image" ;;
			*) css_die "cannot supply base image '$from' named in $dockerfile: there is no registry here; only golang:<go minor>-<debian suite> and scratch can be made locally" ;;
			esac
		fi
		if [[ ${words[2]:-} =~ ^[Aa][Ss]$ ]]; then
			stages+="${words[3]:-} "
		fi
	done < <(grep -iE '^[[:space:]]*FROM[[:space:]]' "$dockerfile")
}
