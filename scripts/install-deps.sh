#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Installs every build and test dependency from Debian's packages.
# A line 'pkg?cmd' installs pkg only when cmd is missing.
# Each area of the project lists its packages in scripts/deps/*.txt.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pkgs=$(cat "$here"/deps/*.txt | sed 's/#.*//' | tr -s ' \n' '\n' | sort -u | tr '\n' ' ')
missing=""
for p in $pkgs; do
	# "pkg?cmd": install pkg only when no cmd is on PATH (kubectl may come from elsewhere)
	case $p in *\?*) command -v "${p#*\?}" >/dev/null 2>&1 && continue; p=${p%%\?*} ;; esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && { echo "install-deps: all packages present"; exit 0; }
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing
