#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packages kubectl-pwru for krew: one archive per platform and
# OUT_DIR/pwru.yaml, plugins/krew/pwru.yaml with the version and each
# platform's uri and sha256 filled in.
#
#   k8s/krew-package.sh OUT_DIR VERSION URL_BASE ARCH=BINARY...
#   (make krew does: build/krew $(KREW_VERSION) $(KREW_URL)
#    amd64=build/kubectl-pwru arm64=build-arm64/kubectl-pwru)
#
# Every binary must be a statically linked Linux executable of its ARCH: a
# bastion host gets no libcjson.so nor a chosen glibc. Upload
# OUT_DIR/kubectl-pwru-linux-ARCH.tar.gz to URL_BASE/, then publish
# OUT_DIR/pwru.yaml. A platform not given keeps its entry as it is.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 OUT_DIR VERSION URL_BASE ARCH=BINARY..." >&2; exit 2; }
out=$1 version=$2 url=${3%/}
shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$here/plugins/krew/pwru.yaml" "$stage/pwru.yaml"

for pair in "$@"; do
	arch=${pair%%=*} bin=${pair#*=}
	case $arch in
	amd64) machine=x86-64 ;;
	arm64) machine=aarch64 ;;
	*) echo "krew-package: no krew platform $arch (amd64, arm64)" >&2; exit 1 ;;
	esac
	desc=$(file -b "$bin")
	case $desc in
	*ELF*"$machine"*"statically linked"*) ;;
	*) echo "krew-package: $bin is not a static $arch executable: $desc" >&2; exit 1 ;;
	esac
	archive=kubectl-pwru-linux-$arch.tar.gz
	rm -rf "${stage:?}/bin" && mkdir "$stage/bin"
	install -m 0755 "$bin" "$stage/bin/kubectl-pwru"
	# Fixed owner and time: the same binary gives the same archive and checksum.
	tar -C "$stage/bin" --owner=0 --group=0 --mtime=@0 -cf - kubectl-pwru | gzip -n >"$out/$archive"
	sha=$(sha256sum "$out/$archive" | cut -d' ' -f1)
	python3 - "$stage/pwru.yaml" "$version" "$url/$archive" "$sha" "$arch" <<'PY'
import re, sys
path, version, uri, sha, arch = sys.argv[1:]
text = open(path).read()
text = re.sub(r"(?m)^(  version: ).*$", r"\g<1>" + version, text)
# The platform block of this arch: its uri line, then its sha256 line.
block = re.compile(r"(arch: %s\n\s+uri: )\S+(\n\s+sha256: )\"[0-9a-f]*\"" % re.escape(arch))
text, n = block.subn(lambda m: m.group(1) + uri + m.group(2) + '"%s"' % sha, text)
if n != 1:
    sys.exit("krew-package: no platform entry for arch %s" % arch)
open(path, "w").write(text)
PY
	echo "krew-package: $out/$archive ($sha)"
done
cp "$stage/pwru.yaml" "$out/pwru.yaml"
echo "krew-package: $out/pwru.yaml"
