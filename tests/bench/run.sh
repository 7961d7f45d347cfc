#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pwru's benchmarks on this host (tracepoint backend). Prints figures,
# asserts nothing about time. Traffic stays inside two throw-away netns.
#   per-packet cost: UDP packets/s through a veth pair with pwru attached
#     (a netns filter that matches nothing), over untraced, over the floor
#     (empty tp_btf programs on the same tracepoints), and bpftrace;
#   event throughput: events/s written to a file under a flood, lost count, peak RSS;
#   attach and detach time for every skb tracepoint.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-build}
PWRU=${PWRU:-$PWD/pwru}
FLOOD=$OUT/tests/bench/udp_flood
FLOOR=$OUT/tests/bench/tp_floor
SECS=${BENCH_SECS:-3}
ROUNDS=${BENCH_ROUNDS:-3}
. tests/lib/netns.sh
. tests/e2e/lib.sh
WORK=$(mktemp -d)
trap 'netns_pair_down; rm -rf "$WORK"' EXIT
netns_pair_up

# pps of one flood from A to B, with B draining the socket.
flood_pps() {
	ip netns exec "$NS_B" "$FLOOD" recv 5000 "$((SECS + 1))" >/dev/null &
	local rpid=$!
	sleep 0.2
	ip netns exec "$NS_A" "$FLOOD" send "$ADDR_B" 5000 "$SECS"
	wait "$rpid"
}

# start_tracer NAME: starts the tracer of that configuration, waits until it listens.
start_tracer() {
	TRACER_PID=
	case $1 in
	none) return 0 ;;
	pwru) "$PWRU" --filter-netns inode:1 --no-summary >/dev/null 2>"$WORK/t.err" & ;;
	floor) "$FLOOR" 2>"$WORK/t.err" & ;;
	bpftrace) bpftrace -e "$(bpftrace_program)" >/dev/null 2>"$WORK/t.err" & ;;
	esac
	TRACER_PID=$!
	for _ in $(seq 1 600); do
		grep -qE '^(Listening for events|Attaching [0-9]+ probe)' "$WORK/t.err" 2>/dev/null && { sleep 0.5; return 0; }
		kill -0 "$TRACER_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

stop_tracer() {
	[ -n "$TRACER_PID" ] || return 0
	kill -INT "$TRACER_PID" 2>/dev/null
	wait "$TRACER_PID" 2>/dev/null
}

# bpftrace on the same tracepoints, with a filter that is never true.
bpftrace_program() {
	local probes
	probes=$("$PWRU" --list-probes 2>/dev/null | sed 's/^/tracepoint:/' | paste -sd, -)
	echo "$probes /pid == 4000000000/ { @n = count(); }"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

bench_per_packet() {
	local configs="none pwru floor"
	command -v bpftrace >/dev/null && configs="$configs bpftrace"
	for c in $configs; do : >"$WORK/pps.$c"; done
	for r in $(seq 1 "$ROUNDS"); do
		for c in $configs; do
			if ! start_tracer "$c"; then
				echo "bench: $c did not start: $(tail -1 "$WORK/t.err")"
				continue
			fi
			flood_pps >>"$WORK/pps.$c"
			stop_tracer
		done
	done
	local base
	base=$(median <"$WORK/pps.none")
	echo "per-packet cost: UDP 64-byte packets/s through veth, median of $ROUNDS x ${SECS}s"
	for c in $configs; do
		local pps
		pps=$(median <"$WORK/pps.$c")
		[ -n "$pps" ] || { printf '  %-9s did not run\n' "$c"; continue; }
		printf '  %-9s %10.0f pps  ratio %.3f\n' "$c" "$pps" "$(echo "$pps / $base" | bc -l)"
	done
}

bench_events() {
	local t0 t1 events lost rss
	"$PWRU" --filter-netns "/var/run/netns/$NS_B" --no-summary --output-file "$WORK/events.txt" \
		>/dev/null 2>"$WORK/ev.err" &
	local pid=$!
	wait_listening "$WORK/ev.err" "$pid" || { echo "bench: pwru did not start"; return; }
	t0=$(date +%s.%N)
	flood_pps >/dev/null
	rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
	kill -INT "$pid"; wait "$pid"
	t1=$(date +%s.%N)
	read -r events lost < <(sed -nE 's/^([0-9]+) events, ([0-9]+) lost$/\1 \2/p' "$WORK/ev.err")
	echo "event throughput: flood of ${SECS}s into pwru writing text to a file"
	printf '  %d events in %.2fs = %.0f events/s, %d lost (%.1f%%), peak RSS %d kB\n' \
		"$events" "$(echo "$t1 - $t0" | bc -l)" "$(echo "$events / ($t1 - $t0)" | bc -l)" \
		"$lost" "$(echo "100 * $lost / ($events + $lost + 1)" | bc -l)" "$rss"
}

bench_attach() {
	local pid
	"$PWRU" --filter-netns inode:1 --no-summary >/dev/null 2>"$WORK/at.err" &
	pid=$!
	wait_listening "$WORK/at.err" "$pid" || { echo "bench: pwru did not start"; return; }
	kill -INT "$pid"; wait "$pid"
	echo "attach/detach, every skb tracepoint:"
	grep -E '^(Attached|Detached) ' "$WORK/at.err" | sed 's/^/  /'
}

bench_per_packet
bench_events
bench_attach
