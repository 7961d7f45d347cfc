#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The pcap filter in qemu guests (Debian 6.1 and 6.12 kernels) with the kprobe
# and fentry backends, which this host cannot run: tests/pcap/vm-drop6.sh, the
# IPv6 twin of the VM suite's drop scenario (whose IPv4 flow is already
# filtered by 'dst host 198.18.0.2 and tcp and dst port 80').
# Env: VMTEST_KERNELS (default "6.1 6.12"), PWRU_STATIC as for tests/vm/suite.
set -u
cd "$(dirname "$0")/../.." || exit 1
OUT=${OUT:-build}
if [ ! -x tests/vm/run ] || [ ! -x "$OUT/vm/vm-probe" ]; then
	echo "SKIP: pcap vm - needs tests/vm/run and $OUT/vm/vm-probe (make vmtest builds it)"
	exit 0
fi
. tests/vm/pwru-for-guests.sh "$OUT"
failed=0
for k in ${VMTEST_KERNELS:-6.1 6.12}; do
	for b in kprobe fentry; do
		log=$(mktemp)
		timeout 900 tests/vm/run -e BACKEND=$b "$k" tests/pcap/vm-drop6.sh \
			tests/vm/scenarios/scenario-lib.sh "$OUT/vm/vm-probe" >"$log" 2>&1
		rc=$?
		counts=$(grep -o 'events=[0-9]* good=[0-9]*' "$log")
		if [ $rc -eq 0 ]; then
			echo "PASS: pcap vm kernel=$k backend=$b ipv6 drop flow - $counts, every event the filtered flow"
		else
			echo "FAIL: pcap vm kernel=$k backend=$b ipv6 drop flow - expected every event to be tcp to fd00:198:18::2 port 80, saw exit $rc: $(grep 'CHECK fail' "$log" | head -2 | tr '\n' ' ')${counts}"
			failed=1
		fi
		rm -f "$log"
	done
done
exit $failed
