#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --filter-non-skb-funcs and --filter-track-skb-by-stackid with function
# probes: the filter matches ICMP echo requests to 198.18.0.2 only.
# fib_table_lookup takes no skb; the receiver's route lookups for the
# request (and for the reply it builds) must show up tied to the request
# by kernel stack, and the reply, a new skb built on the request's stack,
# must be followed although the filter never matches it.
# Env: BACKEND (kprobe, kprobe-multi or fentry)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-kprobe}
FUNCS='^(ip_local_out|ip_output|__dev_queue_xmit|veth_xmit|__netif_receive_skb_core|ip_rcv|ip_rcv_finish|ip_route_input_noref|ip_local_deliver|icmp_rcv|kfree_skbmem|consume_skb|kfree_skb_reason|sk_skb_reason_drop)$'

netns_pair
args=(--output-json --backend "$BACKEND" --filter-func "$FUNCS" --filter-non-skb-funcs fib_table_lookup)
pwru_start "${args[@]}" 'dst host 198.18.0.2 and icmp[icmptype] == icmp-echo' || { finish; exit; }
ip netns exec snd ping -c 2 -i 0.5 -W 1 198.18.0.2 >/dev/null 2>&1 || true
sleep 1
pwru_stop
grep '^{"skb"' "$PWRU_OUT" >"$PWRU_EVENTS" || true

check_backend
events=$(grep -c . "$PWRU_EVENTS" || true)
count() { grep -c -E "$1" "$PWRU_EVENTS" || true; }
req='"saddr":"198\.18\.0\.1","daddr":"198\.18\.0\.2"'
rep='"saddr":"198\.18\.0\.2","daddr":"198\.18\.0\.1"'
fib=$(count "\"func\":\"fib_table_lookup\".*$req.*\"tracked_by\":\"stackid\"")
check non-skb-func-tied "fib_table_lookup events carrying the request's tuple, tracked_by stackid" \
	"$fib of $events events" [ "$fib" -gt 0 ]
matched=$(count "\"func\":\"ip_rcv\".*$req")
check request-matched "ip_rcv events of the request" "$matched" [ "$matched" -gt 0 ]
reply=$(count "$rep.*\"tracked_by\":\"stackid\"")
check reply-followed "events of the echo reply tracked_by stackid" "$reply of $events events" \
	[ "$reply" -gt 0 ]
untied=$(grep '"func":"fib_table_lookup"' "$PWRU_EVENTS" | grep -c -v '"tracked_by":"stackid"' || true)
check every-non-skb-tied "every fib_table_lookup event tracked_by stackid" "$untied without" \
	[ "$untied" -eq 0 ]
finish
