#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Ctrl-C while a full kprobe attach (every skb function, ~1,600 kprobes, over
# a minute under TCG) is under way: pwru stops attaching, detaches what it had
# attached, prints its summary and exits 0, and leaves no kprobe behind.
# Env: BACKEND (default kprobe), CANCEL_AFTER (seconds into the attach, default 3),
#      PWRU_ARGS (more arguments, e.g. --filter-kprobe-batch 1)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-kprobe}
after=${CANCEL_AFTER:-3}
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; } # busybox date has no %N
kprobes() { wc -l </sys/kernel/debug/kprobes/list; }
before=$(kprobes)

set -m
pwru --backend "$BACKEND" ${PWRU_ARGS:-} icmp >"$PWRU_OUT" 2>"$PWRU_ERR" &
pid=$!
set +m
# wait for the attach to start, then interrupt it $after seconds in
i=0
until grep -q 'Attaching probes' "$PWRU_ERR" 2>/dev/null || [ $i -ge 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep "$after"
during=$(kprobes)
start=$(now_ms)
kill -INT "$pid"
i=0
stopped_ms=
while kill -0 "$pid" 2>/dev/null && [ $i -lt 1200 ]; do
	# the attach has stopped once pwru says so; detaching what it had comes after
	[ -n "$stopped_ms" ] || ! grep -q '^Interrupted after attaching' "$PWRU_ERR" ||
		stopped_ms=$(($(now_ms) - start))
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
	kill -KILL "$pid"
	fail exited "expected pwru to exit within 120 s of SIGINT, saw it still running"
fi
wait "$pid" && rc=0 || rc=$?
ms=$(($(now_ms) - start))
echo "FIGURE cancel backend=$BACKEND attach_stopped_ms=${stopped_ms:-?} exit_ms=$ms" \
	"kprobes_at_signal=$((during - before)) $(grep -m1 '^Detached' "$PWRU_ERR" || true)"
sleep 1 # kprobes are freed after an RCU grace period
after_exit=$(kprobes)

interrupted=$(grep -m1 -E 'Interrupted after attaching [0-9]+ of [0-9]+' "$PWRU_ERR" || echo none)
check exit-0 "exit status 0" "$rc" [ "$rc" -eq 0 ]
check interrupted "'Interrupted after attaching N of M' with N < M" "'$interrupted'" \
	awk -v l="$interrupted" 'BEGIN { n = split(l, w, " "); exit !(n >= 6 && w[4] + 0 < w[6] + 0) }'
check attached-some "kprobes registered during the attach" "$((during - before))" [ "$during" -gt "$before" ]
summary=$(grep -E -m1 '[0-9]+ events, [0-9]+ lost' "$PWRU_ERR" || echo none)
check summary "'N events, M lost' on stderr" "'$summary'" [ "$summary" != none ]
check detached "'Detached N' on stderr" "'$(grep -m1 Detached "$PWRU_ERR" || true)'" grep -q '^Detached ' "$PWRU_ERR"
check no-kprobes-left "$before kprobes after exit, as before the run" "$after_exit" [ "$after_exit" -eq "$before" ]
finish
