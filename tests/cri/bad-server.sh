#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Suite: the CRI client against a runtime that misbehaves (fake-cri).
OUT=${OUT:-build}
exec "$OUT/tests/cri/cri-bad-server" "$OUT/tests/cri/fake-cri"
