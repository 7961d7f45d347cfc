# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest suites (tests/vm/suite, tests/pcap/vm.sh,
# tests/expr/vm.sh) with the build directory as $1: picks PWRU_STATIC, the
# pwru the guests run, when the caller did not name one: $1/pwru-static,
# else $PWRU, else $1/pwru (those two with their shared libraries, which
# tests/vm/run copies). Exported only when it is an executable: without one
# each scenario fails its own "pwru-present" check, which is the truth.
if [ -z "${PWRU_STATIC:-}" ]; then
	for p in "$1/pwru-static" "${PWRU:-}" "$1/pwru"; do
		[ -x "$p" ] && { PWRU_STATIC=$p; break; }
	done
fi
if [ -n "${PWRU_STATIC:-}" ] && [ -x "$PWRU_STATIC" ]; then export PWRU_STATIC; else unset PWRU_STATIC; fi
