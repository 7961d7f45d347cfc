#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pwru's benchmarks on this host (tracepoint backend). Prints figures,
# asserts nothing about time. Traffic stays inside two throw-away netns.
#   per-packet cost: UDP packets/s through a veth pair with pwru attached
#     (a netns filter that matches nothing), over untraced, over the floor
#     (empty tp_btf programs on the same tracepoints), and bpftrace;
#   event throughput: offered (kernel matched), delivered and lost events under a
#     socket flood and under a flood made in the kernel (xdp_gen), text and JSON,
#     events/s over the flood's window, peak RSS, and what a file costs here;
#   bpf_stats ns per program run, pwru against the floor;
#   format_bench: user space alone, text and JSON;
#   attach and detach time for every skb tracepoint.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-build}
PWRU=${PWRU:-$PWD/pwru}
FLOOD=$OUT/tests/bench/udp_flood
FLOOR=$OUT/tests/bench/tp_floor
XDP_GEN=$OUT/tests/bench/xdp_gen
SECS=${BENCH_SECS:-3}
ROUNDS=${BENCH_ROUNDS:-3}
. tests/lib/netns.sh
. tests/e2e/lib.sh
WORK=$(mktemp -d)
trap 'netns_pair_down; rm -rf "$WORK"' EXIT
netns_pair_up

# flood_window begin|end: the sender's own window, with the CPU ticks and
# bpf_stats of $WINDOW_PID (when set) at both ends; the receiver outlives it.
flood_window() {
	[ -n "${WINDOW_PID:-}" ] || return 0
	case $1 in
	begin) read -r WIN_B0 _ < <(stats_of "$WINDOW_PID"); WIN_C0=$(cpu_ticks "$WINDOW_PID"); WIN_T0=$(date +%s.%N) ;;
	end) WIN_T1=$(date +%s.%N); WIN_C1=$(cpu_ticks "$WINDOW_PID"); read -r WIN_B1 _ < <(stats_of "$WINDOW_PID") ;;
	esac
}

# One flood from A to B, with B draining the socket: "packets/s sent".
flood_pps() {
	ip netns exec "$NS_B" "$FLOOD" recv 5000 "$((SECS + 1))" >/dev/null &
	local rpid=$!
	sleep 0.2
	flood_window begin
	ip netns exec "$NS_A" "$FLOOD" send "$ADDR_B" 5000 "$SECS"
	flood_window end
	kill "$rpid" 2>/dev/null; wait "$rpid"
}

# A flood made in the kernel, many more events than sockets can offer: B's
# veth receives datagrams from A (xdp_gen) for a socket that is never read,
# so all but the first few are dropped when they reach it.
flood_kernel() {
	ip netns exec "$NS_B" "$FLOOD" hold 5001 "$((SECS + 1))" &
	local hpid=$!
	sleep 0.2
	flood_window begin
	ip netns exec "$NS_B" "$XDP_GEN" veth-b "$ADDR_A" "$ADDR_B" 5001 "$SECS"
	flood_window end
	kill "$hpid" 2>/dev/null; wait "$hpid"
}

# start_tracer NAME: starts the tracer of that configuration, waits until it listens.
start_tracer() {
	TRACER_PID=
	case $1 in
	none) return 0 ;;
	pwru) "$PWRU" --filter-netns inode:1 --no-summary >/dev/null 2>"$WORK/t.err" & ;;
	floor) "$FLOOR" 2>"$WORK/t.err" & ;;
	# bpftrace says "Attaching N probes..." on stdout
	bpftrace) bpftrace -e "$(bpftrace_program)" >"$WORK/t.err" 2>&1 & ;;
	esac
	TRACER_PID=$!
	for _ in $(seq 1 600); do
		grep -qE '^(Listening for events|Attaching [0-9]+ probe)' "$WORK/t.err" 2>/dev/null && { sleep 0.5; return 0; }
		kill -0 "$TRACER_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# SIGINT, and SIGKILL after 20 s: a tracer left behind would weigh on every later flood.
stop_tracer() {
	[ -n "$TRACER_PID" ] || return 0
	kill -INT "$TRACER_PID" 2>/dev/null
	for _ in $(seq 1 200); do
		kill -0 "$TRACER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$TRACER_PID" 2>/dev/null
	wait "$TRACER_PID" 2>/dev/null
	TRACER_PID=
}

