#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the pwru container image without a container engine or registry.
#
#   scripts/build-image.sh [OUTPUT.tar]   OCI image archive (default $OUT/pwru-image.tar)
#                                         from the pwru built here, with umoci
#   scripts/build-image.sh --rootfs DIR   only lay out the image's files in DIR
#                                         (the Containerfile's build stage uses this)
#   scripts/build-image.sh --multiarch OUTPUT.tar
#                                         one OCI index with an amd64 and an arm64
#                                         image (arm64: build-arm64/pwru from
#                                         `make cross-arm64`, its libraries and
#                                         busybox from scripts/cross-sysroot)
#
# The image holds pwru at /usr/local/bin/pwru: $OUT/pwru-static when it is
# there and up to date, else $OUT/pwru with exactly the shared libraries it
# loads. A static busybox adds /bin/sh and sleep, which the DaemonSet's
# "trace once, then idle" needs, and a shell for kubectl exec.
# Import the archive: ctr -n k8s.io images import --base-name localhost/pwru FILE
set -euo pipefail

OUT=${OUT:-build}
TAG=${IMAGE_TAG:-latest}
work=""   # build_archive's scratch directory, removed on exit
here=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "build-image: $*" >&2; exit 1; }

pick_pwru() {
	local dyn=$OUT/pwru st=$OUT/pwru-static
	if [ -n "${PWRU_BIN:-}" ]; then
		echo "$PWRU_BIN"
	elif [ -x "$st" ] && { [ ! -e "$dyn" ] || [ ! "$st" -ot "$dyn" ]; }; then
		echo "$st"
	elif [ -x "$dyn" ]; then
		echo "$dyn"
	else
		die "no $dyn: run make first"
	fi
}

