#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end with pwru itself: a pcap filter on the command line selects
# exactly the right packets.
#  tuple_v4/tuple_v6  real TCP, ICMP and UDP traffic between two netns;
#                     every event of 'dst host ... and tcp and dst port 80' must
#                     carry that flow's addresses and ports (JSON tuple)
#  stream_*           a mixed stream of raw frames (TCP, UDP, ICMP, ARP, IPv6,
#                     VLAN, QinQ) into a veth: pwru's netif_receive_skb events
#                     on the receiving side, per expression, must number what
#                     tcpdump -r selects from the same frames; once with the
#                     tags in the frames, once with the outer tags moved into
#                     skb metadata on the way (VLAN offload)
#  tun_l3             a device without link-layer header (tun): the filter
#                     must read its packets as IP, not as Ethernet frames
# Uses $PWRU (default ./pwru) and $OUT (default build).
set -u
cd "$(dirname "$0")/../.." || exit 1
OUT=${OUT:-build}
PWRU=${PWRU:-./pwru}
helper=$OUT/pcap/e2e_count
obj=$OUT/pcap_test_direct.bpf.o
. tests/lib/netns.sh
WORK=$(mktemp -d)
TX=pwru-pcap-tx-$$
RX=pwru-pcap-rx-$$
failed=0

cleanup() {
	[ -n "${PWRU_PID:-}" ] && kill -KILL "$PWRU_PID" 2>/dev/null
	netns_pair_down
	ip netns del "$TX" 2>/dev/null
	ip netns del "$RX" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

result() { # result NAME WHY-IT-FAILED [WHAT-PASSED]
	if [ -z "$2" ]; then echo "PASS: pcap e2e/$1${3:+ - $3}"; else echo "FAIL: pcap e2e/$1 - $2"; failed=1; fi
}

# events FILTER-PY: prints how many JSON events satisfy the Python expression (e = event).
count_events() {
	python3 - "$WORK/out" "$1" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if "summary" not in e and eval(sys.argv[2], {"e": e}):
        n += 1
print(n)
PY
}

# trace TRAFFIC-CMD NETNS EXPR: pwru around the traffic, JSON in $WORK/out.
trace() {
	local traffic=$1 ns=$2 expr=$3
	if ! pwru_start "$WORK/out" "$WORK/err" --output-json --output-json-summary --filter-netns "/run/netns/$ns" "$expr"; then
		echo "pwru did not start: $(tail -2 "$WORK/err" | tr '\n' ' ')"
		return 1
	fi
	eval "$traffic"
	sleep 0.5
	pwru_stop || { echo "pwru exited non-zero: $(tail -2 "$WORK/err" | tr '\n' ' ')"; return 1; }
}

tcp_connect() { # tcp_connect NETNS ADDR PORT: one attempt, bounded
	ip netns exec "$1" timeout 2 python3 -c '
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1)
except OSError:
    pass' "$2" "$3"
}

udp_send() { # udp_send NETNS ADDR PORT
	ip netns exec "$1" timeout 2 python3 -c '
import socket, sys
a = (sys.argv[1], int(sys.argv[2]))
socket.socket(socket.AF_INET6 if ":" in a[0] else socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", a)' "$2" "$3"
}

# kernel_matched of the last run: 0 means pwru's programs matched nothing at all.
kernel_matched() {
	python3 -c 'import json,sys
s = [json.loads(l)["summary"] for l in open(sys.argv[1]) if "summary" in l]
print(s[-1]["kernel_matched"] if s else 0)' "$WORK/out"
}

# A run in which pwru matched nothing at all, not even other packets of the
# namespace, is retried once and said so: seen a few times under heavy load
# on a shared machine, with and without a filter (reported to the tracer).
# Its output is kept in $OUT/pcap/e2e-nothing-matched.{out,err} for that.
retry_note=""
keep_nothing_matched() {
	cp "$WORK/out" "$OUT/pcap/e2e-nothing-matched.out" 2>/dev/null
	cp "$WORK/err" "$OUT/pcap/e2e-nothing-matched.err" 2>/dev/null
}
check_tuple() { # check_tuple DST: why it failed, or nothing
	local dst=$1 traffic why all good
	traffic="tcp_connect $NS_A $dst 80; tcp_connect $NS_A $dst 81; udp_send $NS_A $dst 80;"
	traffic+="ip netns exec $NS_A ping -q -c 2 -i 0.2 -W 1 $dst >/dev/null 2>&1"
	why=$(trace "$traffic" "$NS_B" "dst host $dst and tcp and dst port 80") || { echo "$why"; return; }
	all=$(count_events 'True')
	good=$(count_events "e.get('tuple', {}).get('daddr', '').strip('[]') == '$dst' and e['tuple'].get('dport') == 80 and e['tuple'].get('l4proto') == 'tcp'")
	if [ "$all" -eq 0 ]; then
		echo "expected events for the connection to $dst port 80, saw none"
	elif [ "$good" -ne "$all" ]; then
		echo "expected every event to be tcp to $dst port 80, saw $good of $all"
	fi
}

test_tuple() { # test_tuple NAME DST
	local name=$1 dst=$2 why
	for attempt in 1 2; do
		netns_pair_up
		why=$(check_tuple "$dst")
		netns_pair_down
		[ -n "$why" ] && [ "$attempt" = 1 ] && [ "$(kernel_matched)" = 0 ] || break
		keep_nothing_matched
		retry_note=" (on a second run: pwru matched nothing at all on the first)"
	done
	result "$name" "${why:+$why$retry_note}" "$(count_events 'True') events, all tcp to $dst port 80$retry_note"
	retry_note=""
}

# A tun device held open by a reader for SECONDS, 198.18.5.1/24 on it.
tun_up() {
	ip netns exec "$NS_A" timeout "$1" python3 -c '
import fcntl, os, struct, time
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"tun0", 0x0001 | 0x1000))  # TUNSETIFF, IFF_TUN|IFF_NO_PI
open("/dev/stdout", "w").write("up\n")
time.sleep(60)' > "$WORK/tun" 2>&1 &
	for _ in $(seq 1 50); do grep -q up "$WORK/tun" 2>/dev/null && break; sleep 0.1; done
	ip -n "$NS_A" addr add 198.18.5.1/24 dev tun0 && ip -n "$NS_A" link set tun0 up
}