# bpftrace on the same tracepoints, with a filter that is never true.
bpftrace_program() {
	local probes
	probes=$("$PWRU" --list-probes 2>/dev/null | sed 's/^/tracepoint:/' | paste -sd, -)
	echo "$probes /pid == 4000000000/ { @n = count(); }"
}

# of an even count, the mean of the middle two
median() { sort -g | awk '{a[NR]=$1} END {print NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

bench_per_packet() {
	local configs="none pwru floor"
	command -v bpftrace >/dev/null && configs="$configs bpftrace"
	for c in $configs; do : >"$WORK/pps.$c"; done
	local last=${configs#none pwru floor}
	for r in $(seq 1 "$ROUNDS"); do
		# pwru and the floor always back to back, in turn first (ABBA), the
		# untraced flood next to pwru: this VM drifts by ~10% within a minute,
		# so only neighbours compare. bpftrace, if any, ends each round.
		local order="none pwru floor$last"
		[ $((r % 2)) = 1 ] || order="floor pwru none$last"
		for c in $order; do
			if ! start_tracer "$c"; then
				echo "bench: $c did not start: $(tail -1 "$WORK/t.err")"
				echo 0 >>"$WORK/pps.$c"
				# one still starting would weigh on every flood after it
				stop_tracer
				continue
			fi
			flood_pps | cut -d' ' -f1 >>"$WORK/pps.$c"
			stop_tracer
		done
	done
	local base
	base=$(grep -v '^0$' "$WORK/pps.none" | median)
	echo "per-packet cost: UDP 64-byte packets/s through veth, median of $ROUNDS x ${SECS}s"
	for c in $configs; do
		local pps
		pps=$(grep -v '^0$' "$WORK/pps.$c" | median)
		[ -n "$pps" ] || { printf '  %-9s did not run\n' "$c"; continue; }
		printf '  %-9s %10.0f pps  ratio %.3f  (rounds: %s)\n' "$c" "$pps" "$(echo "$pps / $base" | bc -l)" \
			"$(paste -sd' ' "$WORK/pps.$c")"
	done
	# the same round's floods side by side: what the medians' gap hides
	paste "$WORK/pps.pwru" "$WORK/pps.floor" "$WORK/pps.none" |
		awk '$1 > 0 && $2 > 0 && $3 > 0 { printf "%.3f %.3f\n", ($1 - $2) / $3, $1 / $2 }' >"$WORK/pairs"
	printf '  pwru - floor, round by round over untraced: median %s (rounds: %s); pwru/floor %s\n' \
		"$(cut -d' ' -f1 "$WORK/pairs" | median)" "$(cut -d' ' -f1 "$WORK/pairs" | paste -sd' ')" \
		"$(cut -d' ' -f2 "$WORK/pairs" | median)"
}

# closing_counts ERR-FILE: "events lost not_written matched" from pwru's closing line.
closing_counts() {
	local line n m k=0 t
	line=$(grep -E '^[0-9]+ events, [0-9]+ lost' "$1" | tail -1)
	n=$(echo "$line" | sed -nE 's/^([0-9]+) events.*/\1/p')
	m=$(echo "$line" | sed -nE 's/^[0-9]+ events, ([0-9]+) lost.*/\1/p')
	k=$(echo "$line" | sed -nE 's/.*, ([0-9]+) not written.*/\1/p')
	t=$(echo "$line" | sed -nE 's/.*the kernel matched ([0-9]+).*/\1/p')
	echo "${n:-0} ${m:-0} ${k:-0} ${t:-$((${n:-0} + ${m:-0} + ${k:-0}))}"
}

# cpu_ticks PID: user + system clock ticks PID has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# One flood into pwru writing FORMAT (text|json) to a file. Offered is what the
# kernel matched; rates are over the flood's own window (not start-up, not
# shutdown), so offered/s against delivered/s tells a slow reader from a slow
# sender. Per CPU-second: delivered events over the CPU time pwru's reader
# used in that window, which a machine shared with other work disturbs less.
# Kernel ns per event: the time pwru's programs ran in that window (bpf_stats),
# rejected hits included, over the events offered.
# bench_events_one FORMAT FLOOD [FILE]: pwru writing FORMAT to FILE
# (default: a file in $WORK) through flood_FLOOD.
bench_events_one() {
	local fmt=$1 flood=$2 out=${3:-$WORK/events.$1} events lost unwritten matched rss args=()
	case $fmt in
	json) args=(--output-json) ;;
	# JSON and a pcapng file of every packet (--output-pcap, 256 bytes each) at once
	json+pcap) args=(--output-json --output-pcap "$WORK/events.pcapng") ;;
	esac
	local cached0 cached1
	cached0=$(awk '/^Cached:/ { print $2 }' /proc/meminfo)
	"$PWRU" "${args[@]}" --filter-netns "/var/run/netns/$NS_B" --no-summary \
		--output-file "$out" >/dev/null 2>"$WORK/ev.err" &
	local pid=$!
	wait_listening "$WORK/ev.err" "$pid" || { echo "bench: pwru did not start"; return; }
	WINDOW_PID=$pid "flood_$flood" >/dev/null
	rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
	cached1=$(awk '/^Cached:/ { print $2 }' /proc/meminfo)
	kill -INT "$pid"; wait "$pid"
	read -r events lost unwritten matched < <(closing_counts "$WORK/ev.err")
	local secs cpu
	secs=$(echo "$WIN_T1 - $WIN_T0" | bc -l)
	cpu=$(echo "($WIN_C1 - $WIN_C0) / $(getconf CLK_TCK)" | bc -l)
	local bytes=-
	if [ "$out" = /dev/null ]; then
		fmt="$fmt>null"
	else
		# the file and its rotated backups
		bytes=$(find "$WORK" -maxdepth 1 -name 'events*' ! -name '*.pcapng' -printf '%s\n' |
			awk -v n="$events" '{ s += $1 } END { printf "%.0f", n ? s / n : 0 }')
	fi
	# the page cache grown by the file (and anything else on the machine meanwhile)
	printf '  %-7s %-10s offered %8d (%8.0f/s)  delivered %8d (%8.0f/s, %8.0f per CPU-s; reader CPU %3.0f%%; %s B/event)  lost %8d (%5.2f%%)  not written %d  peak RSS %d kB  page cache %+d MB  kernel %.0f ns/event\n' \
		"$flood" "$fmt" "$matched" "$(echo "$matched / $secs" | bc -l)" "$events" "$(echo "$events / $secs" | bc -l)" \
		"$(echo "$events / ($cpu + 0.000001)" | bc -l)" "$(echo "100 * $cpu / $secs" | bc -l)" "$bytes" \
		"$lost" "$(echo "100 * $lost / ($matched + 0.000001)" | bc -l)" "$unwritten" "$rss" \
		"$(((cached1 - cached0) / 1024))" \
		"$(echo "($WIN_B1 - $WIN_B0) / ($matched + 0.000001)" | bc -l)"
	rm -f "$WORK"/events*
}

