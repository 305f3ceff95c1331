# The Action's image built from source, for people who build it themselves
# (action.yml runs the prebuilt image of Dockerfile.release; a fork can point
# runs.image back at this file). Keep it to syntax that BuildKit, the
# legacy docker builder (runners whose docker has no buildx) and buildah 1.28 (podman,
# used by .ci/run) all accept: no heredocs, no RUN --mount. Cache mounts would not help
# a runner anyway, where every job starts with an empty builder cache.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, so that a source-only change reuses the download layer.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# VERSION is stamped into the binary (clickup-secret-scan version); when it is
# empty the binary calls itself "dev", since .git is not in the build context.
ARG VERSION=
# CGO_ENABLED=0: the final stage is scratch, with no libc to link against.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/clickup-secret-scan/clickup-secret-scan/internal/version.stamped=${VERSION}" \
        -o /out/clickup-secret-scan . && \
    /out/clickup-secret-scan version && \
    mkdir -p /out/tmp && chmod 1777 /out/tmp

FROM scratch
# The CA bundle lets the opt-in ClickUp live check and the GitHub API use TLS.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/clickup-secret-scan /clickup-secret-scan
# scratch has no /tmp: nested zips over 32 MiB are spilled to a temporary file.
COPY --from=build /out/tmp /tmp
# No USER line: Docker actions run as root, and another user cannot write to
# the runner's /github/file_commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).
ENTRYPOINT ["/clickup-secret-scan", "action"]
