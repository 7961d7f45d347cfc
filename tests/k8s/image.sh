#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The pwru image as an OCI archive, built by scripts/build-image.sh with umoci
# (no Docker engine or registry here): its config (entrypoint, PATH), and its
# root file system unpacked and run with chroot: pwru starts (its libraries
# are all there), and the shell and sleep the DaemonSet's idle loop needs work.
# Running the image in containerd as a pod is tests/k8s/image-in-containerd.sh.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-build}
case $OUT in /*) ;; *) OUT=$root/$OUT ;; esac
failed=0
fail() { echo "FAIL: $1 - $2"; failed=1; }
pass() { echo "PASS: $1"; }

for cmd in umoci busybox python3; do
	command -v "$cmd" >/dev/null || { echo "SKIP: image - $cmd not installed (make deps)"; exit 0; }
done
[ -x "$OUT/pwru" ] || { fail "image" "expected $OUT/pwru built first"; exit 1; }

work=$(mktemp -d /tmp/pwru-image-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
archive=$work/pwru-image.tar

if (cd "$root" && OUT=$OUT scripts/build-image.sh "$archive") > "$work/build.log" 2>&1; then
	pass "scripts/build-image.sh writes an OCI archive"
else
	fail "scripts/build-image.sh writes an OCI archive" "exit 0, saw: $(tail -3 "$work/build.log" | tr '\n' ' ')"
	exit 1
fi

mkdir -p "$work/layout"
tar -C "$work/layout" -xf "$archive"
# index -> manifest -> config, by digest, as a runtime reads them.
config=$(python3 - "$work/layout" <<'PY'
import json, sys, os
d = sys.argv[1]
def blob(digest):
    with open(os.path.join(d, "blobs", *digest.split(":"))) as f:
        return json.load(f)
index = json.load(open(os.path.join(d, "index.json")))
m = index["manifests"][0]
manifest = blob(m["digest"])
cfg = blob(manifest["config"]["digest"])
print(json.dumps({"ref": m.get("annotations", {}).get("org.opencontainers.image.ref.name"),
                  "n_manifests": len(index["manifests"]),
                  "arch": cfg.get("architecture"), "os": cfg.get("os"),
                  "entrypoint": cfg["config"].get("Entrypoint"),
                  "env": cfg["config"].get("Env"),
                  "layers": len(manifest["layers"])}))
PY
)
field() { python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])[sys.argv[2]]))' "$config" "$1"; }

[ "$(field ref)" = '"latest"' ] && [ "$(field n_manifests)" = 1 ] &&
	pass "archive holds one image tagged latest" ||
	fail "archive holds one image tagged latest" "ref latest, saw $(field ref) in $(field n_manifests) manifests"
[ "$(field entrypoint)" = '["/usr/local/bin/pwru"]' ] &&
	pass "entrypoint is /usr/local/bin/pwru" ||
	fail "entrypoint is /usr/local/bin/pwru" "[\"/usr/local/bin/pwru\"], saw $(field entrypoint)"
field env | grep -q 'PATH=/usr/local/bin:/bin' &&
	pass "PATH finds pwru and busybox" ||
	fail "PATH finds pwru and busybox" "PATH=/usr/local/bin:/bin, saw $(field env)"
[ "$(field os)" = '"linux"' ] && pass "image is for linux" || fail "image is for linux" "linux, saw $(field os)"

bundle=$work/bundle
if umoci unpack --rootless --image "$work/layout:latest" "$bundle" > "$work/unpack.log" 2>&1; then
	pass "umoci unpacks the image"
else
	fail "umoci unpacks the image" "exit 0, saw: $(tail -2 "$work/unpack.log" | tr '\n' ' ')"
	exit 1
fi
rootfs=$bundle/rootfs
for f in usr/local/bin/pwru bin/busybox bin/sh bin/sleep; do
	[ -x "$rootfs/$f" ] && pass "image has /$f" || fail "image has /$f" "an executable, saw none"
done
size=$(du -sm "$rootfs" | cut -f1)
[ "$size" -lt 100 ] && pass "image is small (${size} MiB unpacked)" ||
	fail "image is small" "under 100 MiB unpacked, saw ${size} MiB"

# The Containerfile lays out its image with the same script (--rootfs):
# same files, same entrypoint.
if (cd "$root" && OUT=$OUT scripts/build-image.sh --rootfs "$work/rootfs") > "$work/rootfs.log" 2>&1 &&
	diff <(cd "$work/rootfs" && find . | sort) <(cd "$rootfs" && find . | sort) > "$work/rootfs.diff"; then
	pass "build-image.sh --rootfs (the Containerfile's layout) gives the archive's files"
else
	fail "build-image.sh --rootfs (the Containerfile's layout) gives the archive's files" \
		"the same file list, saw: $(head -3 "$work/rootfs.diff" "$work/rootfs.log" 2>/dev/null | tr '\n' ' ')"
fi
grep -q '^ENTRYPOINT \["/usr/local/bin/pwru"\]' "$root/Containerfile" &&
	grep -q 'scripts/build-image.sh --rootfs /rootfs' "$root/Containerfile" &&
	pass "Containerfile uses the same layout and entrypoint" ||
	fail "Containerfile uses the same layout and entrypoint" "build-image.sh --rootfs and ENTRYPOINT [\"/usr/local/bin/pwru\"]"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: pwru runs inside the image - chroot needs root"
	exit $failed
fi
want=$("$OUT/pwru" --version 2>&1)
got=$(timeout 20 chroot "$rootfs" /usr/local/bin/pwru --version 2>&1)
[ -n "$want" ] && [ "$got" = "$want" ] && pass "pwru runs inside the image ($got)" ||
	fail "pwru runs inside the image" "'$want', saw '$got'"
got=$(timeout 20 chroot "$rootfs" /bin/sh -c 'sleep 0; echo shell-ok' 2>&1)
[ "$got" = shell-ok ] && pass "the image's shell and sleep work" ||
	fail "the image's shell and sleep work" "shell-ok, saw '$got'"
exit $failed
