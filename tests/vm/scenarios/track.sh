#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --filter-track-skb through a DNAT rule: the filter matches the SYN to
# 198.18.0.2:8080 only; after PREROUTING rewrites it to port 80 the same skb
# must still be traced up to the DROP on port 80 in INPUT.
# Env: BACKEND (default auto), EXPECT_BACKEND (what auto must pick)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-auto}
FUNCS='^(ip_local_out|__ip_local_out|ip_output|__dev_queue_xmit|veth_xmit|__netif_receive_skb_core|__netif_receive_skb_one_core|ip_rcv|ip_rcv_core|ip_rcv_finish|ip_route_input_noref|ip_local_deliver|ip_local_deliver_finish|nf_hook_slow|nf_nat_ipv4_fn|nf_nat_packet|nf_nat_manip_pkt|kfree_skb_reason|sk_skb_reason_drop)$'

netns_pair
ip netns exec rcv iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 198.18.0.2:80
ip netns exec rcv iptables -A INPUT -p tcp --dport 80 -j DROP

args=(--output-tuple --filter-track-skb --filter-func "$FUNCS")
[ "$BACKEND" = auto ] || args+=(--backend "$BACKEND")
pwru_start "${args[@]}" 'dst host 198.18.0.2 and tcp and dst port 8080' || { finish; exit; }
ip netns exec snd timeout 4 nc -w 2 198.18.0.2 8080 </dev/null >/dev/null 2>&1 || true
sleep 1
pwru_stop

check_backend
events=$(grep -c . "$PWRU_EVENTS" || true)
pre=$(first_line '198\.18\.0\.1:[0-9]+->198\.18\.0\.2:8080([^0-9]|$)')
post=$(first_line '198\.18\.0\.1:[0-9]+->198\.18\.0\.2:80([^0-9]|$)')
drop=$(first_line '198\.18\.0\.2:80([^0-9]|$).*\(SKB_DROP_REASON_NETFILTER_DROP\)')
check pre-dnat "an event to 198.18.0.2:8080" "none in $events events" [ "$pre" -gt 0 ]
check tracked-after-dnat "the skb followed after DNAT (to :80) after a :8080 event" "first :80 at line $post, first :8080 at $pre" \
	[ "$post" -gt 0 -a "$post" -gt "$pre" ]
check drop-after-dnat "(SKB_DROP_REASON_NETFILTER_DROP) on the rewritten tuple" "line $drop" [ "$drop" -gt 0 ]
# clones and copies of a tracked skb are tracked too: fexit beside fentry,
# a kprobe and a kretprobe per copy function beside the kprobe backends
copies=$(sed -n 's/^Following tracked skbs into clones and copies (\([0-9]*\) probes)$/\1/p' "$PWRU_ERR")
check copy-probes "copy tracking attached on the 4 copy functions" "'${copies:-none}'" \
	[ "${copies:-0}" -ge 4 ]
finish
