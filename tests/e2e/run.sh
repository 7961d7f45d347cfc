#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end tests of pwru on this host (tracepoint backend), with real
# traffic in throw-away network namespaces. Each test prints PASS:/FAIL:.
# Usage: tests/e2e/run.sh [test-name...]
. "$(dirname "$0")/prelude.sh"

# The SYN that an iptables rule drops shows up with its reason, site and tuple.
test_drop_netfilter() {
	ip netns exec "$NS_B" iptables -A INPUT -p tcp --dport 80 -j DROP
	run_pwru_around "tcp_syn_a_to_b 80 1" --output-json --filter-netns "/var/run/netns/$NS_B" ||
		return 1
	json_all_parse "$WORK/out" || return 1
	json_expect "$WORK/out" 'any(e.get("func") == "skb:kfree_skb"
		and e.get("drop_reason") == "SKB_DROP_REASON_NETFILTER_DROP"
		and re.match(r"^(nf_hook_slow|nft_do_chain|ipt_do_table)\+0x[0-9a-f]+$", e.get("drop_site", ""))
		and e["tuple"]["saddr"] == "198.18.0.1" and e["tuple"]["daddr"] == "198.18.0.2"
		and e["tuple"]["dport"] == 80 and e["tuple"]["l4proto"] == "tcp" for e in events)' \
		"a kfree_skb event with NETFILTER_DROP, a netfilter drop site and 198.18.0.1->198.18.0.2:80/tcp"
}

# The same drop in the text output, as a user reads it.
test_drop_text_output() {
	ip netns exec "$NS_B" iptables -A INPUT -p tcp --dport 80 -j DROP
	run_pwru_around "tcp_syn_a_to_b 80 1" --filter-netns "/var/run/netns/$NS_B" || return 1
	expect_grep "$WORK/out" '^SKB +CPU +PROCESS .*TUPLE FUNC$' "the column header" || return 1
	expect_grep "$WORK/out" \
		'198\.18\.0\.1:[0-9]+->198\.18\.0\.2:80\(tcp\) +skb:kfree_skb\(SKB_DROP_REASON_NETFILTER_DROP\) [a-z_]+\+0x[0-9a-f]+$' \
		"a drop line with tuple, reason and site" || return 1
	expect_grep "$WORK/err" 'SKB_DROP_REASON_NETFILTER_DROP +[a-z_]+\+0x' "the drop summary row" || return 1
	expect_grep "$WORK/err" '^[0-9]+ events, [0-9]+ lost$' "the closing count line"
}

# --filter-netns keeps only that namespace even while the other one talks.
test_filter_netns() {
	local ino_b
	ino_b=$(stat -L -c %i "/var/run/netns/$NS_B")
	run_pwru_around "ping_both_ways" --output-json --filter-netns "/var/run/netns/$NS_B" ||
		return 1
	json_expect "$WORK/out" "len(events) > 0 and all(e['netns'] == $ino_b for e in events)" \
		"events only from netns $ino_b" || return 1
	# and inode:N means the same
	run_pwru_around "ping_both_ways" --output-json --filter-netns "inode:$ino_b" || return 1
	json_expect "$WORK/out" "len(events) > 0 and all(e['netns'] == $ino_b for e in events)" \
		"inode:$ino_b selects the same netns"
}

# A device seen in an unwanted netns, then moved into the wanted one, is
# traced there: the filter's memory of unwanted devices is forgotten when a
# device moves (the notifier:notifier_run companion, kernels 6.1+).
test_filter_netns_device_moved() {
	local ns_c=pwru-c-$NS_SUFFIX ino_c rc=0
	ip netns add "$ns_c" || return 1
	ino_c=$(stat -L -c %i "/var/run/netns/$ns_c")
	if pwru_start "$WORK/out" "$WORK/err" --output-json --filter-netns "/var/run/netns/$ns_c"; then
		# 2000 datagrams on veth-a/veth-b, both unwanted: remembered (1 miss in 16 is)
		udp_flood_a_to_b 2000
		ip -n "$NS_B" link set veth-b netns "$ns_c"
		ip -n "$ns_c" link set lo up
		ip -n "$ns_c" addr add "$ADDR_B/24" dev veth-b
		ip -n "$ns_c" link set veth-b up
		ip netns exec "$NS_A" ping -q -c 3 -i 0.2 -W 1 "$ADDR_B" >/dev/null 2>&1 || true
		sleep 0.3
		pwru_stop || rc=1
	else
		rc=1
	fi
	# back where the other tests expect it
	ip -n "$ns_c" link set veth-b netns "$NS_B"
	ip -n "$NS_B" addr add "$ADDR_B/24" dev veth-b 2>/dev/null
	ip -n "$NS_B" link set veth-b up
	ip netns del "$ns_c"
	[ "$rc" -eq 0 ] || { fail "pwru: $(tail -2 "$WORK/err" | tr '\n' ' ')"; return 1; }
	json_expect "$WORK/out" "all(e['netns'] == $ino_c for e in events)
		and any(e['ifname'] == 'veth-b' and e['func'].endswith('netif_receive_skb') for e in events)" \
		"veth-b's packets traced after it moved into the wanted netns"
}

