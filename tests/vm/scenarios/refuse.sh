#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A backend this kernel cannot run (kprobe-multi before 5.18) must make pwru
# exit non-zero at once with a reason that names the backend, not hang or
# fall back silently.
# Env: BACKEND (default kprobe-multi), EXPECT_WHY (a regex the reason must
#      match, e.g. 'needs 5.15' for kprobe on 5.10)
set -eu
. scenario-lib.sh

BACKEND=${BACKEND:-kprobe-multi}
command -v pwru >/dev/null || { fail pwru-present "expected pwru on PATH, saw none"; finish; exit; }
timeout 120 pwru --backend "$BACKEND" --filter-func '^ip_rcv$' 'host 198.18.0.2' \
	>"$PWRU_OUT" 2>"$PWRU_ERR" && rc=0 || rc=$?
msg=$(head -n 3 "$PWRU_ERR" | tr '\n' ' ')
check exit-status "a non-zero exit other than 124 (timeout)" "$rc" [ "$rc" -ne 0 -a "$rc" -ne 124 ]
check reason "an error naming $BACKEND" "'$msg'" grep -q -- "$BACKEND" "$PWRU_ERR"
[ -z "${EXPECT_WHY:-}" ] ||
	check why "a reason matching '$EXPECT_WHY'" "'$msg'" grep -Eq -- "$EXPECT_WHY" "$PWRU_ERR"
check no-listening "no 'Listening for events'" "'$msg'" bash -c "! grep -q 'Listening for events' '$PWRU_ERR'"
finish
