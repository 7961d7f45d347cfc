#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tunnels end to end on this host (tracepoint backend): a VXLAN link over the
# veth pair between two throw-away netns, two inner flows (A to 198.19.42.2
# and A to 198.19.42.3), and --filter-tunnel-pcap-l2/-l3 and --output-tunnel
# judged on what pwru prints. Geneve, IPIP and GRE run in the guests
# (tests/vm/scenarios/tunnel.sh): this kernel makes no such links.
# Usage: tests/e2e/tunnel.sh [test-name...]
. "$(dirname "$0")/prelude.sh"

INNER_A=198.19.42.1
INNER_KEEP=198.19.42.2
INNER_DROP=198.19.42.3

# VXLAN 4242 between the veth ends (outer 198.18.0.1 <-> .2), inner 198.19.42.0/24.
vxlan_up() {
	ip -n "$NS_A" link add vxp0 type vxlan id 4242 local "$ADDR_A" remote "$ADDR_B" \
		dstport 4789 dev veth-a || return 1
	ip -n "$NS_B" link add vxp0 type vxlan id 4242 local "$ADDR_B" remote "$ADDR_A" \
		dstport 4789 dev veth-b || return 1
	ip -n "$NS_A" addr add "$INNER_A/24" dev vxp0
	ip -n "$NS_B" addr add "$INNER_KEEP/24" dev vxp0
	ip -n "$NS_B" addr add "$INNER_DROP/24" dev vxp0
	ip -n "$NS_A" link set vxp0 up
	ip -n "$NS_B" link set vxp0 up
}

# Both inner flows, three echo requests each, bounded.
inner_pings() {
	ip netns exec "$NS_A" ping -q -c 3 -i 0.2 -W 1 "$INNER_KEEP" >/dev/null 2>&1 || true
	ip netns exec "$NS_A" ping -q -c 3 -i 0.2 -W 1 "$INNER_DROP" >/dev/null 2>&1 || true
}

# Python: the addresses of an event's tunnel_tuple.
INNER_ADDRS="(e.get('tunnel_tuple', {}).get('saddr'), e.get('tunnel_tuple', {}).get('daddr'))"

# The L3 tunnel filter keeps the inner flow it names and not the other; the
# outer filter ('udp port 4789') alone would show both.
test_tunnel_pcap_l3() {
	vxlan_up || { fail "cannot create the VXLAN links"; return 1; }
	run_pwru_around inner_pings --output-json --output-tunnel \
		--filter-netns "/var/run/netns/$NS_A" 'udp port 4789' || return 1
	json_expect "$WORK/out" "any('$INNER_KEEP' in $INNER_ADDRS for e in events)
		and any('$INNER_DROP' in $INNER_ADDRS for e in events)" \
		"both inner flows without a tunnel filter (the control run)" || return 1
	run_pwru_around inner_pings --output-json --output-tunnel \
		--filter-netns "/var/run/netns/$NS_A" --filter-tunnel-pcap-l3 "host $INNER_KEEP" \
		'udp port 4789' || return 1
	json_schema_check "$WORK/out" tests/e2e/cilium-pwru-event.schema.json || return 1
	json_expect "$WORK/out" "any(e['tunnel_tuple'].get('saddr') == '$INNER_A'
			and e['tunnel_tuple'].get('daddr') == '$INNER_KEEP'
			and e['tunnel_tuple'].get('proto') == 1 for e in events)
		and any(e['tunnel_tuple'].get('saddr') == '$INNER_KEEP' for e in events)
		and not any('$INNER_DROP' in $INNER_ADDRS for e in events)
		and all(e['tuple'].get('dport') == 4789 for e in events)
		and all(set(e['tunnel_tuple']) <= {'saddr', 'daddr', 'sport', 'dport', 'proto', 'flags', 'l4proto'}
			and isinstance(e['tunnel_tuple']['saddr'], str)
			and isinstance(e['tunnel_tuple']['proto'], int) for e in events)" \
		"the inner flow to $INNER_KEEP both ways, never $INNER_DROP, tunnel_tuple shaped as tuple"
}

# The L2 tunnel filter runs on the inner Ethernet frame: 'arp' keeps the inner
# ARP exchange only; an Ethernet-and-IP expression keeps one inner flow.
test_tunnel_pcap_l2() {
	vxlan_up || { fail "cannot create the VXLAN links"; return 1; }
	run_pwru_around inner_pings --output-json --output-tunnel \
		--filter-netns "/var/run/netns/$NS_A" --filter-tunnel-pcap-l2 \
		"ether proto 0x0800 and icmp and host $INNER_KEEP" 'udp port 4789' || return 1
	json_expect "$WORK/out" "any(e['tunnel_tuple'].get('daddr') == '$INNER_KEEP' for e in events)
		and not any('$INNER_DROP' in $INNER_ADDRS for e in events)
		and all(e['tunnel_tuple'].get('proto') == 1 for e in events)" \
		"inner ICMP of $INNER_KEEP only" || return 1
	# the first run filled the neighbour caches: ARP again
	ip -n "$NS_A" neigh flush dev vxp0
	ip -n "$NS_B" neigh flush dev vxp0
	run_pwru_around inner_pings --output-json --output-tunnel \
		--filter-netns "/var/run/netns/$NS_A" --filter-tunnel-pcap-l2 arp 'udp port 4789' ||
		return 1
	json_expect "$WORK/out" "len(events) > 0 and all(e['tunnel_tuple'] == {} for e in events)
		and all(e['tuple'].get('dport') == 4789 for e in events)" \
		"outer VXLAN packets carrying inner ARP only (no inner IP tuple)"
}

