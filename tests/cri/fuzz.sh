#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Suite: the libFuzzer targets for the gRPC frame decoder and the CRI
# protobuf decoding, each for CRI_FUZZ_SECONDS (default 20) from a small
# seed corpus. A crash fails the suite and leaves the input in
# $OUT/tests/cri/fuzz-artifacts/.
set -u
OUT=${OUT:-build}
secs=${CRI_FUZZ_SECONDS:-20}
dir=$OUT/tests/cri
art=$dir/fuzz-artifacts
work=$(mktemp -d /tmp/pwru-crifuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$art"
failed=0

seed() { printf "$2" > "$work/$1/seed-$3"; }

mkdir -p "$work/fuzz_grpc_frame" "$work/fuzz_cri_proto"
seed fuzz_grpc_frame '\x03\x00\x00\x00\x00\x04\x0a\x02v1' 1
seed fuzz_grpc_frame '\x01grpc-status: 5\ngrpc-message: a%%20b\nHTTP/2 200\n' 2
seed fuzz_cri_proto '\x00\x0a\x02v1\x12\x0acontainerd' 1
seed fuzz_cri_proto '\x02\x0a\x05\x0a\x03sb1\x12\x1b\x0a\x04info\x12\x13{"pid": 42, "x": 1}' 2
seed fuzz_cri_proto '\x01\x0a\x12\x0a\x03sb1\x12\x0b\x0a\x01a\x12\x02u1\x1a\x02ns' 3

for f in fuzz_grpc_frame fuzz_cri_proto; do
	bin=$dir/$f
	if [ ! -x "$bin" ]; then
		echo "FAIL: $f runs ${secs}s without a crash - $bin is not built"
		failed=1
		continue
	fi
	log=$work/$f.log
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
		-artifact_prefix="$art/$f-" "$work/$f" > "$log" 2>&1; then
		runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1)
		echo "PASS: $f runs ${secs}s without a crash (${runs:-done})"
	else
		echo "FAIL: $f runs ${secs}s without a crash - expected no crash, saw: $(grep -m1 -E 'ERROR|SUMMARY' "$log")"
		grep -A3 -m1 'Test unit written' "$log" | sed 's/^/# /'
		failed=1
	fi
done
exit $failed
