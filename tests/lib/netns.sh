# SPDX-License-Identifier: GPL-2.0
# Throw-away network namespaces for tests and the demo (source this file).
# Two hosts joined by a veth pair, addresses from 198.18.0.0/15 and
# fd00:198:18::/64 only. Names carry a per-run suffix so runs never collide.

NS_SUFFIX=${NS_SUFFIX:-$$}
NS_A=pwru-a-$NS_SUFFIX
NS_B=pwru-b-$NS_SUFFIX
ADDR_A=198.18.0.1
ADDR_B=198.18.0.2
ADDR6_A=fd00:198:18::1
ADDR6_B=fd00:198:18::2

netns_pair_up() {
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip link add veth-a type veth peer name veth-b netns "$NS_B"
	ip link set veth-a netns "$NS_A"
	ip -n "$NS_A" addr add "$ADDR_A/24" dev veth-a
	ip -n "$NS_B" addr add "$ADDR_B/24" dev veth-b
	ip -n "$NS_A" addr add "$ADDR6_A/64" dev veth-a nodad
	ip -n "$NS_B" addr add "$ADDR6_B/64" dev veth-b nodad
	for ns in "$NS_A" "$NS_B"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_A" link set veth-a up
	ip -n "$NS_B" link set veth-b up
}

netns_pair_down() {
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_B" 2>/dev/null || true
}

# One TCP connection attempt from A to B:PORT, given up after SECONDS.
tcp_syn_a_to_b() {
	local port=${1:-80} secs=${2:-2}
	ip netns exec "$NS_A" timeout "$secs" bash -c "exec 3<>/dev/tcp/$ADDR_B/$port" 2>/dev/null || true
}

# Starts pwru in the background writing to OUT (stdout) and ERR (stderr),
# waits until it says it listens. Sets PWRU_PID. Returns 1 if it never does.
pwru_start() {
	local out=$1 err=$2; shift 2
	# emptied here, not by the background job's redirections: those run in
	# the child, and until they do the previous run's "Listening for events"
	# would pass wait_listening before this pwru has attached
	: >"$out"
	: >"$err"
	"$PWRU" "$@" >"$out" 2>"$err" &
	PWRU_PID=$!
	wait_listening "$err" "$PWRU_PID"
}

# wait_listening ERR-FILE PID: until pwru says it listens (30 s at most), or dies.
wait_listening() {
	local err=$1 pid=$2
	for _ in $(seq 1 300); do
		grep -q '^Listening for events' "$err" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# SIGINT, then wait (bounded) for the exit; returns pwru's exit status.
pwru_stop() {
	kill -INT "$PWRU_PID" 2>/dev/null || true
	for _ in $(seq 1 200); do
		kill -0 "$PWRU_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$PWRU_PID" 2>/dev/null && { kill -KILL "$PWRU_PID"; return 124; }
	wait "$PWRU_PID"
}
