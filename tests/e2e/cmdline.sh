#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The command line end to end on this host (tracepoint backend): cilium/pwru
# spellings, --ready-file, --debug, --kernel-btf, --help, with real traffic in
# throw-away network namespaces. Each test prints PASS:/FAIL:.
# Usage: tests/e2e/cmdline.sh [test-name...]
. "$(dirname "$0")/prelude.sh"

# cilium/pwru's order: the filter first, flags after it (pflag allows it).
test_flags_after_filter() {
	run_pwru_around "ping_both_ways; tcp_syn_a_to_b 80 1" icmp --output-json \
		--filter-netns "/var/run/netns/$NS_B" --output-meta=T || return 1
	json_all_parse "$WORK/out" || return 1
	json_expect "$WORK/out" 'len(events) > 0 and all(e["tuple"]["l4proto"] == "icmp" for e in events)' \
		"only ICMP events, as JSON, with the flags after the filter"
}

# The ready file appears only once every probe is attached, before the first
# event; it is left in place at exit, as cilium/pwru leaves it.
test_ready_file() {
	local ready=$WORK/ready seen_err="" seen_out=""
	rm -f "$ready"
	"$PWRU" --ready-file "$ready" --output-json --filter-netns "/var/run/netns/$NS_B" icmp \
		>"$WORK/out" 2>"$WORK/err" &
	PWRU_PID=$!
	for _ in $(seq 1 3000); do
		if [ -e "$ready" ]; then
			seen_err=$(cat "$WORK/err")
			seen_out=$(cat "$WORK/out")
			break
		fi
		kill -0 "$PWRU_PID" 2>/dev/null || break
		sleep 0.01
	done
	[ -e "$ready" ] || { fail "no ready file; stderr: $(tail -2 "$WORK/err" | tr '\n' '|')"; return 1; }
	grep -Eq '^Attached [1-9][0-9]* ' <<<"$seen_err" ||
		{ fail "ready file before attach finished; stderr then: $(tr '\n' '|' <<<"$seen_err")"; return 1; }
	[ -z "$seen_out" ] || { fail "events printed before the ready file: $seen_out"; return 1; }
	wait_listening "$WORK/err" "$PWRU_PID" || { fail "pwru never listened"; return 1; }
	ping_both_ways
	sleep 0.3
	pwru_stop || { fail "pwru exited non-zero"; return 1; }
	json_expect "$WORK/out" 'len(events) > 0' "events after the ready file" || return 1
	[ -e "$ready" ] || { fail "the ready file was removed at exit (cilium/pwru keeps it)"; return 1; }
	# and one it cannot create is an error, after which nothing stays attached
	timeout 60 "$PWRU" --ready-file "$WORK/no/such/dir/ready" >"$WORK/bad.out" 2>"$WORK/bad.err"
	local rc=$?
	[ "$rc" -eq 1 ] && grep -q "^pwru: --ready-file $WORK/no/such/dir/ready: No such file or directory$" "$WORK/bad.err" ||
		{ fail "uncreatable ready file: exit $rc, stderr $(tail -2 "$WORK/bad.err" | tr '\n' '|')"; return 1; }
}

# --debug says what was probed, decided and refused; without it, none of that.
test_debug() {
	local attached
	run_pwru_around "ping_both_ways" --debug --filter-netns "/var/run/netns/$NS_B" icmp || return 1
	expect_grep "$WORK/err" "^debug: filters: pcap 'icmp', netns $(stat -L -c %i "/var/run/netns/$NS_B")," \
		"the resolved filters" || return 1
	expect_grep "$WORK/err" '^debug: kernel BTF: /sys/kernel/btf/vmlinux \([1-9][0-9]* types\)$' \
		"the BTF source" || return 1
	for f in kprobe-multi fentry kprobe raw_tp; do
		expect_grep "$WORK/err" "^debug: kernel feature $f: .+" "$f's feature probe answer" || return 1
	done
	expect_grep "$WORK/err" '^debug: kernel feature tp_btf: usable$' "tp_btf usable" ||
		return 1
	expect_grep "$WORK/err" '^debug: probes: 0 kernel functions, [1-9][0-9]* tracepoints, 0 BPF programs' \
		"the probe counts" || return 1
	attached=$(sed -n 's/^Attached \([0-9]*\) .*/\1/p' "$WORK/err")
	expect_grep "$WORK/err" "^debug: attach: $attached probes attached, [0-9]+ refused$" \
		"the attach count agreeing with 'Attached $attached'" || return 1
	grep -q . "$WORK/out" || { fail "no events with --debug"; return 1; }
	run_pwru_around "ping_both_ways" --filter-netns "/var/run/netns/$NS_B" icmp || return 1
	! grep -q '^debug: ' "$WORK/err" || { fail "debug lines without --debug"; return 1; }
}

