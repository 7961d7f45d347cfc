#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The pwru image runs for real: built by scripts/build-image.sh, imported
# into the private containerd of the CRI tests (tests/cri/containerd-lib.sh),
# it runs as the pod kubectl-pwru would create (privileged, host PID and
# network, the same mounts as k8s/; taken from `kubectl-pwru --dry-run`) and
# traces pod default/a by name while a pings b. Then the DaemonSet's pod
# template from k8s/daemonset.yaml runs the image once and idles.
# No kubelet can run here: tests/k8s/cri-pod-run sends what a kubelet would.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
OUT=${OUT:-build}
case $OUT in /*) ;; *) OUT=$root/$OUT ;; esac
export OUT
CRI_TOOL=$OUT/tests/cri/cri-tool
POD_RUN=$OUT/tests/k8s/cri-pod-run
. "$root/tests/cri/containerd-lib.sh"

for cmd in containerd ctr runc umoci busybox nsenter python3; do
	command -v "$cmd" >/dev/null || { echo "SKIP: image in containerd - $cmd is not installed (make deps)"; exit 0; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: image in containerd - needs root"; exit 0; }
for f in "$OUT/pwru" "$OUT/kubectl-pwru" "$CRI_TOOL" "$POD_RUN"; do
	[ -x "$f" ] || { echo "FAIL: image in containerd - expected $f built (make test builds it)"; exit 1; }
done

dir=$(mktemp -u /tmp/pwru-k8s.XXXXXX)
work=$(mktemp -d /tmp/pwru-k8s-work.XXXXXX)
tracer_pods=()
cleanup() {
	local id
	for id in "${tracer_pods[@]+"${tracer_pods[@]}"}"; do
		"$POD_RUN" -e "$CRI_EP" rm "$id" >/dev/null 2>&1
	done
	cri_down "$dir"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
failed=0
fail() { echo "FAIL: $1 - $2"; failed=1; }
pass() { echo "PASS: $1"; }

if ! (cd "$root" && scripts/build-image.sh "$work/pwru-image.tar") > "$work/build.log" 2>&1; then
	fail "image builds" "an OCI archive, saw: $(tail -3 "$work/build.log" | tr '\n' ' ')"
	exit 1
fi
if ! cri_up "$dir"; then
	fail "private containerd starts" "a CRI socket at $dir/containerd.sock, see messages above"
	exit 1
fi
if ctr -a "$CRI_SOCK" -n k8s.io images import --base-name localhost/pwru "$work/pwru-image.tar" > "$work/import.log" 2>&1; then
	pass "image imports into containerd as localhost/pwru:latest"
else
	fail "image imports into containerd" "import succeeds, saw: $(tail -2 "$work/import.log" | tr '\n' ' ')"
	exit 1
fi

ida=$("$CRI_TOOL" -e "$CRI_EP" run-pod default a "$CRI_IMAGE") &&
idb=$("$CRI_TOOL" -e "$CRI_EP" run-pod default b "$CRI_IMAGE") || {
	fail "pods a and b start" "two sandbox ids"; exit 1; }
pida=$("$CRI_TOOL" -e "$CRI_EP" pid default/a) && pidb=$("$CRI_TOOL" -e "$CRI_EP" pid default/b) || {
	fail "pods a and b have processes" "two pids"; exit 1; }
ipb=$(nsenter -t "$pidb" -n ip -4 -o addr show eth0 | awk '{ print $4 }' | cut -d/ -f1)
gw=${CRI_SUBNET%.0/24}.1

# The pod as kubectl-pwru makes it. Only two things differ from a cluster:
# the test's containerd socket is not under the host's /run, so the /run
# volume points at its directory, and --cri-endpoint names it there.
printf '#!/bin/sh\necho "{\\"spec\\": {\\"nodeName\\": \\"this-node\\"}}"\n' > "$work/kubectl"
chmod +x "$work/kubectl"
"$OUT/kubectl-pwru" --kubectl "$work/kubectl" --dry-run -n default pod/a -- \
	--cri-endpoint unix:///run/containerd.sock --output-limit-lines 6 --duration 60 > "$work/pod.json" || {
	fail "kubectl-pwru --dry-run gives the tracer pod" "a pod"; exit 1; }
python3 - "$work/pod.json" "$CRI_DIR" <<'PY' || { fail "tracer pod adapted to the test's socket" "one Socket volume"; exit 1; }
import json, sys
path, cri_dir = sys.argv[1:]
pod = json.load(open(path))
# The plugin mounts the one socket --cri-endpoint names, typed Socket.
socks = [v for v in pod["spec"]["volumes"]
         if v["hostPath"] == {"path": "/run/containerd.sock", "type": "Socket"}]
assert len(socks) == 1
socks[0]["hostPath"]["path"] = cri_dir + "/containerd.sock"
json.dump(pod, open(path, "w"))
PY

log_of() { sed 's/^[^ ]* \(stdout\|stderr\) [FP] //' "$1"; }

# Waits until the log has a line matching $2, or the container exits.
wait_log() {
	local log=$1 pattern=$2 ctr=$3 i
	for i in $(seq 1 300); do
		grep -q -- "$pattern" "$log" 2>/dev/null && return 0
		[ "$("$POD_RUN" -e "$CRI_EP" state "$ctr" 2>/dev/null)" = exited ] && return 1
		sleep 0.2
	done
	return 1
}

mkdir -p "$work/logs-tracer"
read -r tsb tctr < <("$POD_RUN" -e "$CRI_EP" run "$work/pod.json" "$work/logs-tracer")
[ -n "${tsb:-}" ] && tracer_pods+=("$tsb")
tlog=$work/logs-tracer/pwru/0.log
if [ -n "${tctr:-}" ] && [ "$tctr" != - ] && wait_log "$tlog" "Listening for events" "$tctr"; then
	pass "tracer pod runs the image and attaches (privileged, host PID, mounts)"
else
	fail "tracer pod runs the image and attaches" "'Listening for events...', saw: $(log_of "$tlog" 2>/dev/null | tail -3 | tr '\n' ' ')"
	exit 1
fi

# b's own traffic first (must not show), then a's (must).
timeout 10 nsenter -t "$pidb" -n busybox ping -c 2 -W 1 "$gw" > /dev/null 2>&1
timeout 10 nsenter -t "$pida" -n busybox ping -c 3 -W 1 "$ipb" > /dev/null 2>&1
code=$("$POD_RUN" -e "$CRI_EP" wait "$tctr" 60)
[ "$code" = 0 ] && pass "pwru ends after --output-limit-lines with status 0" ||
	fail "pwru ends after --output-limit-lines with status 0" "0, saw '${code:-still running}'"

out=$(grep ' stdout ' "$tlog" | sed 's/^[^ ]* stdout [FP] //')
events=$(echo "$out" | grep -c '^0x' || true)
named=$(echo "$out" | grep '^0x' | grep -c ' default/a ' || true)
[ "$events" -ge 6 ] && [ "$named" -eq "$events" ] &&
	pass "events from pod a, each named default/a ($events)" ||
	fail "events from pod a, each named default/a" "6 events all with default/a, saw $named of $events: $(echo "$out" | head -3 | tr '\n' ' ')"
echo "$out" | grep -q ' default/b ' &&
	fail "nothing from pod b alone" "no default/b event, saw: $(echo "$out" | grep ' default/b ' | head -1)" ||
	pass "nothing from pod b alone"
log_of "$tlog" | grep -Eq '^[0-9]+ events, [0-9]+ lost' &&
	pass "summary line in the pod's log" ||
	fail "summary line in the pod's log" "'N events, M lost', saw: $(log_of "$tlog" | tail -2 | tr '\n' ' ')"

# The DaemonSet's pod, as k8s/daemonset.yaml has it, with test arguments.
ds_pod() {
	local name=$1 duration=$2
	python3 - "$root/k8s/daemonset.yaml" "$work/$name.json" "$CRI_DIR" "$name" "$duration" <<'PY'
import json, sys, yaml
src, dst, cri_dir, name, duration = sys.argv[1:]
ds = yaml.safe_load(open(src))
spec = ds["spec"]["template"]["spec"]
for v in spec["volumes"]:
    if v["hostPath"]["path"] == "/run":
        v["hostPath"]["path"] = cri_dir
spec["containers"][0]["args"] = [
    "--host-root", "/host", "--cri-endpoint", "unix:///run/containerd.sock",
    "--filter-pod", "default/a", "--duration", duration]
json.dump({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": "pwru"}, "spec": spec},
          open(dst, "w"))
PY
}

# Starts pod $1 (from $work/$1.json); sets ctr_id, log_file.
start_pod() {
	local sb
	mkdir -p "$work/logs-$1"
	read -r sb ctr_id < <("$POD_RUN" -e "$CRI_EP" run "$work/$1.json" "$work/logs-$1")
	[ -n "${sb:-}" ] && tracer_pods+=("$sb")
	log_file=$work/logs-$1/pwru/0.log
	[ -n "${ctr_id:-}" ] && [ "$ctr_id" != - ]
}

# Trace once, then idle until deleted.
ds_pod pwru-ds 2 || { fail "DaemonSet pod template read" "a pod"; exit 1; }
if start_pod pwru-ds && wait_log "$log_file" "idle until the DaemonSet is deleted" "$ctr_id"; then
	pass "DaemonSet pod: pwru traces for --duration, then the pod idles"
else
	fail "DaemonSet pod: pwru traces for --duration, then the pod idles" "the idle message, saw: $(log_of "$log_file" 2>/dev/null | tail -3 | tr '\n' ' ')"
fi
log_of "$log_file" | grep -q 'status 0;' && pass "DaemonSet pod: pwru exited 0" ||
	fail "DaemonSet pod: pwru exited 0" "'status 0', saw: $(log_of "$log_file" | grep status)"
state=$("$POD_RUN" -e "$CRI_EP" state "$ctr_id" 2>/dev/null)
[ "$state" = running ] && pass "DaemonSet pod: container still running after the trace" ||
	fail "DaemonSet pod: container still running after the trace" "running, saw '$state'"

# Deleted mid-trace: the SIGTERM reaches pwru, which prints its summary.
ds_pod pwru-ds-stop 120 || { fail "DaemonSet pod template read" "a pod"; exit 1; }
if start_pod pwru-ds-stop && wait_log "$log_file" "Listening for events" "$ctr_id"; then
	"$POD_RUN" -e "$CRI_EP" stop "$ctr_id" 20
	code=$("$POD_RUN" -e "$CRI_EP" wait "$ctr_id" 30)
	log_of "$log_file" | grep -Eq '^[0-9]+ events, [0-9]+ lost' && [ "$code" = 0 ] &&
		pass "DaemonSet pod deleted mid-trace: pwru stops cleanly with its summary" ||
		fail "DaemonSet pod deleted mid-trace: pwru stops cleanly with its summary" \
			"exit 0 and 'N events, M lost', saw exit '$code': $(log_of "$log_file" | tail -2 | tr '\n' ' ')"
else
	fail "DaemonSet pod deleted mid-trace" "pwru attached, saw: $(log_of "$log_file" 2>/dev/null | tail -3 | tr '\n' ' ')"
fi
# The whole chain: `kubectl pwru pod/a` with the real kubectl, through the
# stand-in API server (no real one can run here), whose "node" is this
# containerd: the tracer pod runs the image, its log reaches the terminal,
# and the pod is gone afterwards.
if ! command -v kubectl >/dev/null; then
	echo "SKIP: kubectl pwru through containerd - no kubectl (make deps)"
	exit $failed
fi
api=$work/api
mkdir -p "$api"
cat > "$api/scenario.json" <<JSON
{"pods": {"default/a": "this-node"}, "nodes": ["this-node"],
 "cri": {"pod_run": "$POD_RUN", "endpoint": "$CRI_EP", "work": "$api",
         "host_paths": {"/run/containerd.sock": "$CRI_SOCK"}}}
JSON
python3 "$here/fake_apiserver.py" --scenario "$api/scenario.json" --record "$api/record.jsonl" \
	--port-file "$api/port" --lifetime 240 &
api_pid=$!
for i in $(seq 1 50); do [ -s "$api/port" ] && break; sleep 0.1; done
cat > "$api/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters: [{name: stand-in, cluster: {server: "http://127.0.0.1:$(cat "$api/port")"}}]
contexts: [{name: stand-in, context: {cluster: stand-in, user: nobody}}]
current-context: stand-in
users: [{name: nobody, user: {}}]
YAML
KUBECONFIG=$api/kubeconfig HOME=$api timeout 150 "$OUT/kubectl-pwru" -v pod/a -n default -- \
	--cri-endpoint unix:///run/containerd.sock --output-json --output-limit-lines 6 --duration 90 \
	> "$api/out" 2> "$api/err" &
plugin=$!
for i in $(seq 1 300); do
	grep -q "Listening for events" "$api/out" 2>/dev/null && break
	kill -0 "$plugin" 2>/dev/null || break
	sleep 0.2
done
if grep -q "Listening for events" "$api/out"; then
	pass "kubectl pwru pod/a: tracer pod runs and its log reaches the terminal"
else
	fail "kubectl pwru pod/a: tracer pod runs and its log reaches the terminal" \
		"'Listening for events...', saw: $(cat "$api/out" "$api/err" | tail -n 3 | tr '\n' ' ')"
fi
timeout 10 nsenter -t "$pida" -n busybox ping -c 3 -W 1 "$ipb" > /dev/null 2>&1
wait "$plugin"
rc=$?
# JSON this time: one object per event, with its pod.
read -r events named < <(python3 -c 'import json, sys
events = named = 0
for line in open(sys.argv[1]):
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    if isinstance(ev, dict) and "func" in ev:
        events += 1
        pod = ev.get("pod") or {}
        named += pod.get("namespace") == "default" and pod.get("name") == "a"
print(events, named)' "$api/out")
[ "$rc" = 0 ] && [ "$events" -ge 6 ] && [ "$named" -eq "$events" ] &&
	pass "kubectl pwru pod/a -- --output-json: pod a's events on stdout, exit 0 ($events events)" ||
	fail "kubectl pwru pod/a -- --output-json: pod a's events on stdout, exit 0" \
		"exit 0 and 6 events of pod default/a, saw exit $rc, $named of $events: $(cat "$api/out" "$api/err" | tail -n 3 | tr '\n' ' ')"
name=$(python3 -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["method"] == "POST" and r["path"].endswith("/pods"): print(r["body"]["metadata"]["name"])' "$api/record.jsonl")
left=$("$CRI_TOOL" -e "$CRI_EP" list 2>/dev/null | grep -c "^pwru-system/${name:-none} " || true)
[ -n "$name" ] && grep -q '"method": "DELETE"' "$api/record.jsonl" && [ "$left" = 0 ] &&
	pass "kubectl pwru pod/a: tracer pod deleted from the API and the node" ||
	fail "kubectl pwru pod/a: tracer pod deleted from the API and the node" "a DELETE and no pwru- sandbox, saw $left left"
kill "$api_pid" 2>/dev/null
wait "$api_pid" 2>/dev/null
exit $failed
