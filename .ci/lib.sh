# lib.sh holds what the scripts that run one test server on loopback
# (s3server.sh, toxiproxy.sh) share: starting it on a free port and
# waiting until it answers, reusing one that is already running, stopping
# it, and their start|stop|env commands. It is sourced, not run.
#
# A script sets
#   server  the server's name, for log lines
#   state   the directory for the server's pid, port and log
#   reused  the variable whose 1 tells stop that start found the server running
# defines
#   prepare        install the server if needed (before $state is made afresh)
#   launch PORT    start the server on PORT in the background with setsid
#   ready PORT     log what answers on PORT
#   exports        print the shell exports for the running server
# and then calls main "$@".

self=$(basename "$0" .sh)

log() { echo "$self: $*" >&2; }

# answers reports whether something accepts connections on the port.
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() {
	[[ -f $state/pid && -f $state/port ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null && answers "$(cat "$state/port")"
}

start() {
	if running; then
		log "already running on port $(cat "$state/port"); stop will leave it to whoever started it"
		exports
		echo "export $reused=1"
		return
	fi
	prepare
	rm -rf "$state"
	mkdir -p "$state"
	for _ in 1 2 3 4 5; do
		local port=$((20000 + RANDOM % 40000))
		answers "$port" && continue # taken
		echo "$port" >"$state/port"
		launch "$port" </dev/null >"$state/log" 2>&1
		echo $! >"$state/pid"
		for _ in $(seq 100); do
			if answers "$port"; then
				ready "$port"
				exports
				echo "unset $reused"
				return
			fi
			kill -0 "$(cat "$state/pid")" 2>/dev/null || break # died: port lost to a race?
			sleep 0.1
		done
		kill "$(cat "$state/pid")" 2>/dev/null || true
		log "$server did not answer on port $port:"
		cat "$state/log" >&2
	done
	log "could not start $server"
	exit 1
}

stop() {
	if [[ ${!reused:-} == 1 ]]; then
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

main() {
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
}