# The kernel wakes pwru at most once a millisecond and sends the events in
# between without a wakeup: every one must still be printed while pwru runs,
# not only when it exits. Ten pairs of datagrams 0.4 ms apart: the first
# wakes pwru, which has often read it before the second comes, sent without
# a wakeup; the second's port must be in the output 60 ms later.
test_events_printed_while_running() {
	local missing
	pwru_start "$WORK/out" "$WORK/err" --output-json --filter-netns "/var/run/netns/$NS_B" ||
		{ fail "pwru did not start: $(tail -2 "$WORK/err" | tr '\n' ' ')"; return 1; }
	missing=$(ip netns exec "$NS_A" timeout 20 python3 -c '
import json, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
missing = []
for port in range(10001, 10011):
    s.sendto(b"x", (sys.argv[1], 9))
    time.sleep(0.0004)
    s.sendto(b"x", (sys.argv[1], port))
    time.sleep(0.06)
    seen = set()
    for line in open(sys.argv[2]):
        try:
            seen.add(json.loads(line).get("tuple", {}).get("dport"))
        except ValueError:
            pass
    if port not in seen:
        missing.append(port)
print(" ".join(map(str, missing)))
' "$ADDR_B" "$WORK/out")
	pwru_stop || { fail "pwru: $(tail -2 "$WORK/err" | tr '\n' ' ')"; return 1; }
	[ -z "$missing" ] ||
		{ fail "not printed within 60 ms: datagrams to ports $missing"; return 1; }
}

# --filter-mark selects by skb->mark, with and without a mask.
test_filter_mark() {
	ip netns exec "$NS_A" iptables -t mangle -A OUTPUT -p tcp --dport 81 -j MARK --set-mark 0x42
	ip netns exec "$NS_A" iptables -t mangle -A OUTPUT -p tcp --dport 82 -j MARK --set-mark 0x15
	run_pwru_around "tcp_syn_a_to_b 81 1; tcp_syn_a_to_b 82 1" --output-json --filter-mark 0x42 ||
		return 1
	json_expect "$WORK/out" "len(events) > 0 and all(e['mark'] == 0x42 for e in events)
		and any(e.get('tuple', {}).get('dport') == 81 for e in events)
		and not any(e.get('tuple', {}).get('dport') == 82 for e in events)" \
		"only mark 0x42 (port 81), never port 82" || return 1
	run_pwru_around "tcp_syn_a_to_b 81 1; tcp_syn_a_to_b 82 1" --output-json --filter-mark 0x2/0x2 ||
		return 1
	json_expect "$WORK/out" "len(events) > 0 and all(e['mark'] & 0x2 for e in events)
		and any(e.get('tuple', {}).get('dport') == 81 for e in events)
		and not any(e.get('tuple', {}).get('dport') == 82 for e in events)" \
		"mask 0x2 selects 0x42 but not 0x15"
}

# --filter-ifname is resolved inside the filtered netns.
test_filter_ifname() {
	local idx
	idx=$(ip -n "$NS_B" -o link show veth-b | cut -d: -f1)
	run_pwru_around "ping_both_ways" --output-json --filter-netns "/var/run/netns/$NS_B" \
		--filter-ifname veth-b || return 1
	json_expect "$WORK/out" "len(events) > 0 and all(e['ifindex'] == $idx and e['ifname'] == 'veth-b' for e in events)" \
		"events only on veth-b (ifindex $idx), named"
}

# A flood into a tiny ring buffer loses events, and every one is counted.
test_lost_events_counted() {
	run_pwru_around "udp_flood_a_to_b 20000" --output-json --output-json-summary --ringbuf-size 4096 \
		--filter-netns "/var/run/netns/$NS_B" || return 1
	json_expect "$WORK/out" "summary['lost'] > 0 and summary['events'] == len(events)
		and summary['events'] + summary['lost'] == summary['kernel_matched']
		and summary['events'] == summary['kernel_emitted']" \
		"lost > 0 and events + lost == what the kernel matched" || return 1
	expect_grep "$WORK/err" '^[0-9]+ events, [1-9][0-9]* lost \(the kernel matched [0-9]+\)$' \
		"a non-zero lost count on stderr, with what the kernel matched"
}

# The lines of every file of a rotated --output-file, checked: each one whole JSON
# and as many as pwru reports; backups at most the limit, gzipped ones readable.
rotated_check() {
	python3 - "$1" "$2" "$3" "$4" <<'EOF'
import glob, gzip, json, re, sys
d, events, max_backups, gz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
backups = sorted(glob.glob(d + "/trace-*.json*"))
name = re.compile(r"trace-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.json(\.gz)?$")
lines = []
for b in backups:
    if not name.search(b):
        sys.exit(f"backup {b} not named NAME-TIMESTAMP.EXT")
    if gz != b.endswith(".gz"):
        sys.exit(f"backup {b}: expected {'only' if gz else 'no'} .gz backups")
    raw = gzip.open(b).read() if b.endswith(".gz") else open(b, "rb").read()
    if len(raw) > 1 << 20:
        sys.exit(f"backup {b} holds {len(raw)} bytes, over the 1 MB limit")
    lines += raw.splitlines(keepends=True)
lines += open(d + "/trace.json", "rb").readlines()
for l in lines:
    if not l.endswith(b"\n"):
        sys.exit("a line without its newline: an event was split")
    json.loads(l)
if max_backups and len(backups) > max_backups:
    sys.exit(f"{len(backups)} backups kept, limit {max_backups}")
if not max_backups:
    if len(backups) < 2:
        sys.exit(f"expected at least 2 rotations at 1 MB, saw {len(backups)} backups")
    if lines[0] != b'{"written":"before"}\n':
        sys.exit("the file's earlier line is gone: --output-file must append")
    if len(lines) != events + 1:
        sys.exit(f"expected {events} events and the line written before, saw {len(lines)} lines")
EOF
}

# --output-file appends, and rotates as cilium/pwru does: at a size, keeping N
# backups, gzipped on request; no event line is lost or split by a rotation.
test_output_file_rotation() {
	local dir=$WORK/rot events why
	mkdir -p "$dir"
	echo '{"written":"before"}' >"$dir/trace.json"
	run_pwru_around "udp_flood_a_to_b 12000" --output-json --output-file "$dir/trace.json" \
		--output-file-max-size 1 --filter-netns "/var/run/netns/$NS_B" || return 1
	events=$(sed -n 's/^\([0-9]*\) events, .*/\1/p' "$WORK/err")
	why=$(rotated_check "$dir" "${events:-0}" 0 0) || { fail "$why"; return 1; }
	rm -rf "$dir"
	mkdir -p "$dir"
	run_pwru_around "udp_flood_a_to_b 12000" --output-json --output-file "$dir/trace.json" \
		--output-file-max-size 1 --output-file-max-backups 2 --output-file-compress \
		--filter-netns "/var/run/netns/$NS_B" || return 1
	why=$(rotated_check "$dir" 0 2 1) || { fail "$why"; return 1; }
}

# --output-netns-names: `ip netns` names on events, also for a netns made
# after pwru started; the text column cut and centred as cilium/pwru's.
test_netns_names() {
	local ns_c=pwru-c-$$ ok=0
	run_pwru_around "ping_both_ways" --output-json --output-netns-names \
		--filter-netns "/var/run/netns/$NS_B" icmp || return 1
	json_expect "$WORK/out" "len(events) > 0 and all(e.get('netns_name') == '$NS_B' for e in events)" \
		"every event named $NS_B" || return 1
	run_pwru_around "ping_both_ways" --output-netns-names --netns-names-max-length 10 \
		--filter-netns "/var/run/netns/$NS_B" icmp || return 1
	expect_grep "$WORK/out" "^SKB .* LEN +NETNS NAME TUPLE FUNC$" "the NETNS NAME header" || return 1
	expect_grep "$WORK/out" "^0x.* ${NS_B:0:10} " "$NS_B cut to 10 characters on event lines" ||
		return 1
	# a namespace that did not exist when pwru started
	pwru_start "$WORK/out" "$WORK/err" --output-json --output-netns-names 'icmp and host 127.0.0.1' ||
		{ fail "pwru did not start: $(tail -1 "$WORK/err")"; return 1; }
	ip netns add "$ns_c"
	ip -n "$ns_c" link set lo up
	ip netns exec "$ns_c" ping -q -c 3 -i 0.2 -W 1 127.0.0.1 >/dev/null 2>&1 || true
	sleep 1.2 # a miss reads /run/netns again once a second at most
	ip netns exec "$ns_c" ping -q -c 3 -i 0.2 -W 1 127.0.0.1 >/dev/null 2>&1 || true
	pwru_stop || ok=1
	ip netns del "$ns_c"
	[ $ok -eq 0 ] || { fail "pwru exited non-zero after SIGINT"; return 1; }
	json_expect "$WORK/out" "any(e.get('netns_name') == '$ns_c' for e in events)" \
		"events named $ns_c, made after pwru started"
}

# --output-skb-cb: __sk_buff->cb[] in cilium/pwru's form after the metadata,
# a five-number "cb" array in JSON; not with --output-meta=false.
test_skb_cb() {
	run_pwru_around "ping_both_ways" --output-skb-cb --filter-netns "/var/run/netns/$NS_B" icmp ||
		return 1
	expect_grep "$WORK/out" '^SKB .* LEN   __sk_buff->cb\[\] +TUPLE FUNC$' "the cb[] header" || return 1
	local lines good
	lines=$(grep -c '^0x' "$WORK/out")
	good=$(grep -c -E '^0x.* \[0x[0-9A-F]{8}(,0x[0-9A-F]{8}){4}\] ' "$WORK/out")
	[ "$lines" -gt 0 ] && [ "$good" -eq "$lines" ] ||
		{ fail "expected every event line with five cb words, saw $good of $lines"; return 1; }
	run_pwru_around "ping_both_ways" --output-json --output-skb-cb \
		--filter-netns "/var/run/netns/$NS_B" icmp || return 1
	json_expect "$WORK/out" "len(events) > 0 and all(len(e['cb']) == 5 and
		all(isinstance(v, int) and 0 <= v < 2**32 for v in e['cb']) for e in events)" \
		"a cb array of five 32-bit numbers on every event" || return 1
	run_pwru_around "ping_both_ways" --output-json --output-skb-cb --output-meta=false \
		--filter-netns "/var/run/netns/$NS_B" icmp || return 1
	json_expect "$WORK/out" "len(events) > 0 and not any('cb' in e for e in events)" \
		"no cb with --output-meta=false, as cilium/pwru"
}

