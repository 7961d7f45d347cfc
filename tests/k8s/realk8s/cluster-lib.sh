# SPDX-License-Identifier: GPL-2.0
# Sourced by the real-control-plane tests: a one-node Kubernetes v1.20.2 from
# the binaries tests/k8s/realk8s/build.sh caches, on the CRI tests' private
# containerd (tests/cri/containerd-lib.sh). Why each flag is there:
# shared/design/k8s-control-plane.md.
#
#   k8s_up DIR     start etcd, kube-apiserver, kube-controller-manager,
#                  kube-scheduler and a kubelet under DIR (must not exist);
#                  sets K8S_DIR, K8S_NODE, K8S_NODE_IP, K8S_ADMIN (an admin
#                  kubeconfig), K8S_SERVER, K8S_CA, K8S_PWRU_ARGS (pwru's
#                  --cri-endpoint when the socket is not at the default place)
#   k8s_user DIR NAME   the kubeconfig of NAME, one of $K8S_USERS (tokens
#                  of the API server's token file; their roles are the tests')
#   k8s_down DIR   delete every pod, stop every daemon by its pid, remove
#                  every mount, link, file and directory k8s_up made; safe
#                  to call twice and after a partial k8s_up
#
# Only one cluster at a time runs on a machine (the kubelet has fixed paths
# under /var/lib/kubelet and /var/log): k8s_up takes a lock that the
# caller's process holds until it exits.
#
# Needs: the cache of build.sh ($REALK8S_CACHE/bin), etcd (etcd-server),
# openssl, kubectl, and what containerd-lib.sh needs.

REALK8S_CACHE=${REALK8S_CACHE:-/var/cache/pwru-realk8s}
K8S_BIN=$REALK8S_CACHE/bin
K8S_LOCK=/run/lock/pwru-realk8s.lock
# The users of the token file: admin, the node, the controllers, and two
# users for the permission tests (their roles are made by the tests).
K8S_USERS="admin=system:masters tracer=pwru-tracers nolog=pwru-nolog"

k8s_log() { echo "realk8s: $*" >&2; }

# A free TCP port on 127.0.0.1 (bind 0 and read what the kernel chose).
k8s_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

k8s_set_env() {
	local sum
	K8S_DIR=$1
	sum=$(printf %s "$1" | cksum | cut -d' ' -f1)
	# Interface names stop at 15 characters; one veth pair per cluster.
	K8S_VETH=pwk8s$(printf %06d $((sum % 1000000)))
	K8S_NODE_IP=198.18.250.$((sum % 200 + 20))
	K8S_NODE=pwru-node-$((sum % 100000))
	K8S_ADMIN=$1/admin.kubeconfig
	K8S_CA=$1/pki/ca.crt
	export K8S_DIR K8S_VETH K8S_NODE_IP K8S_NODE K8S_ADMIN K8S_CA
}

k8s_token() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

k8s_pki() {
	local d=$1/pki
	mkdir -p "$d"
	(
		cd "$d" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
			-subj /CN=pwru-realk8s-ca &&
		openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
			-subj /CN=kube-apiserver &&
		printf 'subjectAltName=IP:127.0.0.1,IP:%s,IP:198.18.251.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n' \
			"$K8S_NODE_IP" > san.ext &&
		openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-out apiserver.crt -days 2 -extfile san.ext &&
		openssl genrsa -out sa.key 2048 &&
		openssl rsa -in sa.key -pubout -out sa.pub
	) > "$1/pki.log" 2>&1
}

# kubeconfig FILE for USER with TOKEN.
k8s_kubeconfig() {
	cat > "$1" <<-YAML
	apiVersion: v1
	kind: Config
	clusters: [{name: realk8s, cluster: {server: "$K8S_SERVER", certificate-authority: "$K8S_CA"}}]
	contexts: [{name: realk8s, context: {cluster: realk8s, user: "$2"}}]
	current-context: realk8s
	users: [{name: "$2", user: {token: "$3"}}]
	YAML
}

# Starts a daemon in its own session with its log and pid under DIR.
k8s_start() {
	local dir=$1 name=$2
	shift 2
	setsid "$@" > "$dir/$name.log" 2>&1 < /dev/null &
	echo $! > "$dir/$name.pid"
}

k8s_alive() { kill -0 "$(cat "$1/$2.pid" 2>/dev/null)" 2>/dev/null; }

# Waits up to $3 seconds for "$4..." to succeed while daemon $2 runs.
k8s_wait() {
	local dir=$1 name=$2 limit=$3 i
	shift 3
	for i in $(seq 1 $((limit * 5))); do
		"$@" > /dev/null 2>&1 && return 0
		k8s_alive "$dir" "$name" || { k8s_log "$name exited:"; tail -n 5 "$dir/$name.log" >&2; return 1; }
		sleep 0.2
	done
	k8s_log "$name not ready after $limit s:"
	tail -n 5 "$dir/$name.log" >&2
	return 1
}

k8s_kubectl() { kubectl --kubeconfig "$K8S_ADMIN" "$@"; }

# The user's kubeconfig (written by k8s_up) for USER of $K8S_USERS.
k8s_user() { echo "$1/$2.kubeconfig"; }

