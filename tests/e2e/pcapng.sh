#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --output-pcap end to end on this host (tracepoint backend): real ICMP and
# UDP in throw-away namespaces, the pcapng file read back with tshark and
# compared packet by packet with the JSON events of the same run; and JSON's
# "process" naming the executable as cilium/pwru's does.
# Usage: tests/e2e/pcapng.sh [test-name...]
. "$(dirname "$0")/prelude.sh"

# tshark_fields FILE OUT: one tab-separated line per packet.
tshark_fields() {
	if ! command -v tshark >/dev/null; then
		fail "tshark is not installed (scripts/install-deps.sh installs it)"
		return 1
	fi
	if ! tshark -r "$1" -T fields -E separator=/t -E occurrence=f \
		-e frame.comment -e frame.len -e frame.cap_len -e frame.interface_name \
		-e frame.encap_type -e ip.src -e ip.dst -e ip.proto -e icmp.type -e udp.dstport \
		-e udp.length -e frame.time_epoch >"$2" 2>"$WORK/tshark.err"; then
		fail "tshark cannot read $1: $(head -c 300 "$WORK/tshark.err" | tr '\n' ' ')"
		return 1
	fi
}

# pcap_matches_json JSON TSV SNAPLEN: the checks below, in Python; prints what failed.
pcap_matches_json() {
	local res
	res=$(python3 - "$@" <<'EOF'
import json, sys, time
events = [json.loads(l) for l in open(sys.argv[1])]
pkts = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
snaplen = int(sys.argv[3])
def fail(msg):
    print(msg)
    sys.exit()
if not events:
    fail("no events")
if len(pkts) != len(events):
    fail(f"{len(pkts)} packets, {len(events)} JSON events")
for i, (e, p) in enumerate(zip(events, pkts)):
    comment, flen, caplen, ifname, encap, src, dst, proto, icmp_type, dport, udplen, t = p
    kv = dict(w.split("=", 1) for w in comment.split(" "))
    want = {"func": e["func"], "skb": e["skb"], "netns": str(e.get("netns", 0)),
            "ifindex": str(e["ifindex"])}
    got = {k: kv.get(k) for k in want}
    if got != want:
        fail(f"packet {i + 1}: comment {comment!r}, JSON event {want}")
    if e.get("drop_reason") and kv.get("drop_reason") != e["drop_reason"]:
        fail(f"packet {i + 1}: a drop without its reason: {comment!r}, JSON {e['drop_reason']}")
    if e.get("drop_site") and kv.get("drop_site") != e["drop_site"]:
        fail(f"packet {i + 1}: drop site {kv.get('drop_site')}, JSON {e['drop_site']}")
    if e["ifname"] and ifname != e["ifname"]:
        fail(f"packet {i + 1}: interface {ifname!r}, JSON ifname {e['ifname']!r}")
    if int(caplen) > snaplen or int(caplen) > int(flen):
        fail(f"packet {i + 1}: {caplen} bytes captured, snaplen {snaplen}, length {flen}")
    tup = e.get("tuple")
    if not tup:
        continue
    # the bytes hold the packet the kernel's tuple was read from
    if (src, dst, proto) != (tup["saddr"], tup["daddr"], str(tup["proto"])):
        fail(f"packet {i + 1} ({e['func']}): bytes say {src}->{dst} proto {proto}, JSON tuple {tup}")
    if tup["proto"] == 17 and dport != str(tup["dport"]):
        fail(f"packet {i + 1}: UDP port {dport!r}, JSON {tup['dport']}")
    if abs(float(t) - time.time()) > 3600:
        fail(f"packet {i + 1}: time {t} is not the wall clock's {time.time()}")
icmp = [p for p in pkts if p[7] == "1" and p[8] == "8" and p[5] == "198.18.0.1"]
udp = [p for p in pkts if p[7] == "17" and p[9] == "9" and p[10] == "72"]
drops = [p for p in pkts if "drop_reason=SKB_DROP_REASON_NETFILTER_DROP" in p[0]
         and p[7] == "17"]
if not icmp or not udp or not drops:
    json_icmp = sum(1 for e in events if e.get("tuple", {}).get("proto") == 1)
    fail(f"want echo requests from 198.18.0.1 ({len(icmp)}), UDP to :9 with 64 bytes of data "
         f"({len(udp)}) and a NETFILTER_DROP of one ({len(drops)}); the JSON has "
         f"{json_icmp} ICMP events of {len(events)}; packets: {[p[5:11] for p in pkts[:4]]}")
if snaplen < 98 and not any(int(p[1]) > int(p[2]) == snaplen for p in icmp):
    fail(f"no echo request cut to {snaplen} bytes: {[(p[1], p[2]) for p in icmp][:5]}")
EOF
)
	[ -z "$res" ] && return 0
	fail "$res"
	return 1
}