# --output-limit-lines stops by itself after N events.
test_output_limit_lines() {
	local rc
	: >"$WORK/err" # before the job starts: wait_listening must not see an old line
	"$PWRU" --output-json --output-limit-lines 3 --filter-netns "/var/run/netns/$NS_B" \
		>"$WORK/out" 2>"$WORK/err" &
	local pid=$!
	wait_listening "$WORK/err" "$pid" || { fail "pwru never listened: $(tail -1 "$WORK/err")"; return 1; }
	ping_both_ways
	for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		fail "pwru did not stop after 3 lines"
		return 1
	fi
	wait "$pid"; rc=$?
	[ "$rc" -eq 0 ] || { fail "exit status $rc"; return 1; }
	json_expect "$WORK/out" "len(events) == 3" "exactly 3 events"
}

# After SIGINT, no program or link of ours is left in the kernel. Only this
# pwru's objects count: other tracers may run on the machine meanwhile.
test_detach_leaves_nothing() {
	local ours left
	pwru_start "$WORK/out" "$WORK/err" --filter-netns "/var/run/netns/$NS_B" ||
		{ fail "pwru did not start: $(tail -1 "$WORK/err")"; return 1; }
	ping_both_ways
	ours=$(bpf_objects_of_pid prog "$PWRU_PID"; bpf_objects_of_pid link "$PWRU_PID")
	[ -n "$ours" ] || { fail "bpftool shows no program or link owned by pwru ($PWRU_PID)"; return 1; }
	pwru_stop || { fail "pwru exited non-zero"; return 1; }
	left=$(for o in $ours; do bpftool "${o%%:*}" show id "${o#*:}" >/dev/null 2>&1 && echo "$o"; done)
	[ -z "$left" ] || { fail "left in the kernel after exit: $left"; return 1; }
	expect_grep "$WORK/err" '^[0-9]+ events, [0-9]+ lost$' "the closing count line"
}

