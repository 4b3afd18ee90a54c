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

log() { echo "toxiproxy: $*" >&2; }

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

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() {
	[[ -f $state/pid && -f $state/port ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null && answers "$(cat "$state/port")"
}

exports() {
	echo "export TRAILSCAN_TOXIPROXY=http://127.0.0.1:$(cat "$state/port")"
}

start() {
	if running; then
		log "already running on port $(cat "$state/port"); stop will leave it to whoever started it"
		exports
		echo "export TRAILSCAN_TOXIPROXY_REUSED=1"
		return
	fi
	local bin
	bin=$(install server)
	install cli >/dev/null
	rm -rf "$state"
	mkdir -p "$state"
	for _ in 1 2 3 4 5; do
		local port=$((20000 + RANDOM % 40000))
		answers "$port" && continue # taken
		echo "$port" >"$state/port"
		setsid "$bin" -host 127.0.0.1 -port "$port" </dev/null >"$state/log" 2>&1 &
		echo $! >"$state/pid"
		for _ in $(seq 100); do
			if answers "$port"; then
				log "toxiproxy API on 127.0.0.1:$port"
				exports
				echo "unset TRAILSCAN_TOXIPROXY_REUSED"
				return
			fi
			kill -0 "$(cat "$state/pid")" 2>/dev/null || break
			sleep 0.1
		done
		kill "$(cat "$state/pid")" 2>/dev/null || true
		log "toxiproxy did not answer on port $port:"
		cat "$state/log" >&2
	done
	log "could not start toxiproxy"
	exit 1
}

stop() {
	if [[ ${TRAILSCAN_TOXIPROXY_REUSED:-} == 1 ]]; then
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
