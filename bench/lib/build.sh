# bench/lib/build.sh: sourced by the bench scripts, so that they time the
# binary users run rather than a development build.

# build_release_binary ROOT OUT [PACKAGE]: builds PACKAGE (default: the
# module's main package, clickup-secret-scan) from ROOT into OUT with the
# flags scripts/release.sh and the Dockerfile use: static (CGO_ENABLED=0),
# -trimpath, no symbol table. A default `go build` links libc through the
# net package, and the dynamic loader alone adds about 3 ms to every start,
# which on a 100 ms directory scan is a 3% error. Reference programs timed
# beside it (bench/floor) are built the same way, so that the two start
# alike.
build_release_binary() {
	(cd "$1" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$2" "${3:-.}")
}
