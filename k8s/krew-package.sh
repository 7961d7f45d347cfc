#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packages kubectl-pwru for krew: the archive for this machine's architecture
# and plugins/krew/pwru.yaml with that platform's uri and sha256 filled in.
#
#   k8s/krew-package.sh BINARY OUT_DIR VERSION URL_BASE
#   (make krew does: build/kubectl-pwru build/krew $(VERSION) $(KREW_URL))
#
# Upload OUT_DIR/kubectl-pwru-linux-ARCH.tar.gz to URL_BASE/, then publish
# OUT_DIR/pwru.yaml. Other architectures keep their entries as they are until
# packaged on a machine of theirs.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 BINARY OUT_DIR VERSION URL_BASE" >&2; exit 2; }
bin=$1 out=$2 version=$3 url=${4%/}
here=$(cd "$(dirname "$0")/.." && pwd)
case $(uname -m) in
x86_64) arch=amd64 ;;
aarch64) arch=arm64 ;;
*) echo "krew-package: no krew platform for $(uname -m)" >&2; exit 1 ;;
esac
archive=kubectl-pwru-linux-$arch.tar.gz

mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -m 0755 "$bin" "$stage/kubectl-pwru"
# Fixed owner and time: the same binary gives the same archive and checksum.
tar -C "$stage" --owner=0 --group=0 --mtime=@0 -cf - kubectl-pwru | gzip -n > "$out/$archive"
sha=$(sha256sum "$out/$archive" | cut -d' ' -f1)

python3 - "$here/plugins/krew/pwru.yaml" "$out/pwru.yaml" "$version" "$url/$archive" "$sha" "$arch" <<'PY'
import re, sys
src, dst, version, uri, sha, arch = sys.argv[1:]
text = open(src).read()
text = re.sub(r"(?m)^(  version: ).*$", r"\g<1>" + version, text)
# The platform block of this arch: its uri line, then its sha256 line.
block = re.compile(r"(arch: %s\n\s+uri: )\S+(\n\s+sha256: )\"[0-9a-f]*\"" % re.escape(arch))
text, n = block.subn(lambda m: m.group(1) + uri + m.group(2) + '"%s"' % sha, text)
if n != 1:
    sys.exit("krew-package: no platform entry for arch %s in %s" % (arch, src))
open(dst, "w").write(text)
PY
echo "krew-package: $out/$archive ($sha), $out/pwru.yaml"