# --output-tunnel in text: a TUNNEL header and the inner tuple last on the line.
test_output_tunnel_text() {
	vxlan_up || { fail "cannot create the VXLAN links"; return 1; }
	run_pwru_around inner_pings --output-tunnel --filter-netns "/var/run/netns/$NS_A" \
		'udp port 4789' || return 1
	expect_grep "$WORK/out" '^SKB +CPU +PROCESS .*TUPLE FUNC TUNNEL$' "the header with TUNNEL" ||
		return 1
	expect_grep "$WORK/out" \
		"198\\.18\\.0\\.1:[0-9]+->198\\.18\\.0\\.2:4789\\(udp\\) +[a-z_:]+ 198\\.19\\.42\\.1:0->198\\.19\\.42\\.2:0\\(icmp\\)$" \
		"an outer VXLAN line ending in the inner ICMP tuple"
}

# An inner IPv6 flow: the L3 tunnel filter and the inner tuple read IPv6 too.
# /128 routes over the VXLAN link, more specific than the veth's /64.
test_tunnel_inner_ipv6() {
	local a6=fd00:198:18::a1 keep6=fd00:198:18::a2 drop6=fd00:198:18::a3
	vxlan_up || { fail "cannot create the VXLAN links"; return 1; }
	ip -n "$NS_A" addr add "$a6/128" dev vxp0 nodad
	ip -n "$NS_B" addr add "$keep6/128" dev vxp0 nodad
	ip -n "$NS_B" addr add "$drop6/128" dev vxp0 nodad
	ip -n "$NS_A" -6 route add "$keep6/128" dev vxp0 src "$a6"
	ip -n "$NS_A" -6 route add "$drop6/128" dev vxp0 src "$a6"
	ip -n "$NS_B" -6 route add "$a6/128" dev vxp0 src "$keep6"
	run_pwru_around "ip netns exec $NS_A ping -6 -q -c 3 -i 0.2 -W 1 $keep6 >/dev/null 2>&1;
		ip netns exec $NS_A ping -6 -q -c 3 -i 0.2 -W 1 $drop6 >/dev/null 2>&1" \
		--output-json --output-tunnel --filter-netns "/var/run/netns/$NS_A" \
		--filter-tunnel-pcap-l3 "ip6 and host $keep6" 'udp port 4789' || return 1
	json_expect "$WORK/out" "any(e['tunnel_tuple'].get('saddr') == '[$a6]'
			and e['tunnel_tuple'].get('daddr') == '[$keep6]'
			and e['tunnel_tuple'].get('l4proto') == 'icmp6' for e in events)
		and not any('[$drop6]' in $INNER_ADDRS for e in events)" \
		"inner ICMPv6 to [$keep6], never [$drop6]"
}

# Packets without inner headers pass the tunnel filters (cilium/pwru's rule):
# plain ICMP on the veth is still traced while a tunnel filter is set.
test_tunnel_filter_passes_plain() {
	run_pwru_around ping_both_ways --output-json --output-tunnel \
		--filter-netns "/var/run/netns/$NS_B" --filter-tunnel-pcap-l3 "host $INNER_KEEP" \
		--filter-tunnel-pcap-l2 arp --debug icmp || return 1
	json_expect "$WORK/out" "len(events) > 0 and all(e['tunnel_tuple'] == {}
			and e['tuple'].get('proto') == 1 for e in events)" \
		"plain ICMP events, with an empty tunnel_tuple" || return 1
	expect_grep "$WORK/err" "^debug: filters: tunnel pcap l2 'arp', l3 'host $INNER_KEEP'" \
		"the tunnel filters in --debug's log"
}

# An L3 tunnel expression libpcap refuses for raw IP is one clear error.
test_tunnel_bad_l3() {
	expect_one_line_error tunnel_l3_arp '^pwru: --filter-tunnel-pcap-l3: ' \
		--filter-tunnel-pcap-l3 arp --duration 1 || { fail "see above"; return 1; }
	expect_one_line_error tunnel_l2_syntax '^pwru: --filter-tunnel-pcap-l2: ' \
		--filter-tunnel-pcap-l2 'host nosuch(' --duration 1 || { fail "see above"; return 1; }
}

run_tests "$@"
