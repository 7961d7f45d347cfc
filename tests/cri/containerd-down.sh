#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Removes the pods, stops containerd and deletes DIR (see containerd-up.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/containerd-lib.sh"
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
cri_down "$1"
