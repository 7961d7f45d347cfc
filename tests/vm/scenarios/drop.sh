#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An iptables DROP on tcp dport 80 in the receiver; pwru must follow the SYN
# from the sender's output path to nf_hook_slow and report the drop reason
# by name with the right tuple.
# Env: BACKEND (kprobe | kprobe-multi | fentry | auto; default auto),
#      EXPECT_BACKEND (what auto must pick), NO_DROP_REASONS=1 (5.10: the
#      drop shows as kfree_skb without a reason)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-auto}
# tens of functions, not all: each kprobe costs seconds to attach under TCG
FUNCS='^(tcp_connect|__tcp_transmit_skb|__ip_queue_xmit|ip_local_out|__ip_local_out|ip_output|ip_finish_output|ip_finish_output2|__dev_queue_xmit|dev_hard_start_xmit|veth_xmit|__netif_rx|netif_rx|__netif_receive_skb|__netif_receive_skb_core|__netif_receive_skb_one_core|ip_rcv|ip_rcv_core|ip_rcv_finish|ip_local_deliver|nf_hook_slow|kfree_skb_reason|sk_skb_reason_drop|kfree_skb)$'

netns_pair
ip netns exec rcv iptables -A INPUT -p tcp --dport 80 -j DROP

args=(--output-tuple --filter-func "$FUNCS")
[ "$BACKEND" = auto ] || args+=(--backend "$BACKEND")
pwru_start "${args[@]}" 'dst host 198.18.0.2 and tcp and dst port 80' || { finish; exit; }

# one SYN and its retransmit at +1 s, all dropped; nc gives up after 2 s
ip netns exec snd timeout 4 nc -w 2 198.18.0.2 80 </dev/null >/dev/null 2>&1 || true
sleep 1
pwru_stop

check_backend
events=$(grep -c . "$PWRU_EVENTS" || true)
summary=$(grep -E -m1 '[0-9]+ events, [0-9]+ lost' "$PWRU_ERR" || echo none)
check summary "'N events, M lost' on stderr" "'$summary'" [ "$summary" != none ]
out_line=$(first_line ' (__ip_queue_xmit|ip_local_out|__ip_local_out|ip_output)( |$)')
hook_line=$(first_line ' nf_hook_slow( |$)')
drop_line=$(first_line "$(drop_re SKB_DROP_REASON_NETFILTER_DROP)")
check path-sender "ip_local_out/__ip_queue_xmit in the trace" "no such line in $events events" [ "$out_line" -gt 0 ]
check path-nf_hook_slow "nf_hook_slow in the trace" "no such line in $events events" [ "$hook_line" -gt 0 ]
check path-order "sender path before nf_hook_slow" "lines $out_line and $hook_line" \
	[ "$out_line" -gt 0 -a "$hook_line" -gt "$out_line" ]
check drop-reason "'$(drop_re SKB_DROP_REASON_NETFILTER_DROP)' after nf_hook_slow" "line ${drop_line} (nf_hook_slow at $hook_line)" \
	[ "$drop_line" -gt 0 -a "$drop_line" -gt "$hook_line" ]
if [ "${NO_DROP_REASONS:-0}" = 1 ]; then
	check no-reasons-notice "a one-line notice that this kernel has no drop reasons" \
		"'$(grep -m1 'drop reasons' "$PWRU_ERR" || true)'" grep -q '^This kernel has no drop reasons' "$PWRU_ERR"
fi
# The drop site: where the kernel dropped it (the kfree_skb tracepoint's
# location, the return address into the drop function's caller for kprobes);
# fentry events carry none (the skb:kfree_skb tracepoint, matched by the
# filter too, always does). Every site shown must be nf_hook_slow's, by name.
sites=$(grep -E '(kfree_skb[a-z_]*|sk_skb_reason_drop)\((SKB_DROP_REASON_NETFILTER_DROP|0)\)( |$)' "$PWRU_EVENTS" |
	sed -E 's/.*\)( ([^ ]+))?$/\2/' | grep . | sort | uniq -c | tr -s ' \n' ' ' || true)
check drop-site "drop sites named nf_hook_slow+0x..." "'$sites'" \
	bash -c "[ -n '$sites' ] && ! echo '$sites' | tr ' ' '\n' | grep -E '^(0x|[a-z_])' | grep -qv '^nf_hook_slow+0x'"
bad=$(grep -E -c -v '198\.18\.0\.1:[0-9]+->198\.18\.0\.2:80([^0-9]|$)' "$PWRU_EVENTS" || true)
check tuple "every event 198.18.0.1:*->198.18.0.2:80" "$bad of $events events without it" \
	[ "$events" -gt 0 -a "$bad" -eq 0 ]
finish
