#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Starts a private containerd under DIR (default: a new temp dir) and prints
# the environment to use it: eval "$(tests/cri/containerd-up.sh)".
# Stop it with tests/cri/containerd-down.sh DIR.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/containerd-lib.sh"
dir=${1:-$(mktemp -u /tmp/pwru-cri.XXXXXX)}
if ! cri_up "$dir"; then
	cri_down "$dir"
	exit 1
fi
printf 'export CRI_DIR=%q CRI_SOCK=%q CRI_EP=%q CRI_IMAGE=%q CRI_BRIDGE=%q CRI_SUBNET=%q\n' \
	"$CRI_DIR" "$CRI_SOCK" "$CRI_EP" "$CRI_IMAGE" "$CRI_BRIDGE" "$CRI_SUBNET"
