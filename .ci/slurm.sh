#!/usr/bin/env bash
# slurm.sh runs a one-machine Slurm cluster (munge, slurmctld and one
# slurmd on this host) for trailscan's job engine test in test/slurm.
#
#   eval "$(.ci/slurm.sh start)"   # install if needed, start, export env
#   go test ./test/slurm/
#   .ci/slurm.sh stop
#
# start prints shell exports (SLURM_CONF, TRAILSCAN_SLURM_STATE) on
# standard output; everything else goes to standard error. env prints
# them again for a running cluster. A start that finds the cluster running
# reuses it, and the stop of the same shell (TRAILSCAN_SLURM_REUSED=1)
# leaves it running.
#
# Slurm and munge come from Debian's packages (slurm-wlm, munge), installed
# when missing. Everything else lives in ${TRAILSCAN_SLURM_STATE:-${TMPDIR:-/tmp}/trailscan-slurm}:
# the munge key and socket, slurm.conf, the daemons' spool, logs and pids.
# Nothing in /etc is used or changed.
#
# The cluster runs as whoever starts it (root in CI: SlurmUser=root), with
# no cgroups and no systemd: processes are tracked through /proc
# (proctrack/linuxproc) and tasks are not confined (task/none).
set -euo pipefail

state=${TRAILSCAN_SLURM_STATE:-${TMPDIR:-/tmp}/trailscan-slurm}
state=$(mkdir -p "$state" && cd "$state" && pwd)

log() { echo "slurm: $*" >&2; }

install() {
	command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null && return
	log "installing slurm-wlm and munge"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge; } >&2
}

# answers reports whether something accepts connections on the port.
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

freeport() {
	local port
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 40000))
		answers "$port" || answers "$((port + 1))" || { echo "$port"; return; }
	done
	log "no free port found"
	return 1
}

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

running() { alive "$state/munged.pid" && alive "$state/slurmctld.pid" && alive "$state/slurmd.pid"; }

exports() {
	cat <<EOF
export SLURM_CONF=$state/slurm.conf
export TRAILSCAN_SLURM_STATE=$state
EOF
}

start() {
	if running; then
		log "already running ($state); stop will leave it to whoever started it"
		exports
		echo "export TRAILSCAN_SLURM_REUSED=1"
		return
	fi
	TRAILSCAN_SLURM_REUSED= stop 2>/dev/null || true
	install
	local node user port
	node=$(hostname -s)
	user=$(id -un)
	port=$(freeport)
	rm -rf "$state"
	mkdir -p "$state/spool/ctld" "$state/spool/d" "$state/munge"
	chmod 700 "$state/munge"

	# munge: its own key, socket and files, not the system's.
	head -c 1024 /dev/urandom >"$state/munge/munge.key"
	chmod 400 "$state/munge/munge.key"
	munged --force --key-file="$state/munge/munge.key" --socket="$state/munge/socket" \
		--pid-file="$state/munged.pid" --log-file="$state/munged.log" \
		--seed-file="$state/munge/seed" >&2

	# What slurmd -C reports of this machine, so the node is not drained
	# for claiming more than it has.
	local hw
	hw=$(slurmd -C | head -1 | sed 's/^NodeName=[^ ]* //; s/ UpTime=.*//')
	cat >"$state/slurm.conf" <<EOF
ClusterName=trailscan
SlurmctldHost=$node
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge/socket
StateSaveLocation=$state/spool/ctld
SlurmdSpoolDir=$state/spool/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
# No cgroups and no systemd here: track processes through /proc.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to scontrol, and can be requeued, for a while.
MinJobAge=600
NodeName=$node $hw State=UNKNOWN
PartitionName=main Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
	slurmctld -f "$state/slurm.conf" >&2
	slurmd -f "$state/slurm.conf" >&2

	local i
	for i in $(seq 1 60); do
		if SLURM_CONF=$state/slurm.conf sinfo -h -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'; then
			log "up: node $node, slurmctld on port $port ($state)"
			exports
			return
		fi
		sleep 0.5
	done
	log "the node did not come up; last lines of the logs:"
	tail -n 20 "$state/slurmctld.log" "$state/slurmd.log" "$state/munged.log" >&2 || true
	SLURM_CONF=$state/slurm.conf sinfo -N -l >&2 || true
	stop
	return 1
}

stop() {
	if [[ ${TRAILSCAN_SLURM_REUSED:-} == 1 ]]; then
		log "leaving the cluster running: this shell did not start it"
		return
	fi
	local p
	for p in slurmd slurmctld munged; do
		if alive "$state/$p.pid"; then
			kill "$(cat "$state/$p.pid")" 2>/dev/null || true
		fi
	done
	for p in slurmd slurmctld munged; do
		for _ in $(seq 1 20); do
			alive "$state/$p.pid" || break
			sleep 0.25
		done
		rm -f "$state/$p.pid"
	done
}

case ${1:-} in
start) start ;;
stop) stop ;;
env) running && exports ;;
*)
	echo "usage: $0 start|stop|env" >&2
	exit 2
	;;
esac