# Pings and UDP datagrams that an iptables rule drops, in JSON and in the
# pcapng file: the same count, each packet's comment naming the JSON event's
# function, skb, netns and ifindex, drops with their reason and site, and
# bytes that parse as what was sent.
test_pcap_matches_json() {
	ip netns exec "$NS_B" iptables -A INPUT -p udp --dport 9 -j DROP
	run_pwru_around "ping_both_ways; udp_flood_a_to_b 3" --output-json \
		--output-pcap "$WORK/run.pcapng" --filter-netns "/var/run/netns/$NS_B" \
		'icmp or udp port 9' || return 1
	expect_grep "$WORK/err" "^[0-9]+ packets in $WORK/run.pcapng, 0 not written$" \
		"the pcap count line" || return 1
	tshark_fields "$WORK/run.pcapng" "$WORK/pkts" || return 1
	pcap_matches_json "$WORK/out" "$WORK/pkts" 256
}

# A packet built locally has no MAC header until the device queue: dropped
# by iptables in OUTPUT its copy is raw IP (an interface block of
# LINKTYPE_RAW), and still parses as the UDP datagram sent.
test_pcap_no_mac_is_raw_ip() {
	ip netns exec "$NS_A" iptables -A OUTPUT -p udp --dport 9 -j DROP
	run_pwru_around "ping_both_ways; udp_flood_a_to_b 3" --output-json \
		--output-pcap "$WORK/raw.pcapng" --filter-netns "/var/run/netns/$NS_A" \
		'icmp or udp port 9' || return 1
	tshark_fields "$WORK/raw.pcapng" "$WORK/pkts" || return 1
	pcap_matches_json "$WORK/out" "$WORK/pkts" 256 || return 1
	# tshark's encapsulation numbers: 1 Ethernet, 7 raw IP
	awk -F'\t' '$5 == 7 && $8 == 17 && $10 == 9 && $1 ~ /drop_reason=SKB_DROP_REASON_NETFILTER_DROP/' \
		"$WORK/pkts" | grep -q . && return 0
	fail "no raw-IP copy of the UDP datagram dropped in OUTPUT; encapsulations seen: \
$(cut -f5 "$WORK/pkts" | sort | uniq -c | tr '\n' ' ')"
	return 1
}

# --output-pcap-snaplen cuts each copy; the IP header still parses; a bad value is one line.
test_pcap_snaplen() {
	ip netns exec "$NS_B" iptables -A INPUT -p udp --dport 9 -j DROP
	run_pwru_around "ping_both_ways; udp_flood_a_to_b 3" --output-json \
		--output-pcap "$WORK/cut.pcapng" --output-pcap-snaplen 60 \
		--filter-netns "/var/run/netns/$NS_B" 'icmp or udp port 9' || return 1
	tshark_fields "$WORK/cut.pcapng" "$WORK/pkts" || return 1
	pcap_matches_json "$WORK/out" "$WORK/pkts" 60 || return 1
	# each prints its own PASS:/FAIL: bad_inputs/... line
	expect_one_line_error pcap_snaplen_0 'output-pcap-snaplen.*expected 1 to 65535' --output-pcap "$WORK/x" \
		--output-pcap-snaplen 0 || { fail "snaplen 0 is not refused in one line"; return 1; }
	expect_one_line_error pcap_snaplen_65536 'output-pcap-snaplen' --output-pcap "$WORK/x" \
		--output-pcap-snaplen 65536 || { fail "snaplen 65536 is not refused"; return 1; }
	expect_one_line_error pcap_unwritable 'output-pcap /nonexistent/x.pcapng: No such file' \
		--output-pcap /nonexistent/x.pcapng ||
		{ fail "an unwritable pcap file is not one clear line"; return 1; }
}

# A pcap file that cannot be written (a full disk: /dev/full) ends the run
# with one error line, exit 1, and every packet counted: those the file did
# not get are the events stdout got.
test_pcap_full_disk() {
	local rc events unwritten
	pwru_start "$WORK/out" "$WORK/err" --output-json --output-pcap /dev/full \
		--filter-netns "/var/run/netns/$NS_B" icmp ||
		{ fail "pwru did not start: $(tail -2 "$WORK/err" | tr '\n' ' ')"; return 1; }
	ping_both_ways
	sleep 0.3
	pwru_stop; rc=$?
	events=$(grep -c . "$WORK/out")
	unwritten=$(sed -nE 's|^pwru: --output-pcap /dev/full: No space left on device; ([0-9]+) packets not written$|\1|p' "$WORK/err")
	[ "$rc" -eq 1 ] && [ "$events" -gt 0 ] && [ "${unwritten:-x}" = "$events" ] && return 0
	fail "expected exit 1 and '--output-pcap /dev/full: No space left on device; $events packets not written', saw exit $rc and: $(tail -3 "$WORK/err" | tr '\n' '|')"
	return 1
}

# JSON "process" is cilium/pwru's "exe:pid" (the executable's path, cut to
# its last 16 bytes behind a ~), here for ping's events.
test_json_process_is_exe() {
	local exe
	exe=$(readlink -f "$(command -v ping)")
	run_pwru_around "ping_both_ways" --output-json --filter-netns "/var/run/netns/$NS_B" icmp ||
		return 1
	json_expect "$WORK/out" "any(e['comm'] == 'ping' for e in events) and all(
		e['process'] == (lambda s: s if len(s) <= 16 else '~' + s[-15:])('$exe:%d' % e['pid'])
		for e in events if e['comm'] == 'ping')" \
		"process '$exe:PID' cut to 16 bytes on ping's events"
}

run_tests "$@"
