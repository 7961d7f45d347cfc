#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --kmods: functions of kernel modules are probed with the module's own BTF
# object, under fentry too. iptables' hook function lives in a module
# (ip_tables' ipt_do_table, or nf_tables' nft_do_chain_ipv4 for iptables-nft):
# a dropped SYN must show it on its path, before the drop.
# Env: BACKEND (default fentry), ALL_KMODS=1 (--all-kmods instead of naming
#      the modules: every module with BTF is searched)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-fentry}
FUNCS='^(ip_rcv|ip_rcv_core|nf_hook_slow|ipt_do_table|nft_do_chain_ipv4|kfree_skb_reason|sk_skb_reason_drop)$'

netns_pair
ip netns exec rcv iptables -A INPUT -p tcp --dport 80 -j DROP
mods=
for m in ip_tables nf_tables; do
	[ -d "/sys/kernel/btf/$m" ] || [ -f "/sys/kernel/btf/$m" ] && mods=${mods:+$mods,}$m
done
check module-btf "BTF of ip_tables or nf_tables in /sys/kernel/btf" "'$mods'" [ -n "$mods" ]

kmod_args=(--kmods "$mods")
[ "${ALL_KMODS:-0}" = 1 ] && kmod_args=(--all-kmods)
pwru_start --output-tuple --backend "$BACKEND" "${kmod_args[@]}" --filter-func "$FUNCS" \
	'dst host 198.18.0.2 and tcp and dst port 80' || { finish; exit; }
ip netns exec snd timeout 4 nc -w 2 198.18.0.2 80 </dev/null >/dev/null 2>&1 || true
sleep 1
pwru_stop

check_backend
# module functions are named as kallsyms names them: fn[mod]
hook=$(first_line ' (ipt_do_table\[ip_tables\]|nft_do_chain_ipv4\[nf_tables\])( |$)')
drop=$(first_line '\(SKB_DROP_REASON_NETFILTER_DROP\)')
check module-function "ipt_do_table[ip_tables] or nft_do_chain_ipv4[nf_tables] on the path" \
	"no such line in $(grep -c . "$PWRU_EVENTS" || true) events" [ "$hook" -gt 0 ]
check drop-after-module "the drop after the module's hook" "drop at $drop, hook at $hook" \
	[ "$drop" -gt "$hook" -a "$hook" -gt 0 ]
finish
