#!/usr/bin/env bash
# The architecture-specific code built for arm64 and tested under
# qemu-user, for exactness only (emulated, so no speed is measured; on real
# arm64 the NEON indexer's speed is unmeasured): pkg/parse with its NEON
# indexer and the parser's differential tests, pkg/scan's exactness and
# hostile-input tests through it, and pkg/inflate, whose every-offset cut
# and corruption sweep (TestDifferential) alone takes over ten minutes
# emulated: the decoder is portable Go, the sweep runs on amd64, and its
# fuzz seeds still compare every whole test stream with klauspost here.
# No test here needs S3 or the network: their switches are unset, so such
# a test would skip rather than fail under emulation.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v qemu-aarch64 >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user >/dev/null
fi
unset TRAILSCAN_REQUIRE_S3 TRAILSCAN_REQUIRE_TOXIPROXY TRAILSCAN_REQUIRE_CHROMIUM TRAILSCAN_REQUIRE_SLURM
export GOARCH=arm64
go vet ./pkg/parse ./pkg/inflate ./pkg/scan
go test -exec qemu-aarch64 -short -count=1 -timeout 20m ./pkg/parse ./pkg/scan
go test -exec qemu-aarch64 -short -count=1 -timeout 20m -skip '^TestDifferential$' ./pkg/inflate
