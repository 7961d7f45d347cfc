#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end with pwru itself (tracepoint backend): --filter-skb-expr keeps
# exactly the packets its expression selects, in real traffic between two
# throw-away netns.
#  control    no expression: the same traffic shows small, big, marked,
#             unmarked, IPv4 and IPv6 packets (so the filtered runs can fail)
#  len        'skb->len > 1000' with the pcap filter 'icmp' (two splices in
#             one program): only the big pings' packets, and all of them
#  mark       '(skb->mark & 0xff) == 42': ping -m 298 (0x12a) yes, -m 43 and
#             unmarked no
#  protocol   'skb->protocol == 0x0800': host byte order, as in cilium/pwru:
#             IPv4 only, no IPv6
#  bad_expr   an unknown member: one line naming it and struct sk_buff, exit 1
#  metadata_text, metadata_json
#             --output-skb-metadata 'skb->mark,skb->dev->mtu' and 'skb->protocol'
#             on the marked pings: ' mark=298 mtu=1500 protocol=0x0800' after
#             FUNC on every line, and the same as a JSON "metadata" object
# Uses $PWRU (default ./pwru).
set -u
cd "$(dirname "$0")/../.." || exit 1
PWRU=${PWRU:-./pwru}
NS_SUFFIX=expr$$
. tests/lib/netns.sh
WORK=$(mktemp -d)
failed=0

cleanup() {
	[ -n "${PWRU_PID:-}" ] && kill -KILL "$PWRU_PID" 2>/dev/null
	netns_pair_down
	rm -rf "$WORK"
}
trap cleanup EXIT

result() { # result NAME WHY-IT-FAILED [WHAT-PASSED]
	if [ -z "$2" ]; then echo "PASS: expr e2e/$1${3:+ - $3}"; else echo "FAIL: expr e2e/$1 - $2"; failed=1; fi
}

# Every kind of packet the tests tell apart, from A to B, bounded in count and time.
traffic() {
	local p="ip netns exec $NS_A timeout 5 ping -q -c 3 -i 0.2 -W 1"
	$p -s 100 "$ADDR_B" >/dev/null
	$p -s 1400 "$ADDR_B" >/dev/null
	$p -s 200 -m 298 "$ADDR_B" >/dev/null
	$p -s 200 -m 43 "$ADDR_B" >/dev/null
	$p -s 200 "$ADDR6_B" >/dev/null
}

# trace NS [pwru args...]: pwru around the traffic, JSON events in $WORK/out.
trace() {
	trace_as --output-json "$@"
}

# trace_as FORMAT-FLAG NS [pwru args...]: the same with --output-json or --output-meta.
trace_as() {
	local format=$1 ns=$2
	shift 2
	: >"$WORK/out"
	if ! pwru_start "$WORK/out" "$WORK/err" --backend tracepoint "$format" \
		--filter-netns "/run/netns/$ns" "$@"; then
		echo "pwru did not start: $(tail -2 "$WORK/err" | tr '\n' ' ')"
		return 1
	fi
	traffic
	sleep 0.5
	pwru_stop >/dev/null
}

# count PY-EXPR: JSON events satisfying the Python expression (e = event).
count() {
	python3 - "$WORK/out" "$1" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if "summary" not in e and "func" in e and eval(sys.argv[2], {"e": e}):
        n += 1
print(n)
PY
}

# expect NAME PY-EXPR OP N WHAT: the count of events satisfying PY-EXPR compares to N.
expect() {
	local n
	n=$(count "$2")
	if [ "$n" "$3" "$4" ]; then
		echo ok
	else
		echo "expected $5 ($3 $4), saw $n of $(count True) events"
	fi
}

netns_pair_up

why=$(trace "$NS_A") || { result control "$why"; exit 1; }
for check in 'e.get("len", 0) < 1000:-ge:3:small packets' 'e.get("len", 0) > 1000:-ge:3:big packets' \
	'e.get("mark", 0) == 298:-ge:3:packets marked 298' 'e.get("mark", 0) == 43:-ge:3:packets marked 43' \
	'e.get("proto") == 0x86dd:-ge:3:IPv6 packets'; do
	IFS=: read -r py op n what <<<"$check"
	r=$(expect control "$py" "$op" "$n" "$what")
	[ "$r" = ok ] || { result control "$r"; break; }