# Each bad input: a non-zero exit and one line on stderr that says what is wrong.
test_bad_inputs() {
	local ok=0
	expect_one_line_error "unknown flag" 'unknown flag: --no-such-flag' --no-such-flag || ok=1
	expect_one_line_error "regex matching nothing" "matches no probe" --filter-func 'no_such_function_xyz' || ok=1
	expect_one_line_error "bad regex" "filter-func" --filter-func '(' || ok=1
	expect_one_line_error "unknown backend" 'unknown backend' --backend bogus || ok=1
	expect_one_line_error "backend this kernel lacks" 'kprobe: not available' --backend kprobe || ok=1
	expect_one_line_error "bad netns path" 'No such file' --filter-netns /nonexistent/netns || ok=1
	expect_one_line_error "netns path that is not a netns" 'not a network namespace' --filter-netns /etc/hostname || ok=1
	expect_one_line_error "unknown ifname" 'no such interface' --filter-ifname nosuchif0 || ok=1
	expect_one_line_error "bad mark" 'filter-mark' --filter-mark 0xzz || ok=1
	expect_one_line_error "bad ringbuf size" 'ringbuf-size' --ringbuf-size 1000 || ok=1
	expect_one_line_error "only-bpf without a program kind" 'needs --filter-trace-tc or --filter-trace-xdp' \
		--filter-trace-only-bpf || ok=1
	expect_one_line_error_as "non-root" 'needs root' "setpriv --reuid=65534 --regid=65534 --clear-groups" || ok=1
	expect_one_line_error_as "no BTF" 'no BTF' "unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && exec \"\$0\" \"\$@\"'" || ok=1
	return $ok
}