k8s_up() {
	local dir=$1 etcd_port peer_port api_port u name group tok sock
	[ -e "$dir" ] && { k8s_log "$dir exists"; return 1; }
	[ -x "$K8S_BIN/kubelet" ] || { k8s_log "no binaries in $K8S_BIN (tests/k8s/realk8s/build.sh)"; return 1; }
	mkdir -p "$dir" /run/lock || return 1
	k8s_set_env "$dir"
	# fd 8 stays open in the caller: the lock lasts until it exits.
	exec 8> "$K8S_LOCK"
	flock -w 900 8 || { k8s_log "another real cluster runs (lock $K8S_LOCK)"; return 1; }
	# What exists before us is left alone at the end.
	for p in /var/lib/kubelet /var/log/pods /var/log/containers; do
		if [ -e "$p" ]; then
			# Only what our kubelet adds there goes at the end.
			echo "$p" >> "$dir/shared-paths"
			ls -A "$p" > "$dir/before$(echo "$p" | tr / _)"
		else
			echo "$p" >> "$dir/created-paths"
		fi
	done

	cri_up "$dir/cri" || { k8s_log "containerd did not start"; return 1; }
	# The tracer pod mounts the host's /run and looks for containerd's
	# default socket there: bind the private one to it when that is free,
	# otherwise to a path of our own that pwru is told about.
	sock=/run/containerd/containerd.sock
	if [ -e "$sock" ]; then
		sock=/run/pwru-realk8s-${K8S_VETH#pwk8s}/containerd.sock
		K8S_PWRU_ARGS="--cri-endpoint unix://$sock"
	else
		K8S_PWRU_ARGS=""
	fi
	export K8S_PWRU_ARGS
	mkdir -p "$(dirname "$sock")" && touch "$sock" && echo "$sock" > "$dir/socket-bind" &&
		mount --bind "$CRI_SOCK" "$sock" || { k8s_log "cannot bind the CRI socket to $sock"; return 1; }

	# The node's address: the kubelet refuses loopback, and dummy links are
	# not available here, so one end of a veth pair holds it.
	ip link add "${K8S_VETH}a" type veth peer name "${K8S_VETH}b" &&
		ip addr add "$K8S_NODE_IP/32" dev "${K8S_VETH}a" &&
		ip link set "${K8S_VETH}a" up && ip link set "${K8S_VETH}b" up ||
		{ k8s_log "cannot make the node's veth $K8S_VETH"; return 1; }

	k8s_pki "$dir" || { k8s_log "openssl failed:"; tail -n 3 "$dir/pki.log" >&2; return 1; }
	api_port=$(k8s_free_port)
	K8S_SERVER=https://127.0.0.1:$api_port
	export K8S_SERVER
	: > "$dir/tokens.csv"
	for u in $K8S_USERS "system:node:$K8S_NODE=system:nodes" \
		system:kube-controller-manager system:kube-scheduler; do
		name=${u%%=*} group=${u#*=} tok=$(k8s_token)
		if [ "$group" = "$u" ]; then
			echo "$tok,$name,$name" >> "$dir/tokens.csv"
		else
			echo "$tok,$name,$name,\"$group\"" >> "$dir/tokens.csv"
		fi
		case $name in
		system:node:*) k8s_kubeconfig "$dir/kubelet.kubeconfig" "$name" "$tok" ;;
		system:kube-*) k8s_kubeconfig "$dir/${name#system:}.kubeconfig" "$name" "$tok" ;;
		*) k8s_kubeconfig "$dir/$name.kubeconfig" "$name" "$tok" ;;
		esac
	done

	etcd_port=$(k8s_free_port)
	peer_port=$(k8s_free_port)
	k8s_start "$dir" etcd etcd --name realk8s --data-dir "$dir/etcd" \
		--listen-client-urls "http://127.0.0.1:$etcd_port" \
		--advertise-client-urls "http://127.0.0.1:$etcd_port" \
		--listen-peer-urls "http://127.0.0.1:$peer_port" \
		--initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
		--initial-cluster "realk8s=http://127.0.0.1:$peer_port"
	k8s_wait "$dir" etcd 30 curl -sf "http://127.0.0.1:$etcd_port/health" || return 1

	k8s_start "$dir" kube-apiserver "$K8S_BIN/kube-apiserver" \
		--etcd-servers "http://127.0.0.1:$etcd_port" \
		--bind-address 127.0.0.1 --secure-port "$api_port" --insecure-port 0 \
		--advertise-address "$K8S_NODE_IP" --allow-privileged=true \
		--authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
		--token-auth-file "$dir/tokens.csv" \
		--tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
		--cert-dir "$dir/apiserver-certs" \
		--service-account-issuer https://kubernetes.default.svc \
		--service-account-signing-key-file "$dir/pki/sa.key" \
		--service-account-key-file "$dir/pki/sa.pub" \
		--service-cluster-ip-range 198.18.251.0/24 \
		--kubelet-preferred-address-types InternalIP --profiling=false
	k8s_wait "$dir" kube-apiserver 90 k8s_kubectl get --raw /readyz || return 1

	k8s_start "$dir" kube-controller-manager "$K8S_BIN/kube-controller-manager" \
		--kubeconfig "$dir/kube-controller-manager.kubeconfig" \
		--use-service-account-credentials \
		--service-account-private-key-file "$dir/pki/sa.key" --root-ca-file "$K8S_CA" \
		--port 0 --secure-port 0 --leader-elect=false
	k8s_start "$dir" kube-scheduler "$K8S_BIN/kube-scheduler" \
		--kubeconfig "$dir/kube-scheduler.kubeconfig" --port 0 --secure-port 0 --leader-elect=false

	mkdir -p "$dir/kubelet" "$dir/volume-plugins" "$dir/seccomp"
	: > "$dir/resolv.conf"
	# The built-in ECR credential provider would ask the EC2 metadata
	# address at start: no packet may leave loopback and 198.18.0.0/15.
	k8s_start "$dir" kubelet env AWS_EC2_METADATA_DISABLED=true "$K8S_BIN/kubelet" \
		--kubeconfig "$dir/kubelet.kubeconfig" \
		--hostname-override "$K8S_NODE" --node-ip "$K8S_NODE_IP" --address "$K8S_NODE_IP" \
		--read-only-port 0 --healthz-port 0 \
		--container-runtime remote --container-runtime-endpoint "$CRI_EP" \
		--runtime-request-timeout 2m \
		--cgroup-driver cgroupfs --cgroups-per-qos=false --enforce-node-allocatable= \
		--fail-swap-on=false --anonymous-auth=true --authorization-mode AlwaysAllow \
		--image-gc-high-threshold 100 --image-gc-low-threshold 99 \
		--make-iptables-util-chains=false --oom-score-adj 0 --resolv-conf "$dir/resolv.conf" \
		--root-dir "$dir/kubelet" --volume-plugin-dir "$dir/volume-plugins" \
		--seccomp-profile-root "$dir/seccomp" --pod-infra-container-image "$CRI_IMAGE"
	k8s_wait "$dir" kubelet 90 k8s_node_ready || return 1
	# Each namespace's ServiceAccount comes from the controller-manager.
	k8s_wait "$dir" kube-controller-manager 60 k8s_kubectl get serviceaccount default -n default || return 1
	k8s_alive "$dir" kube-scheduler || { k8s_log "kube-scheduler exited:"; tail -n 5 "$dir/kube-scheduler.log" >&2; return 1; }
}

