#!/usr/bin/env bash
# crossbuild.sh builds trailscan for every release target with go build,
# as .goreleaser.yaml does (cgo off, -trimpath), and runs the one for this
# machine: a platform that stops building fails here. CI runs it when
# goreleaser is not built yet (.ci/release.sh builds goreleaser, minutes of
# CPU, and then checks the archives and checksums too).
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for t in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64; do
	bin=$out/trailscan_${t/\//_}
	[[ $t == windows/* ]] && bin=$bin.exe
	CGO_ENABLED=0 GOOS=${t%/*} GOARCH=${t#*/} go build -trimpath -o "$bin" ./cmd/trailscan
	echo "crossbuild: $t $(du -h "$bin" | cut -f1)" >&2
done
"$out/trailscan_$(go env GOOS)_$(go env GOARCH)" --version >&2