# --filter-track-skb follows a packet after DNAT rewrote what the filter matched.
test_track_skb_through_dnat() {
	ip netns exec "$NS_B" iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination "$ADDR_B:8080"
	ip netns exec "$NS_B" iptables -A INPUT -p tcp --dport 8080 -j DROP
	run_pwru_around "tcp_syn_a_to_b 80 1" --output-json --filter-track-skb \
		"dst host $ADDR_B and tcp dst port 80" || return 1
	json_expect "$WORK/out" 'any(e.get("drop_reason") == "SKB_DROP_REASON_NETFILTER_DROP"
		and e["tuple"]["dport"] == 8080 and e.get("tracked") for e in events)' \
		"the drop after DNAT (dport 8080), followed by skb address" || return 1
	# and without tracking, the rewritten packet no longer matches
	run_pwru_around "tcp_syn_a_to_b 80 1" --output-json "dst host $ADDR_B and tcp dst port 80" ||
		return 1
	json_expect "$WORK/out" 'len(events) > 0 and not any(e.get("tuple", {}).get("dport") == 8080 for e in events)' \
		"no dport 8080 event without --filter-track-skb"
}

# A pcap expression selects its flow, and a bad one is libpcap's one-line error.
test_pcap_filter() {
	run_pwru_around "tcp_syn_a_to_b 80 1; tcp_syn_a_to_b 81 1; ping_both_ways" --output-json \
		"dst host $ADDR_B and tcp and dst port 80" || return 1
	json_expect "$WORK/out" 'len(events) > 0 and all(e["tuple"]["daddr"] == "198.18.0.2"
		and e["tuple"]["dport"] == 80 and e["tuple"]["l4proto"] == "tcp" for e in events)' \
		"only TCP to 198.18.0.2:80" || return 1
	expect_one_line_error "pcap syntax error" "syntax error" "tcp port 80 and" || return 1
}

# --filter-trace-tc with no TC program loaded: one notice, and the rest is traced.
# (With one loaded by someone else, this kernel's refusal of fentry is the answer.)
test_trace_tc_without_programs() {
	if bpftool prog show 2>/dev/null | grep -q sched_cls; then
		expect_one_line_error "tc programs but no fentry" 'needs fentry on BPF programs' \
			--filter-trace-tc icmp
		return
	fi
	run_pwru_around "ping_both_ways" --output-json --filter-trace-tc \
		--filter-netns "/var/run/netns/$NS_B" icmp || return 1
	expect_grep "$WORK/err" '^--filter-trace-tc: no tc program with BTF is loaded; tracing the rest$' \
		"the notice that no TC program is loaded" || return 1
	json_expect "$WORK/out" "len(events) > 0" "ICMP events traced all the same"
}

# The README's demo runs and shows the drop with its reason.
test_demo() {
	PWRU="$PWRU" scripts/demo.sh >"$WORK/demo.out" 2>&1 ||
		{ fail "demo exited non-zero: $(tail -3 "$WORK/demo.out" | tr '\n' '|')"; return 1; }
	expect_grep "$WORK/demo.out" \
		'198\.18\.0\.1:[0-9]+->198\.18\.0\.2:80\(tcp\) +skb:kfree_skb\(SKB_DROP_REASON_NETFILTER_DROP\)' \
		"the demo's drop line" || return 1
	expect_grep "$WORK/demo.out" 'net:net_dev_queue' "the sender's side of the path"
}

# wait_exit PID SECONDS: waits for a pwru that should end by itself; its exit
# status, or 124 (and a kill) when it did not end in time.
wait_exit() {
	local pid=$1 secs=$2
	for _ in $(seq 1 "$((secs * 10))"); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; wait "$pid"; return 124; }
	wait "$pid"
}

