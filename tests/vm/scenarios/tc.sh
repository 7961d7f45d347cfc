#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A TC ingress program (vm_tc_drop, shipped as tc_drop.bpf.o) drops TCP to
# port 80 on the receiver's veth; with --filter-trace-tc pwru must show the
# program by name on the SYN's path and the drop after it.
# Env: BACKEND (default fentry; --filter-trace-tc needs fentry),
#      NO_DROP_REASONS=1 (5.10: the drop is kfree_skb without a reason),
#      ONLY_BPF=1 (--filter-trace-only-bpf: the program's events and nothing else)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-fentry}
FUNCS='^(ip_local_out|__ip_local_out|ip_output|ip_finish_output2|__dev_queue_xmit|veth_xmit|__netif_rx|netif_rx|__netif_receive_skb|__netif_receive_skb_core|__netif_receive_skb_one_core|tcf_classify|ip_rcv|kfree_skb_reason|sk_skb_reason_drop|kfree_skb)$'

netns_pair
obj=$(command -v tc_drop.bpf.o)
ip netns exec rcv tc qdisc add dev rcv0 clsact
ip netns exec rcv tc filter add dev rcv0 ingress bpf direct-action obj "$obj" sec tc
ip netns exec rcv tc filter show dev rcv0 ingress | grep -q vm_tc_drop ||
	{ fail tc-loaded "expected vm_tc_drop on rcv0 ingress, saw: $(ip netns exec rcv tc filter show dev rcv0 ingress)"; finish; exit; }

args=(--output-tuple --filter-trace-tc --filter-func "$FUNCS")
[ "${ONLY_BPF:-0}" = 1 ] && args=(--output-tuple --filter-trace-tc --filter-trace-only-bpf)
[ "$BACKEND" = auto ] || [ "${ONLY_BPF:-0}" = 1 ] || args+=(--backend "$BACKEND")
pwru_start "${args[@]}" 'dst host 198.18.0.2 and tcp and dst port 80' || { finish; exit; }
ip netns exec snd timeout 4 nc -w 2 198.18.0.2 80 </dev/null >/dev/null 2>&1 || true
sleep 1
pwru_stop

events=$(grep -c . "$PWRU_EVENTS" || true)
prog_line=$(first_line 'vm_tc_drop')
if [ "${ONLY_BPF:-0}" = 1 ]; then
	others=$(grep -v -c 'vm_tc_drop' "$PWRU_EVENTS" || true)
	check only-bpf-said "'tracing BPF programs only' on stderr" "'$(head -n1 "$PWRU_ERR")'" \
		grep -q '^tracing BPF programs only$' "$PWRU_ERR"
	check only-the-program "events from vm_tc_drop and nothing else" \
		"$others other of $events events" [ "$prog_line" -gt 0 -a "$others" -eq 0 ]
	finish
	exit
fi
check_backend
drop_line=$(first_line "$(drop_re 'SKB_DROP_REASON_[A-Z_]+')")
check tc-prog-traced "an event naming vm_tc_drop" "none in $events events" [ "$prog_line" -gt 0 ]
check drop-after-prog "a drop reason after vm_tc_drop" "drop at line $drop_line, program at $prog_line" \
	[ "$prog_line" -gt 0 -a "$drop_line" -gt "$prog_line" ]
check no-nf-drop "no netfilter drop (no iptables rule here)" "$(grep -c NETFILTER_DROP "$PWRU_EVENTS" || true) lines" \
	bash -c "! grep -q NETFILTER_DROP '$PWRU_EVENTS'"
finish