done
[ "$r" = ok ] && result control "" "$(count True) events, every kind of packet present"

why=$(trace "$NS_B" --filter-skb-expr 'skb->len > 1000' icmp) || why="$why"
if [ -z "$why" ]; then
	r1=$(expect len 'e.get("len", 0) <= 1000' -eq 0 "no packet of 1000 bytes or less")
	r2=$(expect len 'e.get("len", 0) > 1000 and e["func"] == "net:netif_receive_skb"' -ge 3 \
		"the 3 big echo requests received")
	[ "$r1" = ok ] || why=$r1
	[ "$r2" = ok ] || why="$why $r2"
fi
result len "$why" "$(count True) events, all longer than 1000 bytes"

why=$(trace "$NS_A" --filter-skb-expr '(skb->mark & 0xff) == 42') || why="$why"
if [ -z "$why" ]; then
	r1=$(expect mark 'e.get("mark", 0) & 0xff != 42' -eq 0 "no packet whose mark & 0xff is not 42")
	r2=$(expect mark 'e.get("mark", 0) == 298' -ge 3 "the 3 echo requests marked 298")
	[ "$r1" = ok ] || why=$r1
	[ "$r2" = ok ] || why="$why $r2"
fi
result mark "$why" "$(count True) events, all with mark 298"

why=$(trace "$NS_B" --filter-skb-expr 'skb->protocol == 0x0800') || why="$why"
if [ -z "$why" ]; then
	r1=$(expect protocol 'e.get("proto") != 0x0800' -eq 0 "no packet but IPv4")
	r2=$(expect protocol 'e.get("proto") == 0x0800' -ge 12 "the 12 IPv4 echo requests")
	[ "$r1" = ok ] || why=$r1
	[ "$r2" = ok ] || why="$why $r2"
fi
result protocol "$why" "$(count True) events, all IPv4"

out=$("$PWRU" --backend tracepoint --filter-skb-expr 'skb->dev->foo == 1' 2>&1)
rc=$?
want="pwru: --filter-skb-expr: struct net_device has no member 'foo'"
# Start-up notes ("Naming pods from ...") may come first; the error is one line.
errs=$(printf '%s\n' "$out" | grep '^pwru:')
if [ "$rc" -ne 0 ] && [ "$(printf '%s\n' "$errs" | grep -c .)" -eq 1 ] && [ "$errs" = "$want" ]; then
	result bad_expr "" "exit $rc, '$errs'"
else
	result bad_expr "expected exit 1 and the one line '$want', saw exit $rc and '$out'"
fi
meta=(--filter-skb-expr 'skb->mark == 298' --output-skb-metadata 'skb->mark,skb->dev->mtu'
	--output-skb-metadata 'skb->protocol')
why=$(trace_as --output-meta "$NS_A" "${meta[@]}") || why="$why"
if [ -z "$why" ]; then
	events=$(grep -c '^0x' "$WORK/out")
	good=$(grep -cE '^0x.* (net|skb):[a-z_]+ mark=298 mtu=1500 protocol=0x0800$' "$WORK/out")
	[ "$events" -ge 3 ] && [ "$good" -eq "$events" ] ||
		why="expected >= 3 event lines, all ending in 'FUNC mark=298 mtu=1500 protocol=0x0800', saw $good of $events: $(grep -m1 '^0x' "$WORK/out")"
fi
result metadata_text "$why" "$events lines end in ' mark=298 mtu=1500 protocol=0x0800'"

why=$(trace "$NS_A" "${meta[@]}") || why="$why"
if [ -z "$why" ]; then
	r1=$(expect metadata_json 'e.get("metadata") != {"mark": 298, "mtu": 1500, "protocol": "0x0800"}' \
		-eq 0 'no event without metadata {"mark": 298, "mtu": 1500, "protocol": "0x0800"}')
	r2=$(expect metadata_json 'True' -ge 3 "the 3 marked echo requests")
	[ "$r1" = ok ] || why=$r1
	[ "$r2" = ok ] || why="$why $r2"
fi
result metadata_json "$why" "$(count True) events, each with that metadata object"
exit $failed
