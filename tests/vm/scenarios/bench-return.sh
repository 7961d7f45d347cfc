#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What --output-return costs per hit, beside entry-only tracing, in the same
# guest: UDP datagrams to a closed port, every one matched, over the same
# receive-path functions, with and without return probes:
#   BENCH return backend=B untraced_us=.. entry_us=.. return_us=.. \
#         entry_events=.. return_events=.. per_entry_ns=.. per_return_ns=..
# per_entry_ns: (entry-only - untraced) over the entry events; per_return_ns:
# (with returns - entry-only) over the events the returns added, so a
# return's cost is its probe and event plus its entry's note.
# Env: RET_BACKENDS (default "kprobe kprobe-multi fentry"), RET_PACKETS (default 3000)
set -eu
. scenario-lib.sh

RET_BACKENDS=${RET_BACKENDS:-kprobe kprobe-multi fentry}
PACKETS=${RET_PACKETS:-3000}
FUNCS='^(ip_rcv|ip_rcv_core|ip_rcv_finish|ip_route_input_noref|ip_local_deliver|ip_local_deliver_finish|ip_protocol_deliver_rcu|udp_rcv|__udp4_lib_rcv|__netif_receive_skb|__netif_receive_skb_one_core|netif_rx|__netif_rx|veth_xmit|__dev_queue_xmit|ip_output|ip_finish_output2|ip_local_out)$'

per_packet() { sed -n 's/.*per_packet_us=\([0-9.]*\).*/\1/p'; }
# per_hit TRACED_US BASE_US EVENTS: ns per event of the difference
per_hit() { awk -v t="$1" -v u="$2" -v e="$3" -v p="$PACKETS" 'BEGIN { printf "%.0f", (e > 0) ? (t - u) * 1000 * p / e : 0 }'; }

netns_pair
command -v pwru >/dev/null || { fail pwru-present "expected pwru on PATH, saw none"; finish; exit; }
base=$(ip netns exec snd vm-udpsend 198.18.0.2 9 "$PACKETS" | per_packet)
for b in $RET_BACKENDS; do
	us=() evs=()
	for extra in "" --output-return; do
		pwru_start --backend "$b" --filter-func "$FUNCS" --no-summary $extra 'udp and dst port 9' || break
		us+=("$(ip netns exec snd vm-udpsend 198.18.0.2 9 "$PACKETS" | per_packet)")
		pwru_stop
		evs+=("$(grep -c . "$PWRU_EVENTS" || true)")
	done
	[ ${#us[@]} -eq 2 ] || { echo "BENCH return backend=$b result=fail"; continue; }
	echo "BENCH return backend=$b untraced_us=$base entry_us=${us[0]} return_us=${us[1]}" \
		"entry_events=${evs[0]} return_events=${evs[1]}" \
		"per_entry_ns=$(per_hit "${us[0]}" "$base" "${evs[0]}")" \
		"per_return_ns=$(per_hit "${us[1]}" "${us[0]}" "$((evs[1] - evs[0]))")"
	check "events-$b" "more events with returns" "${evs[0]} and ${evs[1]}" [ "${evs[1]}" -gt "${evs[0]}" ]
done
finish
