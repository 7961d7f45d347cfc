#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest scenario (tests/vm/run, with tests/vm/scenarios/scenario-lib.sh): the
# IPv6 twin of tests/vm/scenarios/drop.sh. pwru filtered by
# 'dst host fd00:198:18::2 and tcp and dst port 80' while the sender also
# connects to port 81 and pings: every JSON event must be the filtered flow.
# Env: BACKEND (kprobe | kprobe-multi | fentry | auto).
set -eu
. scenario-lib.sh
BACKEND=${BACKEND:-auto}
FUNCS='^(tcp_connect|__tcp_transmit_skb|inet6_csk_xmit|ip6_xmit|ip6_output|ip6_finish_output|ip6_finish_output2|__dev_queue_xmit|dev_hard_start_xmit|veth_xmit|__netif_rx|netif_rx|__netif_receive_skb|__netif_receive_skb_core|ipv6_rcv|ip6_rcv_core|ip6_rcv_finish|ip6_input|nf_hook_slow|kfree_skb_reason|sk_skb_reason_drop)$'
netns_pair
ip -n snd addr add fd00:198:18::1/64 dev snd0 nodad
ip -n rcv addr add fd00:198:18::2/64 dev rcv0 nodad
sleep 1
args=(--output-json --output-tuple --filter-func "$FUNCS")
[ "$BACKEND" = auto ] || args+=(--backend "$BACKEND")
pwru_start "${args[@]}" 'dst host fd00:198:18::2 and tcp and dst port 80' || { finish; exit; }
ip netns exec snd timeout 3 bash -c 'exec 3<>/dev/tcp/fd00:198:18::2/80' 2>/dev/null || true
ip netns exec snd timeout 3 bash -c 'exec 3<>/dev/tcp/fd00:198:18::2/81' 2>/dev/null || true
ip netns exec snd ping -c 2 -W 1 fd00:198:18::2 >/dev/null 2>&1 || true
sleep 1
pwru_stop
check_backend
events=$(grep -c '"func"' "$PWRU_OUT" || true)
# cilium/pwru's tuple keys: IPv6 in brackets, proto a number (6: tcp)
good=$(grep '"func"' "$PWRU_OUT" | grep -c -E '"daddr":"\[fd00:198:18::2\]","sport":[0-9]+,"dport":80,"proto":6[,}]' || true)
check tuple6 "every event tcp to fd00:198:18::2 port 80" "$good of $events events" [ "$events" -gt 0 -a "$good" -eq "$events" ]
echo "events=$events good=$good"
finish
