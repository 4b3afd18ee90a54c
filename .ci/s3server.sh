#!/usr/bin/env bash
# s3server.sh runs a real S3 server (versitygw, posix backend) on loopback
# for trailscan's S3 tests.
#
#   eval "$(.ci/s3server.sh start)"   # install if needed, start, export env
#   go test ./...
#   .ci/s3server.sh stop
#
# start prints shell exports (TRAILSCAN_S3_ENDPOINT, AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_REGION, ...) on standard output; everything
# else goes to standard error. env prints them again for a running server.
#
# The server is built once with `go install` into
# ${TRAILSCAN_TOOLS:-$HOME/.cache/trailscan-tools}/bin, outside the
# repository, and reused; set VERSITYGW to use a binary built elsewhere.
# Its data and pid live in ${TRAILSCAN_S3_STATE:-${TMPDIR:-/tmp}/trailscan-s3server}.
# A start that finds the server already running reuses it, and the stop
# of the same shell (TRAILSCAN_S3_REUSED=1) leaves it running.
set -euo pipefail

version=v1.8.0
tools=${TRAILSCAN_TOOLS:-$HOME/.cache/trailscan-tools}
state=${TRAILSCAN_S3_STATE:-${TMPDIR:-/tmp}/trailscan-s3server}
# Fixed, test-only credentials: the server holds nothing but test data.
access=trailscan-test
secret=trailscan-test-secret
region=us-east-1

server=versitygw
reused=TRAILSCAN_S3_REUSED
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

binary() {
	if [[ -n ${VERSITYGW:-} ]]; then
		echo "$VERSITYGW"
		return
	fi
	local bin=$tools/bin/versitygw
	if [[ ! -x $bin ]]; then
		log "building versitygw $version into $tools/bin (about two minutes, once)"
		mkdir -p "$tools/bin"
		GOBIN=$tools/bin GOFLAGS=-buildvcs=false go install "github.com/versity/versitygw/cmd/versitygw@$version" >&2
	fi
	echo "$bin"
}

prepare() { bin=$(binary); }

launch() {
	mkdir -p "$state/data"
	setsid "$bin" --port "127.0.0.1:$1" --access "$access" --secret "$secret" \
		--region "$region" --keep-alive --quiet posix "$state/data" &
}

ready() { log "versitygw listening on 127.0.0.1:$1, data in $state/data"; }

exports() {
	cat <<EOF
export TRAILSCAN_S3_ENDPOINT=http://127.0.0.1:$(cat "$state/port")
export AWS_ACCESS_KEY_ID=$access
export AWS_SECRET_ACCESS_KEY=$secret
export AWS_REGION=$region
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN
EOF
}

main "$@"
