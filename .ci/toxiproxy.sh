#!/usr/bin/env bash
# toxiproxy.sh runs toxiproxy v2, a TCP proxy that injects network faults
# (stalls, resets, cut streams), on loopback for trailscan's S3 fault tests.
#
#   eval "$(.ci/toxiproxy.sh start)"   # install if needed, start, export env
#   go test ./pkg/source/
#   .ci/toxiproxy.sh stop
#
# start prints shell exports (TRAILSCAN_TOXIPROXY, the URL of its API) on
# standard output; everything else goes to standard error. env prints them
# again for a running server. The tests create their own proxies through
# the API, each in front of the S3 test server (.ci/s3server.sh).
#
# The server and its cli are built once with `go install` into
# ${TRAILSCAN_TOOLS:-$HOME/.cache/trailscan-tools}/bin, as toxiproxy-server
# and toxiproxy-cli, outside the repository, and reused. Its pid, port and
# log live in ${TRAILSCAN_TOXIPROXY_STATE:-${TMPDIR:-/tmp}/trailscan-toxiproxy}.
# A start that finds the server already running reuses it, and the stop of
# the same shell (TRAILSCAN_TOXIPROXY_REUSED=1) leaves it running.
set -euo pipefail

module=github.com/Shopify/toxiproxy/v2
version=latest
tools=${TRAILSCAN_TOOLS:-$HOME/.cache/trailscan-tools}
state=${TRAILSCAN_TOXIPROXY_STATE:-${TMPDIR:-/tmp}/trailscan-toxiproxy}

server=toxiproxy
reused=TRAILSCAN_TOXIPROXY_REUSED
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# install builds cmd/NAME of toxiproxy as toxiproxy-NAME: go install names
# a binary after its package, and "server" and "cli" say nothing in a
# shared bin directory.
install() {
	local name=$1 bin=$tools/bin/toxiproxy-$1
	if [[ ! -x $bin ]]; then
		log "building toxiproxy $name ($version) into $tools/bin (once)"
		local tmp
		tmp=$(mktemp -d)
		GOBIN=$tmp GOFLAGS=-buildvcs=false go install "$module/cmd/$name@$version" >&2
		mkdir -p "$tools/bin"
		mv "$tmp/$name" "$bin"
		rm -rf "$tmp"
	fi
	echo "$bin"
}

prepare() {
	bin=$(install server)
	install cli >/dev/null
}

launch() { setsid "$bin" -host 127.0.0.1 -port "$1" & }

ready() { log "toxiproxy API on 127.0.0.1:$1"; }

exports() {
	echo "export TRAILSCAN_TOXIPROXY=http://127.0.0.1:$(cat "$state/port")"
}

main "$@"
