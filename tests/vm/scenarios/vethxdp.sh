#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --filter-track-skb through veth XDP: with a native XDP program on rcv0
# (vm_xdp_pass), veth rebuilds a locally sent skb whose headroom is too
# small for XDP (veth_xdp_rcv_skb returns a copy). The filter matches only
# in the sender's netns; the receiver's icmp_rcv (veth's NAPI hands skbs to
# ip_list_rcv, not ip_rcv) must still show the ICMP request, on another skb
# than the one __dev_queue_xmit sent: the rebuilt copy, followed.
# Env: BACKEND (kprobe or kprobe-multi)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-kprobe}
FUNCS='^(ip_output|__dev_queue_xmit|veth_xmit|ip_rcv|icmp_rcv|kfree_skbmem|consume_skb)$'

netns_pair
obj=$(command -v xdp_pass.bpf.o)
ip netns exec rcv /usr/sbin/ip link set dev rcv0 xdpdrv obj "$obj" sec xdp ||
	{ fail xdp-loaded "expected vm_xdp_pass on rcv0 (native)"; finish; exit; }

args=(--output-json --backend "$BACKEND" --filter-func "$FUNCS" --filter-track-skb
	--filter-netns /var/run/netns/snd)
pwru_start "${args[@]}" 'icmp and dst host 198.18.0.2' || { finish; exit; }
ip netns exec snd ping -c 2 -i 0.5 -W 1 198.18.0.2 >/dev/null 2>&1 || true
sleep 1
pwru_stop
grep '^{"skb"' "$PWRU_OUT" >"$PWRU_EVENTS" || true

check_backend
events=$(grep -c . "$PWRU_EVENTS" || true)
req='"saddr":"198\.18\.0\.1","daddr":"198\.18\.0\.2"'
skb_of() { grep -E "\"func\":\"$1\".*$req" "$PWRU_EVENTS" | head -n 1 | sed 's/^{"skb":"\(0x[0-9a-f]*\)".*/\1/'; }
sent=$(skb_of __dev_queue_xmit)
rcvd=$(skb_of icmp_rcv)
check sent "a __dev_queue_xmit event of the request" "none in $events events" [ -n "$sent" ]
check followed-into-copy "icmp_rcv of the request, tracked, on another skb than __dev_queue_xmit's ($sent)" \
	"'${rcvd:-none}'" [ -n "$rcvd" -a "$rcvd" != "$sent" ]
vp=$(sed -n 's/^Following tracked skbs into clones and copies (\([0-9]*\) probes)$/\1/p' "$PWRU_ERR")
check veth-probes "the copy functions and veth's pair: at least 10 probes" "'${vp:-none}'" [ "${vp:-0}" -ge 10 ]
finish
