#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --output-pcap with the function backends: the programs that copy the
# packet load (both objects: fentry's typed reads, kprobe's probe_read), and
# the pcapng file holds one packet per event, each with its comment and the
# SYN's IPv4 addresses in its bytes. XDP=1 adds an XDP program on the
# receiver's veth, traced with --filter-trace-xdp, whose frames are copied too.
# The guest has no tshark: the file is read with od and tr (tests/e2e/pcapng.sh
# reads it with tshark on the development host).
# Env: BACKEND (kprobe | kprobe-multi | fentry | auto), NO_DROP_REASONS=1, XDP=1
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-auto}
FUNCS='^(ip_local_out|ip_output|dev_hard_start_xmit|__netif_receive_skb_core|ip_rcv|nf_hook_slow|kfree_skb_reason|sk_skb_reason_drop|kfree_skb)$'
PCAP=/tmp/pwru.pcapng

netns_pair
ip netns exec rcv iptables -A INPUT -p tcp --dport 80 -j DROP
args=(--output-tuple --filter-func "$FUNCS" --output-pcap "$PCAP" --output-pcap-snaplen 64)
[ "$BACKEND" = auto ] || args+=(--backend "$BACKEND")
if [ "${XDP:-0}" = 1 ]; then
	ip netns exec rcv /usr/sbin/ip link set dev rcv0 xdpgeneric obj "$(command -v xdp_pass.bpf.o)" sec xdp ||
		{ fail xdp-loaded "expected vm_xdp_pass on rcv0"; finish; exit; }
	args+=(--filter-trace-xdp)
fi
pwru_start "${args[@]}" 'dst host 198.18.0.2 and tcp and dst port 80' || { finish; exit; }
ip netns exec snd timeout 4 nc -w 2 198.18.0.2 80 </dev/null >/dev/null 2>&1 || true
sleep 1
pwru_stop

check_backend
events=$(grep -c . "$PWRU_EVENTS" || true)
packets=$(sed -n "s|^\([0-9]*\) packets in $PCAP, 0 not written\$|\1|p" "$PWRU_ERR")
check pcap-count "one packet per event ($events events)" "'${packets:-no count line}'" \
	[ "$events" -gt 0 -a "${packets:-x}" = "$events" ]
# the file as " 0a 0d ..." (busybox has od, not tshark); the spaces keep matches on byte boundaries
hex=$(od -An -v -tx1 "$PCAP" | tr -d '\n')
# 198.18.0.1 -> 198.18.0.2 as an IPv4 header holds them: every copy reaches them within 64 bytes
with_ip=$(echo "$hex" | grep -o ' c6 12 00 01 c6 12 00 02' | wc -l)
check pcap-bytes "the SYN's addresses in each of the $events packets" "$with_ip" \
	[ "$with_ip" -eq "$events" ]
# "func=" begins every packet's comment
comments=$(echo "$hex" | grep -o ' 66 75 6e 63 3d' | wc -l)
check pcap-comments "a func= comment on each of the $events packets" "$comments" \
	[ "$comments" -eq "$events" ]
check pcap-drop "a packet comment with drop_reason=" "none" \
	grep -q 'drop_reason=' "$PCAP"
if [ "${XDP:-0}" = 1 ]; then
	check pcap-xdp "a packet seen by vm_xdp_pass[xdp]" "none" grep -q 'func=vm_xdp_pass\[xdp\]' "$PCAP"
fi
finish