# Every shared object the binary loads, the dynamic loader included, at the
# path the loader will look for it.
copy_libraries() {
	local bin=$1 root=$2 lib
	ldd "$bin" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' |
	while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# An arm64 image's pwru, libraries and busybox: from the arm64 sysroot, the
# libraries found by readelf (ldd cannot run a foreign binary).
lay_out_arm64() {
	local root=$1 bin=$here/build-arm64/pwru sysroot lib
	[ -x "$bin" ] || die "no $bin: run make cross-arm64 first"
	sysroot=$("$here/scripts/cross-sysroot" arm64) || die "scripts/cross-sysroot arm64 failed"
	. "$here/tests/vm/elf-libs.sh"
	install -m 0755 "$bin" "$root/usr/local/bin/pwru"
	elf_libs "$sysroot" "$bin" | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$sysroot$lib" "$root$lib"
	done
	install -m 0755 "$sysroot/bin/busybox" "$root/bin/busybox"
	echo "build-image: $root: pwru from $bin (arm64)"
}

lay_out_rootfs() {
	local root=$1 arch=${2:-} bin a
	mkdir -p "$root/usr/local/bin" "$root/bin" "$root/etc" "$root/tmp" "$root/host"
	chmod 1777 "$root/tmp"
	command -v busybox >/dev/null || die "busybox not found (Debian: busybox-static)"
	if [ "$arch" = arm64 ]; then
		lay_out_arm64 "$root"
	else
		bin=$(pick_pwru)
		install -m 0755 "$bin" "$root/usr/local/bin/pwru"
		if ldd "$bin" >/dev/null 2>&1; then
			copy_libraries "$bin" "$root"
		fi
		install -m 0755 "$(command -v busybox)" "$root/bin/busybox"
	fi
	# the same Debian busybox-static on both: the host's lists the applets
	for a in $(busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
	done
	# Port and protocol names in pcap filters ("tcp port http").
	for a in services protocols; do
		[ -e "/etc/$a" ] && cp "/etc/$a" "$root/etc/$a"
	done
	[ "$arch" = arm64 ] || echo "build-image: $root: pwru from $bin"
}

# add_image LAYOUT REF [ARCH]: one image (ARCH's files, ARCH in its config)
add_image() {
	local layout=$1 ref=$2 arch=${3:-} bundle version
	bundle=$work/bundle-$ref
	umoci new --image "$layout:$ref" >/dev/null
	umoci unpack --rootless --image "$layout:$ref" "$bundle" >/dev/null
	lay_out_rootfs "$bundle/rootfs" "$arch"
	umoci repack --image "$layout:$ref" "$bundle" >/dev/null
	version=$(git -C "$here" describe --always --dirty 2>/dev/null || echo unknown)
	umoci config --image "$layout:$ref" ${arch:+--architecture "$arch" --os linux} \
		--config.entrypoint /usr/local/bin/pwru \
		--config.env PATH=/usr/local/bin:/bin \
		--config.workingdir / \
		--config.label org.opencontainers.image.title=pwru \
		--config.label "org.opencontainers.image.version=$version" \
		--config.label "org.opencontainers.image.description=pwru: where packets go in the Linux kernel" \
		>/dev/null
}

build_archive() {
	local out=$1 layout
	command -v umoci >/dev/null || die "umoci not found (Debian: umoci)"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	layout=$work/layout
	umoci init --layout "$layout" >/dev/null
	add_image "$layout" "$TAG"
	umoci gc --layout "$layout"
	write_archive "$layout" "$out"
}

# One OCI image index (TAG) whose manifests are the amd64 and the arm64
# image, each with its platform: what a registry calls a multi-arch image.
# umoci makes the two images; the index blob is written here (umoci has no
# command for it) and becomes the layout's only reference.
build_multiarch() {
	local out=$1 layout
	command -v umoci >/dev/null || die "umoci not found (Debian: umoci)"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	layout=$work/layout
	umoci init --layout "$layout" >/dev/null
	add_image "$layout" "$TAG-amd64" amd64
	add_image "$layout" "$TAG-arm64" arm64
	umoci gc --layout "$layout"
	python3 - "$layout" "$TAG" <<-'PY' || die "writing the image index failed"
	import hashlib, json, os, sys
	layout, tag = sys.argv[1:]
	top = json.load(open(os.path.join(layout, "index.json")))
	manifests = []
	for d in top["manifests"]:
	    ref = d["annotations"]["org.opencontainers.image.ref.name"]
	    arch = ref.rsplit("-", 1)[1]
	    manifests.append({"mediaType": d["mediaType"], "digest": d["digest"], "size": d["size"],
	                      "platform": {"architecture": arch, "os": "linux"}})
	manifests.sort(key=lambda m: m["platform"]["architecture"])
	blob = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
	                   "manifests": manifests}, separators=(",", ":")).encode()
	digest = hashlib.sha256(blob).hexdigest()
	open(os.path.join(layout, "blobs", "sha256", digest), "wb").write(blob)
	top["manifests"] = [{"mediaType": "application/vnd.oci.image.index.v1+json",
	                     "digest": "sha256:" + digest, "size": len(blob),
	                     "annotations": {"org.opencontainers.image.ref.name": tag}}]
	json.dump(top, open(os.path.join(layout, "index.json"), "w"))
	PY
	write_archive "$layout" "$out"
}

write_archive() {
	local layout=$1 out=$2
	mkdir -p "$(dirname "$out")"
	tar -C "$layout" -cf "$out.tmp" . && mv "$out.tmp" "$out"
	echo "build-image: wrote $out (tag $TAG)"
}

case ${1:-} in
--rootfs)
	[ $# -eq 2 ] || die "usage: $0 --rootfs DIR"
	lay_out_rootfs "$2"
	;;
--multiarch)
	[ $# -eq 2 ] || die "usage: $0 --multiarch OUTPUT.tar"
	build_multiarch "$2"
	;;
-h|--help)
	sed -n '2,19p' "$0"
	;;
*)
	build_archive "${1:-$OUT/pwru-image.tar}"
	;;
esac
