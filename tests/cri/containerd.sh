#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Suite: pod resolution against a real containerd (Debian's, started
# privately by containerd-lib.sh) with two pods a and b on a CNI bridge.
set -u
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-build}
CRI_TOOL=$OUT/tests/cri/cri-tool
CHECK=$OUT/tests/cri/cri-containerd-check
. "$here/containerd-lib.sh"

for cmd in containerd ctr runc umoci busybox ip nsenter; do
	command -v "$cmd" >/dev/null || { echo "SKIP: containerd suite - $cmd is not installed (make deps)"; exit 0; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: containerd suite - needs root"; exit 0; }

dir=$(mktemp -u /tmp/pwru-cri.XXXXXX)
trap 'cri_down "$dir"' EXIT
trap 'exit 130' INT TERM
failed=0
fail() { echo "FAIL: $1 - $2"; failed=1; }

if ! cri_up "$dir"; then
	fail "private containerd starts" "expected a CRI socket at $dir/containerd.sock, see messages above"
	exit 1
fi
echo "PASS: private containerd starts"

sandbox_pid() { ctr -a "$CRI_SOCK" -n k8s.io tasks ls | awk -v id="$1" '$1 == id { print $2 }'; }
netns_of() { stat -L -c %i "/proc/$1/ns/net"; }

ida=$("$CRI_TOOL" -e "$CRI_EP" run-pod default a "$CRI_IMAGE" --label app=a) &&
idb=$("$CRI_TOOL" -e "$CRI_EP" run-pod default b "$CRI_IMAGE" --label app=b) &&
idh=$("$CRI_TOOL" -e "$CRI_EP" run-pod default h "$CRI_IMAGE" --host-net) || {
	fail "pods a, b and a host-network pod start" "expected three sandbox ids"; exit 1; }
echo "PASS: pods a, b and a host-network pod start"
pida=$(sandbox_pid "$ida") pidb=$(sandbox_pid "$idb")
inoa=$(netns_of "$pida") inob=$(netns_of "$pidb")

# The late pod: made while the checker holds its table; prints its inode.
late_cmd="id=\$($CRI_TOOL -e $CRI_EP run-pod default late $CRI_IMAGE) && \
stat -L -c %i /proc/\$(ctr -a $CRI_SOCK -n k8s.io tasks ls | awk -v id=\$id '\$1 == id { print \$2 }')/ns/net"
"$CHECK" -e "$CRI_EP" --pod "default/a=$inoa" --pod "default/b=$inob" --label "app=b=$inob" \
	--hostnet default/h --late-cmd "$late_cmd" || failed=1

ipb=$(nsenter -t "$pidb" -n ip -4 -o addr show eth0 | awk '{ print $4 }' | cut -d/ -f1)
case $ipb in
198.18.*|198.19.*) echo "PASS: pod b has an address in 198.18.0.0/15 ($ipb)" ;;
*) fail "pod b has an address in 198.18.0.0/15" "expected 198.18-19.x.x, saw '$ipb'" ;;
esac
if out=$(timeout 10 nsenter -t "$pida" -n busybox ping -c 3 -W 2 "$ipb" 2>&1) && echo "$out" | grep -q ' 0% packet loss'; then
	echo "PASS: pod a pings pod b"
else
	fail "pod a pings pod b" "expected 3 replies from $ipb, saw: $(echo "$out" | tail -2 | tr '\n' ' ')"
fi
exit $failed
