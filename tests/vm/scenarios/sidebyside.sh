#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pwru and cilium/pwru (Debian's build, on PATH as cilium-pwru) side by side
# in the same guest, same traffic, a filter no packet matches (--filter-netns
# of a netns that sends nothing), rounds alternating untraced / ours / theirs:
#   SIDE backend=B tool=T round=R per_packet_us=.. untraced_us=.. attach_s=.. probes=N
#   SIDE backend=B summary ...   medians over the rounds, ratios to untraced
# attach_s is SIGINT-free wall time from start to "Listening for events";
# probes is what the kernel holds while it listens, over the idle count:
# functions with an ftrace user (tracefs enabled_functions: kprobe-multi's
# fprobes) plus registered kprobes not on ftrace (debugfs kprobes/list: with
# IBT a kprobe at a function's first byte sits on its endbr, not on ftrace).
# Env: BACKENDS (default "kprobe-multi kprobe"), ROUNDS (3), PACKETS (20000),
#      KPROBE_FUNCS: --filter-func for the kprobe backend (both tools match it
#      against the whole name), whose one-by-one
#      attach of every skb function takes minutes under TCG (kprobe-multi
#      probes every function).
set -eu
. scenario-lib.sh

BACKENDS=${BACKENDS:-kprobe-multi kprobe}
ROUNDS=${ROUNDS:-3}
PACKETS=${PACKETS:-20000}
KPROBE_FUNCS=${KPROBE_FUNCS:-'(ip_|ip6_|udp_|udpv6_|__udp|__ip_|__dev_|dev_|netif_|__netif_|veth_|nf_hook|skb_release).*|kfree_skb_reason|consume_skb|sk_skb_reason_drop'}
export PWRU_ATTACH_TIMEOUT=${PWRU_ATTACH_TIMEOUT:-600} PWRU_DETACH_TIMEOUT=${PWRU_DETACH_TIMEOUT:-600}

probe_count() {
	local kp=0
	[ ! -r /sys/kernel/debug/kprobes/list ] || kp=$(grep -vc FTRACE /sys/kernel/debug/kprobes/list || true)
	echo $(($(wc -l </sys/kernel/tracing/enabled_functions) + kp))
}

per_packet() { ip netns exec snd vm-udpsend 198.18.0.2 9 "$PACKETS" | sed -n 's/.*per_packet_us=\([0-9.]*\).*/\1/p'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

command -v cilium-pwru >/dev/null || { fail cilium-pwru-present "expected cilium-pwru on PATH, saw none"; finish; exit; }
echo "SIDE info kernel=$(uname -r) cilium-pwru=$(cilium-pwru --version 2>&1 | head -n1)"
netns_pair
idle=$(probe_count)
: >/tmp/side
for b in $BACKENDS; do
	funcs=()
	[ "$b" != kprobe ] || funcs=(--filter-func "$KPROBE_FUNCS")
	for r in $(seq 1 "$ROUNDS"); do
		base=$(per_packet)
		for tool in ours theirs; do
			bin=pwru
			[ $tool = ours ] || bin=cilium-pwru
			t0=$EPOCHREALTIME
			if ! PWRU_BIN=$bin pwru_start --backend "$b" "${funcs[@]}" --filter-netns inode:1; then
				echo "SIDE backend=$b tool=$tool round=$r result=fail"
				continue
			fi
			t1=$EPOCHREALTIME
			probes=$(($(probe_count) - idle))
			traced=$(per_packet)
			pwru_stop
			echo "SIDE backend=$b tool=$tool round=$r per_packet_us=$traced untraced_us=$base" \
				"attach_s=$(elapsed "$t0" "$t1") probes=$probes" | tee -a /tmp/side
		done
	done
	line="SIDE backend=$b summary"
	unset pp_ours pp_theirs
	for tool in ours theirs; do
		rows=$(grep "backend=$b tool=$tool " /tmp/side || true)
		[ -n "$rows" ] || { line+=" $tool=fail"; continue; }
		pp=$(sed -n 's/.*per_packet_us=\([0-9.]*\).*/\1/p' <<<"$rows" | median)
		un=$(sed -n 's/.*untraced_us=\([0-9.]*\).*/\1/p' <<<"$rows" | median)
		at=$(sed -n 's/.*attach_s=\([0-9.]*\).*/\1/p' <<<"$rows" | median)
		pr=$(sed -n 's/.*probes=\([0-9]*\).*/\1/p' <<<"$rows" | median)
		line+=" $tool: per_packet_us=$pp x_untraced=$(ratio "$pp" "$un") attach_s=$at probes=$pr;"
		eval "pp_$tool=$pp"
	done
	echo "$line ours/theirs per_packet=$(ratio "${pp_ours:-0}" "${pp_theirs:-0}")"
done
finish
