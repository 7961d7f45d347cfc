#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the pwru container image without a container engine or registry.
#
#   scripts/build-image.sh [OUTPUT.tar]   OCI image archive (default $OUT/pwru-image.tar)
#                                         from the pwru built here, with umoci
#   scripts/build-image.sh --rootfs DIR   only lay out the image's files in DIR
#                                         (the Containerfile's build stage uses this)
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

lay_out_rootfs() {
	local root=$1 bin a
	bin=$(pick_pwru)
	mkdir -p "$root/usr/local/bin" "$root/bin" "$root/etc" "$root/tmp" "$root/host"
	chmod 1777 "$root/tmp"
	install -m 0755 "$bin" "$root/usr/local/bin/pwru"
	if ldd "$bin" >/dev/null 2>&1; then
		copy_libraries "$bin" "$root"
	fi
	command -v busybox >/dev/null || die "busybox not found (Debian: busybox-static)"
	install -m 0755 "$(command -v busybox)" "$root/bin/busybox"
	for a in $(busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
	done
	# Port and protocol names in pcap filters ("tcp port http").
	for a in services protocols; do
		[ -e "/etc/$a" ] && cp "/etc/$a" "$root/etc/$a"
	done
	echo "build-image: $root: pwru from $bin"
}

build_archive() {
	local out=$1 layout bundle version
	command -v umoci >/dev/null || die "umoci not found (Debian: umoci)"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	layout=$work/layout bundle=$work/bundle
	umoci init --layout "$layout" >/dev/null
	umoci new --image "$layout:$TAG" >/dev/null
	umoci unpack --rootless --image "$layout:$TAG" "$bundle" >/dev/null
	lay_out_rootfs "$bundle/rootfs"
	umoci repack --image "$layout:$TAG" "$bundle" >/dev/null
	version=$(git -C "$here" describe --always --dirty 2>/dev/null || echo unknown)
	umoci config --image "$layout:$TAG" \
		--config.entrypoint /usr/local/bin/pwru \
		--config.env PATH=/usr/local/bin:/bin \
		--config.workingdir / \
		--config.label org.opencontainers.image.title=pwru \
		--config.label "org.opencontainers.image.version=$version" \
		--config.label "org.opencontainers.image.description=pwru: where packets go in the Linux kernel" \
		>/dev/null
	umoci gc --layout "$layout"
	mkdir -p "$(dirname "$out")"
	tar -C "$layout" -cf "$out.tmp" . && mv "$out.tmp" "$out"
	echo "build-image: wrote $out (tag $TAG)"
}

case ${1:-} in
--rootfs)
	[ $# -eq 2 ] || die "usage: $0 --rootfs DIR"
	lay_out_rootfs "$2"
	;;
-h|--help)
	sed -n '2,14p' "$0"
	;;
*)
	build_archive "${1:-$OUT/pwru-image.tar}"
	;;
esac