k8s_node_ready() {
	[ "$(k8s_kubectl get node "$K8S_NODE" \
		-o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

# Stops daemon NAME by its pid file: TERM, then KILL after 10 s.
k8s_stop() {
	local dir=$1 name=$2 pid i
	[ -f "$dir/$name.pid" ] || return 0
	pid=$(cat "$dir/$name.pid")
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null
		for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$dir/$name.pid"
}

k8s_down() {
	local dir=$1 m p i
	[ -d "$dir" ] || return 0
	k8s_set_env "$dir"
	# Pods go through the API first, so the kubelet stops their containers
	# and removes its mounts; what is still Terminating then is forced.
	if k8s_alive "$dir" kube-apiserver && k8s_alive "$dir" kubelet; then
		timeout 60 kubectl --kubeconfig "$K8S_ADMIN" delete pods --all -A --wait=true \
			--timeout=50s > /dev/null 2>&1 ||
			timeout 30 kubectl --kubeconfig "$K8S_ADMIN" delete pods --all -A --force \
				--grace-period=0 > /dev/null 2>&1
	fi
	for p in kubelet kube-scheduler kube-controller-manager kube-apiserver etcd; do
		k8s_stop "$dir" "$p"
	done
	if [ -f "$dir/socket-bind" ]; then
		umount "$(cat "$dir/socket-bind")" 2>/dev/null
		rm -f "$(cat "$dir/socket-bind")"
		case $(cat "$dir/socket-bind") in
		/run/pwru-realk8s-*) rmdir "$(dirname "$(cat "$dir/socket-bind")")" 2>/dev/null ;;
		esac
	fi
	[ -d "$dir/cri" ] && cri_down "$dir/cri"
	# The kubelet bind-mounts its root dir onto itself, plus pod volumes.
	for m in $(awk -v d="$dir" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	ip link del "${K8S_VETH}a" 2>/dev/null
	# The kubelet's fixed paths, when it made them.
	if [ -f "$dir/created-paths" ]; then
		while read -r p; do
			for m in $(awk -v d="$p" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r); do
				umount -l "$m" 2>/dev/null
			done
			rm -rf "$p"
		done < "$dir/created-paths"
	fi
	if [ -f "$dir/shared-paths" ]; then
		while read -r p; do
			ls -A "$p" 2>/dev/null | grep -vxF -f "$dir/before$(echo "$p" | tr / _)" |
				while read -r e; do
					for m in $(awk -v d="$p/$e" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r); do
						umount -l "$m" 2>/dev/null
					done
					rm -rf "${p:?}/$e"
				done
		done < "$dir/shared-paths"
	fi
	rm -rf "$dir"
}
