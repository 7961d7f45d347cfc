#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end on real socket buffers, without the rest of pwru: frames of every
# kind (TCP, UDP, ICMP, ARP, IPv6, VLAN and QinQ tagged) are sent raw from one
# throw-away netns into a veth whose peer lives in another; tp_btf counters
# with the filter spliced in count the frames arriving on that peer and how
# many the filter accepts. Twice: with tags in the frames as sent, and with a
# tc program on the sender moving each outer tag into skb metadata (VLAN
# offload, as NICs and veth under a VLAN device deliver frames). Both must
# equal what tcpdump -r selects from the same frames.
set -u
OUT=${OUT:-build}
bin=$OUT/pcap/e2e_count
obj=$OUT/pcap_test_direct.bpf.o
frames=${PCAP_E2E_FRAMES:-400}
tx=pwru-pcap-tx-$$
rx=pwru-pcap-rx-$$
work=$(mktemp -d)
failed=0

cleanup() {
	ip netns del "$tx" 2>/dev/null
	ip netns del "$rx" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

for tool in ip tcpdump; do
	command -v $tool >/dev/null || { echo "SKIP: pcap e2e-kernel - $tool is not installed"; exit 0; }
done

# Two namespaces, no addresses, IPv6 off: nothing but our frames crosses the veth.
ip netns add "$tx" && ip netns add "$rx" || { echo "FAIL: pcap e2e-kernel - expected to create netns"; exit 1; }
ip -n "$tx" link add vtx type veth peer name vrx netns "$rx"
for ns in "$tx" "$rx"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip netns exec "$rx" sysctl -qw net.ipv6.conf.vrx.disable_ipv6=1
ip netns exec "$tx" sysctl -qw net.ipv6.conf.vtx.disable_ipv6=1
ip -n "$tx" link set vtx up && ip -n "$rx" link set vrx up
ifindex=$(ip netns exec "$rx" cat /sys/class/net/vrx/ifindex)
inode=$(stat -L -c %i "/run/netns/$rx")

"$bin" write "$work/frames.pcap" "$frames" 1 || { echo "FAIL: pcap e2e-kernel - expected to write frames"; exit 1; }
# tcpdump selects, our helper counts (tcpdump prints some frames on several lines).
selected() {
	tcpdump -r "$work/frames.pcap" -w "$work/selected.pcap" "$1" 2>/dev/null &&
		"$bin" count "$work/selected.pcap"
}
total=$(selected '')
tagged=$(selected 'vlan')
[ "$total" -eq "$frames" ] || { echo "FAIL: pcap e2e-kernel - expected tcpdump to read $frames frames, saw $total"; exit 1; }

exprs=(
	'tcp' 'udp and dst port 5000' 'icmp' 'arp' 'ip6' 'ip6 and tcp'
	'dst host 198.18.0.2 and tcp and dst port 80'
	'dst host fd00:198:18::2 and tcp and dst port 80'
	'tcp[tcpflags] & tcp-syn != 0'
	'vlan' 'vlan 100' 'vlan 100 and udp' 'vlan and vlan 200' 'vlan 100 and vlan 200 and ip'
	'vlan and tcp[2:2] < 1024' 'vlan and arp' 'ether broadcast' 'greater 100'
)
for mode in inline offload; do
	for e in "${exprs[@]}"; do
		want=$(selected "$e")
		out=$("$bin" run "$obj" "$e" "$ifindex" "$inode" "/run/netns/$tx" vtx "$work/frames.pcap" $mode)
		read -r _ seen _ matched _ in_meta <<<"$out"
		where="VLAN tags in the frame" meta_want=0
		[ $mode = offload ] && where="outer VLAN tags in skb metadata" meta_want=$tagged
		if [ -z "${in_meta:-}" ]; then
			echo "FAIL: pcap e2e-kernel '$e', $where - expected counters, saw '$out'"
			failed=1
		elif [ "$in_meta" -ne "$meta_want" ]; then
			echo "FAIL: pcap e2e-kernel '$e', $where - expected $meta_want frames with a tag in metadata, saw $in_meta"
			failed=1
		elif [ "$seen" -ne "$frames" ] || [ "$matched" -ne "$want" ]; then
			echo "FAIL: pcap e2e-kernel '$e', $where - expected $want of $frames frames, saw $matched of $seen"
			failed=1
		else
			echo "PASS: pcap e2e-kernel '$e', $where - $matched of $seen frames, as tcpdump -r"
		fi
		unset in_meta
	done
done
exit $failed
