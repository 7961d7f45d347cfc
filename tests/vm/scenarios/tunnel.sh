#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tunnels the host's kernel cannot make: Geneve (inner Ethernet), IPIP and GRE
# (inner IP, no link header) over the snd/rcv veth pair. Over each, one UDP
# datagram to the inner peer's :5001 (wanted) and one to :5002. The outer
# filter keeps outer packets only; the tunnel filter must keep exactly the
# :5001 ones, each line ending in its inner tuple (--output-tunnel).
#   run 1: --filter-tunnel-pcap-l3 'udp dst port 5001'
#   run 2: --filter-tunnel-pcap-l2 'udp dst port 5001' (Ethernet program for
#          Geneve, its raw-IP form for IPIP and GRE)
# Env: BACKEND (default auto)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-auto}
FUNCS='^(ip_local_out|__dev_queue_xmit|veth_xmit|__netif_receive_skb_core|ip_rcv)$'
# tunnel name, ip-link arguments, inner /24 (198.19.N.0)
TUNNELS='geneve:type geneve id 7 remote REMOTE:1
ipip:type ipip local LOCAL remote REMOTE:2
gre:type gre local LOCAL remote REMOTE:3'

netns_pair
while IFS=: read -r name spec net; do
	for side in snd rcv; do
		if [ $side = snd ]; then local=198.18.0.1 remote=198.18.0.2 me=1; else local=198.18.0.2 remote=198.18.0.1 me=2; fi
		# shellcheck disable=SC2086 # spec is a list of words
		ip -n $side link add t-$name $(echo "$spec" | sed "s/LOCAL/$local/; s/REMOTE/$remote/")
		ip -n $side addr add 198.19.$net.$me/24 dev t-$name
		ip -n $side link set t-$name up
	done
done <<<"$TUNNELS"

# One datagram per tunnel and port; bash's /dev/udp, nothing listens.
send_inner() {
	for net in 1 2 3; do
		for port in 5001 5002; do
			ip netns exec snd timeout 2 bash -c "echo x >/dev/udp/198.19.$net.2/$port" 2>/dev/null || true
		done
	done
	sleep 1
}

# check_run LABEL: per tunnel an event whose inner tuple is 198.19.N.1 -> .2:5001,
# none with :5002, and every event's line ends in a :5001 inner tuple.
check_run() {
	local label=$1 events n bad
	events=$(grep -c . "$PWRU_EVENTS" || true)
	echo "--- $label: $events events, the first ones"
	head -n 4 "$PWRU_EVENTS"
	for n in 1:geneve 2:ipip 3:gre; do
		keep=$(first_line "198\\.19\\.${n%%:*}\\.1:[0-9]+->198\\.19\\.${n%%:*}\\.2:5001\\(udp\\)\$")
		drop=$(first_line "198\\.19\\.${n%%:*}\\.1:[0-9]+->198\\.19\\.${n%%:*}\\.2:5002\\(udp\\)")
		check "$label-${n#*:}-keep" "an outer ${n#*:} packet with inner tuple ->198.19.${n%%:*}.2:5001" \
			"none in $events events" [ "$keep" -gt 0 ]
		check "$label-${n#*:}-drop" "no event with inner :5002 over ${n#*:}" "line $drop" [ "$drop" -eq 0 ]
	done
	bad=$(grep -E -c -v ':5001\(udp\)$' "$PWRU_EVENTS" || true)
	check "$label-only-5001" "every event ending in an inner :5001 tuple" \
		"$bad of $events: $(grep -E -v ':5001\(udp\)$' "$PWRU_EVENTS" | head -n 1)" [ "$bad" -eq 0 ]
}

args=(--output-tunnel)
case $BACKEND in
auto) ;;
tracepoint) args+=(--backend "$BACKEND") ;;
*) args+=(--backend "$BACKEND" --filter-func "$FUNCS") ;;
esac

pwru_start "${args[@]}" --filter-tunnel-pcap-l3 'udp dst port 5001' 'ip and host 198.18.0.2' ||
	{ finish; exit; }
send_inner
pwru_stop
check_backend
grep -q 'TUNNEL$' "$PWRU_OUT" && pass l3-header || fail l3-header "expected a TUNNEL column, saw: $(head -n 1 "$PWRU_OUT")"
check_run l3

# The neighbour caches are warm now: no inner ARP in the second run.
pwru_start "${args[@]}" --filter-tunnel-pcap-l2 'udp dst port 5001' 'ip and host 198.18.0.2' ||
	{ finish; exit; }
send_inner
pwru_stop
check_run l2
finish
