# SPDX-License-Identifier: GPL-2.0
# End-to-end tests on this host (tracepoint backend), real traffic in netns.
TEST_SUITES += tests/e2e/run.sh
TEST_SUITES += tests/e2e/cmdline.sh
TEST_SUITES += tests/e2e/tunnel.sh
TEST_SUITES += tests/e2e/pcapng.sh
TEST_SUITES += tests/e2e/dumps.sh
TEST_SUITES += tests/e2e/stackid.sh
# an skb built by the kernel from a received frame (test_tuple_before_network_header)
TEST_DEPS += $(OUT)/tests/bench/xdp_gen