# counts_add_up ERR-FILE: "N events, M lost, K not written (the kernel matched T)"
# with N + M + K == T; prints N.
counts_add_up() {
	local line n m k t
	line=$(grep -E '^[0-9]+ events, [0-9]+ lost, [0-9]+ not written \(the kernel matched [0-9]+\)$' "$1")
	[ -n "$line" ] || { fail "no closing count line with 'not written'; stderr: $(tail -c 400 "$1" | tr '\n' '|')"; return 1; }
	read -r n m k t < <(echo "$line" | tr -cs '0-9' ' ')
	[ "$((n + m + k))" -eq "$t" ] ||
		{ fail "events $n + lost $m + not written $k != kernel matched $t"; return 1; }
	echo "$n"
}

# A full disk under --output-file: one error line, the events that did not
# fit counted, pwru detaches and exits 1 by itself.
test_output_file_full() {
	local dir="$WORK/full" rc n written
	mkdir -p "$dir"
	mount -t tmpfs -o size=64k "pwru-e2e-$NS_SUFFIX" "$dir" || { fail "cannot mount a tmpfs"; return 1; }
	: >"$WORK/err" # before the job starts: wait_listening must not see an old line
	"$PWRU" --filter-netns "/var/run/netns/$NS_B" --output-file "$dir/out.txt" \
		>/dev/null 2>"$WORK/err" &
	PWRU_PID=$!
	if ! wait_listening "$WORK/err" "$PWRU_PID"; then
		umount "$dir"
		fail "pwru did not start: $(tail -2 "$WORK/err" | tr '\n' ' ')"
		return 1
	fi
	udp_flood_a_to_b 20000
	wait_exit "$PWRU_PID" 30; rc=$?
	PWRU_PID=
	written=$(($(tr -dc '\n' <"$dir/out.txt" | wc -c) - 1)) # whole lines, less the header
	umount "$dir"
	[ "$rc" -eq 1 ] || { fail "exit status $rc, expected 1; stderr: $(tail -c 300 "$WORK/err" | tr '\n' '|')"; return 1; }
	expect_grep "$WORK/err" "^pwru: --output-file $dir/out.txt: No space left on device; [1-9][0-9]* events not written\$" \
		"the one error line" || return 1
	[ "$(grep -c '^pwru: ' "$WORK/err")" -eq 1 ] || { fail "more than one error line"; return 1; }
	n=$(counts_add_up "$WORK/err") || return 1
	[ "$n" -eq "$written" ] || { fail "stderr says $n events written, the file holds $written whole lines"; return 1; }
	expect_grep "$WORK/err" '^Detached [0-9]+ in' "the detach line"
}

# `pwru | head -1`: the reader goes away, pwru detaches, prints its summary
# on stderr and exits 0, leaving nothing attached.
test_stdout_closed_pipe() {
	local rc ours left
	rm -f "$WORK/pipe"
	mkfifo "$WORK/pipe"
	head -1 <"$WORK/pipe" >"$WORK/out" &
	local head_pid=$!
	# only the flood matches: no stray packet may close the pipe before we look
	: >"$WORK/err" # before the job starts: wait_listening must not see an old line
	"$PWRU" --output-json --filter-netns "/var/run/netns/$NS_B" "udp and dst port 9" \
		>"$WORK/pipe" 2>"$WORK/err" &
	PWRU_PID=$!
	wait_listening "$WORK/err" "$PWRU_PID" || { fail "pwru did not start: $(tail -2 "$WORK/err" | tr '\n' ' ')"; return 1; }
	ours=$(bpf_objects_of_pid prog "$PWRU_PID"; bpf_objects_of_pid link "$PWRU_PID")
	udp_flood_a_to_b 2000
	wait_exit "$PWRU_PID" 30; rc=$?
	PWRU_PID=
	wait "$head_pid"
	[ "$rc" -eq 0 ] || { fail "exit status $rc, expected 0; stderr: $(tail -c 300 "$WORK/err" | tr '\n' '|')"; return 1; }
	json_all_parse "$WORK/out" || return 1
	[ "$(wc -l <"$WORK/out")" -eq 1 ] || { fail "head saw $(wc -l <"$WORK/out") lines"; return 1; }
	! grep -q '^pwru: ' "$WORK/err" || { fail "an error line for a closed pipe: $(grep '^pwru: ' "$WORK/err")"; return 1; }
	# events the pipe no longer took are counted; none at all is fine too
	if grep -q 'not written' "$WORK/err"; then
		counts_add_up "$WORK/err" >/dev/null || return 1
	else
		expect_grep "$WORK/err" '^[0-9]+ events, [0-9]+ lost$' "the closing count line" || return 1
	fi
	expect_grep "$WORK/err" '^Detached [0-9]+ in' "the detach line" || return 1
	[ -n "$ours" ] || { fail "bpftool shows no program or link owned by pwru"; return 1; }
	left=$(for o in $ours; do bpftool "${o%%:*}" show id "${o#*:}" >/dev/null 2>&1 && echo "$o"; done)
	[ -z "$left" ] || { fail "left in the kernel after exit: $left"; return 1; }
}

