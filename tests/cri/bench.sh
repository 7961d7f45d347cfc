#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bench: pod resolution against a private containerd holding CRI_BENCH_PODS
# pods (default 20): library figures from cri-bench, then ./pwru's time from
# start to "Listening for events..." with --filter-pod, against the same
# start with --filter-netns on the same inode (no runtime involved).
set -u
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-build}
PWRU=${PWRU:-$(pwd)/pwru}
CRI_TOOL=$OUT/tests/cri/cri-tool
npods=${CRI_BENCH_PODS:-20}
rounds=${CRI_BENCH_ROUNDS:-7}
. "$here/containerd-lib.sh"

dir=$(mktemp -u /tmp/pwru-cri.XXXXXX)
trap 'cri_down "$dir"' EXIT
trap 'exit 130' INT TERM
cri_up "$dir" || { echo "bench: containerd did not start" >&2; exit 1; }
for i in $(seq 1 "$npods"); do
	"$CRI_TOOL" -e "$CRI_EP" run-pod default "pod-$i" "$CRI_IMAGE" > /dev/null || { echo "bench: pod-$i failed" >&2; exit 1; }
done
echo "== cri-bench: $npods pods in containerd"
"$OUT/tests/cri/cri-bench" -e "$CRI_EP" default/pod-7 10 || exit 1

# Milliseconds from exec to the "Listening" line on stderr.
time_to_listen() {
	local log=$dir/listen.err t0 t1 pid
	t0=$(date +%s%N)
	"$PWRU" "$@" --output-limit-lines 1 > /dev/null 2> "$log" &
	pid=$!
	for _ in $(seq 1 3000); do
		grep -q 'Listening for events' "$log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	t1=$(date +%s%N)
	kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	grep -q 'Listening for events' "$log" || { echo "bench: pwru did not listen: $(tail -1 "$log")" >&2; return 1; }
	echo $(( (t1 - t0) / 1000000 ))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

if [ -x "$PWRU" ]; then
	pid7=$("$CRI_TOOL" -e "$CRI_EP" pid default/pod-7)
	ino7=$(stat -L -c %i "/proc/$pid7/ns/net")
	pod_ms=() ns_ms=()
	for _ in $(seq 1 "$rounds"); do
		pod_ms+=("$(time_to_listen --cri-endpoint "$CRI_EP" --filter-pod default/pod-7)") || exit 1
		ns_ms+=("$(time_to_listen --filter-netns "inode:$ino7")") || exit 1
	done
	p=$(printf '%s\n' "${pod_ms[@]}" | median) n=$(printf '%s\n' "${ns_ms[@]}" | median)
	echo "== ./pwru start to 'Listening for events...' ($rounds runs each, median)"
	echo "--filter-pod default/pod-7 (CRI, $npods pods):  $p ms   [${pod_ms[*]}]"
	echo "--filter-netns inode:$ino7 (no runtime):  $n ms   [${ns_ms[*]}]"
	echo "difference: $((p - n)) ms (goal: resolution adds under 100 ms)"
	echo "note: start-up is dominated by probe attach, whose spread between runs exceeds the"
	echo "      resolution cost; pods_open + pods_select above is that cost measured alone."
else
	echo "== ./pwru not built: start-up timing skipped"
fi
