#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end tests of --filter-track-skb-by-stackid on this host (tracepoint
# backend; the stack-id lookup works in tracepoint programs too) and of the
# refusal of --filter-non-skb-funcs where no function can be probed.
# Function probes (non-skb functions) are tested in the guests:
# tests/vm/scenarios/stackid.sh. Each test prints PASS:/FAIL:.
. "$(dirname "$0")/prelude.sh"

pings_a_to_b() {
	ip netns exec "$NS_A" ping -q -c 2 -i 0.2 -W 1 "$ADDR_B" >/dev/null 2>&1 || true
}

# The filter matches echo requests only. The echo reply is a new skb that
# B's kernel builds on the stack handling the request: stack-id tracking
# shows it (tracked_by "stackid"), the filter alone never does.
test_stackid_follows_reply() {
	local req="e.get('tuple', {}).get('saddr') == '$ADDR_A'"
	local rep="e.get('tuple', {}).get('saddr') == '$ADDR_B'"
	run_pwru_around pings_a_to_b --output-json --filter-netns "/var/run/netns/$NS_B" \
		'icmp[icmptype] == icmp-echo' || return 1
	json_expect "$WORK/out" "any($req for e in events) and not any($rep for e in events)
		and not any('tracked_by' in e for e in events)" \
		"without the flag: requests only" || return 1
	run_pwru_around pings_a_to_b --output-json --filter-track-skb-by-stackid \
		--filter-netns "/var/run/netns/$NS_B" 'icmp[icmptype] == icmp-echo' || return 1
	json_expect "$WORK/out" "any($req and 'tracked_by' not in e for e in events)
		and any($rep and e.get('tracked_by') == 'stackid'
			and e['func'] == 'net:net_dev_queue' for e in events)" \
		"the requests as matched, and the replies' net_dev_queue tracked by stack id"
}

# Non-skb functions need function probes: the tracepoint backend refuses
# them in one line rather than tracing without them.
test_non_skb_funcs_refused_on_tracepoints() {
	expect_one_line_error "--filter-non-skb-funcs on tracepoints" \
		'^pwru: --filter-non-skb-funcs needs function probes \(kprobe-multi, fentry or kprobe\), and this run has none: using tracepoint \(requested\)$' \
		--backend tracepoint --filter-non-skb-funcs fib_table_lookup || return 1
}

run_tests "$@"
