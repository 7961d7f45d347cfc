#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Attach/detach times over all skb functions and per-packet cost, all in the
# same guest so the ratios mean something under emulation:
#   BENCH naive-kprobe ...                      (vm-kbench: serial libbpf kprobes)
#   BENCH kprobe-multi ...                      (vm-kbench -m: one libbpf multi link)
#   BENCH fentry-minimal ...                    (vm-kbench -f: 2-insn fentry per function)
#   BENCH backend=B start_to_listening_s=.. sigint_to_exit_s=.. per_packet_us=..
#         untraced_us=.. ratio=..   and pwru's own Attached/Detached lines
# Env: BACKENDS (default "kprobe kprobe-multi fentry"), PACKETS (default 20000),
#      FENTRY_SAMPLE (functions for vm-kbench -f, default 400)
set -eu
. scenario-lib.sh

BACKENDS=${BACKENDS:-kprobe kprobe-multi fentry}
PACKETS=${PACKETS:-20000}
# detaching ~1,600 kprobes one by one takes minutes under TCG
export PWRU_ATTACH_TIMEOUT=${PWRU_ATTACH_TIMEOUT:-600} PWRU_DETACH_TIMEOUT=${PWRU_DETACH_TIMEOUT:-600}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
per_packet() { sed -n 's/.*per_packet_us=\([0-9.]*\).*/\1/p'; }

echo "BENCH info kernel=$(uname -r)"
vm-kbench
vm-kbench -m || true
# a sample is enough for the per-function figure; serially closing all
# ~1,600 fentry links alone takes ~4 min under TCG
vm-kbench -f -n "${FENTRY_SAMPLE:-400}" || true
netns_pair
base=$(ip netns exec snd vm-udpsend 198.18.0.2 9 "$PACKETS" | per_packet)
echo "BENCH untraced per_packet_us=$base packets=$PACKETS"

command -v pwru >/dev/null || { fail pwru-present "expected pwru on PATH, saw none"; finish; exit; }
for b in $BACKENDS; do
	t0=$EPOCHREALTIME
	# a filter no packet matches: the cost measured is the probe's own
	if ! pwru_start --backend "$b" 'host 198.18.1.99'; then
		echo "BENCH backend=$b result=fail"
		continue
	fi
	t1=$EPOCHREALTIME
	traced=$(ip netns exec snd vm-udpsend 198.18.0.2 9 "$PACKETS" | per_packet)
	t2=$EPOCHREALTIME
	pwru_stop
	t3=$EPOCHREALTIME
	# wall times include pwru's start-up (BTF, symbols); pwru's own
	# "Attached N ... in X ms" / "Detached N in X ms" lines follow
	echo "BENCH backend=$b start_to_listening_s=$(elapsed "$t0" "$t1") sigint_to_exit_s=$(elapsed "$t2" "$t3")" \
		"per_packet_us=$traced untraced_us=$base ratio=$(awk -v a="$traced" -v b="$base" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
	grep -E '^(Attached|Detached) ' "$PWRU_ERR" | sed "s/^/BENCH backend=$b pwru: /" || true
done
finish
