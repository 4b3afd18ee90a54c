# The trailscan image: one static binary, the CA certificates it needs for
# S3 over TLS, and a non-root user; nothing else (no shell).
#
#   docker build -t trailscan:dev \
#     --build-arg COMMIT=$(git rev-parse HEAD) \
#     --build-arg MODIFIED=$(test -z "$(git status --porcelain)" && echo false || echo true) .
#   docker run --rm trailscan:dev --version
#
# On a release tag, add --build-arg VERSION=$(git describe --tags). Without
# the build arguments --version says (devel): the .git folder is not sent
# to the build. CI builds this file without a Docker daemon, with
# buildah and a build stage made from the host's Go (.ci/image.sh).
#
# --target shell builds the same binary on a base with a shell, and
# without the entrypoint, for job definitions that run
# sh -c "trailscan ...; ..." (the README's AWS Batch and Kubernetes ones).

ARG GO_IMAGE=golang:1.26.8-bookworm
ARG SHELL_IMAGE=debian:bookworm-slim

FROM ${GO_IMAGE} AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION="" COMMIT="" MODIFIED=""
RUN go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.modified=${MODIFIED}" \
      -o /out/trailscan ./cmd/trailscan \
 && /out/trailscan --version \
 && echo 'trailscan:x:65532:65532:trailscan:/nonexistent:/sbin/nologin' >/out/passwd \
 && echo 'trailscan:x:65532:' >/out/group

FROM ${SHELL_IMAGE} AS shell
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/trailscan /usr/local/bin/trailscan
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 65532:65532

# The default target, last.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/passwd /etc/passwd
COPY --from=build /out/group /etc/group
COPY --from=build /out/trailscan /usr/local/bin/trailscan
ENV PATH=/usr/local/bin
USER 65532:65532
ENTRYPOINT ["trailscan"]