# What a file costs here before any formatting: dd into new page-cache pages,
# then over the same pages again, then dropping what it wrote as it goes (as
# --output-file does). A VM whose host backs guest memory lazily pays for the
# first touch of every page.
bench_file_sink() {
	local fresh again dropped
	fresh=$(dd if=/dev/zero of="$WORK/sink" bs=64k count=4096 2>&1 | awk 'END { print $(NF - 1), $NF }')
	again=$(dd if=/dev/zero of="$WORK/sink" bs=64k count=4096 conv=notrunc 2>&1 | awk 'END { print $(NF - 1), $NF }')
	rm -f "$WORK/sink"
	dropped=$(dd if=/dev/zero of="$WORK/sink" bs=64k count=4096 oflag=nocache 2>&1 | awk 'END { print $(NF - 1), $NF }')
	rm -f "$WORK/sink"
	echo "  file sink (dd, 256 MiB): into new pages $fresh, over the same pages again $again, dropping what it wrote $dropped"
}

# Sockets through the veth pair (7 events a datagram), then the kernel's own
# flood (4 a frame: one core of the kernel matching as fast as it can), to a
# file and to /dev/null (the reader alone, without the file's cost).
bench_events() {
	local old
	old=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	echo "event throughput: floods of ${SECS}s into pwru writing to a file (offered = the kernel's matched count)"
	bench_events_one text pps
	bench_events_one json pps
	bench_events_one json+pcap pps
	bench_events_one text kernel
	bench_events_one json kernel
	bench_events_one text kernel /dev/null
	bench_events_one json kernel /dev/null
	bench_file_sink
	sysctl -qw kernel.bpf_stats_enabled="$old"
}

