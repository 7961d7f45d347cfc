#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make test` suite: scripts/build-image.sh --multiarch makes one OCI index
# holding an amd64 and an arm64 image; each image's config names its
# platform, its pwru is an executable for that machine, and every library
# that pwru loads (and the loader) is inside that image.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-build}
case $out in /*) ;; *) out=$top/$out ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
. "$top/tests/vm/elf-libs.sh"

check() {
	local name=$1 expected=$2 saw=$3
	shift 3
	if "$@"; then echo "PASS: image-multiarch $name"; else
		echo "FAIL: image-multiarch $name - expected $expected, saw $saw"
		failed=$((failed + 1))
	fi
}

if ! OUT=$out "$top/scripts/build-image.sh" --multiarch "$work/image.tar" >"$work/build.log" 2>&1; then
	echo "FAIL: image-multiarch build - expected an archive, saw: $(tail -n 1 "$work/build.log")"
	exit 1
fi
mkdir "$work/l"
tar -C "$work/l" -xf "$work/image.tar"
blob() { echo "$work/l/blobs/sha256/${1#sha256:}"; }
top_type=$(jq -r '.manifests[0].mediaType' "$work/l/index.json")
check index "one image index under the tag" "$top_type" [ "$top_type" = application/vnd.oci.image.index.v1+json ]
idx=$(blob "$(jq -r '.manifests[0].digest' "$work/l/index.json")")
platforms=$(jq -r '[.manifests[].platform.architecture] | join(" ")' "$idx" 2>/dev/null)
check platforms "'amd64 arm64'" "'$platforms'" [ "$platforms" = "amd64 arm64" ]

for arch in amd64 arm64; do
	m=$(blob "$(jq -r --arg a $arch '.manifests[] | select(.platform.architecture == $a) | .digest' "$idx")")
	cfg_arch=$(jq -r '.architecture' "$(blob "$(jq -r .config.digest "$m")")")
	check "$arch-config" "architecture $arch" "$cfg_arch" [ "$cfg_arch" = $arch ]
	root=$work/root-$arch
	mkdir -p "$root"
	for layer in $(jq -r '.layers[].digest' "$m"); do tar -C "$root" -xzf "$(blob "$layer")" 2>/dev/null; done
	want=$([ $arch = arm64 ] && echo AArch64 || echo X86-64)
	machine=$(readelf -h "$root/usr/local/bin/pwru" 2>/dev/null | sed -n 's/.*Machine: *//p')
	check "$arch-pwru" "pwru for $want" "'$machine'" grep -q -- "$want" <<<"$machine"
	missing=$(elf_libs "$root" "$root/usr/local/bin/pwru" 2>&1 >/dev/null | head -n 1)
	check "$arch-libraries" "every library pwru needs in the image" "'$missing'" [ -z "$missing" ]
done
[ $failed -eq 0 ]