# The same with no traffic at all: the pipe's close alone ends pwru.
test_stdout_closed_idle() {
	local rc
	rm -f "$WORK/pipe"
	mkfifo "$WORK/pipe"
	head -1 <"$WORK/pipe" >"$WORK/out" &
	local head_pid=$!
	"$PWRU" --filter-netns "/var/run/netns/$NS_B" >"$WORK/pipe" 2>"$WORK/err" &
	PWRU_PID=$!
	wait_exit "$PWRU_PID" 30; rc=$?
	PWRU_PID=
	wait "$head_pid"
	[ "$rc" -eq 0 ] || { fail "exit status $rc, expected 0; stderr: $(tail -c 300 "$WORK/err" | tr '\n' '|')"; return 1; }
	expect_grep "$WORK/out" '^SKB +CPU +PROCESS' "the header as head's one line" || return 1
	expect_grep "$WORK/err" '^[0-9]+ events, [0-9]+ lost' "the closing count line"
}

# A consumer written for cilium/pwru's --output-json reads ours unchanged:
# every event line validates against a schema of its keys and types, stdout
# holds events only (the summary object is on stderr), and the keys carry
# its meanings (iface "name:idx", proto a number, tuple.proto a number).
test_json_cilium_compat() {
	local schema=tests/e2e/cilium-pwru-event.schema.json idx
	idx=$(ip -n "$NS_B" -o link show veth-b | cut -d: -f1)
	run_pwru_around "tcp_syn_a_to_b 80 1; ping_both_ways" --output-json --output-tcp-flags \
		--output-caller --timestamp current --filter-netns "/var/run/netns/$NS_B" || return 1
	json_schema_check "$WORK/out" "$schema" || return 1
	json_expect "$WORK/out" "len(events) > 0 and not summary
		and any(e.get('iface') == 'veth-b:$idx' and e.get('proto') == 0x0800
			and e['tuple'].get('proto') == 6 and e['tuple'].get('dport') == 80
			and 'SYN' in e['tuple'].get('flags', '') and isinstance(e.get('time'), int)
			and e.get('netns') and e['process'].endswith(':' + str(e['pid'])) for e in events)" \
		"events only on stdout, one a TCP SYN to :80 on veth-b:$idx with cilium/pwru's types" || return 1
	expect_grep "$WORK/err" '^\{"summary":\{.*"kernel_matched":[0-9]+' "the summary object on stderr" || return 1
	# absolute: the wall-clock TIME string; --output-json-summary: the summary ends the stream
	run_pwru_around "ping_both_ways" --output-json --output-json-summary --timestamp absolute \
		--output-stack --filter-netns "/var/run/netns/$NS_B" || return 1
	grep -v '^{"summary"' "$WORK/out" >"$WORK/events" || { fail "no events"; return 1; }
	json_schema_check "$WORK/events" "$schema" || return 1
	json_expect "$WORK/out" "len(events) > 0 and summary.get('events') == len(events)
		and all(re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$', e['time'])
			and e['stack'].startswith('\n') for e in events)" \
		"absolute TIME strings, stack strings, and the summary object last on stdout"
}

# UDP to B: COUNT datagrams to the closed port 9 and to the open port 7000 each, in one order.
udp_closed_and_open() {
	ip netns exec "$NS_A" timeout 20 python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port in [9] * int(sys.argv[2]) + [7000] * int(sys.argv[3]):
    s.sendto(b"x" * 64, (sys.argv[1], port))
    time.sleep(0.02)
' "$ADDR_B" "$1" "$2" || true
}

# B's receiver on udp/7000 takes COUNT datagrams (or gives up after 15 s).
udp_receiver_b() {
	ip netns exec "$NS_B" timeout 15 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7000))
for _ in range(int(sys.argv[1])):
    s.recv(100)
' "$1" &
	RECEIVER_PID=$!
	sleep 0.3
}