test_tun_l3() {
	local why all good
	netns_pair_up
	if ! tun_up 30; then
		why="expected a tun device"
	elif why=$(trace "ip netns exec $NS_A ping -q -c 2 -i 0.2 -W 1 198.18.5.2 >/dev/null 2>&1" "$NS_A" \
			 "icmp and dst host 198.18.5.2"); then
		all=$(count_events "e.get('ifname') == 'tun0'")
		good=$(count_events "e.get('ifname') == 'tun0' and e.get('tuple', {}).get('daddr') == '198.18.5.2'")
		if [ "$all" -eq 0 ]; then
			why="expected events on tun0 for the pings to 198.18.5.2, saw none"
		elif [ "$good" -ne "$all" ]; then
			why="expected every tun0 event to go to 198.18.5.2, saw $good of $all"
		fi
	fi
	netns_pair_down
	result tun_l3 "$why" "$all events on tun0, all icmp to 198.18.5.2"
}

quiet_pair_up() { # two netns, no addresses, IPv6 off: only our frames on the wire
	ip netns add "$TX" && ip netns add "$RX" || return 1
	ip -n "$TX" link add vtx type veth peer name vrx netns "$RX"
	ip netns exec "$TX" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.vtx.disable_ipv6=1
	ip netns exec "$RX" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.vrx.disable_ipv6=1
	ip -n "$TX" link set vtx up && ip -n "$RX" link set vrx up
}

selected() { # how many frames of the stream tcpdump selects
	tcpdump -r "$WORK/frames.pcap" -w "$WORK/selected.pcap" "$1" 2>/dev/null && "$helper" count "$WORK/selected.pcap"
}

check_stream() { # check_stream MODE EXPR WANT: why it failed, or nothing
	local mode=$1 expr=$2 want=$3 why saw
	why=$(trace "$helper send $obj /run/netns/$TX vtx $WORK/frames.pcap $mode" "$RX" "$expr") || { echo "$why"; return; }
	saw=$(count_events "e.get('func') == 'net:netif_receive_skb' and e.get('ifname') == 'vrx'")
	[ "$saw" -eq "$want" ] || echo "expected $want frames as tcpdump -r selects, saw $saw netif_receive_skb events on vrx"
}

test_stream() { # test_stream MODE EXPR
	local mode=$1 expr=$2 why want
	want=$(selected "$expr")
	for attempt in 1 2; do
		why=$(check_stream "$mode" "$expr" "$want")
		[ -n "$why" ] && [ "$attempt" = 1 ] && [ "$(kernel_matched)" = 0 ] || break
		keep_nothing_matched
		retry_note=" (on a second run: pwru matched nothing at all on the first)"
	done
	result "stream_$mode '$expr'" "${why:+$why$retry_note}" "$want of $frames frames, as tcpdump -r$retry_note"
	retry_note=""
}

for tool in python3 tcpdump ip; do
	command -v $tool >/dev/null || { echo "SKIP: pcap e2e - $tool is not installed"; exit 0; }
done
if [ ! -x "$PWRU" ] || [ ! -x "$helper" ] || [ ! -f "$obj" ]; then
	echo "SKIP: pcap e2e - needs $PWRU, $helper and $obj (make all test deps)"
	exit 0
fi
"$PWRU" --list-probes tcp >/dev/null 2>"$WORK/err" </dev/null
if grep -q 'not supported by this build' "$WORK/err"; then
	echo "SKIP: pcap e2e - this pwru refuses filter expressions (src/pcap_hook.c not wired to src/pcap yet)"
	exit 0
fi

test_tuple tuple_v4 "$ADDR_B"
test_tuple tuple_v6 "$ADDR6_B"
test_tun_l3

quiet_pair_up || { echo "FAIL: pcap e2e - expected to create the namespaces"; exit 1; }
frames=${PCAP_E2E_FRAMES:-300}
"$helper" write "$WORK/frames.pcap" "$frames" 2 || { echo "FAIL: pcap e2e - expected to write frames"; exit 1; }
for mode in inline offload; do
	for expr in 'tcp' 'udp and portrange 1000-2000' 'icmp or arp' 'ip6 and tcp' 'vlan 100' \
		    'vlan and udp' 'vlan and vlan 200' 'host 198.18.0.2 and tcp'; do
		test_stream $mode "$expr"
	done
done
exit $failed
