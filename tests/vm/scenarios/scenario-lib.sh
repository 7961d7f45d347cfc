# SPDX-License-Identifier: GPL-2.0
# Helpers for scenario scripts run in a guest by tests/vm/run. Source it
# (tests/vm/suite passes it to tests/vm/run, so it is on PATH):
#   . scenario-lib.sh
# A scenario prints "CHECK pass NAME" or "CHECK fail NAME - expected X, saw Y"
# lines and ends with `finish`, whose exit status says whether all passed.
# Addresses: 198.18.0.0/15 only; every wait is bounded.

failures=0
PWRU_OUT=/tmp/pwru.out
PWRU_ERR=/tmp/pwru.err
PWRU_EVENTS=/tmp/pwru.events # $PWRU_OUT without the column header (from pwru_stop)
pwru_pid=""

pass() { echo "CHECK pass $1"; }
fail() { echo "CHECK fail $1 - $2"; failures=$((failures + 1)); }

# check NAME EXPECTED SAW CONDITION...: runs CONDITION, reports pass or fail
check() {
	local name=$1 expected=$2 saw=$3
	shift 3
	if "$@"; then pass "$name"; else fail "$name" "expected $expected, saw $saw"; fi
}

finish() {
	[ -z "$pwru_pid" ] || pwru_stop
	# stderr always (backend chosen, attach/detach times), events on failure
	[ ! -s "$PWRU_ERR" ] || { echo "--- pwru stderr"; grep -v '^\(At\|De\)taching probes:' "$PWRU_ERR" | tail -n 20; }
	if [ "$failures" -ne 0 ] && [ -s "$PWRU_OUT" ]; then
		echo "--- pwru stdout (last 40 lines)"; tail -n 40 "$PWRU_OUT"
	fi
	[ "$failures" -eq 0 ]
}

# netns_pair: namespaces "snd" and "rcv" joined by veth snd0/rcv0 with
# 198.18.0.1/24 and 198.18.0.2/24, lo up in both.
netns_pair() {
	ip netns add snd
	ip netns add rcv
	ip link add snd0 netns snd type veth peer name rcv0 netns rcv
	ip -n snd addr add 198.18.0.1/24 dev snd0
	ip -n rcv addr add 198.18.0.2/24 dev rcv0
	for ns in snd rcv; do
		ip -n $ns link set lo up
		ip -n $ns link set ${ns}0 up
	done
}

# pwru_start ARGS...: starts pwru in the background and waits (at most
# PWRU_ATTACH_TIMEOUT seconds, default 240: kprobes are slow under TCG) for
# "Listening for events" on its stderr. Fails if pwru exits or never says so.
pwru_start() {
	local limit=${PWRU_ATTACH_TIMEOUT:-240} i=0
	local bin=${PWRU_BIN:-pwru} # another tracer with pwru's flags (sidebyside.sh)
	command -v "$bin" >/dev/null || { fail pwru-present "expected $bin on PATH, saw none"; return 1; }
	# job control on: a background job of a script otherwise starts with
	# SIGINT ignored, and pwru_stop stops pwru with SIGINT
	set -m
	# emptied here, not by the child's redirection: a second run must not
	# find the first one's "Listening for events" before its own starts
	: >"$PWRU_OUT"
	: >"$PWRU_ERR"
	"$bin" "$@" >"$PWRU_OUT" 2>"$PWRU_ERR" &
	pwru_pid=$!
	set +m
	while [ $i -lt $((limit * 5)) ]; do
		if grep -q 'Listening for events' "$PWRU_ERR"; then
			pass attached
			return 0
		fi
		if ! kill -0 "$pwru_pid" 2>/dev/null; then
			wait "$pwru_pid" && rc=0 || rc=$?
			pwru_pid=""
			fail attached "expected 'Listening for events', saw exit $rc: $(tail -n 1 "$PWRU_ERR")"
			return 1
		fi
		sleep 0.2
		i=$((i + 1))
	done
	fail attached "expected 'Listening for events' within ${limit}s, saw: $(tail -n 1 "$PWRU_ERR")"
	pwru_stop
	return 1
}

# pwru_stop: SIGINT, then at most PWRU_DETACH_TIMEOUT seconds (default 120)
# for pwru to detach and print its "N events, M lost" summary.
pwru_stop() {
	local limit=${PWRU_DETACH_TIMEOUT:-120} i=0
	[ -n "$pwru_pid" ] || return 0
	kill -INT "$pwru_pid" 2>/dev/null || true
	while kill -0 "$pwru_pid" 2>/dev/null && [ $i -lt $((limit * 5)) ]; do
		sleep 0.2
		i=$((i + 1))
	done
	if kill -0 "$pwru_pid" 2>/dev/null; then
		kill -KILL "$pwru_pid" 2>/dev/null || true
		fail detached "expected exit within ${limit}s of SIGINT, saw it still running"
	fi
	wait "$pwru_pid" 2>/dev/null || true
	pwru_pid=""
	# text events start with the skb address; the header line does not
	grep -E '^0x[0-9a-f]+ ' "$PWRU_OUT" >"$PWRU_EVENTS" || true
}

# first_line REGEX: number of the first event (in $PWRU_EVENTS) matching REGEX, or 0
first_line() {
	grep -n -E -m1 -- "$1" "$PWRU_EVENTS" 2>/dev/null | cut -d: -f1 | grep . || echo 0
}

# What marks the drop in pwru's event line: the reason by name (5.17+), or on
# kernels without drop reasons (NO_DROP_REASONS=1: 5.10) the drop function
# kfree_skb (function or skb:kfree_skb tracepoint) with reason 0. drop_re
# REASON prints the regex.
drop_re() {
	if [ "${NO_DROP_REASONS:-0}" = 1 ]; then echo 'kfree_skb\(0\)'; else echo "\\($1\\)"; fi
}

# check_backend: pwru said it uses $BACKEND, or for auto $EXPECT_BACKEND
# (when set): a silent fallback to another backend must not pass.
check_backend() {
	local want=${BACKEND:-auto}
	[ "$want" = auto ] && want=${EXPECT_BACKEND:-}
	[ -n "$want" ] || return 0
	check backend-used "'using $want' on stderr" "'$(grep -m1 'using ' "$PWRU_ERR" || true)'" \
		grep -Eq "using $want( |\$)" "$PWRU_ERR"
}