# The exit summary's paths: 5 datagrams dropped for want of a socket and 3
# delivered ones, two paths with those counts, the drop first, in text and JSON.
test_path_summary() {
	udp_receiver_b 3
	run_pwru_around "udp_closed_and_open 5 3; wait $RECEIVER_PID" --output-json \
		--filter-netns "/var/run/netns/$NS_B" udp || return 1
	grep '^{"summary"' "$WORK/err" >"$WORK/summary" || { fail "no summary object on stderr"; return 1; }
	json_expect "$WORK/summary" 'summary["paths_skbs"] == 8 and len(summary["paths"]) == 2
		and summary["paths"][0]["end"] == "dropped" and summary["paths"][0]["count"] == 5
		and summary["paths"][0]["reason"] == "SKB_DROP_REASON_NO_SOCKET"
		and re.match(r"^__udp4_lib_rcv\+0x[0-9a-f]+$", summary["paths"][0]["site"])
		and summary["paths"][0]["path"].endswith(">skb:kfree_skb")
		and summary["paths"][1]["end"] != "dropped" and summary["paths"][1]["count"] == 3
		and "kfree_skb" not in summary["paths"][1]["path"]
		and summary["paths"][0]["path"].split(">")[0] == summary["paths"][1]["path"].split(">")[0]' \
		"a dropped path counted 5 (NO_SOCKET at __udp4_lib_rcv) and a delivered one counted 3" ||
		return 1
	expect_grep "$WORK/err" '^Path summary: 8 skbs in 2 distinct paths' "the path summary header" ||
		return 1
	expect_grep "$WORK/err" \
		'^  5 +dropped +[a-z_:]+>.*>skb:kfree_skb \(SKB_DROP_REASON_NO_SOCKET __udp4_lib_rcv\+0x[0-9a-f]+\)$' \
		"the dropped path's line" || return 1
	expect_grep "$WORK/err" '^  3 +(in-flight|consumed) +[a-z_:]+>' "the delivered path's line" ||
		return 1
	# and --no-summary leaves both summaries out, --summary-paths 1 shows the drop alone
	run_pwru_around "udp_closed_and_open 1 0" --filter-netns "/var/run/netns/$NS_B" --no-summary \
		udp || return 1
	if grep -Eq '^(Path|Drop) summary' "$WORK/err"; then
		fail "--no-summary printed a summary: $(grep -E 'summary' "$WORK/err" | tr '\n' '|')"
		return 1
	fi
	udp_receiver_b 1
	run_pwru_around "udp_closed_and_open 1 1; wait $RECEIVER_PID" \
		--filter-netns "/var/run/netns/$NS_B" --summary-paths 1 udp || return 1
	expect_grep "$WORK/err" '^Path summary: 2 skbs in 2 distinct paths; the 1 most common' \
		"--summary-paths 1 in the header" || return 1
	[ "$(grep -cE '^  [0-9]+ +(dropped|in-flight|consumed) ' "$WORK/err")" -eq 1 ] ||
		{ fail "--summary-paths 1 showed $(grep -cE '^  [0-9]+ +(dropped|in-flight|consumed) ' "$WORK/err") paths"; return 1; }
}

# An skb the kernel builds from a received frame (a driver's, or here one
# from an XDP frame) has no network header until __netif_receive_skb_core
# sets it: the tuple is still read, after the Ethernet header.
test_tuple_before_network_header() {
	local gen="${OUT:-build}/tests/bench/xdp_gen"

	[ -x "$gen" ] || { fail "$gen is missing (make test-build)"; return 1; }
	run_pwru_around "ip netns exec $NS_B $gen veth-b $ADDR_A $ADDR_B 5001 2 20 >/dev/null" \
		--output-json --filter-netns "/var/run/netns/$NS_B" 'udp port 5001' || return 1
	json_expect "$WORK/out" 'sum(1 for e in events if e["func"] == "net:netif_receive_skb"
		and e["tuple"].get("saddr") == "198.18.0.1" and e["tuple"].get("daddr") == "198.18.0.2"
		and e["tuple"].get("sport") == 40000 and e["tuple"].get("dport") == 5001) == 20' \
		"all 20 frames at net:netif_receive_skb with their UDP tuple"
}

# --output-return on the tracepoint backend: said once, the entries still printed;
# --filter-return-error then has nothing to print, and says so.
test_output_return_tracepoint() {
	run_pwru_around "ping_both_ways" --output-json --output-return \
		--filter-netns "/var/run/netns/$NS_B" || return 1
	[ "$(grep -c 'no return probes' "$WORK/err")" -eq 1 ] ||
		{ fail "expected one 'no return probes' line; saw: $(grep -i return "$WORK/err" | tr '\n' '|')"; return 1; }
	expect_grep "$WORK/err" '^--output-return: no return probes \(the tracepoint backend has none\): no return values$' \
		"the notice naming the backend" || return 1
	json_expect "$WORK/out" 'len(events) > 0 and not any("ret" in e for e in events)' \
		"entry events and no return" || return 1
	run_pwru_around "ping_both_ways" --filter-return-error --filter-netns "/var/run/netns/$NS_B" ||
		return 1
	expect_grep "$WORK/err" '^--filter-return-error: no return probes \(the tracepoint backend has none\): nothing to print$' \
		"the notice for --filter-return-error" || return 1
	if grep -q '^0x' "$WORK/out"; then
		fail "--filter-return-error printed events without any return: $(head -c 300 "$WORK/out")"
		return 1
	fi
}

run_tests "$@"
