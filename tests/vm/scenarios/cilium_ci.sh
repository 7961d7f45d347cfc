#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cilium/pwru's own end-to-end checks (its .github/workflows/test.yml and
# .github/actions/pwru-test), run the way its CI runs them: pwru in the
# background with --output-tuple --output-file F --ready-file R, the flags
# and the filter of the case; traffic once R exists; SIGTERM; then the case's
# pattern must be in F. Its public addresses become ours: 1.0.0.x and
# 10.10.x.x -> 198.19.x.x, 2606:4700:4700::100x -> fd00:198:18::9x,
# 169.254.0.1 -> 198.18.77.1, 1.1.1.1:80 -> a listener in a netns. No case
# names a function: pwru attaches to every skb function the kernel has.
# Env: BACKEND (default auto), KPROBE_MULTI=1 when the kernel has it (the
#      --backend=kprobe-multi case), TRACE_BPF=1 when --filter-trace-tc and
#      --filter-trace-xdp work next to BACKEND (cilium/pwru: 6.6+)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-auto}
drop_pat='(kfree_skb_reason|kfree_skb|sk_skb_reason_drop)([^a-z_]|$)'

# cilium/pwru's action: one pwru run per case
# cilium_case NAME PATTERN TRAFFIC-FUNCTION FILTER [FLAGS...]
cilium_case() {
	local name=$1 pattern=$2 traffic=$3 filter=$4 log=/tmp/pwru-$1.log ready=/tmp/pwru-$1.ready
	local status=/tmp/pwru-$1.status pid i=0 rc
	shift 4
	local args=(--output-tuple --output-file="$log" --ready-file="$ready" "$@")
	[ "$BACKEND" = auto ] || args+=(--backend "$BACKEND")
	rm -f "$log" "$ready"
	pwru "${args[@]}" "$filter" 2>"$status" &
	pid=$!
	while [ ! -f "$ready" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	if [ ! -f "$ready" ]; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		fail "$name" "expected the ready file, saw: $(tail -n 1 "$status")"
		return 0
	fi
	"$traffic"
	kill "$pid"
	wait "$pid" && rc=0 || rc=$?
	if grep -Eq -- "$pattern" "$log"; then
		pass "$name"
	else
		fail "$name" "expected /$pattern/ in --output-file (exit $rc), saw $(grep -c . "$log" || true) lines: $(tail -n 3 "$log" | tr '\n' '|') stderr: $(tail -n 2 "$status" | tr '\n' '|')"
	fi
	check "$name-summary" "'N events, M lost' on stderr after SIGTERM" "'$(tail -n 1 "$status")'" \
		grep -Eq '[0-9]+ events, [0-9]+ lost' "$status"
}

# A route out for the 198.19.0.0/16 stand-ins of cilium/pwru's public
# addresses (its iptables rules drop the SYN in OUTPUT, after routing)
ip link add cci0 type veth peer name cci1
ip addr add 198.18.99.1/24 dev cci0
ip -6 addr add fd00:198:18::1/64 dev cci0 nodad
ip link set cci0 up
ip link set cci1 up
ip route add 198.19.0.0/16 via 198.18.99.2 dev cci0
ip link set lo up

syn_to() { timeout 3 nc -w 1 "$1" "$2" </dev/null >/dev/null 2>&1 || true; }
t_v4_basic() { syn_to 198.19.0.1 8080; }
t_v6_basic() { syn_to fd00:198:18::91 8080; }
t_v4_adv() { syn_to 198.19.0.2 8080; }
t_v6_adv() { syn_to fd00:198:18::92 8080; }
t_dnat() { syn_to 198.19.20.99 80; }
t_ping_lo() { ping -W1 -c1 127.0.0.1 >/dev/null 2>&1 || true; }
t_ping_arp() { ping -W1 -c1 198.18.76.1 >/dev/null 2>&1 || true; }
# a request with a payload to a listener: the stack-using filter keeps
# segments whose TCP payload is not empty
t_payload() {
	ip netns exec rcv timeout 4 nc -l -p 80 >/dev/null 2>&1 &
	local l=$!
	sleep 0.5
	printf 'GET / HTTP/1.0\r\n\r\n' | ip netns exec snd timeout 3 nc -w 1 198.18.0.2 80 >/dev/null 2>&1 || true
	wait "$l" 2>/dev/null || true
}

iptables -w 10 -I OUTPUT 1 -m tcp --proto tcp --dst 198.19.0.1/32 --dport 8080 -j DROP
cilium_case basic-ipv4 '198\.19\.0\.1:8080.*'"$drop_pat" t_v4_basic 'dst host 198.19.0.1 and port 8080'

ip6tables -w 10 -I OUTPUT 1 -m tcp --proto tcp --dst fd00:198:18::91 --dport 8080 -j DROP
cilium_case basic-ipv6 '\[fd00:198:18::91\]:8080.*'"$drop_pat" t_v6_basic \
	'dst host fd00:198:18::91 and port 8080'

iptables -w 10 -I OUTPUT 1 -m tcp --proto tcp --dst 198.19.0.2/32 --dport 8080 -j DROP
cilium_case advanced-ipv4 '198\.19\.0\.2:8080.*'"$drop_pat" t_v4_adv 'tcp[tcpflags] = tcp-syn'

ip6tables -w 10 -I OUTPUT 1 -m tcp --proto tcp --dst fd00:198:18::92 --dport 8080 -j DROP
cilium_case advanced-ipv6 '\[fd00:198:18::92\]:8080.*'"$drop_pat" t_v6_adv 'ip6[53] & 0x3f = 0x2'

netns_pair
cilium_case pcap-filter-stack '198\.18\.0\.2:80' t_payload \
	'(((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)'

iptables -w 10 -t nat -I OUTPUT 1 -d 198.19.20.99/32 -j DNAT --to-destination 198.19.14.2
cilium_case filter-track-skb '198\.19\.14\.2:80' t_dnat 'dst host 198.19.20.99' --filter-track-skb

# an ARP request for 198.18.77.1 (arp[24..27]) from a netns whose default
# route points at it, made by the reply to a ping into that netns
ip netns add ccarp
ip link add cca0 type veth peer name cca1
ip link set cca1 up
ip link set cca0 netns ccarp
ip -n ccarp link set cca0 up
ip route add 198.18.76.1 dev cca1
ip -n ccarp addr add 198.18.76.1 dev cca0
ip -n ccarp route add 198.18.77.1 dev cca0
ip -n ccarp route add default via 198.18.77.1 dev cca0
cilium_case filter-arp 'arp_rcv' t_ping_arp \
	'arp and arp[7] = 1 and arp[24]= 198 and arp[25] = 18 and arp[26] = 77 and arp[27] = 1'

cilium_case filter-skb-expr 'icmp' t_ping_lo icmp \
	--filter-skb-expr "skb->dev->ifindex == $(cat /sys/class/net/lo/ifindex)"
cilium_case filter-ifname 'icmp' t_ping_lo icmp --filter-ifname lo

if [ "${KPROBE_MULTI:-0}" = 1 ]; then
	BACKEND=auto cilium_case kprobe-multi-basic '198\.19\.0\.1:8080.*'"$drop_pat" \
		t_v4_basic 'dst host 198.19.0.1 and port 8080' --backend=kprobe-multi
fi

if [ "${TRACE_BPF:-0}" = 1 ]; then
	# cilium/pwru's test-app: a TC and an XDP program on a link the traffic
	# does not cross; pwru must attach to both and still trace the drop
	/usr/sbin/ip link set dev cci1 xdpgeneric obj "$(command -v xdp_pass.bpf.o)" sec xdp
	tc qdisc add dev cci1 clsact
	tc filter add dev cci1 ingress bpf direct-action obj "$(command -v tc_drop.bpf.o)" sec tc
	cilium_case filter-trace-tc-xdp '198\.19\.0\.1:8080.*'"$drop_pat" t_v4_basic \
		'dst host 198.19.0.1 and port 8080' --filter-trace-tc --filter-trace-xdp
fi
finish