# stats_of PID: "run_time_ns run_cnt" summed over the BPF programs PID holds.
stats_of() {
	# shellcheck disable=SC2046 # one program id a word
	bpftool prog show --json 2>/dev/null | python3 -c '
import json, sys
ids = {int(i) for i in sys.argv[1:]}
ns = cnt = 0
for p in json.load(sys.stdin):
    if p["id"] in ids:
        ns += p.get("run_time_ns", 0); cnt += p.get("run_cnt", 0)
print(ns, cnt)' $(bpf_objects_of_pid prog "$1" | sed 's/^prog://')
}

# The kernel's own clock per program run (kernel.bpf_stats_enabled), which a
# busy machine disturbs far less than packets/s: pwru with a netns filter that
# matches nothing and the empty programs of the floor, attached at the same
# time to the same tracepoints, so each flood hits both with the same packets
# and the same load; figures are per flood, then medians. The two differ in
# nothing but the programs (same tracepoints, same attach type), so the gap
# in their run time a packet, over an untraced packet's time, is the
# per-packet section's "pwru - floor" measured without the drift between
# floods that blurs it there.
bench_bpf_stats() {
	local old p0 p1 f0 f1 pwru_pid floor_pid untraced
	old=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	echo "per-hit cost by bpf_stats (run_time_ns / run_cnt), pwru (filter matching nothing) and the floor attached together, $ROUNDS floods of ${SECS}s:"
	untraced=$(flood_pps | cut -d' ' -f1)
	start_tracer floor || { echo "bench: floor did not start"; sysctl -qw kernel.bpf_stats_enabled="$old"; return; }
	floor_pid=$TRACER_PID
	if ! start_tracer pwru; then
		echo "bench: pwru did not start"
		TRACER_PID=$floor_pid stop_tracer
		sysctl -qw kernel.bpf_stats_enabled="$old"
		return
	fi
	pwru_pid=$TRACER_PID
	: >"$WORK/stats"
	for _ in $(seq 1 "$ROUNDS"); do
		local pc0 fc0 pc1 fc1 sent
		read -r p0 pc0 < <(stats_of "$pwru_pid")
		read -r f0 fc0 < <(stats_of "$floor_pid")
		sent=$(flood_pps | cut -d' ' -f2)
		read -r p1 pc1 < <(stats_of "$pwru_pid")
		read -r f1 fc1 < <(stats_of "$floor_pid")
		awk -v p=$((p1 - p0)) -v pc=$((pc1 - pc0)) -v f=$((f1 - f0)) -v fc=$((fc1 - fc0)) \
			-v sent="$sent" -v untraced="$untraced" 'BEGIN {
			if (pc > 0 && fc > 0 && sent > 0)
				printf "%.1f %.1f %.3f %d %.2f %.4f %.2f\n", p / pc, f / fc, (p / pc) / (f / fc), pc,
					pc / sent, (p - f) / sent * untraced / 1e9, fc / sent
		}' >>"$WORK/stats"
	done
	stop_tracer
	TRACER_PID=$floor_pid stop_tracer
	sysctl -qw kernel.bpf_stats_enabled="$old"
	printf '  pwru   %6s ns/run\n  floor  %6s ns/run\n  pwru/floor %s (medians of %d floods; %s runs each in the last)\n' \
		"$(awk '{print $1}' "$WORK/stats" | median)" "$(awk '{print $2}' "$WORK/stats" | median)" \
		"$(awk '{print $3}' "$WORK/stats" | median)" "$ROUNDS" "$(awk '{n = $4} END {print n}' "$WORK/stats")"
	printf '  pwru - floor over an untraced packet (%.0f packets/s untraced; runs a packet: pwru %s, floor %s): %s (floods: %s)\n' \
		"$untraced" "$(awk '{print $5}' "$WORK/stats" | median)" "$(awk '{print $7}' "$WORK/stats" | median)" \
		"$(awk '{print $6}' "$WORK/stats" | median)" \
		"$(awk '{print $6}' "$WORK/stats" | paste -sd' ')"
}

bench_format() {
	echo "user space alone (format_bench: decode, enrich, format 1M synthetic events to /dev/null, 5 rounds of each in turn):"
	"$OUT/tests/bench/format_bench" | sed 's/^/  /'
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

# BENCH_ONLY="events bpf_stats" runs those sections alone.
for section in ${BENCH_ONLY:-format per_packet bpf_stats events attach}; do
	"bench_$section"
done
