#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A pcap filter with IPv6, an L4 port and a TCP flags test, compiled to eBPF
# and spliced into the probes: it must pass the guest kernel's verifier (older
# ones are stricter) and select exactly the packets it names. Sent: UDP over
# IPv6 to :5001 (wanted) and :5002, UDP over IPv4 to :5001, a TCP SYN to :80
# (wanted) and to :81; only the wanted two may appear.
# Env: BACKEND (default auto), EXPECT_BACKEND (what auto must pick)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-auto}
FUNCS='^(ip_local_out|ip6_output|ip6_finish_output|__dev_queue_xmit|__netif_receive_skb_core|ip_rcv|ipv6_rcv|ip_local_deliver|ip6_input)$'
FILTER='(ip6 and udp and dst port 5001) or (tcp[tcpflags] & tcp-syn != 0 and dst port 80)'

netns_pair
ip -n snd addr add fd00:198:18::1/64 dev snd0 nodad
ip -n rcv addr add fd00:198:18::2/64 dev rcv0 nodad

args=(--output-tuple --filter-func "$FUNCS")
[ "$BACKEND" = auto ] || args+=(--backend "$BACKEND")
pwru_start "${args[@]}" "$FILTER" || { finish; exit; }
# bash's /dev/udp and /dev/tcp: one datagram or one connect attempt each,
# nothing listens, every send bounded by timeout
for dst in fd00:198:18::2/5001 fd00:198:18::2/5002 198.18.0.2/5001; do
	ip netns exec snd timeout 2 bash -c "echo x >/dev/udp/$dst" 2>/dev/null || true
done
for port in 80 81; do
	ip netns exec snd timeout 2 bash -c "echo x >/dev/tcp/198.18.0.2/$port" 2>/dev/null || true
done
sleep 1
pwru_stop

check_backend
events=$(grep -c . "$PWRU_EVENTS" || true)
v6=$(first_line '\[fd00:198:18::1\]:[0-9]+->\[fd00:198:18::2\]:5001\(udp\)')
syn=$(first_line '198\.18\.0\.1:[0-9]+->198\.18\.0\.2:80\(tcp\)')
check ip6-udp "an event for UDP to [fd00:198:18::2]:5001" "none in $events events" [ "$v6" -gt 0 ]
check tcp-syn "an event for the SYN to 198.18.0.2:80" "none in $events events" [ "$syn" -gt 0 ]
bad=$(grep -E -c -v '\[fd00:198:18::2\]:5001\(udp\)|198\.18\.0\.2:80\(tcp\)' "$PWRU_EVENTS" || true)
check nothing-else "no event for :5002, IPv4 UDP or :81 (nor any other packet)" \
	"$bad of $events events: $(grep -E -v '\[fd00:198:18::2\]:5001\(udp\)|198\.18\.0\.2:80\(tcp\)' "$PWRU_EVENTS" | head -n 1)" \
	[ "$bad" -eq 0 ]
finish
