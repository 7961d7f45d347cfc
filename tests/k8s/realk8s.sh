#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Suite: `kubectl pwru` against a real Kubernetes v1.20.2 control plane and
# kubelet (tests/k8s/realk8s/), on the CRI tests' private containerd, with the
# image `make image` builds imported there. Two pods ping each other through
# the node's bridge; each run of the plugin must trace the right pods, name
# them on every event, end with pwru's "N events, M lost" on stdout (Ctrl-C
# included), exit with a status that tells, and leave no tracer pod behind.
# Skipped only when the control plane cannot be built (build.sh's cache).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
OUT=${OUT:-build}
case $OUT in /*) ;; *) OUT=$root/$OUT ;; esac
export OUT
CRI_TOOL=$OUT/tests/cri/cri-tool
. "$root/tests/cri/containerd-lib.sh"
. "$here/realk8s/cluster-lib.sh"
suite_start=$(date +%s)

for cmd in containerd ctr runc umoci busybox kubectl openssl etcd curl python3 flock; do
	command -v "$cmd" >/dev/null || { echo "SKIP: real control plane - $cmd is not installed (make deps)"; exit 0; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: real control plane - needs root"; exit 0; }
for f in "$OUT/pwru" "$OUT/kubectl-pwru" "$CRI_TOOL"; do
	[ -x "$f" ] || { echo "FAIL: real control plane - expected $f built (make test builds it)"; exit 1; }
done

work=$(mktemp -d /tmp/pwru-realk8s-work.XXXXXX)
dir=$(mktemp -u /tmp/pwru-realk8s.XXXXXX)
bg_pids=()
cleanup() {
	local p
	for p in "${bg_pids[@]+"${bg_pids[@]}"}"; do kill "$p" 2>/dev/null; done
	k8s_down "$dir"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
failed=0
fail() { echo "FAIL: $1 - $2"; failed=1; }
pass() { echo "PASS: $1"; }
# Text for a failure message: the last lines of files, on one line.
tails() { tail -n "${N:-3}" "$@" 2>/dev/null | tr '\n' ' ' | cut -c1-600; }

t0=$(date +%s)
if ! cache=$("$here/realk8s/build.sh" 2> "$work/build.log"); then
	echo "SKIP: real control plane - the binaries could not be built: $(tails "$work/build.log")"
	exit 0
fi
echo "# control plane binaries: $cache/bin ($(($(date +%s) - t0)) s here; built in $(cat "$cache/bin/build-seconds") s)"
export REALK8S_CACHE=$cache

if ! (cd "$root" && OUT=$OUT scripts/build-image.sh "$work/pwru-image.tar") > "$work/image.log" 2>&1; then
	fail "pwru image builds" "an OCI archive, saw: $(tails "$work/image.log")"
	exit 1
fi
t0=$(date +%s)
if k8s_up "$dir"; then
	pass "control plane up: etcd, kube-apiserver, controller-manager, scheduler, kubelet node $K8S_NODE Ready ($(($(date +%s) - t0)) s)"
else
	fail "control plane up" "node Ready, see the messages above"
	exit 1
fi
ctr -a "$CRI_SOCK" -n k8s.io images import --base-name localhost/pwru "$work/pwru-image.tar" > "$work/import.log" 2>&1 ||
	{ fail "pwru image imports" "localhost/pwru:latest, saw: $(tails "$work/import.log")"; exit 1; }

export KUBECONFIG=$K8S_ADMIN
export PATH=$OUT:$PATH   # `kubectl pwru` finds the plugin as a user's kubectl does
kc() { kubectl "$@"; }

# The workloads: pods a and b, a deployment "web" of two pods behind service
# "web". Pulling is never allowed: the images are the imported ones.
kc create namespace shop > /dev/null
for i in $(seq 1 100); do kc get serviceaccount default -n shop > /dev/null 2>&1 && break; sleep 0.2; done
container() {
	cat <<-YAML
	      containers:
	        - name: main
	          image: $CRI_IMAGE
	          imagePullPolicy: Never
	          command: [sleep, "3600"]
	      terminationGracePeriodSeconds: 1
	YAML
}
{
	for p in a b; do
		cat <<-YAML
		apiVersion: v1
		kind: Pod
		metadata: {name: $p, namespace: shop, labels: {app: $p}}
		spec:
		YAML
		container | sed 's/^    //'
		echo ---
	done
	cat <<-YAML
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: web, namespace: shop}
	spec:
	  replicas: 2
	  selector: {matchLabels: {app: web}}
	  template:
	    metadata: {labels: {app: web}}
	    spec:
	YAML
	container
	cat <<-YAML
	---
	apiVersion: v1
	kind: Service
	metadata: {name: web, namespace: shop}
	spec:
	  selector: {app: web}
	  ports: [{port: 80}]
	YAML
} > "$work/workloads.yaml"
if kc apply -f "$work/workloads.yaml" > "$work/apply.log" 2>&1 &&
	kc wait --for=condition=Available deployment/web -n shop --timeout=120s > /dev/null 2>&1 &&
	kc wait --for=condition=Ready pod --all -n shop --timeout=120s > /dev/null 2>&1; then
	pass "workloads run: pods a, b and deployment web (2 pods) behind service web"
else
	fail "workloads run" "4 Ready pods, saw: $(kc get pods -n shop 2>&1 | tr '\n' ' ') $(tails "$work/apply.log")"
	exit 1
fi
ip_of() { kc get pod -n shop "$1" -o jsonpath='{.status.podIP}'; }
ipb=$(ip_of b)
web_pods=$(kc get pods -n shop -l app=web -o jsonpath='{.items[*].metadata.name}')
web_ips=$(kc get pods -n shop -l app=web -o jsonpath='{.items[*].status.podIP}')

# Pings from pod a (kubectl exec, through the API server and the kubelet).
ping_from_a() {
	local ip pids=()
	for ip in "$@"; do
		timeout 15 kubectl exec -n shop a -- ping -c 3 -W 1 "$ip" > /dev/null 2>&1 &
		pids+=($!)
	done
	# Only these: the daemons of the cluster are this shell's children too.
	wait "${pids[@]}"
}

# Starts `kubectl pwru ARGS...` in the background with SIGINT at its default
# (a script's background jobs ignore it otherwise); sets plugin_pid, out, err.
# The run is bounded: 150 s at most.
run=0
start_plugin() {
	run=$((run + 1))
	out=$work/run$run.out err=$work/run$run.err
	env --default-signal=INT timeout 150 kubectl pwru "$@" > "$out" 2> "$err" &
	plugin_pid=$!
	bg_pids+=("$plugin_pid")
}
# Waits until pwru in the tracer pod listens (or the plugin ended).
wait_listening() {
	local i
	for i in $(seq 1 300); do
		grep -q "Listening for events" "$out" 2>/dev/null && return 0
		kill -0 "$plugin_pid" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
finish_plugin() { wait "$plugin_pid"; rc=$?; }
events_of() { grep -c '^0x' "$1" || true; }
summary_last() { tail -n 3 "$1" | grep -Eq '^[0-9]+ events, [0-9]+ lost'; }
# Tracer pods still there. The plugin's DELETE returns at once; the pod is
# gone when the kubelet has confirmed its end, a second or two later.
tracers_left() {
	local i n
	for i in $(seq 1 60); do
		n=$(kc get pods -A -l app.kubernetes.io/managed-by=kubectl-pwru -o name 2>/dev/null | wc -l)
		[ "$n" = 0 ] && break
		sleep 0.5
	done
	echo "$n"
}

# Checks a traced run: exit 0, >= $2 events all named by the pattern $3,
# pwru's summary at the end, no tracer pod left.
check_run() {
	local what=$1 min=$2 pattern=$3 n named
	n=$(events_of "$out")
	named=$(grep '^0x' "$out" | grep -Ec -- " ($pattern) " || true)
	[ "$rc" = 0 ] && [ "$n" -ge "$min" ] && [ "$named" -eq "$n" ] &&
		pass "$what: $n events, each named $pattern, exit 0" ||
		fail "$what: events named $pattern, exit 0" \
			"exit 0 and >= $min events all named, saw exit $rc, $named of $n: $(N=4 tails "$out" "$err")"
	for p in ${every:-}; do
		grep '^0x' "$out" | grep -q " $p " && pass "$what: events of $p" ||
			fail "$what: events of $p" "at least one event named $p, saw names: $(grep '^0x' "$out" | grep -o ' shop/[a-z0-9-]* ' | sort | uniq -c | tr '\n' ' ')"
	done
	summary_last "$out" && pass "$what: ends with pwru's summary ($(grep -E '^[0-9]+ events, ' "$out" | tail -n1))" ||
		fail "$what: ends with pwru's summary" "'N events, M lost' last, saw: $(tails "$out")"
	[ "$(tracers_left)" = 0 ] && pass "$what: tracer pod deleted" ||
		fail "$what: tracer pod deleted" "none left, saw: $(kc get pods -A -l app.kubernetes.io/managed-by=kubectl-pwru -o name | tr '\n' ' ')"
}

# A traced run: kubectl pwru ARGS -- PWRU-ARGS while pod a pings $ping_to.
traced_run() {
	local what=$1 min=$2 pattern=$3 t0
	shift 3
	t0=$(date +%s)
	start_plugin "$@"
	if wait_listening; then
		ping_from_a $ping_to
	fi
	finish_plugin
	echo "# $what: $(($(date +%s) - t0)) s"
	check_run "$what" "$min" "$pattern"
}
# shellcheck disable=SC2206 # pwru's words, split on purpose
pwru_args=($K8S_PWRU_ARGS)

# Tracers run in namespace pwru-system, made on first use when the user
# says so (--yes; no terminal here to ask on).
start_plugin pod/a -n shop -- "${pwru_args[@]}" icmp
finish_plugin
[ "$rc" = 1 ] && [ "$(grep -c . "$err")" = 1 ] && grep -q -- "--yes" "$err" &&
	! kc get namespace pwru-system > /dev/null 2>&1 &&
	pass "no pwru-system and no --yes: exit 1, one line, nothing made" ||
	fail "no pwru-system and no --yes: exit 1, one line" "exit 1 naming --yes, saw exit $rc: $(tails "$err")"
ping_to=$ipb
traced_run "kubectl pwru pod/a --yes" 6 "shop/a" \
	pod/a -n shop --yes -- "${pwru_args[@]}" --output-limit-lines 6 icmp
[ "$(kc get namespace pwru-system -o 'jsonpath={.metadata.labels.pod-security\.kubernetes\.io/enforce}')" = privileged ] &&
	pass "--yes: namespace pwru-system made, labelled for privileged pods" ||
	fail "--yes: namespace pwru-system made" "label enforce=privileged, saw: $(kc get namespace pwru-system --show-labels 2>&1 | tr '\n' ' ')"
traced_run "kubectl pwru a (a bare pod name)" 6 "shop/a" \
	a -n shop -- "${pwru_args[@]}" --output-limit-lines 6 icmp
# Several pods: a fixed time (pings to each pod take 2 s), so that every
# pod's events are in, whatever order the pings run in.
ping_to=$ipb
every="shop/a shop/b"
traced_run "kubectl pwru pod/a pod/b" 6 "shop/a|shop/b" \
	pod/a pod/b -n shop -- "${pwru_args[@]}" --duration 10 icmp
ping_to=$web_ips
every=$(echo "$web_pods" | sed 's/\([^ ]*\)/shop\/\1/g')
web_re=$(echo "$every" | sed 's/ /|/g')
traced_run "kubectl pwru deployment/web" 6 "$web_re" \
	deployment/web -n shop -- "${pwru_args[@]}" --duration 10 icmp
traced_run "kubectl pwru svc/web (its endpoints' pods)" 6 "$web_re" \
	svc/web -n shop -- "${pwru_args[@]}" --duration 10 icmp
traced_run "kubectl pwru -l app=web" 6 "$web_re" \
	-l app=web -n shop -- "${pwru_args[@]}" --duration 10 icmp
every=""

# node/: the whole node; events of pods carry their names, others none.
ping_to=$ipb
start_plugin "node/$K8S_NODE" -- "${pwru_args[@]}" --output-limit-lines 6 icmp
wait_listening && ping_from_a $ping_to
finish_plugin
n=$(events_of "$out")
[ "$rc" = 0 ] && [ "$n" -ge 6 ] && pass "kubectl pwru node/$K8S_NODE: $n icmp events, exit 0" ||
	fail "kubectl pwru node/: icmp events, exit 0" "exit 0 and >= 6 events, saw exit $rc, $n: $(N=4 tails "$out" "$err")"
summary_last "$out" && pass "kubectl pwru node/: ends with pwru's summary" ||
	fail "kubectl pwru node/: ends with pwru's summary" "'N events, M lost' last, saw: $(tails "$out")"

# Ctrl-C: pwru in the pod is stopped, its summary reaches the terminal, the
# plugin exits 130 and the tracer pod is deleted. timeout(1) passes the
# SIGINT on twice (to the plugin, then to its process group): one Ctrl-C
# all the same. REALK8S_CTRL_C_RUNS=N repeats the case (races show there).
ctrl_c_run() {
	start_plugin pod/a -n shop -- "${pwru_args[@]}" icmp
	wait_listening || return 1
	# The tracer pod as the API server has it, read back while it runs.
	kc get pods -n pwru-system -l app.kubernetes.io/managed-by=kubectl-pwru -o json > "$work/tracer-pod.json"
	ping_from_a "$ipb"
	t0=$(date +%s)
	kill -INT "$plugin_pid"
	finish_plugin
	echo "# Ctrl-C to exit: $(($(date +%s) - t0)) s"
}
for r in $(seq 1 "${REALK8S_CTRL_C_RUNS:-1}"); do
	c="Ctrl-C"
	[ "${REALK8S_CTRL_C_RUNS:-1}" = 1 ] || c="Ctrl-C ($r)"
	if ctrl_c_run; then
		n=$(events_of "$out")
		[ "$rc" = 130 ] && [ "$n" -ge 1 ] && pass "$c: exit 130 after $n events of shop/a" ||
			fail "$c: exit 130 after events" "130 and events, saw $rc, $n: $(N=4 tails "$out" "$err")"
		summary_last "$out" && pass "$c: pwru's summary on the terminal ($(grep -E '^[0-9]+ events, ' "$out" | tail -n1))" ||
			fail "$c: pwru's summary on the terminal" "'N events, M lost' last, saw: $(tails "$out" "$err")"
		[ "$(tracers_left)" = 0 ] && pass "$c: tracer pod deleted" ||
			fail "$c: tracer pod deleted" "none left"
	else
		finish_plugin
		fail "$c: tracer listens first" "'Listening for events', saw: $(tails "$out" "$err")"
	fi
done

# The node's side of the tracer, as the API server stored it and the real
# kubelet started it (its hostPath type checks passed): the CRI socket in use
# alone, typed Socket, not all of /run; every hostPath typed.
sock=/run/containerd/containerd.sock
[[ " ${pwru_args[*]} " =~ --cri-endpoint\ unix://([^ ]+) ]] && sock=${BASH_REMATCH[1]}
if python3 - "$work/tracer-pod.json" "$sock" <<'PY'
import json, sys
pods = json.load(open(sys.argv[1]))["items"]
assert len(pods) == 1, "one tracer pod, saw %d" % len(pods)
vols = [v["hostPath"] for v in pods[0]["spec"]["volumes"] if "hostPath" in v]
socks = [v for v in vols if v.get("type") == "Socket"]
assert socks == [{"path": sys.argv[2], "type": "Socket"}], socks
assert not [v for v in vols if v["path"] == "/run"], vols
assert all(v.get("type") for v in vols), vols
mounts = pods[0]["spec"]["containers"][0]["volumeMounts"]
assert any(m["mountPath"] == "/host" + sys.argv[2] for m in mounts), mounts
PY
then
	pass "tracer pod read back: only the CRI socket $sock (type Socket), every hostPath typed"
else
	fail "tracer pod read back: only the CRI socket, typed" "one Socket volume at $sock, see above"
fi
# Not BestEffort, and in the plugin's PriorityClass (made on first use,
# never preempting), which admission resolved to its value.
if python3 - "$work/tracer-pod.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["items"][0]
res = p["spec"]["containers"][0]["resources"]
assert res["requests"] == {"cpu": "100m", "memory": "256Mi"}, res
assert res["limits"] == {"memory": "2Gi"}, res
assert p["status"]["qosClass"] == "Burstable", p["status"].get("qosClass")
assert p["spec"]["priorityClassName"] == "pwru-tracer", p["spec"].get("priorityClassName")
assert p["spec"]["priority"] == 1000000, p["spec"].get("priority")
PY
then
	[ "$(kc get priorityclass pwru-tracer -o 'jsonpath={.value} {.preemptionPolicy}')" = "1000000 Never" ] &&
		pass "tracer pod read back: Burstable (requests cpu 100m, memory 256Mi; limit memory 2Gi), priority class pwru-tracer (1000000, preemptionPolicy Never)" ||
		fail "priority class pwru-tracer" "value 1000000, preemptionPolicy Never, saw: $(kc get priorityclass pwru-tracer -o json 2>&1 | tr '\n' ' ' | cut -c1-300)"
else
	fail "tracer pod read back: resources and priority class" "Burstable, pwru-tracer at 1000000, see above"
fi

# A node without the socket the tracer needs: the kubelet's hostPath type
# check fails, which it says only in an event; the plugin finds that event
# and ends with it at once, not after --pod-running-timeout.
t0=$(date +%s)
start_plugin pod/a -n shop -- "${pwru_args[@]}" --cri-endpoint "unix:///run/pwru-nosuch-$$.sock" icmp
finish_plugin
echo "# missing socket to exit: $(($(date +%s) - t0)) s"
lines=$(grep -c . "$err" || true)
[ "$rc" = 1 ] && [ "$lines" = 1 ] && grep -q "hostPath type check failed" "$err" && grep -q -- "--cri-endpoint" "$err" &&
	pass "missing CRI socket: exit 1 and the kubelet's reason in one line: $(cat "$err")" ||
	fail "missing CRI socket: exit 1 and the kubelet's reason" "exit 1, one line with 'hostPath type check failed', saw exit $rc: $(N=5 tails "$err")"
[ "$(tracers_left)" = 0 ] && pass "missing CRI socket: tracer pod deleted" || fail "missing CRI socket: tracer pod deleted" "none left"

# --node-selector: the node's own hostname label picks it; a label no node
# has leaves no tracer, and the plugin says so in one line.
ping_to=$ipb
traced_run "kubectl pwru --node-selector (the node's hostname)" 6 "shop/a" \
	pod/a -n shop --node-selector "kubernetes.io/hostname=$K8S_NODE" -- "${pwru_args[@]}" --output-limit-lines 6 icmp
start_plugin pod/a -n shop --node-selector kubernetes.io/hostname=pwru-no-such-node -- "${pwru_args[@]}" icmp
finish_plugin
[ "$rc" = 1 ] && [ "$(grep -c . "$err")" = 1 ] && grep -q "no node of the targets matches --node-selector" "$err" &&
	[ "$(kc get pods -n pwru-system -l app.kubernetes.io/managed-by=kubectl-pwru -o name | wc -l)" = 0 ] &&
	pass "--node-selector no node has: exit 1, one line, no tracer: $(cat "$err")" ||
	fail "--node-selector no node has: exit 1, one line" "exit 1 and 'no node of the targets matches', saw exit $rc: $(tails "$err")"

# The pod flags, read back from the API server while the tracer runs (the
# real kubelet started it so): pull policy, pull secrets, service account
# (it must exist: the ServiceAccount admission checks), and a merge patch
# (an annotation, a priority class that admission resolves to its value, a
# field removed) that cannot move the pod off its node.
kc create serviceaccount pwru-tracer -n pwru-system > /dev/null
kc apply -f - > /dev/null <<-YAML
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: pwru-test-high}
value: 1000
YAML
start_plugin pod/a -n shop --image-pull-policy Never --image-pull-secret regcred \
	--image-pull-secret other --service-account pwru-tracer \
	--patch '{"metadata":{"annotations":{"pwru.test/patched":"yes"}},"spec":{"priorityClassName":"pwru-test-high","nodeName":"elsewhere","dnsPolicy":null}}' \
	-- "${pwru_args[@]}" --duration 6 icmp
wait_listening && kc get pods -n pwru-system -l app.kubernetes.io/managed-by=kubectl-pwru -o json > "$work/flags-pod.json"
finish_plugin
if [ "$rc" = 0 ] && summary_last "$out" && python3 - "$work/flags-pod.json" "$K8S_NODE" <<'PY'
import json, sys
pods = json.load(open(sys.argv[1]))["items"]
assert len(pods) == 1, "one tracer pod, saw %d" % len(pods)
p = pods[0]
spec, c = p["spec"], p["spec"]["containers"][0]
assert c["imagePullPolicy"] == "Never", c["imagePullPolicy"]
assert spec["imagePullSecrets"] == [{"name": "regcred"}, {"name": "other"}], spec.get("imagePullSecrets")
assert spec["serviceAccountName"] == "pwru-tracer", spec.get("serviceAccountName")
assert spec["automountServiceAccountToken"] is False
assert p["metadata"]["annotations"]["pwru.test/patched"] == "yes", p["metadata"].get("annotations")
assert spec["priorityClassName"] == "pwru-test-high" and spec["priority"] == 1000, (spec.get("priorityClassName"), spec.get("priority"))
assert spec["nodeName"] == sys.argv[2], spec["nodeName"]
# dnsPolicy removed by the patch: the API server's default comes back.
assert spec["dnsPolicy"] == "ClusterFirst", spec.get("dnsPolicy")
PY
then
	pass "pod flags read back: --image-pull-policy, --image-pull-secret x2, --service-account, --patch (annotation, priority 1000, a field removed, node kept); exit 0 with the summary"
else
	fail "pod flags read back" "each flag in the stored pod, exit 0 and the summary, saw exit $rc: $(tails "$out" "$err")"
fi
[ "$(tracers_left)" = 0 ] && pass "pod flags: tracer pod deleted" || fail "pod flags: tracer pod deleted" "none left"

# Ctrl-C for a user who may not exec into the tracer: the plugin deletes the
# pod instead, pwru stops on the kubelet's SIGTERM, and its summary comes
# all the same (through the followed log, or the re-read of it).
kc apply -f - > /dev/null <<-YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pwru-tracers}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [get, list, watch, create, delete]}
  - {apiGroups: [""], resources: [pods/log], verbs: [get]}
  - {apiGroups: [""], resources: [nodes, namespaces], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pwru-tracers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pwru-tracers}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: pwru-tracers}]
YAML
KUBECONFIG=$(k8s_user "$K8S_DIR" tracer) start_plugin pod/a -n shop -v -- "${pwru_args[@]}" icmp
if wait_listening; then
	ping_from_a "$ipb"
	t0=$(date +%s)
	kill -INT "$plugin_pid"
	finish_plugin
	echo "# Ctrl-C without pods/exec, to exit: $(($(date +%s) - t0)) s"
	n=$(events_of "$out")
	[ "$rc" = 130 ] && [ "$n" -ge 1 ] && grep -q "deleting the pod instead" "$err" &&
		pass "Ctrl-C without pods/exec: the pod deleted instead, exit 130 after $n events" ||
		fail "Ctrl-C without pods/exec: the pod deleted instead, exit 130" "130, events and the deletion, saw $rc, $n: $(N=4 tails "$out" "$err")"
	summary_last "$out" && pass "Ctrl-C without pods/exec: pwru's summary on the terminal ($(grep -E '^[0-9]+ events, ' "$out" | tail -n1))" ||
		fail "Ctrl-C without pods/exec: pwru's summary on the terminal" "'N events, M lost' last, saw: $(tails "$out" "$err")"
	[ "$(tracers_left)" = 0 ] && pass "Ctrl-C without pods/exec: tracer pod deleted" ||
		fail "Ctrl-C without pods/exec: tracer pod deleted" "none left"
else
	finish_plugin
	fail "Ctrl-C without pods/exec: tracer listens first" "'Listening for events', saw: $(tails "$out" "$err")"
fi

# A tracer the kubelet rejects: a LimitRange gives every container a
# request of 1000 TiB of ephemeral storage in the tracer's namespace (the
# tracer sets its CPU and memory itself, not that), which no node has
# (OutOfephemeral-storage, no pull needed).
kc create namespace toobig > /dev/null
kc apply -f - > /dev/null <<-YAML
apiVersion: v1
kind: LimitRange
metadata: {name: huge, namespace: toobig}
spec:
  limits: [{type: Container, default: {ephemeral-storage: "1000Ti"}, defaultRequest: {ephemeral-storage: "1000Ti"}}]
YAML
for i in $(seq 1 100); do kc get serviceaccount default -n toobig > /dev/null 2>&1 && break; sleep 0.2; done
start_plugin pod/a -n shop --tracer-namespace toobig -- "${pwru_args[@]}" icmp
finish_plugin
lines=$(grep -c . "$err" || true)
[ "$rc" = 1 ] && [ "$lines" = 1 ] && grep -q "OutOfephemeral-storage" "$err" &&
	pass "rejected tracer: exit 1 and one line with the reason: $(cat "$err")" ||
	fail "rejected tracer: exit 1 and one line with the reason" "exit 1, one line naming OutOfephemeral-storage, saw exit $rc: $(N=5 tails "$err")"
[ "$(tracers_left)" = 0 ] && pass "rejected tracer: tracer pod deleted" || fail "rejected tracer: tracer pod deleted" "none left"

# A user who may create the tracer but not read its log: RBAC without
# pods/log.
kc apply -f - > /dev/null <<-YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pwru-nolog}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [get, list, watch, create, delete]}
  - {apiGroups: [""], resources: [pods/exec], verbs: [create]}
  - {apiGroups: [""], resources: [nodes], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pwru-nolog}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pwru-nolog}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: pwru-nolog}]
YAML
KUBECONFIG=$(k8s_user "$K8S_DIR" nolog) start_plugin pod/a -n shop -- "${pwru_args[@]}" icmp
finish_plugin
lines=$(grep -c . "$err" || true)
[ "$rc" = 1 ] && [ "$lines" = 1 ] && grep -q 'pods/log' "$err" &&
	pass "no pods/log right: exit 1 and one line: $(cat "$err")" ||
	fail "no pods/log right: exit 1 and one line" "exit 1, one line naming pods/log, saw exit $rc: $(N=5 tails "$err")"
[ "$(tracers_left)" = 0 ] && pass "no pods/log right: tracer pod deleted" || fail "no pods/log right: tracer pod deleted" "none left"

# k8s/ applied for real: the namespace and the DaemonSet, whose pod the
# scheduler places on the node; pwru traces pod a for a few seconds, then
# the pod idles with its log readable. Only the arguments are the test's.
python3 - "$root/k8s/daemonset.yaml" "${pwru_args[@]}" > "$work/ds.json" <<'PY' ||
import json, sys, yaml
ds = yaml.safe_load(open(sys.argv[1]))
c = ds["spec"]["template"]["spec"]["containers"][0]
c["args"] = ["--host-root", "/host"] + sys.argv[2:] + [
    "--filter-pod", "shop/a", "--duration", "20", "--output-limit-lines", "6", "icmp"]
json.dump(ds, sys.stdout)
PY
	fail "k8s/daemonset.yaml read" "a DaemonSet"
ds_logs() { kc logs -n pwru -l app.kubernetes.io/name=pwru --tail=-1 2>/dev/null; }
t0=$(date +%s)
if kc apply -f "$root/k8s/namespace.yaml" > "$work/ds-apply.log" 2>&1 &&
	kc apply -f "$work/ds.json" >> "$work/ds-apply.log" 2>&1; then
	for i in $(seq 1 300); do
		ds_logs | grep -q "Listening for events" && break
		sleep 0.2
	done
	ping_from_a "$ipb"
	for i in $(seq 1 150); do
		ds_logs | grep -q "idle until the DaemonSet is deleted" && break
		sleep 0.2
	done
	ds_logs > "$work/ds.log"
	echo "# k8s/ DaemonSet run: $(($(date +%s) - t0)) s"
	n=$(events_of "$work/ds.log")
	named=$(grep '^0x' "$work/ds.log" | grep -c ' shop/a ' || true)
	[ "$n" -ge 6 ] && [ "$named" -eq "$n" ] &&
		pass "k8s/ applied: the DaemonSet's pod traced pod a on the node ($n events, each named shop/a)" ||
		fail "k8s/ applied: the DaemonSet's pod traced pod a" ">= 6 events named shop/a, saw $named of $n: $(tails "$work/ds.log")"
	grep -Eq '^[0-9]+ events, [0-9]+ lost' "$work/ds.log" && grep -q "status 0; idle" "$work/ds.log" &&
		pass "k8s/ applied: pwru's summary, then the pod idles" ||
		fail "k8s/ applied: pwru's summary, then the pod idles" "summary and 'status 0; idle', saw: $(tails "$work/ds.log")"
	kc delete -f "$work/ds.json" --wait=true --timeout=60s > /dev/null 2>&1
else
	fail "k8s/ applied" "the namespace and DaemonSet accepted, saw: $(tails "$work/ds-apply.log")"
fi

echo "# real-cluster suite: $(($(date +%s) - suite_start)) s"
exit $failed