# --kernel-btf: a copy of this kernel's BTF works for discovery and loading;
# a BTF without skb types proves it is the file that is read; junk is one line.
test_kernel_btf() {
	cp /sys/kernel/btf/vmlinux "$WORK/vmlinux.btf"
	run_pwru_around "ping_both_ways" --kernel-btf "$WORK/vmlinux.btf" --debug --output-json \
		--filter-netns "/var/run/netns/$NS_B" icmp || return 1
	expect_grep "$WORK/err" "^debug: kernel BTF: $WORK/vmlinux.btf \\([1-9][0-9]* types\\)$" \
		"the BTF read from the file" || return 1
	json_expect "$WORK/out" 'len(events) > 0 and all(e["tuple"]["l4proto"] == "icmp" for e in events)' \
		"ICMP events traced with the BTF from a file" || return 1
	# raw BTF holding one type, "int": nothing takes an skb in it
	python3 -c '
import struct, sys
strs = b"\0int\0"
types = struct.pack("<IIII", 1, 1 << 24, 4, (1 << 24) | 32)
sys.stdout.buffer.write(struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(types), len(types), len(strs)) + types + strs)
' >"$WORK/tiny.btf"
	local ok=0
	expect_one_line_error "kernel-btf without skb types" '^pwru: no kernel function or tracepoint takes a struct sk_buff' \
		--kernel-btf "$WORK/tiny.btf" || ok=1
	echo "this is not BTF" >"$WORK/junk.btf"
	expect_one_line_error "kernel-btf not BTF" "^pwru: --kernel-btf $WORK/junk.btf: not a BTF file" \
		--kernel-btf "$WORK/junk.btf" || ok=1
	expect_one_line_error "kernel-btf missing" "^pwru: --kernel-btf $WORK/none: No such file or directory$" \
		--kernel-btf "$WORK/none" || ok=1
	return $ok
}

# pflag's refusals, each one line and exit 2, whichever side of the filter.
test_command_line_refusals() {
	local ok=0
	expect_one_line_error "prefix of a flag" '^pwru: unknown flag: --output-js \(see --help\)$' \
		icmp --output-js || ok=1
	expect_one_line_error "boolean word" '^pwru: invalid argument "yes" for "--output-json" flag' \
		icmp --output-json=yes || ok=1
	expect_one_line_error "missing value" '^pwru: flag needs an argument: --filter-mark' \
		icmp --filter-mark || ok=1
	expect_one_line_error "octal mark" '^pwru: invalid argument "0o17" for "--filter-mark" flag' \
		--filter-mark 0o17 || ok=1
	[ "$(timeout 10 "$PWRU" --output-js 2>/dev/null; echo $?)" = 2 ] ||
		{ echo "FAIL: bad_inputs/exit code 2 - a refused command line exits 2 as pflag's does"; ok=1; }
	return $ok
}

# --help is the golden text, also when it follows the filter; -h is the same;
# --version prints one line.
test_help() {
	local h
	for h in "--help" "icmp --help" "-h"; do
		# shellcheck disable=SC2086
		timeout 10 "$PWRU" $h >"$WORK/help" 2>"$WORK/help.err" ||
			{ fail "pwru $h exited non-zero"; return 1; }
		sed "s,$PWRU,pwru,g" "$WORK/help" | diff -u tests/unit/pwru-help.golden - >"$WORK/help.diff" ||
			{ fail "pwru $h differs from tests/unit/pwru-help.golden: $(head -c 400 "$WORK/help.diff" | tr '\n' '|')"; return 1; }
	done
	# --version as cilium/pwru prints it, and --help wins over it as with pflag
	timeout 10 "$PWRU" icmp --version >"$WORK/version" 2>&1 &&
		grep -Eq '^pwru [^ ]+$' "$WORK/version" && [ "$(wc -l <"$WORK/version")" -eq 1 ] ||
		{ fail "pwru --version printed: $(head -c 200 "$WORK/version")"; return 1; }
	timeout 10 "$PWRU" --version --help | head -1 | grep -q '^Usage: ' ||
		{ fail "--version --help did not print the help"; return 1; }
}

# No advertised flag that does nothing: every options-table row's field is
# read outside the parser, and the scan saw as many rows as --help lists.
test_every_flag_is_read() {
	local rows listed unread=""
	rows=$(grep -oE '^[[:space:]]*\{ "[a-z0-9-]+", K_[A-Z0-9]+, O\([a-z_0-9]+\)' src/options.c |
		sed -E 's/.*\{ "([a-z0-9-]+)", K_[A-Z0-9]+, O\(([a-z_0-9]+)\)/\1 \2/')
	listed=$("$PWRU" --help | grep -cE '^  (-[a-z], |    )--')
	[ "$(wc -l <<<"$rows")" -eq "$listed" ] ||
		{ fail "scanned $(wc -l <<<"$rows") table rows but --help lists $listed flags"; return 1; }
	while read -r flag field; do
		grep -rqE "(->|\.)$field\b" --include='*.c' src cmd --exclude=options.c ||
			unread="$unread --$flag($field)"
	done <<<"$rows"
	[ -z "$unread" ] || { fail "flags parsed but never read:$unread"; return 1; }
}

run_tests "$@"
