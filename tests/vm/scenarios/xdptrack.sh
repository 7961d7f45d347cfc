#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --filter-track-skb with --filter-trace-xdp: the skb of a frame the XDP
# program (vm_xdp_pass, generic mode on rcv0) saw is followed by its head
# (= the frame's data_hard_start). The skb expression matches no skb, so
# only the XDP event matches the filter: without the XDP-to-skb link the
# receiver's ip_rcv/icmp_rcv events are absent, and the sender's ip_output
# (before XDP) must stay absent with it. --filter-func leaves kfree_skbmem
# out, yet tracking must still end there: the second request's skb often
# gets the first one's freed address, and its ip_output would then show as
# "tracked" (seen in 6.12 before the hidden kfree_skbmem companion).
# Env: BACKEND (default fentry; --filter-trace-xdp needs fentry on the program)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-fentry}
netns_pair
obj=$(command -v xdp_pass.bpf.o)
ip netns exec rcv /usr/sbin/ip link set dev rcv0 xdpgeneric obj "$obj" sec xdp ||
	{ fail xdp-loaded "expected vm_xdp_pass on rcv0"; finish; exit; }

args=(--output-json --filter-trace-xdp --filter-track-skb --filter-skb-expr 'skb->len > 1000000'
	--filter-func '^(ip_output|ip_rcv|icmp_rcv)$')
[ "$BACKEND" = auto ] || args+=(--backend "$BACKEND")
pwru_start "${args[@]}" 'icmp and dst host 198.18.0.2' || { finish; exit; }
ip netns exec snd ping -c 2 -i 0.5 -W 1 198.18.0.2 >/dev/null 2>&1 || true
sleep 1
pwru_stop
grep '^{"skb"' "$PWRU_OUT" >"$PWRU_EVENTS" || true

events=$(grep -c . "$PWRU_EVENTS" || true)
req='"saddr":"198\.18\.0\.1","daddr":"198\.18\.0\.2"'
n_of() { grep -E -c "\"func\":\"$1\".*$req" "$PWRU_EVENTS" || true; }
xdp=$(n_of 'vm_xdp_pass\[xdp\]')
rcv=$(n_of ip_rcv)
icmp=$(n_of icmp_rcv)
out=$(grep -c '"func":"ip_output"' "$PWRU_EVENTS" || true)
check xdp-matched "vm_xdp_pass[xdp] events of the requests" "$xdp in $events events" [ "$xdp" -gt 0 ]
check followed-ip_rcv "ip_rcv of the requests, followed from XDP" "$rcv in $events events" [ "$rcv" -gt 0 ]
check followed-icmp_rcv "icmp_rcv of the requests, followed from XDP" "$icmp in $events events" \
	[ "$icmp" -gt 0 ]
check freed-not-followed "no ip_output (before XDP: neither the skb filter nor a freed address may pick it)" "$out" \
	[ "$out" -eq 0 ]
bad=$(grep -E -c -v "$req" "$PWRU_EVENTS" || true)
check only-requests "every event a request 198.18.0.1->198.18.0.2" "$bad of $events without it" \
	[ "$events" -gt 0 -a "$bad" -eq 0 ]
finish
