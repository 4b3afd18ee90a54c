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

log() { echo "s3server: $*" >&2; }

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

# answers reports whether something accepts connections on the port.
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() {
	[[ -f $state/pid && -f $state/port ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null && answers "$(cat "$state/port")"
}

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

start() {
	if running; then
		log "already running on port $(cat "$state/port"); stop will leave it to whoever started it"
		exports
		echo "export TRAILSCAN_S3_REUSED=1"
		return
	fi
	local bin
	bin=$(binary)
	rm -rf "$state"
	mkdir -p "$state/data"
	for _ in 1 2 3 4 5; do
		local port=$((20000 + RANDOM % 40000))
		answers "$port" && continue # taken
		echo "$port" >"$state/port"
		setsid "$bin" --port "127.0.0.1:$port" --access "$access" --secret "$secret" \
			--region "$region" --keep-alive --quiet posix "$state/data" \
			</dev/null >"$state/log" 2>&1 &
		echo $! >"$state/pid"
		for _ in $(seq 100); do
			if answers "$port"; then
				log "versitygw listening on 127.0.0.1:$port, data in $state/data"
				exports
				echo "unset TRAILSCAN_S3_REUSED"
				return
			fi
			kill -0 "$(cat "$state/pid")" 2>/dev/null || break # died: port lost to a race?
			sleep 0.1
		done
		kill "$(cat "$state/pid")" 2>/dev/null || true
		log "versitygw did not answer on port $port:"
		cat "$state/log" >&2
	done
	log "could not start versitygw"
	exit 1
}

stop() {
	if [[ ${TRAILSCAN_S3_REUSED:-} == 1 ]]; then
		log "leaving the server running: this shell found it already started"
		return
	fi
	if [[ -f $state/pid ]]; then
		local pid
		pid=$(cat "$state/pid")
		if kill "$pid" 2>/dev/null; then
			for _ in $(seq 50); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
		fi
	fi
	rm -rf "$state"
}

case ${1:-} in
start) start ;;
stop) stop ;;
env)
	running || {
		log "not running; run: eval \"\$($0 start)\""
		exit 1
	}
	exports
	;;
*)
	echo "usage: $0 start|stop|env" >&2
	exit 2
	;;
esac
