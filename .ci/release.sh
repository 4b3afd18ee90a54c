#!/usr/bin/env bash
# release.sh makes a release as goreleaser would from a tag, but of this
# commit and publishing nothing (goreleaser release --snapshot,
# .goreleaser.yaml), and checks it: a static binary per platform, stamped
# with this commit, in an archive the checksums file vouches for, and the
# one for this machine runs. A platform that stops building fails here.
#
#   .ci/release.sh          # archives, checksums and binaries in dist/
#
# goreleaser is built once with `go install` into
# ${TRAILSCAN_TOOLS:-$HOME/.cache/trailscan-tools}/bin, outside the
# repository, and reused; set GORELEASER to use a binary built elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v2.15.1
tools=${TRAILSCAN_TOOLS:-$HOME/.cache/trailscan-tools}
targets="linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 windows_arm64"

log() { echo "release: $*" >&2; }

goreleaser=${GORELEASER:-$tools/bin/goreleaser}
if [[ ! -x $goreleaser ]]; then
	log "building goreleaser $version into $tools/bin (several minutes, once)"
	mkdir -p "$tools/bin"
	GOBIN=$tools/bin GOFLAGS=-buildvcs=false go install "github.com/goreleaser/goreleaser/v2@$version"
fi

# goreleaser takes the commit from git only where git names a remote, and
# a worktree or a local clone may have none: lend it one through the
# environment, leaving the repository's configuration alone.
if [[ -z $(git remote) ]]; then
	export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=https://github.com/trailscan/trailscan.git
fi

"$goreleaser" check >&2
# A snapshot needs no tag and publishes nothing.
"$goreleaser" release --snapshot --clean >&2

commit=$(git rev-parse HEAD)
for t in $targets; do
	exe=trailscan
	[[ $t == windows_* ]] && exe=trailscan.exe
	bin=$(find dist -path "*trailscan_${t}*/$exe" -type f | head -1)
	[[ -n $bin ]] || { log "no binary for $t in dist/"; exit 1; }
	info=$(go version -m "$bin")
	# CGO off: a static binary, with no C library to load.
	grep -q 'CGO_ENABLED=0' <<<"$info" || { log "$bin was built with cgo"; exit 1; }
	# -trimpath keeps -ldflags out of the build info: look for the stamp.
	grep -qa "$commit" "$bin" || { log "$bin is not stamped with commit $commit"; exit 1; }
	log "$t: $(du -h "$bin" | cut -f1) $bin"
done

# The archive for this machine, as the README has users check and unpack
# it, holds a binary that runs and says what it is.
host=$(go env GOOS)_$(go env GOARCH)
sums=$(cd dist && ls trailscan_*_checksums.txt)
archive=$(cd dist && ls trailscan_*_"$host".tar.gz)
[[ $(grep -c -e '\.tar\.gz$' -e '\.zip$' "dist/$sums") == 6 ]] || { log "$sums does not list 6 archives"; exit 1; }
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
cp "dist/$sums" "dist/$archive" "$unpacked/"
(cd "$unpacked" && sha256sum --ignore-missing -c "$sums" >&2 && tar -xzf "$archive" trailscan)
got=$("$unpacked/trailscan" --version)
[[ $got == "trailscan v"*" (commit $commit"* ]] || { log "trailscan from $archive: --version printed '$got'"; exit 1; }
log "ok: $archive: $got"
