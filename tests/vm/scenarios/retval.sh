#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --output-return (fexit under fentry, kretprobe under kprobe, kretprobe-multi
# under kprobe-multi): a route lookup refused by rp_filter returns its
# negative errno by name, an iptables DROP shows nf_hook_slow's -EPERM (and
# ip_tables' ipt_do_table, a module function, returning NF_DROP), and
# with --timestamp every call's duration is positive, the outer call's no
# shorter than the inner one's.
# Env: BACKEND (kprobe | kprobe-multi | fentry; default auto)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-auto}
FUNCS='^(ip_rcv|ip_rcv_core|ip_rcv_finish|ip_route_input_noref|ip_route_input_slow|ip_local_deliver|nf_hook_slow|kfree_skb_reason|sk_skb_reason_drop)$'

netns_pair
# rp_filter: rcv has no route back to 198.18.1.1, so its packets are martians
ip -n snd addr add 198.18.1.1/32 dev snd0
ip netns exec rcv sh -c 'echo 1 >/proc/sys/net/ipv4/conf/all/rp_filter; echo 1 >/proc/sys/net/ipv4/conf/rcv0/rp_filter'
ip netns exec rcv iptables -A INPUT -p tcp --dport 80 -j DROP

# the table's verdict: ipt_do_table is a module function (fexit's clone
# names the module's BTF object)
kmods=()
if [ -e /sys/kernel/btf/ip_tables ]; then
	kmods=(--kmods ip_tables)
	FUNCS=${FUNCS%)\$}'|ipt_do_table)$'
fi
args=(--output-tuple --output-return --timestamp current --filter-func "$FUNCS" "${kmods[@]}")
[ "$BACKEND" = auto ] || args+=(--backend "$BACKEND")
pwru_start "${args[@]}" 'dst host 198.18.0.2' || { finish; exit; }

# the SYN first: its ARP (from 198.18.0.1) resolves the neighbour the martian then uses
traffic() {
	ip netns exec snd timeout 3 nc -w 1 198.18.0.2 80 </dev/null >/dev/null 2>&1 || true
	ip netns exec snd ping -c 2 -W 1 -I 198.18.1.1 198.18.0.2 >/dev/null 2>&1 || true
	sleep 1
}
traffic
pwru_stop

check_backend
events=$(grep -c . "$PWRU_EVENTS" || true)
check return-probes "'Reporting returns by ...' on stderr" "'$(grep -m1 -i 'return' "$PWRU_ERR" || true)'" \
	grep -Eq '^Reporting returns by (fexit|kretprobe|kretprobe-multi) \([0-9]+ functions\)' "$PWRU_ERR"
route=$(grep -E -m1 '198\.18\.1\.1:0->198\.18\.0\.2:0\(icmp\) +ip_route_input_(noref|rcu|slow) returned -[0-9]+ \(-E[A-Z]+\) after [0-9]+ ns$' "$PWRU_EVENTS" || true)
check route-errno "ip_route_input_* returned -N (-EXXX) for the martian" "'$route' in $events events" [ -n "$route" ]
check route-einval "the martian's errno is -EINVAL or -EXDEV" "'$route'" \
	bash -c "echo '$route' | grep -Eq 'returned -(22 \\(-EINVAL|18 \\(-EXDEV)\\)'"
hook=$(grep -E -m1 '198\.18\.0\.1:[0-9]+->198\.18\.0\.2:80\(tcp\) +nf_hook_slow returned -1 \(-EPERM\) after [0-9]+ ns$' "$PWRU_EVENTS" || true)
check nf-eperm "nf_hook_slow returned -1 (-EPERM) for the SYN" "'$hook'" [ -n "$hook" ]
if [ ${#kmods[@]} -gt 0 ]; then
	verdict=$(grep -E -m1 ':80\(tcp\) +ipt_do_table\[ip_tables\] returned 0 \(NF_DROP\) after [0-9]+ ns$' "$PWRU_EVENTS" || true)
	check nf-drop-verdict "ipt_do_table[ip_tables] returned 0 (NF_DROP) for the SYN" \
		"'$verdict'; $(grep -c 'ipt_do_table' "$PWRU_EVENTS" || true) ipt_do_table lines" [ -n "$verdict" ]
fi
zero=$(grep -E -c ' returned .* after 0 ns$' "$PWRU_EVENTS" || true)
rets=$(grep -E -c ' returned .* after [0-9]+ ns$' "$PWRU_EVENTS" || true)
check durations-positive "every return's duration above 0 ns" "$zero of $rets at 0" [ "$rets" -gt 0 -a "$zero" -eq 0 ]
# ip_route_input_noref calls ip_route_input_slow (where it is not inlined): durations nest
d_outer=$(grep -E -m1 '198\.18\.1\.1:0->.* ip_route_input_noref returned .* after [0-9]+ ns$' "$PWRU_EVENTS" | sed -E 's/.* after ([0-9]+) ns$/\1/' || true)
d_inner=$(grep -E -m1 '198\.18\.1\.1:0->.* ip_route_input_slow returned .* after [0-9]+ ns$' "$PWRU_EVENTS" | sed -E 's/.* after ([0-9]+) ns$/\1/' || true)
if [ -n "$d_inner" ]; then
	check durations-nested "ip_route_input_noref's duration >= ip_route_input_slow's" \
		"noref ${d_outer:-none}, slow $d_inner" \
		bash -c "[ -n '$d_outer' ] && [ '$d_outer' -ge '$d_inner' ]"
fi
# what a reader of the log wants to see: the martian's and the SYN's lines
grep -E '198\.18\.1\.1:0->.* ip_route_input|:80\(tcp\) +nf_hook_slow' "$PWRU_EVENTS" | head -n 8 >/tmp/retval.sample || true

# --filter-return-error: each skb shown ends in a failed return, with its events before it
args=(--output-tuple --filter-return-error --filter-func "$FUNCS")
[ "$BACKEND" = auto ] || args+=(--backend "$BACKEND")
pwru_start "${args[@]}" 'dst host 198.18.0.2' || { finish; exit; }
traffic
pwru_stop
events=$(grep -c . "$PWRU_EVENTS" || true)
bad=$(awk '{ last[$1] = $0 } END { n = 0; for (s in last) if (last[s] !~ / returned -[0-9]+ \(-E[A-Z]+\)$| returned [01] \((NF_DROP|NET_RX_DROP|NET_XMIT_DROP)\)$/) n++; print n }' "$PWRU_EVENTS")
check error-last "every skb's last line a failed return" "$bad of them not, in $events events" \
	[ "$events" -gt 0 -a "$bad" -eq 0 ]
hook_at=$(first_line '198\.18\.0\.1:[0-9]+->198\.18\.0\.2:80\(tcp\) +nf_hook_slow returned -1 \(-EPERM\)$')
syn_before=$(head -n $((hook_at > 0 ? hook_at - 1 : 0)) "$PWRU_EVENTS" | grep -E -c '198\.18\.0\.1:[0-9]+->198\.18\.0\.2:80\(tcp\) +(ip_rcv|nf_hook_slow)$' || true)
check error-path "the SYN's ip_rcv/nf_hook_slow entries before its -EPERM" "line $hook_at, $syn_before entries before" \
	[ "$hook_at" -gt 0 -a "$syn_before" -gt 0 ]
echo "--- --output-return lines (first run)"
cat /tmp/retval.sample
echo "--- --filter-return-error output"
head -n 12 "$PWRU_OUT"
finish
