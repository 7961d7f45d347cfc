#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An XDP program (vm_xdp_pass, generic mode) on the receiver's veth; with
# --filter-trace-xdp pwru must show it by name, before ip_rcv, for the SYN
# the pcap filter selects, and nothing else.
# Env: BACKEND (default fentry; --filter-trace-xdp needs fentry)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-fentry}
netns_pair
obj=$(command -v xdp_pass.bpf.o)
ip netns exec rcv /usr/sbin/ip link set dev rcv0 xdpgeneric obj "$obj" sec xdp ||
	{ fail xdp-loaded "expected vm_xdp_pass on rcv0"; finish; exit; }

args=(--output-tuple --filter-trace-xdp --filter-func '^(ip_rcv)$')
[ "$BACKEND" = auto ] || args+=(--backend "$BACKEND")
pwru_start "${args[@]}" 'dst host 198.18.0.2 and tcp and dst port 80' || { finish; exit; }
ip netns exec snd timeout 4 nc -w 2 198.18.0.2 80 </dev/null >/dev/null 2>&1 || true
pwru_stop

events=$(grep -c . "$PWRU_EVENTS" || true)
xdp_line=$(first_line 'vm_xdp_pass\[xdp\]')
rcv_line=$(first_line ' ip_rcv( |$)')
check xdp-prog-traced "an event naming vm_xdp_pass[xdp]" "none in $events events" [ "$xdp_line" -gt 0 ]
check xdp-before-ip_rcv "vm_xdp_pass before ip_rcv" "lines $xdp_line and $rcv_line" \
	[ "$xdp_line" -gt 0 -a "$rcv_line" -gt "$xdp_line" ]
bad=$(grep -E -c -v '198\.18\.0\.1:[0-9]+->198\.18\.0\.2:80([^0-9]|$)' "$PWRU_EVENTS" || true)
check tuple "every event 198.18.0.1:*->198.18.0.2:80" "$bad of $events events without it" \
	[ "$events" -gt 0 -a "$bad" -eq 0 ]
finish
