# SPDX-License-Identifier: GPL-2.0
# Sourced by the CRI tests: a private containerd with its CRI plugin, the
# CNI bridge plugin and a busybox image built locally (no registry needed).
#
#   cri_up DIR     start everything under DIR (must not exist); sets CRI_SOCK,
#                  CRI_EP, CRI_IMAGE, CRI_BRIDGE, CRI_SUBNET, CRI_DIR
#   cri_down DIR   remove pods, stop containerd, delete the bridge and DIR;
#                  safe to call twice and after a partial cri_up
#
# Needs: containerd, runc, containernetworking-plugins, umoci, busybox-static,
# and $CRI_TOOL (the test build's cri-tool).

CRI_TOOL=${CRI_TOOL:-${OUT:-build}/tests/cri/cri-tool}

cri_log() { echo "cri-harness: $*" >&2; }

# Static busybox plus one link per applet as the whole root filesystem:
# it is both the sandbox ("pause") image and the workload.
cri_build_image() {
	local dir=$1 layout=$1/image bundle=$1/bundle a
	umoci init --layout "$layout" >/dev/null &&
	umoci new --image "$layout:latest" >/dev/null &&
	umoci unpack --rootless --image "$layout:latest" "$bundle" >/dev/null || return 1
	mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/tmp" "$bundle/rootfs/etc"
	cp "$(command -v busybox)" "$bundle/rootfs/bin/busybox" || return 1
	for a in $(busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$bundle/rootfs/bin/$a"
	done
	umoci repack --image "$layout:latest" "$bundle" >/dev/null &&
	umoci config --image "$layout:latest" --config.entrypoint /bin/sleep --config.cmd infinity >/dev/null &&
	tar -C "$layout" -cf "$dir/image.tar" .
}

cri_write_config() {
	local dir=$1
	mkdir -p "$dir/cni/conf" "$dir/cni/ipam" "$dir/root" "$dir/state" "$dir/opt"
	cat > "$dir/cni/conf/10-pwru-test.conflist" <<-JSON
	{
	  "cniVersion": "0.4.0",
	  "name": "pwru-cri-test",
	  "plugins": [
	    { "type": "bridge", "bridge": "$CRI_BRIDGE", "isGateway": true, "ipMasq": false,
	      "ipam": { "type": "host-local", "dataDir": "$dir/cni/ipam",
	                "ranges": [[{ "subnet": "$CRI_SUBNET" }]] } },
	    { "type": "loopback" }
	  ]
	}
	JSON
	cat > "$dir/config.toml" <<-TOML
	version = 2
	root = "$dir/root"
	state = "$dir/state"
	disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
	                    "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
	[grpc]
	  address = "$CRI_SOCK"
	[ttrpc]
	  address = "$dir/ttrpc.sock"
	[plugins."io.containerd.internal.v1.opt"]
	  path = "$dir/opt"
	[plugins."io.containerd.grpc.v1.cri"]
	  sandbox_image = "$CRI_IMAGE"
	  # This machine withholds CAP_SYS_RESOURCE: without it runc fails every sandbox.
	  restrict_oom_score_adj = true
	  netns_mounts_under_state_dir = true
	  stream_server_address = "127.0.0.1"
	  stream_server_port = "0"
	  [plugins."io.containerd.grpc.v1.cri".containerd]
	    snapshotter = "native"
	    default_runtime_name = "runc"
	    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
	      runtime_type = "io.containerd.runc.v2"
	  [plugins."io.containerd.grpc.v1.cri".cni]
	    bin_dir = "/usr/lib/cni"
	    conf_dir = "$dir/cni/conf"
	TOML
}

cri_set_env() {
	CRI_DIR=$1
	CRI_SOCK=$1/containerd.sock
	CRI_EP=unix://$CRI_SOCK
	CRI_IMAGE=localhost/busybox:latest
	# Short and unique per run: interface names stop at 15 characters.
	CRI_BRIDGE=pwcri$(printf %s "$1" | cksum | cut -c1-6)
	CRI_SUBNET=198.19.$(( $(printf %s "$1" | cksum | cut -d' ' -f1) % 200 + 20 )).0/24
	export CRI_DIR CRI_SOCK CRI_EP CRI_IMAGE CRI_BRIDGE CRI_SUBNET
}

cri_up() {
	local dir=$1 i
	[ -e "$dir" ] && { cri_log "$dir exists"; return 1; }
	mkdir -p "$dir" || return 1
	cri_set_env "$dir"
	cri_build_image "$dir" || { cri_log "building the busybox image failed"; return 1; }
	cri_write_config "$dir"
	setsid containerd --config "$dir/config.toml" > "$dir/containerd.log" 2>&1 < /dev/null &
	echo $! > "$dir/containerd.pid"
	for i in $(seq 1 150); do
		"$CRI_TOOL" -e "$CRI_EP" version > /dev/null 2>&1 && break
		kill -0 "$(cat "$dir/containerd.pid")" 2>/dev/null || { cri_log "containerd exited:"; tail -5 "$dir/containerd.log" >&2; return 1; }
		sleep 0.2
	done
	"$CRI_TOOL" -e "$CRI_EP" version > /dev/null || { cri_log "containerd did not answer on $CRI_SOCK"; return 1; }
	ctr -a "$CRI_SOCK" -n k8s.io images import --base-name localhost/busybox "$dir/image.tar" > "$dir/import.log" 2>&1 ||
		{ cri_log "image import failed:"; cat "$dir/import.log" >&2; return 1; }
}

# Kills only processes started for this DIR: containerd by its pid file,
# shims by their -address argument.
cri_kill_shims() {
	local sock=$1 pid
	for pid in $(grep -lsF -- "$sock" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
		[ "$pid" = "$$" ] && continue
		{ tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -q '^containerd-shim\|/containerd-shim' && kill "$pid" 2>/dev/null
	done
}

cri_down() {
	local dir=$1 pid m
	[ -d "$dir" ] || return 0
	cri_set_env "$dir"
	if [ -f "$dir/containerd.pid" ]; then
		pid=$(cat "$dir/containerd.pid")
		if kill -0 "$pid" 2>/dev/null; then
			timeout 60 "$CRI_TOOL" -e "$CRI_EP" rm-all || cri_log "removing pods failed"
			kill "$pid" 2>/dev/null
			for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -9 "$pid" 2>/dev/null
		fi
	fi
	cri_kill_shims "$CRI_SOCK"
	# Anything left mounted under DIR (sandbox shm, netns pins) goes first.
	for m in $(awk -v d="$dir" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	ip link del "$CRI_BRIDGE" 2>/dev/null
	rm -rf "$dir"
}
