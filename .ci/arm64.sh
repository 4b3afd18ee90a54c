#!/usr/bin/env bash
# Optional check: the parser and the DEFLATE decoder built for arm64 and
# tested under qemu-user, for exactness only (emulated, so no speed is
# measured; arm64 has no vector indexer yet, so the parser's slow path is
# what runs). Not called from .ci/run: emulated, pkg/inflate's tests alone
# take over ten minutes, so the timeout is raised.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v qemu-aarch64 >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user >/dev/null
fi
GOARCH=arm64 go test -exec qemu-aarch64 -timeout 60m ./pkg/parse ./pkg/inflate
