#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Which BPF attach kinds does this guest's kernel take, and what will the
# backends find? Prints vm-probe's PROBE lines and checks them against
# EXPECT_MULTI (ok | fail): kprobe, fentry and tp_btf must work everywhere
# we test, kprobe-multi only where the kernel has fprobe (5.18+).
set -eu
. scenario-lib.sh

echo "PROBE info kernel=$(uname -r)"
vm-probe | tee /tmp/probe.out
echo "PROBE info kallsyms_text=$(grep -c ' [tT] ' /proc/kallsyms)"
for k in kprobe fentry tp_btf kprobe-multi; do
	want=ok
	[ $k = kprobe-multi ] && want=${EXPECT_MULTI:-ok}
	saw=$(sed -n "s/^PROBE kind=$k result=\([a-z]*\).*/\1/p" /tmp/probe.out)
	check "attach-$k" "$want" "${saw:-nothing}" [ "$saw" = "$want" ]
done
check filter-functions "available_filter_functions readable" "$(grep available_filter /tmp/probe.out)" \
	grep -q 'available_filter_functions=readable' /tmp/probe.out
finish
