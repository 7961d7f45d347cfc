#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --filter-track-bpf-helpers and --output-bpfmap: a TC ingress program
# (vm_tc_maps, shipped as tc_maps.bpf.o) counts ICMP packets per source in
# its hash map vm_seen. Two pings from 198.18.0.1: the helpers it calls on
# each request (bpf_skb_load_bytes, the map lookup, the first time an
# update) must appear tied to the request by kernel stack, the map calls
# with vm_seen's name, the key c6120001 (198.18.0.1) and the values: the
# update writes 1, the second lookup finds it (the inlined hash lookup
# returns the element: the value is read after its key).
# Env: BACKEND (kprobe or kprobe-multi)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-kprobe}
FUNCS='^(ip_local_out|ip_output|__dev_queue_xmit|veth_xmit|netif_receive_skb|tcf_classify|ip_rcv|ip_local_deliver|icmp_rcv|kfree_skbmem|consume_skb|kfree_skb_reason|sk_skb_reason_drop)$'

netns_pair
obj=$(command -v tc_maps.bpf.o)
ip netns exec rcv tc qdisc add dev rcv0 clsact
ip netns exec rcv tc filter add dev rcv0 ingress bpf direct-action obj "$obj" sec tc
ip netns exec rcv tc filter show dev rcv0 ingress | grep -q vm_tc_maps ||
	{ fail tc-loaded "expected vm_tc_maps on rcv0 ingress, saw: $(ip netns exec rcv tc filter show dev rcv0 ingress)"; finish; exit; }

args=(--output-json --backend "$BACKEND" --filter-func "$FUNCS" --filter-track-bpf-helpers --output-bpfmap)
pwru_start "${args[@]}" 'dst host 198.18.0.2 and icmp' || { finish; exit; }
ip netns exec snd ping -c 2 -i 0.5 -W 1 198.18.0.2 >/dev/null 2>&1 || true
sleep 1
pwru_stop
grep '^{"skb"' "$PWRU_OUT" >"$PWRU_EVENTS" || true

check_backend
events=$(grep -c . "$PWRU_EVENTS" || true)
count() { grep -c -E "$1" "$PWRU_EVENTS" || true; }
req='"saddr":"198\.18\.0\.1","daddr":"198\.18\.0\.2"'
map='"bpfmap":\{"id":[0-9]+,"name":"vm_seen","key_size":4,"value_size":8,"key":"c6120001"'
load=$(count "\"func\":\"bpf_skb_load_bytes\".*$req.*\"tracked_by\":\"stackid\"")
check helper-on-path "bpf_skb_load_bytes events with the request's tuple, tracked_by stackid" \
	"$load of $events events" [ "$load" -gt 0 ]
update=$(count "\"func\":\"[a-z_]*update_elem\".*$req.*$map,\"value\":\"0100000000000000\"\\}")
check map-update "an update_elem event: vm_seen, key c6120001, value 1" "$update" [ "$update" -gt 0 ]
miss=$(count "\"func\":\"[a-z_]*lookup_elem\".*$map\\}")
found=$(count "\"func\":\"[a-z_]*lookup_elem\".*$map,\"value\":\"0100000000000000\"\\}")
check map-lookups "a lookup_elem that misses and one that finds value 1 in vm_seen" \
	"$miss missed, $found found" [ "$miss" -gt 0 -a "$found" -gt 0 ]
finish
