#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest scenario (tests/vm/run, with tests/vm/scenarios/scenario-lib.sh):
# expressions under the function backends this host cannot run.
#  skb   --filter-skb-expr 'skb->len > 1000' with --output-skb-metadata
#        'skb->len,skb->dev->ifindex' on ip_rcv while big and small pings
#        arrive: every line is a big packet on rcv0 and ends in
#        ' ip_rcv len=N ifindex=I', N > 1000
#  xdp   (BACKEND=fentry) an XDP program on rcv0 traced with
#        --filter-trace-xdp --filter-xdp-expr 'xdp->rxq->dev->ifindex == I'
#        --output-xdp-metadata 'xdp->rxq->dev->ifindex,xdp->rxq->queue_index':
#        its events end in ' ifindex=I queue_index=0'; with another ifindex in
#        the expression there are none, while ip_rcv events remain
# Env: BACKEND (kprobe | kprobe-multi | fentry).
set -eu
. scenario-lib.sh
BACKEND=${BACKEND:-fentry}
netns_pair
ifindex=$(ip netns exec rcv cat /sys/class/net/rcv0/ifindex)

pings() {
	ip netns exec snd ping -c 3 -i 0.3 -W 1 -s 1400 198.18.0.2 >/dev/null 2>&1 || true
	ip netns exec snd ping -c 3 -i 0.3 -W 1 -s 100 198.18.0.2 >/dev/null 2>&1 || true
	sleep 1
}

pwru_start -v --backend "$BACKEND" --filter-func '^ip_rcv$' --filter-skb-expr 'skb->len > 1000' \
	--output-skb-metadata 'skb->len,skb->dev->ifindex' || { finish; exit; }
pings
pwru_stop
check_backend
events=$(grep -c . "$PWRU_EVENTS" || true)
good=$(awk -v i="$ifindex" '$0 ~ (" ip_rcv len=[0-9]+ ifindex=" i "$") {
	split($NF, a, "="); split($(NF-1), l, "="); if (l[2] > 1000) n++ } END { print n + 0 }' \
	"$PWRU_EVENTS")
check skb-expr-metadata "3 or more ip_rcv events, each ' ip_rcv len=N ifindex=$ifindex' with N > 1000" \
	"$good of $events: $(head -n 1 "$PWRU_EVENTS")" [ "$events" -ge 3 -a "$good" -eq "$events" ]
# reads=: how this kernel lets tp_btf/fentry bodies read (kprobe programs always probe-read)
reads=probe_read
grep -q 'skb expressions: direct loads' "$PWRU_ERR" && reads=direct
echo "counts skb: events=$events good=$good reads=$reads"

if [ "$BACKEND" = fentry ]; then
	obj=$(command -v xdp_pass.bpf.o)
	ip netns exec rcv /usr/sbin/ip link set dev rcv0 xdpgeneric obj "$obj" sec xdp ||
		{ fail xdp-loaded "expected vm_xdp_pass on rcv0"; finish; exit; }
	for want in "$ifindex" $((ifindex + 1000)); do
		pwru_start --backend fentry --filter-trace-xdp --filter-func '^ip_rcv$' \
			--filter-xdp-expr "xdp->rxq->dev->ifindex == $want" \
			--output-xdp-metadata 'xdp->rxq->dev->ifindex,xdp->rxq->queue_index' ||
			{ finish; exit; }
		pings
		pwru_stop
		xdp=$(grep -c 'vm_xdp_pass\[xdp\]' "$PWRU_EVENTS" || true)
		good=$(grep -c "vm_xdp_pass\[xdp\] ifindex=$ifindex queue_index=0\$" "$PWRU_EVENTS" || true)
		rcv=$(grep -c ' ip_rcv$' "$PWRU_EVENTS" || true)
		if [ "$want" = "$ifindex" ]; then
			check xdp-expr-metadata "6 or more XDP events ending in 'ifindex=$ifindex queue_index=0'" \
				"$good of $xdp: $(grep -m1 'vm_xdp_pass' "$PWRU_EVENTS" || true)" \
				[ "$xdp" -ge 6 -a "$good" -eq "$xdp" ]
		else
			check xdp-expr-excludes "no XDP event for ifindex $want, ip_rcv events still there" \
				"$xdp XDP events, $rcv ip_rcv" [ "$xdp" -eq 0 -a "$rcv" -ge 6 ]
		fi
		echo "counts xdp ifindex==$want: xdp=$xdp good=$good ip_rcv=$rcv"
	done
fi
finish
