#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo: two network namespaces joined by a veth pair, an iptables rule
# that drops TCP port 80 in the second one, one connection attempt across,
# and pwru's trace of where and why the SYN died. Cleans up even on Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
PWRU=${PWRU:-$PWD/pwru}
. tests/lib/netns.sh

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (it creates network namespaces and loads BPF)" >&2; exit 1; }
out=$(mktemp) err=$(mktemp)
cleanup() {
	[ -n "${PWRU_PID:-}" ] && kill -INT "$PWRU_PID" 2>/dev/null || true
	netns_pair_down
	rm -f "$out" "$err"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== Two hosts: $NS_A ($ADDR_A) -- veth -- $NS_B ($ADDR_B)"
netns_pair_up
echo "== In $NS_B: iptables -A INPUT -p tcp --dport 80 -j DROP"
ip netns exec "$NS_B" iptables -A INPUT -p tcp --dport 80 -j DROP
filter="dst host $ADDR_B and tcp and dst port 80"
echo "== pwru --output-tuple '$filter'"
if ! pwru_start "$out" "$err" --output-tuple "$filter"; then
	cat "$err" >&2
	exit 1
fi
echo "== $NS_A connects to $ADDR_B:80 (gives up after 2 s)"
tcp_syn_a_to_b 80 2
pwru_stop || true
PWRU_PID=
echo
echo "== pwru's trace:"
cat "$out"
echo
grep -v '^Attaching\|^Detaching' "$err"
