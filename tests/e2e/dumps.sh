#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end tests of the bpf_snprintf_btf() dumps on this host (tracepoint
# backend): --output-skb-shared-info and --set-percpu-buf, with real pings
# between throw-away namespaces. Each test prints PASS:/FAIL:.
# Usage: tests/e2e/dumps.sh [test-name...]
. "$(dirname "$0")/prelude.sh"

# Text: every event line is followed by the skb's shared info.
test_shinfo_text() {
	run_pwru_around "ping_both_ways" --output-skb-shared-info \
		--filter-netns "/var/run/netns/$NS_B" icmp || return 1
	local lines dumps
	lines=$(grep -c '^0x' "$WORK/out")
	dumps=$(grep -c '^(struct skb_shared_info){$' "$WORK/out")
	[ "$lines" -gt 0 ] && [ "$dumps" -eq "$lines" ] ||
		{ fail "expected a (struct skb_shared_info){ dump per event line, saw $dumps of $lines"; return 1; }
	expect_grep "$WORK/out" '^ \.dataref = \(atomic_t\)\{$' "the dataref member in the dump"
}

# JSON: skb_shared_info on every event, skb_metadata only with --output-skb.
test_shinfo_json() {
	run_pwru_around "ping_both_ways" --output-json --output-skb-shared-info \
		--filter-netns "/var/run/netns/$NS_B" icmp || return 1
	json_expect "$WORK/out" "len(events) > 0 and all(
		e.get('skb_shared_info', '').startswith('(struct skb_shared_info){')
		and '.dataref' in e['skb_shared_info'] and 'skb_metadata' not in e for e in events)" \
		"skb_shared_info (and no skb_metadata) on every event" || return 1
	run_pwru_around "ping_both_ways" --output-json --output-skb --output-skb-shared-info \
		--filter-netns "/var/run/netns/$NS_B" icmp || return 1
	json_expect "$WORK/out" "len(events) > 0 and all(
		e.get('skb_metadata', '').startswith('(struct sk_buff){')
		and e.get('skb_shared_info', '').startswith('(struct skb_shared_info){') for e in events)" \
		"both dumps, each its own struct, on every event"
}

# The dump buffer's size bounds the text: the default 4096 bytes hold a
# whole struct sk_buff (zero members are left out), 256 cut it to 255.
test_percpu_buf() {
	run_pwru_around "ping_both_ways" --output-json --output-skb \
		--filter-netns "/var/run/netns/$NS_B" icmp || return 1
	json_expect "$WORK/out" "len(events) > 0 and all(255 < len(e['skb_metadata']) < 4096
		and e['skb_metadata'].endswith('}\\n') for e in events)" \
		"the default buffer: whole sk_buff dumps, longer than 255 bytes" || return 1
	run_pwru_around "ping_both_ways" --output-json --output-skb --output-skb-shared-info \
		--set-percpu-buf 256 --filter-netns "/var/run/netns/$NS_B" icmp || return 1
	json_expect "$WORK/out" "len(events) > 0 and all(len(e['skb_metadata']) == 255
		and not e['skb_metadata'].endswith('}\\n') and 0 < len(e['skb_shared_info']) <= 255
		for e in events)" \
		"--set-percpu-buf 256: both dumps cut to at most 255 bytes"
}

# Sizes outside 64 B .. 1 MiB get one line and a non-zero exit.
test_percpu_buf_bad() {
	expect_one_line_error "--set-percpu-buf 10" \
		'^pwru: invalid argument "10" for "--set-percpu-buf" flag: expected 64 to 1048576 bytes \(see --help\)$' \
		--set-percpu-buf 10 || return 1
	expect_one_line_error "--set-percpu-buf 2M" \
		'^pwru: invalid argument "2097152" for "--set-percpu-buf" flag: expected 64 to 1048576 bytes \(see --help\)$' \
		--set-percpu-buf 2097152
}

run_tests "$@"
