# SPDX-License-Identifier: GPL-2.0
# Helpers for the end-to-end tests (sourced by tests/e2e/run.sh).
# Expects $PWRU, $WORK and tests/lib/netns.sh to be loaded.

fail() { FAIL_MSG="$*"; }

# run_pwru_around "COMMANDS" PWRU-ARGS...: start pwru, run the traffic, stop
# it with SIGINT. Output in $WORK/out and $WORK/err.
run_pwru_around() {
	local traffic=$1 rc
	shift
	if ! pwru_start "$WORK/out" "$WORK/err" "$@"; then
		fail "pwru did not start: $(tail -2 "$WORK/err" | tr '\n' ' ')"
		return 1
	fi
	eval "$traffic"
	sleep 0.3
	pwru_stop; rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "pwru exited $rc after SIGINT: $(tail -2 "$WORK/err" | tr '\n' ' ')"
		return 1
	fi
	return 0
}

ping_both_ways() {
	ip netns exec "$NS_A" ping -q -c 3 -i 0.2 -W 1 "$ADDR_B" >/dev/null 2>&1 || true
	ip netns exec "$NS_B" ping -q -c 3 -i 0.2 -W 1 "$ADDR_A" >/dev/null 2>&1 || true
}

# N UDP datagrams from A to B's discard port, bounded to 20 seconds.
udp_flood_a_to_b() {
	ip netns exec "$NS_A" timeout 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[2])):
    try:
        s.sendto(b"x" * 64, (sys.argv[1], 9))
    except OSError:
        pass
' "$ADDR_B" "$1" || true
}

# Every line of FILE is a JSON object.
json_all_parse() {
	local bad
	bad=$(python3 - "$1" <<'EOF'
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    try:
        if not isinstance(json.loads(line), dict):
            raise ValueError("not an object")
    except ValueError as e:
        print(f"line {n}: {e}: {line[:120]!r}")
        break
EOF
)
	[ -z "$bad" ] || { fail "JSON output does not parse: $bad"; return 1; }
}

# json_expect FILE PYTHON-EXPR DESCRIPTION: the expression sees `events`
# (event objects), `summary` (the closing summary object) and `re`.
json_expect() {
	local file=$1 expr=$2 desc=$3 res
	res=$(python3 - "$file" "$expr" <<'EOF'
import json, re, sys
events, summary = [], {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "summary" in o:
        summary = o["summary"]
    else:
        events.append(o)
expr = " ".join(sys.argv[2].split())
ok = eval(expr, {"re": re, "events": events, "summary": summary})
if not ok:
    funcs = sorted({e.get("func") for e in events})
    print(f"saw {len(events)} events, summary {summary}, funcs {funcs[:12]}")
EOF
)
	[ -z "$res" ] && return 0
	fail "expected $desc; $res"
	return 1
}

# json_schema_check FILE SCHEMA: every line of FILE is an object valid under SCHEMA.
json_schema_check() {
	local res
	res=$(python3 - "$1" "$2" <<'PY'
import json, sys
try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed (scripts/deps/core.txt)")
    sys.exit()
v = jsonschema.Draft7Validator(json.load(open(sys.argv[2])))
for n, line in enumerate(open(sys.argv[1]), 1):
    for e in v.iter_errors(json.loads(line)):
        print(f"line {n}: {'/'.join(map(str, e.path))}: {e.message}")
        sys.exit()
PY
)
	[ -z "$res" ] || { fail "not what cilium/pwru's consumers read: $res"; return 1; }
}

expect_grep() {
	local file=$1 re=$2 desc=$3
	grep -Eq "$re" "$file" && return 0
	fail "expected $desc (/$re/); saw: $(head -c 600 "$file" | tr '\n' '|')"
	return 1
}

# expect_one_line_error NAME REGEX ARGS...: exit != 0, exactly one stderr line
# matching REGEX, no crash (no signal exit).
expect_one_line_error() {
	local name=$1 re=$2 rc lines
	shift 2
	timeout 60 "$PWRU" "$@" >"$WORK/bad.out" 2>"$WORK/bad.err" </dev/null
	rc=$?
	check_one_line_error "$name" "$re" "$rc"
}

expect_one_line_error_as() {
	local name=$1 re=$2 wrapper=$3 rc
	eval "timeout 60 $wrapper \"\$PWRU\" --output-json" >"$WORK/bad.out" 2>"$WORK/bad.err" </dev/null
	rc=$?
	check_one_line_error "$name" "$re" "$rc"
}

check_one_line_error() {
	local name=$1 re=$2 rc=$3 lines
	lines=$(grep -c . "$WORK/bad.err")
	if [ "$rc" -eq 0 ] || [ "$rc" -ge 124 ] || [ "$lines" -ne 1 ] || ! grep -Eq "$re" "$WORK/bad.err"; then
		echo "FAIL: bad_inputs/$name - expected one stderr line matching /$re/ and exit 1-123, saw exit $rc and: $(head -c 400 "$WORK/bad.err" | tr '\n' '|')"
		return 1
	fi
	echo "PASS: bad_inputs/$name"
}

# Runs every test_* function (or those named), each in fresh namespaces.
run_tests() {
	local names=("$@") failed=0
	[ ${#names[@]} -eq 0 ] && mapfile -t names < <(declare -F | awk '{print $3}' | grep '^test_')
	for t in "${names[@]}"; do
		t=${t#test_}
		FAIL_MSG=""
		netns_pair_up
		if "test_$t"; then
			[ "$t" = bad_inputs ] || echo "PASS: e2e/$t"
		else
			[ "$t" = bad_inputs ] && FAIL_MSG=${FAIL_MSG:-"see bad_inputs lines above"}
			echo "FAIL: e2e/$t - ${FAIL_MSG:-no reason given}"
			failed=1
		fi
		[ -n "${PWRU_PID:-}" ] && kill -KILL "$PWRU_PID" 2>/dev/null
		PWRU_PID=
		netns_pair_down
	done
	return $failed
}

# "prog:ID" / "link:ID" for every BPF program or link a process holds, read
# from its fds' fdinfo (Debian's bpftool cannot show owner pids).
bpf_objects_of_pid() {
	local key=${1}_id
	cat /proc/"$2"/fdinfo/* 2>/dev/null | awk -v k="$key:" -v kind="$1" '$1 == k { print kind ":" $2 }' | sort -u
}
