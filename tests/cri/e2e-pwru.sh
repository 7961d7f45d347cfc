#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Suite: ./pwru with pods from a real containerd (private, containerd-lib.sh).
#  - --filter-pod default/a with traffic a<->b: only pod a's events, named default/a
#  - without a filter: events in a's and b's netns carry the right names
#  - a pod started after pwru attached is named within about a second
#  - an unknown pod and a missing socket are clear errors
set -u
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-build}
PWRU=${PWRU:-$(pwd)/pwru}
CRI_TOOL=$OUT/tests/cri/cri-tool
. "$here/containerd-lib.sh"

[ -x "$PWRU" ] || { echo "SKIP: pwru with pods - $PWRU is not built"; exit 0; }
for cmd in containerd ctr runc umoci busybox ip nsenter jq; do
	command -v "$cmd" >/dev/null || { echo "SKIP: pwru with pods - $cmd is not installed (make deps)"; exit 0; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: pwru with pods - needs root"; exit 0; }

dir=$(mktemp -u /tmp/pwru-cri.XXXXXX)
pwru_pid=
cleanup() {
	[ -n "$pwru_pid" ] && kill "$pwru_pid" 2>/dev/null && wait "$pwru_pid" 2>/dev/null
	cri_down "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
failed=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 - $2"; failed=1; }

cri_up "$dir" || { fail "private containerd starts" "see messages above"; exit 1; }
logs=$dir/pwru
mkdir -p "$logs"

sandbox_pid() { ctr -a "$CRI_SOCK" -n k8s.io tasks ls | awk -v id="$1" '$1 == id { print $2 }'; }
pod_ip() { nsenter -t "$1" -n ip -4 -o addr show eth0 | awk '{ print $4 }' | cut -d/ -f1; }
run_pod() { "$CRI_TOOL" -e "$CRI_EP" run-pod default "$1" "$CRI_IMAGE"; }
ping_from() { timeout 10 nsenter -t "$1" -n busybox ping -c "$3" -i 0.1 -W 1 "$2" > /dev/null 2>&1; }

ida=$(run_pod a) && idb=$(run_pod b) || { fail "pods a and b start" "expected two sandbox ids"; exit 1; }
pida=$(sandbox_pid "$ida") pidb=$(sandbox_pid "$idb")
inoa=$(stat -L -c %i "/proc/$pida/ns/net") inob=$(stat -L -c %i "/proc/$pidb/ns/net")
ipa=$(pod_ip "$pida") ipb=$(pod_ip "$pidb")

# Starts pwru in the background with JSON events into $logs/$1.json and
# waits until it listens (bounded).
start_pwru() {
	local name=$1; shift
	"$PWRU" --cri-endpoint "$CRI_EP" --output-json "$@" > "$logs/$name.json" 2> "$logs/$name.err" &
	pwru_pid=$!
	for _ in $(seq 1 150); do
		grep -q 'Listening for events' "$logs/$name.err" && return 0
		kill -0 "$pwru_pid" 2>/dev/null || break
		sleep 0.2
	done
	return 1
}
stop_pwru() {
	kill -INT "$pwru_pid" 2>/dev/null
	for _ in $(seq 1 50); do kill -0 "$pwru_pid" 2>/dev/null || break; sleep 0.1; done
	kill "$pwru_pid" 2>/dev/null
	wait "$pwru_pid" 2>/dev/null
	pwru_pid=
}
# Events in netns $2 of log $1, as "podname" per line ("-" when unnamed).
names_in() { jq -r --argjson ns "$2" 'select(.netns == $ns) | (.pod.namespace // "-") + "/" + (.pod.name // "-")' "$logs/$1.json"; }

# 1. Filtered on pod a.
if start_pwru filtered --filter-pod default/a --output-limit-lines 20; then
	ping_from "$pida" "$ipb" 10
	stop_pwru
	total=$(jq -c 'select(.skb)' "$logs/filtered.json" | grep -c .)
	other=$(jq -c --argjson ns "$inoa" 'select(.skb and (.netns != $ns or .pod.name != "a"))' "$logs/filtered.json" | grep -c .)
	if [ "$total" -gt 0 ] && [ "$other" -eq 0 ]; then
		pass "--filter-pod default/a shows only pod a's events, labelled default/a ($total events)"
	else
		fail "--filter-pod default/a shows only pod a's events, labelled default/a" \
			"expected >0 events all in netns $inoa named a, saw $total events, $other others"
	fi
else
	fail "--filter-pod default/a starts" "expected 'Listening for events', saw: $(tail -2 "$logs/filtered.err")"
	stop_pwru
fi

# 2 + 3. Unfiltered: names on both pods, then a pod started after attach.
if start_pwru all --output-limit-lines 200000; then
	ping_from "$pida" "$ipb" 3
	ping_from "$pidb" "$ipa" 3
	idl=$(run_pod late)
	pidl=$(sandbox_pid "$idl")
	inol=$(stat -L -c %i "/proc/$pidl/ns/net")
	# 20 pings 100 ms apart: the 11th leaves a second after the first.
	ping_from "$pidl" "$ipa" 20
	sleep 0.5
	stop_pwru
	for p in a:$inoa b:$inob; do
		n=${p%%:*} ino=${p#*:}
		got=$(names_in all "$ino" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
		if [ "$(names_in all "$ino" | grep -c .)" -gt 0 ] && [ "$(names_in all "$ino" | grep -vc "^default/$n$")" -eq 0 ]; then
			pass "without a filter, events in pod $n's netns are labelled default/$n"
		else
			fail "without a filter, events in pod $n's netns are labelled default/$n" "expected only default/$n, saw: ${got:-no events}"
		fi
	done
	ipl=$(pod_ip "$pidl")
	# One line per echo request of the late pod, named or not: the events of
	# the probe its requests hit most often (whatever the backend calls it;
	# the very first request may also take a one-off path through ARP).
	late_icmp='select(.netns == $ns and .tuple.saddr == $ip and .tuple.l4proto == "icmp")'
	funcs=$(jq -r --argjson ns "$inol" --arg ip "$ipl" "$late_icmp | .func" "$logs/all.json" | sort | uniq -c | sort -rn)
	top_func=$(echo "$funcs" | awk 'NR == 1 { print $2 }')
	seq_names=$(jq -r --argjson ns "$inol" --arg ip "$ipl" --arg f "$top_func" \
		"$late_icmp | select(.func == \$f) | (.pod.name // \"-\")" "$logs/all.json")
	first=$(echo "$seq_names" | grep -n '^late$' | head -1 | cut -d: -f1)
	unnamed_after=$(echo "$seq_names" | awk -v f="${first:-0}" 'NR > f && $0 != "late"' | grep -c .)
	if [ -n "$first" ] && [ "$first" -le 11 ] && [ "$unnamed_after" -eq 0 ]; then
		pass "a pod started after attach is named within a second (from its echo request #$first)"
	else
		fail "a pod started after attach is named within a second" \
			"expected default/late by echo request 11 and on every one after, saw names: $(echo $seq_names | head -c 200); funcs: $(echo $funcs | head -c 200)"
	fi
else
	fail "pwru without a filter starts" "expected 'Listening for events', saw: $(tail -2 "$logs/all.err")"
	stop_pwru
fi

# 4. Errors.
out=$(timeout 30 "$PWRU" --cri-endpoint "$CRI_EP" --filter-pod default/nope --output-limit-lines 1 2>&1 >/dev/null)
rc=$?
if [ $rc -ne 0 ] && echo "$out" | grep -q 'pod default/nope not found'; then
	pass "an unknown pod is a clear error"
else
	fail "an unknown pod is a clear error" "expected exit != 0 and 'pod default/nope not found', saw $rc: $out"
fi
out=$(timeout 30 "$PWRU" --cri-endpoint unix:///nonexistent/pwru-test.sock --filter-pod default/a --output-limit-lines 1 2>&1 >/dev/null)
rc=$?
if [ $rc -ne 0 ] && echo "$out" | grep -q '/nonexistent/pwru-test.sock' && echo "$out" | grep -q 'No such file'; then
	pass "a missing CRI socket is a clear error"
else
	fail "a missing CRI socket is a clear error" "expected exit != 0 naming the socket, saw $rc: $out"
fi
exit $failed
