# SPDX-License-Identifier: GPL-2.0
# What every e2e suite starts with: source it first thing,
#   . "$(dirname "$0")/prelude.sh"
# It moves to the top of the tree, finds pwru ($PWRU, default ./pwru), loads
# the netns and assertion helpers, and makes $WORK, a scratch directory that
# goes away with the namespaces on exit. Ctrl-C ends the suite (exit 130).
set -u
cd "$(dirname "$0")/../.."
PWRU=${PWRU:-$PWD/pwru}
. tests/lib/netns.sh
. tests/e2e/lib.sh

WORK=$(mktemp -d)
trap 'netns_pair_down; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
